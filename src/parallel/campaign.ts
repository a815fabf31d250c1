// The parallel campaign: generate a program, run it once on the driver with seeded schedule noise,
// check the history's linearizability; on the first history with no linearisation, shrink the
// program and measure how often the minimal one fails. Schedules vary from run to run, so a
// shrink candidate runs up to R times and is kept when one of them fails the same way.
import fc from 'fast-check';
import type { ModelPolicy } from '../../models/index.js';
import { checkHistory } from '../linearizability/checker.js';
import { explainViolation, type RaceViolation } from '../linearizability/explain.js';
import { parallelProgram } from './generate.js';
import { callCount, MIN_THREADS, type History, type ParallelCall, type ParallelFrameArg, type ParallelProgram } from './program.js';
import type { Noise } from './protocol.js';
import { TargetFault } from '../targets/target.js';

/** What runs a program: a version-2 native driver (NativeTarget) or a test double. */
export interface ParallelRunner {
  readonly maxFrames: number;
  parallel(program: ParallelProgram, noise: Noise): History;
}

export interface ParallelCheckOptions {
  readonly maxFrames: number;
  readonly policy?: Partial<ModelPolicy>;
}

/** One run: the history and, when it has no linearisation, what broke. Inconclusive checks count as passing (and are counted). */
export interface ParallelRun {
  readonly history: History;
  readonly violation?: RaceViolation;
  readonly inconclusive: boolean;
}

/**
 * Runs the program once and checks its history. A driver that crashes, hangs or answers garbage
 * fails `target-responds` (finding `target-fault:parallel-<fault>`), with no history to show.
 */
export function runOnce(runner: ParallelRunner, program: ParallelProgram, noise: Noise, options: ParallelCheckOptions): ParallelRun {
  let history: History;
  try {
    history = runner.parallel(program, noise);
  } catch (error) {
    if (!(error instanceof TargetFault)) throw error;
    const message = `${error.fault}: ${error.message.split('\n')[0] ?? ''}`;
    return { history: [], violation: { id: `target-fault:parallel-${error.fault}`, property: 'target-responds', title: `the driver failed a parallel request (${error.fault})`, message, conflicting: [] }, inconclusive: false };
  }
  const result = checkHistory(program, history, { maxFrames: options.maxFrames, ...(options.policy !== undefined && { policy: options.policy }) });
  if (result.verdict !== 'not-linearizable') return { history, inconclusive: result.verdict === 'inconclusive' };
  return { history, violation: explainViolation(program, result), inconclusive: false };
}

/** A deterministic stream of noise seeds (u64) from a campaign seed and a label. */
export function noiseStream(seed: number, label: number): () => bigint {
  let counter = 0;
  return () => {
    counter += 1;
    let x = (BigInt(seed) << 32n) ^ (BigInt(label) << 20n) ^ BigInt(counter);
    x = (x * 0x9e3779b97f4a7c15n) & 0xffff_ffff_ffff_ffffn;
    return x ^ (x >> 29n);
  };
}

// ---------------------------------------------------------------- shrinking

/** The program without call `index` of `segment` (0: prefix), and without the calls that free the frame it returned. */
export function removeCall(program: ParallelProgram, segment: number, index: number): ParallelProgram {
  const fix = (calls: readonly ParallelCall[], own: boolean): ParallelCall[] => {
    const kept: ParallelCall[] = [];
    const newIndex = new Map<number, number>();
    calls.forEach((call, i) => {
      if (own && i === index) return;
      let frame: ParallelFrameArg | undefined = call.op === 'deallocate_frame' ? call.frame : undefined;
      if (frame !== undefined && 'prefixCall' in frame && segment === 0) {
        if (frame.prefixCall === index) return;
        if (frame.prefixCall > index) frame = { prefixCall: frame.prefixCall - 1 };
      }
      if (frame !== undefined && 'ownCall' in frame) {
        const target = newIndex.get(frame.ownCall);
        if (target === undefined) return;
        frame = { ownCall: target };
      }
      newIndex.set(i, kept.length);
      kept.push(frame === undefined ? call : { op: 'deallocate_frame', frame });
    });
    return kept;
  };
  return { prefix: fix(program.prefix, segment === 0), threads: program.threads.map((calls, t) => fix(calls, segment === t + 1)) };
}

/** Smaller programs, most ambitious first: a thread less, then a call less (prefix last: it sets the scene). */
export function* shrinkCandidates(program: ParallelProgram): Generator<ParallelProgram> {
  if (program.threads.length > MIN_THREADS) {
    for (let t = 0; t < program.threads.length; t++) yield { prefix: program.prefix, threads: program.threads.filter((_, i) => i !== t) };
  }
  for (let t = 0; t < program.threads.length; t++) {
    for (let i = (program.threads[t]?.length ?? 0) - 1; i >= 0; i--) {
      const smaller = removeCall(program, t + 1, i);
      if (smaller.threads.every((calls) => calls.length > 0)) yield smaller;
    }
  }
  for (let i = program.prefix.length - 1; i >= 0; i--) {
    const smaller = removeCall(program, 0, i);
    if (smaller.threads.every((calls) => calls.length > 0)) yield smaller;
  }
}

export interface ShrinkOptions extends ParallelCheckOptions {
  /** Runs per candidate before it counts as passing (R). */
  readonly repetitions: number;
  /** Most candidate runs in all. */
  readonly budget: number;
  readonly noise: () => bigint;
}

