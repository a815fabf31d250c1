// A command in fast-check's sense (check / run / toString), one per call of the seed's API. All the
// work of running a step lives in the runner's executor, so a command is only the step it stands
// for: every command runs, judges and records its step the same way.
import type fc from 'fast-check';
import type { Step } from '../../src/targets/step.js';
import { formatStep } from '../../src/targets/step-format.js';

/** What a command needs from the run it belongs to (implemented by the lockstep runner). */
export interface StepExecutor {
  /** False when the step cannot be made now (no frame handed out for a reference) or is set aside. */
  admits(step: Step): boolean;
  /** Run the step on the allocator and the model, and check every invariant. */
  perform(step: Step): void;
}

export class StepCommand implements fc.Command<StepExecutor, unknown> {
  constructor(readonly step: Step) {}

  check(executor: Readonly<StepExecutor>): boolean {
    return executor.admits(this.step);
  }

  run(executor: StepExecutor): void {
    executor.perform(this.step);
  }

  toString(): string {
    return formatStep(this.step);
  }
}

export const command = (step: Step): StepCommand => new StepCommand(step);
