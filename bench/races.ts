// Proof of power, measured: for each planted racy variant of the seed (native/seed-driver/fixtures),
// a parallel campaign as `FRAMECHECK_ALLOCATOR_SRC=<variant> framecheck --threads 4 --allocator seed
// --scope small --seed S` runs it (10,000 programs at most, shrinking with R = 20, the minimal
// program re-run 100 times), over seeds 1–N: the wall time to the first failing program and to the
// end of shrinking and the failure rate, the shrunk program's threads and calls. Then the
// unmodified seed runs the same campaigns until it has made the calls asked for, with no false alarm
// allowed. The drivers are built first (cargo), outside the times.
// Usage: npm run bench:races [-- --seeds N] [-- --seed-calls N] [-- --profile debug|release]   (needs cargo and ../shared)
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runParallelCampaign, type ParallelCampaignOptions, type ParallelCampaignResult } from '../src/parallel/campaign.js';
import { createParallelTarget } from '../src/parallel/parallel-target.js';
import { callCount } from '../src/parallel/program.js';
import { racyVariantNames, writeRacyVariant } from '../src/targets/racy-variants.js';
import { seedDriverUnavailable } from '../src/targets/seed-driver.js';
import type { BuildProfile } from '../src/targets/step.js';

const SMALL_FRAMES = 512;
const THREADS = 4;
const RUNS = 10_000;

/** Bad setup or arguments: one line, exit status 2. */
function usageError(message: string): never {
  process.stderr.write(`bench/races: ${message}\n`);
  process.exit(2);
}

const positive = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) usageError(`--${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
};

let values;
try {
  ({ values } = parseArgs({ options: { seeds: { type: 'string' }, 'seed-calls': { type: 'string' }, profile: { type: 'string' } } }));
} catch (error) {
  usageError((error as Error).message);
}
const seeds = positive('seeds', values.seeds, 10);
const seedCalls = positive('seed-calls', values['seed-calls'], 100_000);
const profile = (values.profile ?? 'debug') as BuildProfile;
if (profile !== 'debug' && profile !== 'release') usageError(`--profile must be debug or release, got ${JSON.stringify(values.profile)}`);
const unavailable = seedDriverUnavailable();
if (unavailable !== undefined) usageError(unavailable);

const load = (): string => os.loadavg().map((value) => value.toFixed(1)).join(' ');
const spec = { allocator: 'seed', profile } as const;

/** `--allocator seed`, compiled from the variant's source when one is named (FRAMECHECK_ALLOCATOR_SRC, as a user sets it). */
function withSource<T>(variant: string | undefined, body: () => T): T {
  if (variant === undefined) delete process.env.FRAMECHECK_ALLOCATOR_SRC;
  else process.env.FRAMECHECK_ALLOCATOR_SRC = writeRacyVariant(variant);
  try {
    return body();
  } finally {
    delete process.env.FRAMECHECK_ALLOCATOR_SRC;
  }
}

/** One campaign, timed: to the first failing program (its last onRun) and to the end (shrinking and the 100 re-runs included). */
function timedCampaign(variant: string | undefined, options: ParallelCampaignOptions): { result: ParallelCampaignResult; detectMs: number; totalMs: number } {
  return withSource(variant, () => {
    const started = performance.now();
    let lastRun = started;
    const target = createParallelTarget(spec, SMALL_FRAMES, options.threads);
    try {
      const result = runParallelCampaign(target, { ...options, onRun: () => (lastRun = performance.now()) });
      return { result, detectMs: lastRun - started, totalMs: performance.now() - started };
    } finally {
      target.close();
    }
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const range = (values: readonly number[]): string => {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low === high ? String(low) : `${low}–${high}`;
};

process.stdout.write(`bench/races: ${profile} drivers, ${SMALL_FRAMES}-frame scope, ${THREADS} threads, seeds 1–${seeds}; load average ${load()} (1, 5, 15 min), ${os.cpus().length} cores\n`);
const buildStarted = performance.now();
for (const variant of [undefined, ...racyVariantNames()]) withSource(variant, () => createParallelTarget(spec, SMALL_FRAMES, THREADS).close());
process.stdout.write(`drivers built (cargo, cached after the first time) in ${seconds(performance.now() - buildStarted)}\n\n`);

const campaign = (seed: number, runs = RUNS): ParallelCampaignOptions => ({ maxFrames: SMALL_FRAMES, seed, runs, threads: THREADS });
let missed = 0;
for (const variant of racyVariantNames()) {
  const rows = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const { result, detectMs, totalMs } = timedCampaign(variant, campaign(seed));
    const failure = result.failure;
    if (failure === undefined) {
      missed += 1;
      process.stdout.write(`  ${variant} seed ${seed}: NOT FOUND in ${result.stats.runs} programs (${seconds(totalMs)})\n`);
      continue;
    }
    const row = { seed, id: failure.violation.id, programs: result.stats.runs, detectMs, totalMs, threads: failure.program.threads.length, threadCalls: failure.program.threads.flat().length, prefixCalls: failure.program.prefix.length, failed: failure.failureRate.failed, repetitions: failure.failureRate.repetitions };
    rows.push(row);
    process.stdout.write(`  ${variant} seed ${seed}: ${row.id} after ${row.programs} programs, ${seconds(detectMs)} to find, ${seconds(totalMs)} with shrinking; ${row.threads} threads, ${row.threadCalls} thread calls + ${row.prefixCalls} prefix (${callCount(failure.program)} calls); fails in ${row.failed} of ${row.repetitions}\n`);
  }
  if (rows.length === 0) continue;
  const ids = [...new Set(rows.map((row) => row.id))].join(', ');
  process.stdout.write(
    `${variant}: found in ${rows.length} of ${seeds} seeds (${ids}); time to find median ${seconds(median(rows.map((row) => row.detectMs)))}, max ${seconds(Math.max(...rows.map((row) => row.detectMs)))}; ` +
      `with shrinking median ${seconds(median(rows.map((row) => row.totalMs)))}, max ${seconds(Math.max(...rows.map((row) => row.totalMs)))}; programs ${range(rows.map((row) => row.programs))}; ` +
      `shrunk to ${range(rows.map((row) => row.threads))} threads, ${range(rows.map((row) => row.threadCalls))} thread calls + ${range(rows.map((row) => row.prefixCalls))} prefix; ` +
      `fails in ${range(rows.map((row) => row.failed))} of ${rows[0]?.repetitions} (median ${median(rows.map((row) => row.failed))}); load ${load()}\n\n`,
  );
}

// The unmodified seed: the same campaigns, seed after seed, until it has made the calls asked for.
let calls = 0;
let programs = 0;
let falseAlarms = 0;
let inconclusive = 0;
const seedStarted = performance.now();
const perSeed = Math.ceil(seedCalls / seeds / 15); // about 15 calls per 4-thread program
for (let seed = 1; calls < seedCalls; seed++) {
  const { result } = timedCampaign(undefined, campaign(seed, perSeed));
  calls += result.stats.calls;
  programs += result.stats.runs;
  inconclusive += result.stats.inconclusive;
  if (result.failure !== undefined) {
    falseAlarms += 1;
    process.stdout.write(`  FALSE ALARM on the unmodified seed, seed ${seed}: ${result.failure.violation.id}: ${result.failure.violation.message}\n`);
  }
}
process.stdout.write(`unmodified seed: ${programs} parallel programs, ${calls} calls, ${falseAlarms} false alarms, ${inconclusive} histories too large to decide, ${seconds(performance.now() - seedStarted)}; load ${load()}\n`);
process.exit(falseAlarms > 0 || missed > 0 ? 1 : 0);