export interface Shrunk {
  readonly program: ParallelProgram;
  readonly history: History;
  readonly violation: RaceViolation;
  /** Candidates kept. */
  readonly steps: number;
  /** Requests the shrinking made. */
  readonly requests: number;
}

/** Greedy: take the first candidate that still fails with the same finding, and start again from it. */
export function shrinkProgram(runner: ParallelRunner, failing: { program: ParallelProgram; history: History; violation: RaceViolation }, options: ShrinkOptions): Shrunk {
  let current = failing;
  let steps = 0;
  let requests = 0;
  for (let improved = true; improved && requests < options.budget; ) {
    improved = false;
    for (const candidate of shrinkCandidates(current.program)) {
      for (let r = 0; r < options.repetitions && requests < options.budget; r++) {
        requests += 1;
        const run = runOnce(runner, candidate, options.noise(), options);
        if (run.violation?.id === failing.violation.id) {
          current = { program: candidate, history: run.history, violation: run.violation };
          steps += 1;
          improved = true;
          break;
        }
      }
      if (improved || requests >= options.budget) break;
    }
  }
  return { ...current, steps, requests };
}

/** How many of `repetitions` runs of the program fail with this finding. */
export function failureRate(runner: ParallelRunner, program: ParallelProgram, findingId: string, repetitions: number, options: ParallelCheckOptions & { noise: () => bigint }): { failed: number; repetitions: number } {
  let failed = 0;
  for (let r = 0; r < repetitions; r++) if (runOnce(runner, program, options.noise(), options).violation?.id === findingId) failed += 1;
  return { failed, repetitions };
}

// ---------------------------------------------------------------- the campaign

export interface ParallelCampaignOptions extends ParallelCheckOptions {
  readonly seed: number;
  readonly runs: number;
  readonly threads: number;
  readonly maxCalls?: number;
  readonly timeLimitMs?: number;
  /** R: runs per shrink candidate (default 20). */
  readonly repetitions?: number;
  /** Most requests the shrinking makes (default 2000). */
  readonly shrinkBudget?: number;
  /** Runs of the minimal program that measure its failure rate (default 100). */
  readonly confirmRuns?: number;
  readonly onRun?: (stats: ParallelStats) => void;
}

export interface ParallelStats {
  readonly runs: number;
  readonly calls: number;
  readonly inconclusive: number;
}

export interface ParallelFailure {
  readonly program: ParallelProgram;
  readonly history: History;
  readonly violation: RaceViolation;
  /** The run that found it (0-based), and the program as generated. */
  readonly run: number;
  readonly original: ParallelProgram;
  readonly originalHistory: History;
  readonly shrinkSteps: number;
  readonly shrinkRequests: number;
  readonly failureRate: { readonly failed: number; readonly repetitions: number };
}

export interface ParallelCampaignResult {
  readonly stats: ParallelStats;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
  readonly failure?: ParallelFailure;
}

/** The program of run `run` of a campaign: fast-check's generator with a seed per run, so any run regenerates alone. */
export const programOfRun = (seed: number, run: number, shape: { maxFrames: number; threads: number; maxCalls?: number }): ParallelProgram =>
  fc.sample(parallelProgram(shape), { seed: (seed + Math.imul(run, 0x2545_f491)) | 0, numRuns: 1 })[0] as ParallelProgram;

export function runParallelCampaign(runner: ParallelRunner, options: ParallelCampaignOptions): ParallelCampaignResult {
  const started = Date.now();
  const noise = noiseStream(options.seed, 0);
  let calls = 0;
  let inconclusive = 0;
  const shape = { maxFrames: options.maxFrames, threads: options.threads, ...(options.maxCalls !== undefined && { maxCalls: options.maxCalls }) };
  for (let run = 0; run < options.runs; run++) {
    if (options.timeLimitMs !== undefined && Date.now() - started >= options.timeLimitMs) {
      return { stats: { runs: run, calls, inconclusive }, elapsedMs: Date.now() - started, interrupted: true };
    }
    const program = programOfRun(options.seed, run, shape);
    const result = runOnce(runner, program, noise(), options);
    calls += callCount(program);
    if (result.inconclusive) inconclusive += 1;
    options.onRun?.({ runs: run + 1, calls, inconclusive });
    if (result.violation === undefined) continue;
    const shrinkNoise = noiseStream(options.seed, 1);
    const shrunk = shrinkProgram(runner, { program, history: result.history, violation: result.violation }, { ...options, repetitions: options.repetitions ?? 20, budget: options.shrinkBudget ?? 2000, noise: shrinkNoise });
    const rate = failureRate(runner, shrunk.program, shrunk.violation.id, options.confirmRuns ?? 100, { ...options, noise: noiseStream(options.seed, 2) });
    return {
      stats: { runs: run + 1, calls, inconclusive },
      elapsedMs: Date.now() - started,
      interrupted: false,
      failure: { program: shrunk.program, history: shrunk.history, violation: shrunk.violation, run, original: program, originalHistory: result.history, shrinkSteps: shrunk.steps, shrinkRequests: shrunk.requests, failureRate: rate },
    };
  }
  return { stats: { runs: options.runs, calls, inconclusive }, elapsedMs: Date.now() - started, interrupted: false };
}
