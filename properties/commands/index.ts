// The command mix of a generated run: an opening init (usually), then a weighted mix of every entry
// point of the seed. Allocation and deallocation dominate so that exhaustion, reuse and double frees
// are common; init and re-init stay frequent enough to be checked mid-run.
import fc from 'fast-check';
import type { Scope } from '../scope.js';
import { allocate, allocateFrame, allocateFrameAt, allocateSpecific } from './allocate.js';
import { deallocate } from './deallocate.js';
import { bootInit, init } from './init.js';
import { reserve } from './reserve.js';
import { statistics } from './statistics.js';
import type { StepCommand, StepExecutor } from './step-command.js';

export { StepCommand, type StepExecutor } from './step-command.js';

export function commandMix(scope: Scope): fc.Arbitrary<StepCommand> {
  return fc.oneof(
    { weight: 30, arbitrary: allocate() },
    { weight: 8, arbitrary: allocateFrame() },
    { weight: 18, arbitrary: deallocate(scope, 'deallocate') },
    { weight: 6, arbitrary: deallocate(scope, 'deallocate_frame') },
    { weight: 10, arbitrary: allocateSpecific(scope) },
    { weight: 5, arbitrary: allocateFrameAt(scope) },
    { weight: 4, arbitrary: reserve(scope, 'reserve_kernel') },
    { weight: 4, arbitrary: reserve(scope, 'reserve_range') },
    { weight: 6, arbitrary: statistics() },
    { weight: 2, arbitrary: init(scope) },
    { weight: 1, arbitrary: bootInit(scope) },
  );
}

/** A generated run: the opening step (absent in one run in ten: use before init) and the commands. */
export interface GeneratedRun {
  readonly opening: StepCommand | null;
  /** fast-check's wrappers around StepCommands: running them through `run` is what shrinking tracks. */
  readonly commands: Iterable<fc.Command<StepExecutor, unknown>>;
}

export function generatedRun(scope: Scope): fc.Arbitrary<GeneratedRun> {
  return fc.record({
    opening: fc.option(fc.oneof({ weight: 4, arbitrary: init(scope) }, { weight: 1, arbitrary: bootInit(scope) }), {
      freq: 10,
    }),
    commands: fc.commands([commandMix(scope)], { maxCommands: scope.maxCommands, size: 'max' }),
  });
}
