// The naive baseline: the same model and the same generated commands, wired the plain fast-check way —
// fc.commands of small Command classes run by fc.modelRun, each command calling the model and the
// allocator directly and, after every step, comparing the WHOLE bitmap (target.freeRanges() against
// model.freeFrames().ranges()) and the counters. No touched-frame shortcut, no executor.
//
// The arbitrary mirrors generatedRun(scope) draw for draw (same tuple, option, oneof weights and
// commands settings; the commands are only .map-ped into naive classes, which draws nothing), so
// the same seed gives the same sequences. That is checked: the first runs' steps are compared with
// fc.sample, and the executed step totals of both runners must be equal.
import fc from 'fast-check';
import { FrameModel } from '../models/index.js';
import { generatedRun, runsOf, type RunOf, type StepCommand } from '../properties/commands/index.js';
import type { Scope } from '../properties/scope.js';
import type { Step } from '../src/targets/step.js';
import { FRAME_RETURNING_OPS, formatOutcome, formatStep } from '../src/targets/step-format.js';
import type { AllocatorTarget, ConcreteStep, FrameRange } from '../src/targets/target.js';
import { correctedTarget, now, type Sampler } from './harness.js';

/** The model side of fc.modelRun: the reference model plus the bundle of handed-out frames. */
interface NaiveModel {
  readonly model: FrameModel;
  readonly handedOut: number[];
}

/** The real side: the allocator, and a count of the steps it ran. */
interface NaiveReal {
  readonly target: AllocatorTarget;
  steps: number;
}

const sameRanges = (a: readonly FrameRange[], b: readonly FrameRange[]): boolean =>
  a.length === b.length && a.every(([start, end], i) => b[i]?.[0] === start && b[i]?.[1] === end);

/** A reference names the j-th most recent frame handed out (modulo how many), as the generator means it. */
function resolve(step: Step, handedOut: readonly number[]): ConcreteStep | undefined {
  if (!('frame' in step) || 'number' in step.frame) return step as ConcreteStep;
  if (handedOut.length === 0) return undefined;
  const number = handedOut[handedOut.length - 1 - (step.frame.handedOut.back % handedOut.length)] as number;
  return { ...step, frame: { number } } as ConcreteStep;
}

/** One call of the allocator's API, checked against the model the plain way. */
class NaiveCommand implements fc.Command<NaiveModel, NaiveReal> {
  constructor(readonly step: Step) {}

  check(m: Readonly<NaiveModel>): boolean {
    return resolve(this.step, m.handedOut) !== undefined;
  }

  run(m: NaiveModel, r: NaiveReal): void {
    const step = resolve(this.step, m.handedOut) as ConcreteStep;
    const { outcome, free, total } = r.target.execute(step);
    if (!m.model.accepts(step, outcome)) {
      throw new Error(`${formatStep(step)} returned ${formatOutcome(outcome, step.op)}, promised ${m.model.describeExpectation(step)}`);
    }
    m.model.apply(step, outcome);
    if (free !== m.model.freeCount() || total !== m.model.totalCount()) {
      throw new Error(`${formatStep(step)}: counters ${free}/${total}, model ${m.model.freeCount()}/${m.model.totalCount()}`);
    }
    if (m.model.initialized && !sameRanges(r.target.freeRanges(), m.model.freeFrames().ranges())) {
      throw new Error(`${formatStep(step)}: the bitmap differs from the model`);
    }
    if (outcome.kind === 'ok') {
      if (FRAME_RETURNING_OPS.has(step.op)) m.handedOut.push(outcome.value as number);
      else if (step.op === 'allocate_specific') m.handedOut.push(Number(step.frame.number));
    }
    r.steps++;
  }

  toString(): string {
    return formatStep(this.step);
  }
}

const naive = (command: StepCommand): NaiveCommand => new NaiveCommand(command.step);

type NaiveRun = RunOf<NaiveCommand, NaiveModel, NaiveReal>;

/** generatedRun(scope), draw for draw, with naive commands. */
const naiveRun = (scope: Scope): fc.Arbitrary<NaiveRun> => runsOf(scope, naive);

/** The first `count` runs of both arbitraries under `seed`, step by step: equal or not. */
export function sameSequences(scope: Scope, seed: number, count: number): boolean {
  const stepsOf = (opening: { step: Step } | null, commands: Iterable<unknown>): string[] => {
    const out = opening === null ? [] : [formatStep(opening.step)];
    for (const wrapper of commands) out.push(formatStep(((wrapper as { cmd: { step: Step } }).cmd).step));
    return out;
  };
  const framecheck = fc.sample(generatedRun(scope), { seed, numRuns: count }).map((run) => stepsOf(run.opening, run.commands).join('\n'));
  const plain = fc.sample(naiveRun(scope), { seed, numRuns: count }).map((run) => stepsOf(run.opening, run.commands).join('\n'));
  return framecheck.length === plain.length && framecheck.every((steps, i) => steps === plain[i]);
}

/** fc.check(fc.property(naiveRun, run => fc.modelRun(...))) over `numRuns` runs of `seed`, on the corrected allocator. */
export function naiveSampler(scope: Scope, seed: number, numRuns: number): Sampler {
  const target = correctedTarget(scope);
  const real: NaiveReal = { target, steps: 0 };
  const property = fc.property(naiveRun(scope), ({ opening, commands }) => {
    const setup = (): { model: NaiveModel; real: NaiveReal } => {
      target.reset();
      const model: NaiveModel = { model: new FrameModel({ maxFrames: scope.maxFrames }), handedOut: [] };
      if (opening !== null && opening.check(model)) opening.run(model, real);
      return { model, real };
    };
    fc.modelRun(setup, commands);
  });
  return {
    runs: numRuns,
    steps: () => real.steps,
    once() {
      real.steps = 0;
      const start = now();
      const details = fc.check(property, { seed, numRuns });
      const elapsed = Number(now() - start) / 1e6;
      if (details.failed) throw new Error(`naive baseline: the corrected allocator failed at ${scope.name} scope (seed ${seed}): ${String(details.errorInstance)}`);
      return elapsed;
    },
  };
}
