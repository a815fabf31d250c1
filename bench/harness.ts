// Harness speed: model-checked steps per second (allocator step + model step + every invariant).
//
//   generation — fast-check generates GeneratedRuns and each one runs in lockstep
//                (fc.check(fc.property(generatedRun(scope), run => runGenerated(...) passes))),
//                on the corrected allocator, which passes: no shrinking is ever timed;
//   replay     — the concrete steps of those same runs, recorded once, replayed with runSteps;
//   raw        — the same recorded steps sent to target.execute alone (plus the target's reset per
//                run): no model, no invariants, no fast-check.
//
// Steps are the RunResult's `executed` (steps actually sent to the allocator). At full scope the
// generation and replay passes run on an instrumented target that times, inside those very passes,
// the allocator's own initialisation (reset = FrameAllocator::new, plus the init/boot_init steps)
// and the end-of-run whole-bitmap read (freeRanges), so the shares come from the same runs.
import fc from 'fast-check';
import { FrameModel } from '../models/index.js';
import { generatedRun } from '../properties/commands/index.js';
import type { Scope } from '../properties/scope.js';
import { runGenerated, runSteps, type RunConfig } from '../src/runner/lockstep.js';
import { createTarget } from '../src/targets/target-spec.js';
import type { AllocatorTarget, ConcreteStep } from '../src/targets/target.js';

export const now = (): bigint => process.hrtime.bigint();
const ms = (ns: bigint | number): number => Number(ns) / 1e6;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const correctedTarget = (scope: Scope): AllocatorTarget => createTarget({ allocator: 'corrected', profile: 'debug' }, scope.maxFrames);

export function runConfigFor(scope: Scope, target: AllocatorTarget): RunConfig {
  return { target, newModel: () => new FrameModel({ maxFrames: scope.maxFrames }), setAside: [], trace: false };
}

export interface SpeedSample {
  readonly runs: number;
  readonly steps: number;
  /** Median over the samples. */
  readonly ms: number;
  readonly minMs: number;
  readonly stepsPerSec: number;
  readonly nsPerStep: number;
  readonly msPerRun: number;
  readonly samples: number;
  /** Inside the timed passes (full scope): the allocator's own initialisation, per run, medians. */
  readonly parts?: RunParts;
}

/** Where a run's time goes, measured inside the harness run itself (an instrumented target). */
export interface RunParts {
  /** target.reset(): a fresh allocator (FrameAllocator::new, a zeroed bitmap). */
  readonly resetMsPerRun: number;
  /** The init and boot_init steps sent to the allocator. */
  readonly initStepsMsPerRun: number;
  /** reset + init steps: the allocator's own initialisation. */
  readonly allocatorInitMsPerRun: number;
  /** The end-of-run whole-bitmap read (target.freeRanges()). */
  readonly freeRangesMsPerRun: number;
  /** Everything else: the other allocator steps, the model, every invariant, fast-check. */
  readonly restMsPerRun: number;
  /** allocatorInitMsPerRun over the whole run, median of the per-sample shares. */
  readonly initShare: number;
}

/** A target that times its reset, its init/boot_init steps and freeRanges (a few clock reads per run). */
export interface TimedTarget extends AllocatorTarget {
  readonly timing: { reset: bigint; init: bigint; freeRanges: bigint };
}

export function timedTarget(inner: AllocatorTarget): TimedTarget {
  const timing = { reset: 0n, init: 0n, freeRanges: 0n };
  return {
    name: inner.name,
    maxFrames: inner.maxFrames,
    timing,
    reset() {
      const start = now();
      inner.reset();
      timing.reset += now() - start;
    },
    execute(step) {
      if (step.op !== 'init' && step.op !== 'boot_init') return inner.execute(step);
      const start = now();
      const report = inner.execute(step);
      timing.init += now() - start;
      return report;
    },
    freeRanges() {
      const start = now();
      const ranges = inner.freeRanges();
      timing.freeRanges += now() - start;
      return ranges;
    },
  };
}

