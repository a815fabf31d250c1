// One search of one scope: fast-check generates runs, and every failure whose finding (its signature,
// what went wrong: src/findings/identity.ts, and its catalogued name) has not been seen before is
// shrunk on the spot and kept; a failure of a finding already found is counted, not shrunk again; generation goes on to the
// end of the run budget, so one search reports every distinct defect it meets. A catalogued
// finding, once found, is set aside (its triggering steps are no longer sent) so that the defects
// behind it can be reached. Shrinking stays on the finding being shrunk: a shrink step that fails
// another way counts as passing, so a counterexample of one defect never slips into another's.
// Statistics and scenario labels are gathered over the generated runs, not the shrink attempts.
// Every part of the search is bounded: generation by the run budget and the deadline, shrinking
// of each finding by its own share of time and probes, and always by the deadline; a finding whose
// shrinking was cut short says so and is kept, replayable, at the length it reached.
import fc from 'fast-check';
import type { FrameModel, FrameStatus } from '../../models/index.js';
import { generatedRun, type GeneratedRun } from '../../properties/commands/index.js';
import { findingById, KNOWN_FINDINGS, type KnownFinding } from '../../properties/findings.js';
import type { Label } from '../../properties/labels.js';
import type { Scope } from '../../properties/scope.js';
import { identifyFailure, modelBefore, type FindingIdentity } from '../findings/identity.js';
import type { AllocatorTarget, ConcreteStep, FrameRange } from '../targets/target.js';
import type { Step } from '../targets/step.js';
import { touchedFrame } from '../targets/touched-frame.js';
import { runGenerated, runSteps, type RunConfig, type RunResult, type RunViolation, type StepRecord } from './lockstep.js';
import { minimizeSteps, type ShrinkBudget } from './minimize.js';
import type { HowGenerated, RunObserver } from '../observations/run-observer.js';

/** The most time one finding's shrinking may take, whatever budget is left. */
export const SHRINK_TIME_PER_FINDING_MS = 30_000;
/** The most predicate runs one finding's shrinking may take (fast-check's shrinking and the minimiser together). */
export const SHRINK_PROBES_PER_FINDING = 20_000;

export interface SearchConfig {
  readonly scope: Scope;
  readonly target: AllocatorTarget;
  readonly newModel: () => FrameModel;
  /** Catalogued findings set aside from the start; each catalogued finding found is added. */
  readonly setAside: readonly KnownFinding[];
  readonly seed: number;
  readonly numRuns: number;
  /** When the search must end, shrinking included (a time from `now`). */
  readonly deadline?: number;
  /** The clock deadlines are read on (tests drive it by hand). */
  readonly now?: () => number;
  /** Differential mode: the allocator that judges the target instead of the model. */
  readonly reference?: AllocatorTarget;
  /** Called after every generated run (not shrink attempts), for progress output. */
  readonly onRun?: (stats: SearchStats) => void;
  /** Called while a finding shrinks: the length of the smallest failing run so far. */
  readonly onShrink?: (progress: ShrinkProgress) => void;
  /** Called as each new finding is shrunk, so that its counterexample can be written at once. */
  readonly onFinding?: (failure: FoundFailure, stats: SearchStats) => void;
  /** Stop at the first finding (a question of pass or fail, as mutation testing asks), not at the end of the runs. */
  readonly stopAtFirstFinding?: boolean;
  /** Told of every run: generated, shrink attempts, the counterexample's replay (statistics, observations). */
  readonly observer?: RunObserver;
}

/** Hands a run to the search's observer: how it came about, the finding it shows, the one being shrunk. */
type Observe = (how: HowGenerated, result: RunResult, begun: number, findingId: string | undefined, shrinking?: string) => void;

export interface ShrinkProgress {
  readonly signature: string;
  readonly probes: number;
  readonly steps: number;
}

export interface SearchStats {
  runs: number;
  steps: number;
  skipped: number;
  setAside: number;
  /** Failing runs whose signature was already found: counted, not shrunk again. */
  repeats: number;
  /** Runs that reached each scenario. */
  readonly labelRuns: Map<Label, number>;
}

