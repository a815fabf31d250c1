// One run in lockstep: every step goes to the allocator and to the model, and every invariant is
// checked after it; the whole bitmap is compared at the end. Generated runs (fast-check commands)
// and replayed runs (a counterexample file's recorded steps) go through the same executor.
import type fc from 'fast-check';
import type { Expectation, FrameModel } from '../../models/index.js';
import type { StepExecutor } from '../../properties/commands/index.js';
import type { GeneratedRun } from '../../properties/commands/index.js';
import { classify, type KnownFinding } from '../../properties/findings.js';
import { checkBitmap, checkResult, checkState, type InvariantId, type Violation } from '../../properties/invariants.js';
import { labelStep, type Label } from '../../properties/labels.js';
import type { Outcome, Step } from '../targets/step.js';
import { FRAME_RETURNING_OPS } from '../targets/step-format.js';
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
  readonly property: InvariantId | 'target-responds';
  /** Index of the first step where allocator and model differ; null for the end-of-run bitmap check. */
  readonly stepIndex: number | null;
}

export interface RunResult {
  readonly violation?: RunViolation;
  readonly labels: ReadonlySet<Label>;
  readonly executed: number;
  /** Reference steps that found no handed-out frame yet: generated, never sent. */
  readonly skipped: number;
  /** Steps not sent because they trigger a finding set aside for this campaign. */
  readonly setAside: number;
  /** The executed steps (concrete, with outcomes): what the model needs to reach any point of the run again. */
  readonly executedSteps: readonly { readonly concrete: ConcreteStep; readonly outcome: Outcome }[];
  readonly trace?: readonly StepRecord[];
}

export interface RunConfig {
  readonly target: AllocatorTarget;
  readonly newModel: () => FrameModel;
  /** Known findings whose triggering steps are not sent, so that defects behind them can be found. */
  readonly setAside: readonly KnownFinding[];
  /** Record every step for a report (off while searching: only failing runs are re-run with it). */
  readonly trace: boolean;
}

class LockstepRun implements StepExecutor {
  private readonly model: FrameModel;
  private readonly handedOut: number[] = [];
  private readonly labels = new Set<Label>();
  private readonly freed = new Set<number>();
  private readonly executedSteps: { concrete: ConcreteStep; outcome: Outcome }[] = [];
  private readonly trace: StepRecord[] | undefined;
  private pending: ConcreteStep | undefined;
  private violation: RunViolation | undefined;
  private skipped = 0;
  private setAside = 0;

  constructor(private readonly config: RunConfig) {
    config.target.reset();
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
    // Set aside by name: a step that also triggers a finding of higher precedence is still sent.
    const named = classify(concrete, this.model);
    if (named !== undefined && this.config.setAside.includes(named)) {
      // Coverage measures what the generator reaches, so a step set aside still earns its labels.
      labelStep(concrete, this.model, { kind: 'skipped' }, { freed: this.freed }, this.labels);
      this.setAside++;
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
    try {
      report = this.config.target.execute(concrete);
    } catch (error) {
      if (!(error instanceof TargetFault)) throw error;
      this.executedSteps.push({ concrete, outcome: { kind: 'panic', message: error.message } });
      this.violation = { property: 'target-responds', message: `${error.fault}: ${error.message}`, stepIndex };
      return;
    }
    labelStep(concrete, this.model, report.outcome, { freed: this.freed }, this.labels);
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

  finish(): RunResult {
    if (this.violation === undefined) {
      const violation = checkBitmap(this.config.target.freeRanges(), this.model);
      if (violation !== undefined) this.violation = { ...violation, stepIndex: null };
    }
    return {
      ...(this.violation !== undefined && { violation: this.violation }),
      labels: this.labels,
      executed: this.executedSteps.length,
      skipped: this.skipped,
      setAside: this.setAside,
      executedSteps: this.executedSteps,
      ...(this.trace !== undefined && { trace: this.trace }),
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
    if (outcome.kind !== 'ok') return;
    if (FRAME_RETURNING_OPS.has(step.op)) this.handedOut.push(outcome.value as number);
    else if (step.op === 'allocate_specific') this.handedOut.push(Number(step.frame.number));
    else if (step.op === 'deallocate' || step.op === 'deallocate_frame') {
      if (step.frame.number < this.model.maxFrames) this.freed.add(Number(step.frame.number));
    }
  }
}

/** Run a generated sequence: fast-check's command wrappers are run through `run` so that shrinking keeps them. */
export function runGenerated(config: RunConfig, run: GeneratedRun): RunResult {
  const executor = new LockstepRun(config);
  const commands: Iterable<fc.Command<StepExecutor, unknown>> = run.opening === null ? run.commands : [run.opening, ...run.commands];
  for (const command of commands) {
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
