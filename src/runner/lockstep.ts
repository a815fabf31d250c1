// One run in lockstep: every step goes to the allocator and to the model, and every invariant is
// checked after it; the whole bitmap is compared at the end. Generated runs (fast-check commands)
// and replayed runs (a counterexample file's recorded steps) go through the same executor.
import type { Expectation, FrameModel } from '../../models/index.js';
import type { StepExecutor } from '../../properties/commands/index.js';
import type { GeneratedRun } from '../../properties/commands/index.js';
import { classify, type KnownFinding } from '../../properties/findings.js';
import { checkBitmap, checkResult, checkState, formatRanges, outcomeShape, type InvariantId, type Violation } from '../../properties/invariants.js';
import { labelStep, type Label, type LabelMemory } from '../../properties/labels.js';
import type { Outcome, Step } from '../targets/step.js';
import { FRAME_RETURNING_OPS, formatOutcome } from '../targets/step-format.js';
import { TargetFault, type AllocatorTarget, type ConcreteStep, type StepReport } from '../targets/target.js';

/** One executed step, as a counterexample shows it. */
export interface StepRecord {
  /** As generated: a reference to an earlier frame stays a reference. */
  readonly step: Step;
  /** As sent to the allocator. */
  readonly concrete: ConcreteStep;
  readonly report: StepReport;
  /** What the model promised, in words and as data (for exported tests). */
  readonly promised: string;
  readonly expectation: Expectation;
  readonly modelFree: number;
  readonly modelTotal: number;
}

export interface RunViolation extends Omit<Violation, 'property'> {
  readonly property: InvariantId | 'target-responds' | 'targets-agree';
  /** Index of the first step where allocator and model differ; null for the end-of-run bitmap check. */
  readonly stepIndex: number | null;
  /** target-responds: how the target failed (a native driver's exit status and stderr tail). */
  readonly fault?: { readonly kind: TargetFault['fault']; readonly status?: string; readonly stderrTail?: readonly string[] };
}

/** A driver's words as plain text (its stderr may hold terminal escapes): a counterexample file must read back. */
const plain = (text: string, max: number): string => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').slice(0, max);

/** A fault as a counterexample keeps it: stderr lines as plain bounded text. */
const faultOf = (error: TargetFault): NonNullable<RunViolation['fault']> => ({
  kind: error.fault,
  ...(error.details.status !== undefined && { status: error.details.status }),
  ...(error.details.stderrTail !== undefined && { stderrTail: error.details.stderrTail.map((line) => plain(line, 500).replace(/[\n\t]/g, ' ')) }),
});

export interface RunResult {
  readonly violation?: RunViolation;
  readonly labels: ReadonlySet<Label>;
  readonly executed: number;
  /** Reference steps that found no handed-out frame yet: generated, never sent. */
  readonly skipped: number;
  /** Steps not sent because they trigger a finding set aside for this campaign. */
  readonly setAside: number;
  /** The same steps by the finding they would trigger (absent when none was set aside). */
  readonly setAsideBy?: ReadonlyMap<string, number>;
  /** The executed steps (concrete, with outcomes): what the model needs to reach any point of the run again. */
  readonly executedSteps: readonly { readonly concrete: ConcreteStep; readonly outcome: Outcome }[];
  readonly trace?: readonly StepRecord[];
  /** How full memory got: the largest share of usable frames not free after any step, by the model. */
  readonly peakUsedShare: number;
  /** Time inside the allocator's own calls, when the run was timed (the rest of the run is checking). */
  readonly executionMs?: number;
}

export interface RunConfig {
  readonly target: AllocatorTarget;
  readonly newModel: () => FrameModel;
  /** Known findings whose triggering steps are not sent, so that defects behind them can be found. */
  readonly setAside: readonly KnownFinding[];
  /** Record every step for a report (off while searching: only failing runs are re-run with it). */
  readonly trace: boolean;
  /**
   * Differential mode: a second allocator that judges the target instead of the model — every step
   * must give the same outcome, counters and frame bit on both, and the same free frames at the end.
   */
  readonly reference?: AllocatorTarget;
  /** Time the allocator's calls apart from the checking (two clock reads per step: only when observed). */
  readonly timed?: boolean;
}