export const emptyStats = (): SearchStats => ({ runs: 0, steps: 0, skipped: 0, setAside: 0, repeats: 0, labelRuns: new Map() });

export interface FoundFailure {
  readonly identity: FindingIdentity;
  readonly violation: RunViolation;
  readonly seed: number;
  /** fast-check's path of the shrunk run (`<run>:<shrink>…`). */
  readonly path: string;
  readonly shrinks: number;
  /** Failing runs with this signature, the first included. */
  occurrences: number;
  /** The time or probe budget ran out before shrinking reached a fixed point. */
  readonly shrinkCutShort: boolean;
  /** How long shrinking took (fast-check's shrinking, the minimiser and the final replay). */
  shrinkMs?: number;
  /** The shrunk run, step by step, up to and including the first diverging step. */
  readonly trace: readonly StepRecord[];
  /** The frame map right after the first diverging step, for the report's picture. */
  readonly frameMap: FrameMapSnapshot;
}

/** Frame statuses as runs [start, end) of one status, the way a report draws the frame map. */
export interface FrameMapSnapshot {
  readonly maxFrames: number;
  /** The model's view: every frame below capacity in exactly one run. */
  readonly model: readonly { readonly start: number; readonly end: number; readonly status: FrameStatus }[];
  /** The allocator's bitmap: its free frames. */
  readonly allocatorFree: readonly FrameRange[];
  /** The frame the diverging step touched, if it names one. */
  readonly frame?: number;
}

export interface SearchResult {
  readonly stats: SearchStats;
  /** Every distinct finding, in the order found. */
  readonly failures: readonly FoundFailure[];
  /** The deadline stopped generation before numRuns runs. */
  readonly interrupted: boolean;
}

/**
 * The frame map of a failing run right after its first diverging step: the model's promise (the
 * diverging step applied when the model allows its result) beside the allocator's bitmap, which
 * stopped there. Call straight after the run, before the target runs anything else.
 */
export function frameMapOf(result: RunResult, target: AllocatorTarget, newModel: () => FrameModel): FrameMapSnapshot {
  const index = result.violation?.stepIndex ?? null;
  const model = modelBefore(result, index ?? result.executedSteps.length, newModel);
  const diverging = index === null ? undefined : result.executedSteps[index];
  if (diverging !== undefined && model.accepts(diverging.concrete, diverging.outcome)) model.apply(diverging.concrete, diverging.outcome);
  const frame = diverging === undefined ? undefined : touchedFrame(diverging.concrete, diverging.outcome, model.maxFrames);
  return {
    maxFrames: model.maxFrames,
    model: model.statusRuns(),
    // Before init the bitmap means nothing; a target that crashed or hung has none left to show.
    allocatorFree: !model.initialized || result.violation?.property === 'target-responds' ? [] : target.freeRanges(),
    ...(frame !== undefined && { frame }),
  };
}