/** One timed pass over a fixed set of runs: returns its milliseconds; `steps` is the steps it executed. */
export interface Sampler {
  readonly runs: number;
  once(): number;
  steps(): number;
  /** The instrumented target, when the sampler runs on one. */
  readonly timed?: TimedTarget;
}

/**
 * Runs the samplers round-robin — `warmup` untimed rounds, then `samples` timed ones — so that load
 * from elsewhere on the machine falls on all of them alike. Returns each sampler's median figures.
 */
export function interleave(samplers: readonly Sampler[], samples: number, warmup: number): SpeedSample[] {
  for (let i = 0; i < warmup; i++) for (const sampler of samplers) sampler.once();
  const times = samplers.map(() => [] as number[]);
  const parts = samplers.map(() => [] as { reset: number; init: number; freeRanges: number; total: number }[]);
  for (let i = 0; i < samples; i++) {
    samplers.forEach((sampler, k) => {
      const timing = sampler.timed?.timing;
      if (timing !== undefined) timing.reset = timing.init = timing.freeRanges = 0n;
      const elapsed = sampler.once();
      times[k]?.push(elapsed);
      if (timing !== undefined) parts[k]?.push({ reset: ms(timing.reset), init: ms(timing.init), freeRanges: ms(timing.freeRanges), total: elapsed });
    });
  }
  return samplers.map((sampler, k) => {
    const t = times[k] as number[];
    const m = median(t);
    const steps = sampler.steps();
    const p = parts[k] as { reset: number; init: number; freeRanges: number; total: number }[];
    const n = sampler.runs;
    const runParts: RunParts | undefined =
      p.length === 0
        ? undefined
        : {
            resetMsPerRun: median(p.map((x) => x.reset)) / n,
            initStepsMsPerRun: median(p.map((x) => x.init)) / n,
            allocatorInitMsPerRun: median(p.map((x) => x.reset + x.init)) / n,
            freeRangesMsPerRun: median(p.map((x) => x.freeRanges)) / n,
            restMsPerRun: median(p.map((x) => x.total - x.reset - x.init - x.freeRanges)) / n,
            initShare: median(p.map((x) => (x.reset + x.init) / x.total)),
          };
    return { runs: n, steps, ms: m, minMs: Math.min(...t), stepsPerSec: (steps / m) * 1000, nsPerStep: (m * 1e6) / steps, msPerRun: m / n, samples: t.length, ...(runParts !== undefined && { parts: runParts }) };
  });
}

/** Records the concrete steps of `numRuns` generated runs of `seed` (the runs every other figure re-uses). */
export function recordRuns(scope: Scope, seed: number, numRuns: number): ConcreteStep[][] {
  const config = runConfigFor(scope, correctedTarget(scope));
  const runs: ConcreteStep[][] = [];
  const details = fc.check(
    fc.property(generatedRun(scope), (run) => {
      const result = runGenerated(config, run);
      runs.push(result.executedSteps.map(({ concrete }) => concrete));
      return result.violation === undefined;
    }),
    { seed, numRuns },
  );
  if (details.failed) throw new Error(`harness bench: the corrected allocator failed at ${scope.name} scope (seed ${seed}): ${String(details.errorInstance)}`);
  return runs;
}

/** Generation + lockstep execution: fc.check over generatedRun(scope), each run through runGenerated. */
export function generationSampler(scope: Scope, seed: number, numRuns: number, instrument = false): Sampler {
  const timed = instrument ? timedTarget(correctedTarget(scope)) : undefined;
  const config = runConfigFor(scope, timed ?? correctedTarget(scope));
  let steps = 0;
  const property = fc.property(generatedRun(scope), (run) => {
    const result = runGenerated(config, run);
    steps += result.executed;
    return result.violation === undefined;
  });
  return {
    runs: numRuns,
    steps: () => steps,
    ...(timed !== undefined && { timed }),
    once() {
      steps = 0;
      const start = now();
      const details = fc.check(property, { seed, numRuns });
      const elapsed = ms(now() - start);
      if (details.failed) throw new Error(`harness bench: the corrected allocator failed at ${scope.name} scope (seed ${seed}): ${String(details.errorInstance)}`);
      return elapsed;
    },
  };
}