class LockstepRun implements StepExecutor {
  private readonly model: FrameModel;
  private readonly handedOut: number[] = [];
  private readonly labels = new Set<Label>();
  /** The frames freed so far (for the frame-reused label): one object for the whole run. */
  private readonly memory: LabelMemory = { freed: new Set<number>() };
  private readonly executedSteps: { concrete: ConcreteStep; outcome: Outcome }[] = [];
  private readonly trace: StepRecord[] | undefined;
  private pending: ConcreteStep | undefined;
  private violation: RunViolation | undefined;
  private skipped = 0;
  private setAside = 0;
  private setAsideBy: Map<string, number> | undefined;
  private peakUsedShare = 0;
  private executionMs = 0;

  constructor(private readonly config: RunConfig) {
    config.target.reset();
    config.reference?.reset();
    this.model = config.newModel();
    this.trace = config.trace ? [] : undefined;
  }

  get stopped(): boolean {
    return this.violation !== undefined;
  }

  admits(step: Step): boolean {
    if (this.violation !== undefined) return false;
    const concrete = this.resolve(step);
    if (concrete === undefined) {
      this.skipped++;
      return false;
    }
    const setAsideFor = this.setAsideFor(concrete);
    if (setAsideFor !== undefined) {
      // Coverage measures what the generator reaches, so a step set aside still earns its labels.
      labelStep(concrete, this.model, SKIPPED, this.memory, this.labels);
      this.setAside++;
      this.setAsideBy ??= new Map();
      this.setAsideBy.set(setAsideFor.id, (this.setAsideBy.get(setAsideFor.id) ?? 0) + 1);
      return false;
    }
    this.pending = concrete;
    return true;
  }

  perform(step: Step): void {
    const concrete = this.pending ?? this.resolve(step);
    this.pending = undefined;
    if (concrete === undefined) throw new Error(`perform() without admits(): ${JSON.stringify(step)}`);
    const stepIndex = this.executedSteps.length;
    let report: StepReport;
    const started = this.config.timed === true ? performance.now() : 0;
    try {
      report = this.config.target.execute(concrete);
      if (this.config.timed === true) this.executionMs += performance.now() - started;
    } catch (error) {
      if (!(error instanceof TargetFault)) throw error;
      const outcome: Outcome = { kind: 'panic', message: plain(error.message, 8_000) };
      this.executedSteps.push({ concrete, outcome });
      // The step the target failed on is the last step of the counterexample, so that a replay sends
      // it again and meets the same fault; the counters shown are the model's (the target has none left).
      if (this.trace !== undefined) {
        const promised = this.config.reference !== undefined ? `${this.config.reference.name} answers` : this.model.describeExpectation(concrete);
        const expectation = this.config.reference !== undefined ? { kind: 'exact' as const, outcome: { kind: 'ok' as const } } : this.model.expectation(concrete);
        const counts = { free: this.model.freeCount(), total: this.model.totalCount() };
        this.trace.push({ step, concrete, report: { outcome, ...counts }, promised, expectation, modelFree: counts.free, modelTotal: counts.total });
      }
      this.violation = { property: 'target-responds', message: `${error.fault}: ${outcome.message}`, shape: `fault: ${error.fault}`, stepIndex, fault: faultOf(error) };
      return;
    }
    labelStep(concrete, this.model, report.outcome, this.memory, this.labels);
    if (this.config.reference !== undefined) {
      this.compareWithReference(step, concrete, report, this.config.reference, stepIndex);
      return;
    }
    const expectation = this.trace !== undefined ? this.model.expectation(concrete) : undefined;
    const promised = this.trace !== undefined ? this.model.describeExpectation(concrete) : '';
    let violation = checkResult(concrete, report, this.model);
    if (violation === undefined) {
      this.model.apply(concrete, report.outcome);
      violation = checkState(concrete, report, this.model);
    }
    this.executedSteps.push({ concrete, outcome: report.outcome });
    if (expectation !== undefined) this.trace?.push({ step, concrete, report, promised, expectation, modelFree: this.model.freeCount(), modelTotal: this.model.totalCount() });
    if (violation !== undefined) {
      this.violation = { ...violation, stepIndex };
      return;
    }
    this.remember(concrete, report.outcome);
  }

