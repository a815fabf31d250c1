// One search of one scope: fast-check generates runs until one breaks an invariant, then shrinks it.
// Two things fast-check does not do are done here: statistics and scenario labels are gathered over
// the generated runs (not the shrink attempts), and shrinking stays on the defect first found — a
// shrink step that fails for another reason counts as passing, so a counterexample of one finding
// never slips into a smaller counterexample of another.
import fc from 'fast-check';
import type { FrameModel, FrameStatus } from '../../models/index.js';
import { generatedRun, type GeneratedRun } from '../../properties/commands/index.js';
import { classify, KNOWN_FINDINGS, type KnownFinding } from '../../properties/findings.js';
import type { Label } from '../../properties/labels.js';
import type { Scope } from '../../properties/scope.js';
import type { AllocatorTarget, ConcreteStep, FrameRange } from '../targets/target.js';
import type { Step } from '../targets/step.js';
import { touchedFrame } from '../targets/touched-frame.js';
import { runGenerated, runSteps, type RunConfig, type RunResult, type RunViolation, type StepRecord } from './lockstep.js';
import { minimizeSteps } from './minimize.js';
import type { HowGenerated, RunObserver } from '../observations/run-observer.js';

export interface SearchConfig {
  readonly scope: Scope;
  readonly target: AllocatorTarget;
  readonly newModel: () => FrameModel;
  readonly setAside: readonly KnownFinding[];
  readonly seed: number;
  readonly numRuns: number;
  /** Stop generating after this long (the runs so far still count). */
  readonly timeLimitMs?: number;
  /** fast-check's replay path of a failure found earlier with the same seed. */
  readonly path?: string;
  /** Differential mode: the allocator that judges the target instead of the model. */
  readonly reference?: AllocatorTarget;
  /** Called after every generated run (not shrink attempts), for progress output. */
  readonly onRun?: (stats: SearchStats) => void;
  /** Told of every run: generated, shrink attempts, the counterexample's replay (statistics, observations). */
  readonly observer?: RunObserver;
}

export interface SearchStats {
  runs: number;
  steps: number;
  skipped: number;
  setAside: number;
  /** Runs that reached each scenario. */
  readonly labelRuns: Map<Label, number>;
}

export interface FoundFailure {
  /** A known finding's id, or `new:<property>:<op>` for a failure no known finding explains. */
  readonly findingId: string;
  readonly violation: RunViolation;
  readonly seed: number;
  readonly path: string;
  readonly shrinks: number;
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
  readonly failure?: FoundFailure;
  /** The time limit stopped generation before numRuns runs. */
  readonly interrupted: boolean;
}

/** The name of the defect a failing run shows: the known finding triggered at its first diverging step. */
export function nameFailure(result: RunResult, newModel: () => FrameModel): string {
  const violation = result.violation;
  if (violation === undefined) throw new Error('nameFailure() of a passing run');
  if (violation.property === 'targets-agree') return `differs:${violation.stepIndex === null ? 'free-frames' : result.executedSteps[violation.stepIndex]?.concrete.op ?? 'step'}`;
  if (violation.stepIndex === null) return `new:${violation.property}`;
  const model = replayModel(result, violation.stepIndex, newModel);
  const step = result.executedSteps[violation.stepIndex]?.concrete;
  if (step === undefined) throw new Error(`no step ${violation.stepIndex} in the run`);
  const hung = violation.property === 'target-responds' && violation.message.startsWith('timeout');
  const known = classify(step, model, hung)?.id;
  if (violation.property === 'target-responds') return known ?? `target-fault:${step.op}`;
  return known ?? `new:${violation.property}:${step.op}`;
}

/**
 * The frame map of a failing run right after its first diverging step: the model's promise (the
 * diverging step applied when the model allows its result) beside the allocator's bitmap, which
 * stopped there. Call straight after the run, before the target runs anything else.
 */