export function search(config: SearchConfig): SearchResult {
  const now = config.now ?? Date.now;
  const setAside = [...config.setAside];
  const runConfig: RunConfig = { target: config.target, newModel: config.newModel, setAside, trace: false, ...(config.reference !== undefined && { reference: config.reference }) };
  const stats = emptyStats();
  const found = new Map<string, FoundFailure>();
  let runIndex = -1;
  let outOfTime = false;
  let stopped = false;
  const timedConfig: RunConfig = { ...runConfig, timed: true };
  let runsMade = 0;
  // The time between two runs is fast-check making the next one (generating it or a shrink of it).
  let lastRunEnd = performance.now();
  const observe: Observe = (how, result, begun, findingId, shrinking) => {
    if (config.observer === undefined) return;
    config.observer.onRun({ scope: config.scope.name, maxFrames: config.scope.maxFrames, how, result, ...(findingId !== undefined && { findingId }), ...(shrinking !== undefined && { shrinking }), generationMs: how === 'generated' || how === 'shrunk' ? Math.max(0, begun - lastRunEnd) : 0, runMs: performance.now() - begun });
    // The observer's own time is nobody's generation.
    lastRunEnd = performance.now();
  };

  const property = fc.property(generatedRun(config.scope), (run) => {
    runIndex++;
    if (stopped) return true;
    // Past the deadline every remaining run "passes" unrun: fast-check's own time limit cannot
    // see an injected clock, and a run cut off here is never counted.
    if (outOfTime || (config.deadline !== undefined && now() >= config.deadline)) {
      outOfTime = true;
      return true;
    }
    const begun = performance.now();
    const timed = config.observer !== undefined && runsMade++ % (config.observer.timeEvery ?? 1) === 0;
    const result = runGenerated(timed ? timedConfig : runConfig, run);
    tally(stats, result);
    config.onRun?.(stats);
    const identity = result.violation === undefined ? undefined : identifyFailure(result, config.newModel);
    observe('generated', result, begun, identity?.id);
    if (identity === undefined) return true;
    const already = found.get(identityKey(identity));
    if (already !== undefined) {
      already.occurrences++;
      stats.repeats++;
      return true;
    }
    const shrinkStarted = now();
    const failure = { ...shrinkFailure(config, runConfig, runIndex, identity, now, observe), shrinkMs: 0 };
    failure.shrinkMs = now() - shrinkStarted;
    found.set(identityKey(identity), failure);
    config.onFinding?.(failure, stats);
    const known = findingById(failure.identity.id);
    if (known !== undefined && !setAside.includes(known)) setAside.push(known);
    if (config.stopAtFirstFinding === true) stopped = true;
    return true;
  });
  // On the real clock fast-check also stops generating at the deadline (not only running), so a
  // soak of a million runs does not spend its last seconds generating runs it will not make.
  const stopGenerating = config.deadline !== undefined && config.now === undefined ? { interruptAfterTimeLimit: Math.max(1, config.deadline - Date.now()), markInterruptAsFailure: false } : {};
  const details = fc.check(property, { seed: config.seed, numRuns: config.numRuns, ...stopGenerating });
  if (details.interrupted) outOfTime = true;
  return { stats, failures: [...found.values()], interrupted: outOfTime && stats.runs < config.numRuns };
}

/**
 * Two failures are one finding when they have one signature and one name: catalogued seed findings
 * can share a signature (several init defects all leave the counters above the model), and each is
 * kept, and shrunk, apart.
 */
const identityKey = (identity: FindingIdentity): string => `${identity.id} ${identity.signature}`;

/**
 * Shrinks the failing run `runIndex` of the search's seed, staying on its signature: fast-check's
 * shrinking of the generated commands, then the minimiser over the recorded steps, both within the
 * finding's share of the budget.
 */