  /**
   * Set aside by name: a step that also triggers a finding of higher precedence is still sent. A
   * hang-only finding is set aside whenever it triggers (its steps would hang the target again).
   * Only set-aside findings are asked first, so a campaign without any pays nothing per step.
   */
  private setAsideFor(step: ConcreteStep): KnownFinding | undefined {
    if (this.config.setAside.length === 0) return undefined;
    const triggered = this.config.setAside.filter((finding) => finding.triggeredBy(step, this.model));
    if (triggered.length === 0) return undefined;
    const hang = triggered.find((finding) => finding.onlyAsHang === true);
    if (hang !== undefined) return hang;
    const named = classify(step, this.model);
    return named !== undefined && triggered.includes(named) ? named : undefined;
  }

  /** Differential mode: the reference allocator's answer is the promise. */
  private compareWithReference(step: Step, concrete: ConcreteStep, report: StepReport, reference: AllocatorTarget, stepIndex: number): void {
    let expected: StepReport;
    try {
      expected = reference.execute(concrete);
    } catch (error) {
      if (!(error instanceof TargetFault)) throw error;
      expected = { outcome: { kind: 'panic', message: `${reference.name} failed: ${error.message}` }, free: -1, total: -1 };
    }
    if (this.model.accepts(concrete, report.outcome)) this.model.apply(concrete, report.outcome);
    this.executedSteps.push({ concrete, outcome: report.outcome });
    const promised = `${reference.name}: ${formatOutcome(expected.outcome, concrete.op)}`;
    this.trace?.push({ step, concrete, report, promised, expectation: { kind: 'exact', outcome: expected.outcome }, modelFree: expected.free, modelTotal: expected.total });
    const difference = reportDifference(report, expected);
    if (difference !== undefined) {
      this.violation = { property: 'targets-agree', message: `${this.config.target.name} and ${reference.name} differ: ${difference.message}`, shape: difference.shape, stepIndex };
      return;
    }
    this.remember(concrete, report.outcome);
  }

  finish(): RunResult {
    const { reference } = this.config;
    if (this.violation === undefined && reference !== undefined) {
      const [mine, theirs] = [this.config.target.freeRanges(), reference.freeRanges()];
      if (formatRanges(mine) !== formatRanges(theirs) || mine.length !== theirs.length) {
        this.violation = { property: 'targets-agree', message: `free frames at the end: ${this.config.target.name} ${formatRanges(mine)}, ${reference.name} ${formatRanges(theirs)}`, shape: 'free frames differ', stepIndex: null };
      }
    } else if (this.violation === undefined) {
      try {
        const violation = checkBitmap(this.config.target.freeRanges(), this.model);
        if (violation !== undefined) this.violation = { ...violation, stepIndex: null };
      } catch (error) {
        if (!(error instanceof TargetFault)) throw error;
        this.violation = { property: 'target-responds', message: `${error.fault}: ${plain(error.message, 8_000)} (asked for its free frames at the end of the run)`, shape: `fault: ${error.fault}`, stepIndex: null, fault: faultOf(error) };
      }
    }
    return {
      ...(this.violation !== undefined && { violation: this.violation }),
      labels: this.labels,
      executed: this.executedSteps.length,
      skipped: this.skipped,
      setAside: this.setAside,
      ...(this.setAsideBy !== undefined && { setAsideBy: this.setAsideBy }),
      executedSteps: this.executedSteps,
      ...(this.trace !== undefined && { trace: this.trace }),
      peakUsedShare: this.peakUsedShare,
      ...(this.config.timed === true && { executionMs: this.executionMs }),
    };
  }