export function frameMapOf(result: RunResult, target: AllocatorTarget, newModel: () => FrameModel): FrameMapSnapshot {
  const index = result.violation?.stepIndex ?? null;
  const model = replayModel(result, index ?? result.executedSteps.length, newModel);
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

/** The model as it was before step `index` of a run (its own expectations never looked at). */
function replayModel(result: RunResult, index: number, newModel: () => FrameModel): FrameModel {
  const model = newModel();
  for (const { concrete, outcome } of result.executedSteps.slice(0, index)) model.apply(concrete, outcome);
  return model;
}

export function search(config: SearchConfig): SearchResult {
  const runConfig: RunConfig = { target: config.target, newModel: config.newModel, setAside: config.setAside, trace: false, ...(config.reference !== undefined && { reference: config.reference }) };
  const timedConfig: RunConfig = { ...runConfig, timed: true };
  let runsMade = 0;
  const stats: SearchStats = { runs: 0, steps: 0, skipped: 0, setAside: 0, labelRuns: new Map() };
  let shrinkingFinding: string | undefined;
  // The time between two runs is fast-check making the next one (generating it or a shrink of it).
  let lastRunEnd = performance.now();
  const observe = (how: HowGenerated, result: RunResult, begun: number, findingId = result.violation === undefined ? undefined : nameFailure(result, config.newModel)): string | undefined => {
    config.observer?.onRun({ scope: config.scope.name, maxFrames: config.scope.maxFrames, how, result, ...(findingId !== undefined && { findingId }), ...(shrinkingFinding !== undefined && { shrinking: shrinkingFinding }), generationMs: how === 'generated' || how === 'shrunk' ? Math.max(0, begun - lastRunEnd) : 0, runMs: performance.now() - begun });
    // The observer's own time is nobody's generation.
    lastRunEnd = performance.now();
    return findingId;
  };

  const property = fc.property(generatedRun(config.scope), (run) => {
    const begun = performance.now();
    const timed = config.observer !== undefined && runsMade++ % (config.observer.timeEvery ?? 1) === 0;
    const result = runGenerated(timed ? timedConfig : runConfig, run);
    if (shrinkingFinding === undefined) {
      tally(stats, result);
      config.onRun?.(stats);
    }
    const findingId = observe(shrinkingFinding === undefined ? 'generated' : 'shrunk', result, begun);
    if (findingId === undefined) return true;
    if (shrinkingFinding === undefined) shrinkingFinding = findingId;
    return findingId !== shrinkingFinding;
  });

  const details = fc.check(property, {
    seed: config.seed,
    numRuns: config.numRuns,
    ...(config.path !== undefined && { path: config.path }),
    ...(config.timeLimitMs !== undefined && { interruptAfterTimeLimit: config.timeLimitMs, markInterruptAsFailure: false }),
  });
  if (!details.failed || details.counterexample === null) return { stats, interrupted: details.interrupted };

  const [shrunk] = details.counterexample as [GeneratedRun];
  const shrunkRun = runGenerated(runConfig, shrunk);
  if (shrunkRun.violation === undefined) return { stats, interrupted: details.interrupted, failure: nondeterministic(config, runConfig, shrunkRun, details) };
  const findingId = nameFailure(shrunkRun, config.newModel);
  // A candidate that would hang a native target (a hang-only finding triggers) cannot show another
  // finding: skip it instead of waiting out the step timeout on every such probe.
  const hangOnly = KNOWN_FINDINGS.filter((finding) => finding.onlyAsHang === true && finding.id !== findingId);
  const wouldHang = (steps: readonly Step[]): boolean => {
    const model = config.newModel();
    return steps.some((step) => hangOnly.some((finding) => finding.triggeredBy(step as ConcreteStep, model)));
  };
  const stillFails = (steps: readonly Step[]): boolean => {
    if (wouldHang(steps)) return false;
    const begun = performance.now();
    const result = runSteps(runConfig, steps);
    return observe('shrunk', result, begun) === findingId;
  };
  const minimal = minimizeSteps(stepsUpToViolation(shrunkRun), stillFails);
  const replayBegun = performance.now();
  const replayed = runSteps({ ...runConfig, trace: true }, minimal);
  observe('replayed', replayed, replayBegun);
  if (replayed.violation === undefined || replayed.trace === undefined) {
    return { stats, interrupted: details.interrupted, failure: nondeterministic(config, runConfig, runSteps(runConfig, minimal), details) };
  }
  return {
    stats,
    interrupted: details.interrupted,
    failure: {
      findingId,
      violation: replayed.violation,
      seed: config.seed,
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
      trace: replayed.trace,
      frameMap: frameMapOf(replayed, config.target, config.newModel),
    },
  };
}

/**
 * The same steps failed once and pass when run again: the target is not deterministic (a data race,
 * uninitialised memory, state kept across reset). That is a finding against the target, reported
 * with the steps that failed.
 */
function nondeterministic(config: SearchConfig, runConfig: RunConfig, passing: RunResult, details: fc.RunDetails<[GeneratedRun]>): FoundFailure {
  const steps = passing.executedSteps.map(({ concrete }) => concrete);
  const traced = runSteps({ ...runConfig, trace: true }, steps);
  const violation: RunViolation = { property: 'target-responds', message: 'not deterministic: these steps failed once and passed when run again', stepIndex: null };
  return {
    findingId: 'target-fault:nondeterministic',
    violation,
    seed: config.seed,
    path: details.counterexamplePath ?? '',
    shrinks: details.numShrinks,
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