function shrinkFailure(config: SearchConfig, runConfig: RunConfig, runIndex: number, identity: FindingIdentity, now: () => number, observe: Observe): FoundFailure {
  const limit = Math.min(now() + SHRINK_TIME_PER_FINDING_MS, config.deadline ?? Number.POSITIVE_INFINITY);
  const budget: ShrinkBudget = { deadline: limit, probesLeft: SHRINK_PROBES_PER_FINDING, now, cutShort: false };
  const sameFailure = (result: RunResult): boolean => result.violation !== undefined && identityKey(identifyFailure(result, config.newModel)) === identityKey(identity);
  /** A shrink attempt, observed: does it still fail the same way? */
  const attempt = (result: RunResult, begun: number): boolean => {
    const shown = result.violation === undefined ? undefined : identifyFailure(result, config.newModel);
    observe('shrunk', result, begun, shown?.id, identity.id);
    return shown !== undefined && identityKey(shown) === identityKey(identity);
  };
  let smallest = Number.POSITIVE_INFINITY;
  const probe = (): boolean => {
    // Once cut short, fast-check's remaining candidates are refused without reading the clock.
    if (budget.cutShort || budget.probesLeft <= 0 || now() >= budget.deadline) {
      budget.cutShort = true;
      return false;
    }
    budget.probesLeft--;
    return true;
  };
  const shrinkProperty = fc.property(generatedRun(config.scope), (run) => {
    // Out of budget: every further candidate "passes", which ends fast-check's shrinking at once.
    if (!probe()) return true;
    const begun = performance.now();
    const result = runGenerated(runConfig, run);
    if (!attempt(result, begun)) return true;
    if (result.executed < smallest) {
      smallest = result.executed;
      config.onShrink?.({ signature: identity.signature, probes: SHRINK_PROBES_PER_FINDING - budget.probesLeft, steps: smallest });
    }
    return false;
  });
  const details = fc.check(shrinkProperty, { seed: config.seed, path: String(runIndex), numRuns: 1 });
  const path = details.counterexamplePath ?? String(runIndex);
  const shrinks = details.numShrinks;
  if (!details.failed || details.counterexample === null) {
    // Run again on its own, the failing run passed: the target is not deterministic.
    return nondeterministic(config, runConfig, [], path, shrinks, budget.cutShort);
  }
  const [shrunk] = details.counterexample as [GeneratedRun];
  const shrunkRun = runGenerated(runConfig, shrunk);
  if (!sameFailure(shrunkRun)) return nondeterministic(config, runConfig, shrunkRun.executedSteps.map(({ concrete }) => concrete), path, shrinks, budget.cutShort);

  // A candidate that would hang a native target (a hang-only finding triggers) cannot show another
  // finding: skip it instead of waiting out the step timeout on every such probe.
  const hangOnly = KNOWN_FINDINGS.filter((finding) => finding.onlyAsHang === true && finding.id !== identity.id);
  const wouldHang = (steps: readonly Step[]): boolean => {
    const model = config.newModel();
    return steps.some((step) => hangOnly.some((finding) => finding.triggeredBy(step as ConcreteStep, model)));
  };
  const stillFails = (steps: readonly Step[]): boolean => {
    if (wouldHang(steps)) return false;
    const begun = performance.now();
    return attempt(runSteps(runConfig, steps), begun);
  };
  const minimal = minimizeSteps(stepsUpToViolation(shrunkRun), stillFails, budget);
  const replayBegun = performance.now();
  const replayed = runSteps({ ...runConfig, trace: true }, minimal);
  observe('replayed', replayed, replayBegun, replayed.violation === undefined ? undefined : identity.id, identity.id);
  if (replayed.violation === undefined || replayed.trace === undefined) return nondeterministic(config, runConfig, minimal, path, shrinks, budget.cutShort);
  return {
    identity: identifyFailure(replayed, config.newModel),
    violation: replayed.violation,
    seed: config.seed,
    path,
    shrinks,
    occurrences: 1,
    shrinkCutShort: budget.cutShort,
    trace: replayed.trace,
    frameMap: frameMapOf(replayed, config.target, config.newModel),
  };
}

/**
 * The same steps failed once and pass when run again: the target is not deterministic (a data race,
 * uninitialised memory, state kept across reset). That is a finding against the target, reported
 * with the steps that failed.
 */
function nondeterministic(config: SearchConfig, runConfig: RunConfig, steps: readonly ConcreteStep[], path: string, shrinks: number, shrinkCutShort: boolean): FoundFailure {
  const traced = runSteps({ ...runConfig, trace: true }, steps);
  const violation: RunViolation = { property: 'target-responds', message: 'not deterministic: these steps failed once and passed when run again', shape: 'not deterministic', stepIndex: null };
  return {
    identity: { id: 'target-fault:nondeterministic', signature: 'target-responds @ end-of-run: not deterministic' },
    violation,
    seed: config.seed,
    path,
    shrinks,
    occurrences: 1,
    shrinkCutShort,
    trace: traced.trace ?? [],
    frameMap: frameMapOf({ ...traced, violation }, config.target, config.newModel),
  };
}

/** The executed steps of a failing run, up to its first diverging step (all of them for a bitmap failure). */
function stepsUpToViolation(result: RunResult): ConcreteStep[] {
  const end = result.violation?.stepIndex ?? result.executedSteps.length - 1;
  return result.executedSteps.slice(0, end + 1).map(({ concrete }) => concrete);
}

function tally(stats: SearchStats, result: RunResult): void {
  stats.runs++;
  stats.steps += result.executed;
  stats.skipped += result.skipped;
  stats.setAside += result.setAside;
  for (const label of result.labels) stats.labelRuns.set(label, (stats.labelRuns.get(label) ?? 0) + 1);
}
