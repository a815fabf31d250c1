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

/** A run: the opening step (absent in one run in ten: use before init) and the commands. */
export interface RunOf<Opening, Model extends object, Real> {
  readonly opening: Opening | null;
  /** fast-check's wrappers around the commands: running them through `run` is what shrinking tracks. */
  readonly commands: Iterable<fc.Command<Model, Real>>;
}

export type GeneratedRun = RunOf<StepCommand, StepExecutor, unknown>;

/**
 * The record fc.record({ opening, commands }) made, as a class with its clone method on the prototype.
 * fc.record gave every run an own clone accessor holding the run's whole generated tree; the
 * scavenger then kept every run alive, and half of generation time went to garbage collection.
 */
class Run<Opening, Model extends object, Real> implements RunOf<Opening, Model, Real> {
  constructor(
    readonly opening: Opening | null,
    readonly commands: Iterable<fc.Command<Model, Real>>,
  ) {}

  [fc.cloneMethod](): Run<Opening, Model, Real> {
    return new Run(this.opening, fc.cloneIfNeeded(this.commands));
  }
}

/**
 * Runs of any command type (the naive baseline's too), draw for draw: an opening of init (4) or
 * boot_init (1), absent in one run in ten, then up to maxCommands commands of the mix.
 */
export function runsOf<Opening, Model extends object, Real>(
  scope: Scope,
  wrap: (command: StepCommand) => Opening & fc.Command<Model, Real>,
): fc.Arbitrary<RunOf<Opening, Model, Real>> {
  return fc
    .tuple(
      fc.option(fc.oneof({ weight: 4, arbitrary: init(scope).map(wrap) }, { weight: 1, arbitrary: bootInit(scope).map(wrap) }), { freq: 10 }),
      fc.commands([commandMix(scope).map(wrap)], { maxCommands: scope.maxCommands, size: 'max' }),
      // fc.record's own last draw (its null-prototype flag): kept so that every seed and replay path
      // gives the same runs and shrinks as with fc.record.
      fc.boolean(),
    )
    .map(([opening, commands]) => new Run<Opening, Model, Real>(opening, commands));
}

export const generatedRun = (scope: Scope): fc.Arbitrary<GeneratedRun> => runsOf(scope, (command) => command);