/** Lockstep replay (runSteps) of recorded runs. */
export function replaySampler(scope: Scope, recorded: readonly ConcreteStep[][], instrument = false): Sampler {
  const timed = instrument ? timedTarget(correctedTarget(scope)) : undefined;
  const config = runConfigFor(scope, timed ?? correctedTarget(scope));
  let steps = 0;
  return {
    runs: recorded.length,
    steps: () => steps,
    ...(timed !== undefined && { timed }),
    once() {
      steps = 0;
      const start = now();
      for (const run of recorded) {
        const result = runSteps(config, run);
        steps += result.executed;
        if (result.violation !== undefined) throw new Error(`harness bench: a replayed run failed at ${scope.name} scope: ${result.violation.message}`);
      }
      return ms(now() - start);
    },
  };
}

/** Checksum of the raw passes' counters, so that the raw loop's work cannot be dropped. */
export let rawChecksum = 0;

/** The same steps on the target alone: reset per run, then target.execute for each step. */
export function rawSampler(scope: Scope, recorded: readonly ConcreteStep[][]): Sampler {
  const target = correctedTarget(scope);
  let steps = 0;
  return {
    runs: recorded.length,
    steps: () => steps,
    once() {
      steps = 0;
      let local = 0;
      const start = now();
      for (const run of recorded) {
        target.reset();
        for (const step of run) local = (local + target.execute(step).free) | 0;
        steps += run.length;
      }
      const elapsed = ms(now() - start);
      rawChecksum = (Math.imul(rawChecksum, 31) + local) | 0;
      return elapsed;
    },
  };
}

export interface ScopeSpeed {
  readonly scope: Scope['name'];
  readonly seed: number;
  readonly generation: SpeedSample;
  readonly replay: SpeedSample;
  readonly raw: SpeedSample;
  /** ns per harness step ÷ ns per raw target step, on the same steps. */
  readonly replayOverRaw: number;
  readonly generationOverRaw: number;
}

export interface SpeedPlan {
  readonly scope: Scope;
  readonly seed: number;
  readonly numRuns: number;
  readonly samples: number;
  readonly warmup: number;
  /** Instrument the generation and replay samplers' targets (allocator init vs the whole run). */
  readonly breakdown: boolean;
  /** Measured in the same round-robin (the naive baseline over the same seed and runs). */
  readonly alongside?: readonly Sampler[];
}

export function measureScope(plan: SpeedPlan): ScopeSpeed & { alongside: SpeedSample[] } {
  const { scope, seed, numRuns, samples, warmup } = plan;
  const recorded = recordRuns(scope, seed, numRuns);
  const samplers = [generationSampler(scope, seed, numRuns, plan.breakdown), replaySampler(scope, recorded, plan.breakdown), rawSampler(scope, recorded), ...(plan.alongside ?? [])];
  const [generation, replay, raw, ...alongside] = interleave(samplers, samples, warmup) as [SpeedSample, SpeedSample, SpeedSample, ...SpeedSample[]];
  if (replay.steps !== generation.steps || raw.steps !== generation.steps) {
    throw new Error(`harness bench: step counts differ (generation ${generation.steps}, replay ${replay.steps}, raw ${raw.steps})`);
  }
  return {
    scope: scope.name,
    seed,
    generation,
    replay,
    raw,
    replayOverRaw: replay.nsPerStep / raw.nsPerStep,
    generationOverRaw: generation.nsPerStep / raw.nsPerStep,
    alongside,
  };
}