  /** A reference names the j-th most recent frame handed out (modulo how many there are). */
  private resolve(step: Step): ConcreteStep | undefined {
    if (!('frame' in step) || 'number' in step.frame) return step as ConcreteStep;
    const count = this.handedOut.length;
    if (count === 0) return undefined;
    const number = this.handedOut[count - 1 - (step.frame.handedOut.back % count)] as number;
    return { ...step, frame: { number } } as ConcreteStep;
  }

  /** The bundle of handed-out frames, and the frames freed (for the frame-reused label). */
  private remember(step: ConcreteStep, outcome: Outcome): void {
    const total = this.model.totalCount();
    if (total > 0) this.peakUsedShare = Math.max(this.peakUsedShare, 1 - this.model.freeCount() / total);
    if (outcome.kind !== 'ok') return;
    if (FRAME_RETURNING_OPS.has(step.op)) this.handedOut.push(outcome.value as number);
    else if (step.op === 'allocate_specific') this.handedOut.push(Number(step.frame.number));
    else if (step.op === 'deallocate' || step.op === 'deallocate_frame') {
      if (step.frame.number < this.model.maxFrames) this.memory.freed.add(Number(step.frame.number));
    }
  }
}

const SKIPPED: Outcome = { kind: 'skipped' };

/** Panic messages compare up to the port's appended site: "attempt to add with overflow (FrameAllocator::init: …)". */
const panicText = (message: string): string => message.split(' (')[0] ?? message;

const bitText = (used: boolean | undefined): string => (used === undefined ? 'not reported' : used ? 'used' : 'free');

/** How two allocators' answers to one step differ, if they do: in words, and its shape without the numbers. */
export function reportDifference(mine: StepReport, theirs: StepReport): { readonly message: string; readonly shape: string } | undefined {
  const [a, b] = [mine.outcome, theirs.outcome];
  const same =
    a.kind === b.kind &&
    (a.kind !== 'err' || a.error === (b as typeof a).error) &&
    (a.kind !== 'panic' || panicText(a.message) === panicText((b as typeof a).message)) &&
    (a.kind !== 'ok' || JSON.stringify(a.value) === JSON.stringify((b as typeof a).value));
  if (!same) return { message: `returned ${formatOutcome(a)} and ${formatOutcome(b)}`, shape: `returned ${outcomeShape(a)} and ${outcomeShape(b)}` };
  if (mine.free !== theirs.free || mine.total !== theirs.total) {
    return { message: `free_count/total_count ${mine.free}/${mine.total} and ${theirs.free}/${theirs.total}`, shape: `counters differ` };
  }
  // Both sides name the same touched frame (src/targets/touched-frame.ts, docs/protocol.md), so a
  // bit reported by one and not the other is a difference too.
  if (mine.frameUsed !== theirs.frameUsed) return { message: `the touched frame's bitmap bit is ${bitText(mine.frameUsed)} and ${bitText(theirs.frameUsed)}`, shape: `bit ${bitText(mine.frameUsed)} and ${bitText(theirs.frameUsed)}` };
  return undefined;
}

/** Run a generated sequence: fast-check's command wrappers are run through `run` so that shrinking keeps them. */
export function runGenerated(config: RunConfig, run: GeneratedRun): RunResult {
  const executor = new LockstepRun(config);
  // The opening apart, so that the commands are not copied into a new array every run.
  if (run.opening !== null && run.opening.check(executor)) run.opening.run(executor);
  for (const command of run.commands) {
    if (executor.stopped) break;
    if (command.check(executor)) command.run(executor, undefined);
  }
  return executor.finish();
}

/** Replay recorded steps exactly (a counterexample file, the regression corpus). */
export function runSteps(config: RunConfig, steps: readonly Step[]): RunResult {
  const executor = new LockstepRun(config);
  for (const step of steps) {
    if (executor.stopped) break;
    if (executor.admits(step)) executor.perform(step);
  }
  return executor.finish();
}
