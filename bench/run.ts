// Micro-benchmarks of the ported bitmap frame allocator, at two scopes:
//   small — a 512-frame (2 MiB) bitmap over a map with a hole;
//   full  — the default 16 GiB bitmap (4,194,304 frames) over a PC E820 map.
//
// Usage: npx tsx bench/run.ts [--quick] [--out <file>]
//
// Method: each benchmark runs a timed batch (process.hrtime.bigint around the measured loop only;
// setup and teardown such as freeing what a batch allocated are untimed), a few warm-up batches
// first, then several samples; the table shows the median and minimum per operation. Every
// returned frame number feeds a checksum, which is printed, so the work cannot be optimised away.
//
// Then, in the same process (bench/harness.ts, bench/naive-baseline.ts, bench/time-to-find.ts):
//   harness speed   — model-checked steps/s with fast-check generation, in pure replay, and the raw
//                     target on the same steps, at both scopes (corrected allocator, which passes);
//   naive baseline  — the same model and generated sequences wired through fc.modelRun, comparing
//                     the whole bitmap after every step;
//   time to find    — one small-scope campaign per seed on the port (debug): when each finding is
//                     found and how long its shrunk counterexample is.
// All of it goes into the same JSON report, under harnessSpeed, naiveBaseline, timeToFind and goals.
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Frame, FrameAllocator, MAX_FRAMES, MemoryMap } from '../src/allocator/index.js';
import { FULL_SCOPE, SMALL_SCOPE } from '../properties/scope.js';
import { measureScope, rawChecksum, type ScopeSpeed, type SpeedSample } from './harness.js';
import { naiveSampler, sameSequences } from './naive-baseline.js';
import { measureTimeToFind, type TimeToFind } from './time-to-find.js';

// ---------------------------------------------------------------------------------------------
// Flags

const USAGE = 'usage: tsx bench/run.ts [--quick] [--out <file>]';

interface Options {
  readonly quick: boolean;
  readonly out: string;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let out = 'reports/bench.json';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--out') {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) fail(`--out needs a file path (${USAGE})`);
      out = value;
    } else if (arg.startsWith('--out=')) {
      const value = arg.slice('--out='.length);
      if (value === '') fail(`--out needs a file path (${USAGE})`);
      out = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown flag ${arg} (${USAGE})`);
    else fail(`unexpected argument ${JSON.stringify(arg)} (${USAGE})`);
  }
  return { quick, out };
}

const options = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------------------------
// Memory maps

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

/** A PC's E820 map: low memory below the EBDA, the legacy hole, the PCI hole below 4 GiB, and RAM
 * reaching past the 16 GiB the bitmap covers (the allocator clips it). */
function e820Map(): MemoryMap {
  const map = MemoryMap.empty();
  map.add(0n, 0x9fc00n, 'Usable');
  map.add(0x9fc00n, MiB - 0x9fc00n, 'Reserved');
  map.add(MiB, 3n * GiB - MiB, 'Usable');
  map.add(3n * GiB, GiB, 'Reserved');
  map.add(4n * GiB, 13n * GiB, 'Usable');
  return map;
}

/** The same shape over 512 frames (2 MiB): usable low memory, a hole, usable 1..2 MiB. */
function smallMap(): MemoryMap {
  const map = MemoryMap.empty();
  map.add(0n, 0x9fc00n, 'Usable');
  map.add(0x9fc00n, MiB - 0x9fc00n, 'Reserved');
  map.add(MiB, MiB, 'Usable');
  return map;
}

// ---------------------------------------------------------------------------------------------
// Harness

interface Result {
  readonly scope: string;
  readonly operation: string;
  readonly medianNs: number;
  readonly minNs: number;
  readonly samples: number;
  readonly opsPerSample: number;
}

/** The checksum of every frame number returned (and every success counted); printed at the end. */
let checksum = 0;
const mix = (value: number): void => {
  checksum = (Math.imul(checksum, 31) + value) | 0;
};

/** Keeps constructed allocators reachable so construction cannot be dropped as dead code. */
const sink: FrameAllocator[] = new Array<FrameAllocator>(8);

const SAMPLES = options.quick ? 5 : 7;
const WARMUP = options.quick ? 2 : 3;

const median = (sorted: readonly number[]): number => {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Runs `sample` WARMUP times, then SAMPLES times; each call performs `ops` operations and returns
 * the nanoseconds spent in the timed part only.
 */
function measure(scope: string, operation: string, ops: number, sample: () => bigint): Result {
  for (let i = 0; i < WARMUP; i++) sample();
  const perOp: number[] = [];
  for (let i = 0; i < SAMPLES; i++) perOp.push(Number(sample()) / ops);
  perOp.sort((a, b) => a - b);
  return { scope, operation, medianNs: median(perOp), minNs: perOp[0] as number, samples: SAMPLES, opsPerSample: ops };
}

const now = (): bigint => process.hrtime.bigint();

function expectFrame(result: ReturnType<FrameAllocator['allocate']>, what: string): Frame {
  if (!result.ok) throw new Error(`${what}: allocate failed with ${result.error}`);
  return result.value;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks of one scope

interface Scope {
  readonly name: 'small' | 'full';
  readonly maxFrames: number;
  readonly map: MemoryMap;
  /** Allocator constructions per sample. */
  readonly constructReps: number;
  /** `new + init` per sample. */
  readonly initReps: number;
  /** Frames allocated (and freed) by one batch; at most the free frames. */
  readonly batch: number;
  /** Batches per sample (small scope: many short batches, each timed on its own and summed). */
  readonly rounds: number;
  /** Frames held live while the alloc+dealloc pair runs. */
  readonly live: number;
  /** Pairs per sample. */
  readonly pairs: number;
}

function initialized(scope: Scope): FrameAllocator {
  const allocator = new FrameAllocator({ maxFrames: scope.maxFrames });
  allocator.init(scope.map);
  return allocator;
}

/** `count` free frames spread evenly over the free ranges of a freshly initialised allocator. */
function spreadFreeFrames(allocator: FrameAllocator, count: number): Frame[] {
  const free = allocator.freeCount();
  if (count > free) throw new Error(`cannot pick ${count} of ${free} free frames`);
  const stride = Math.floor(free / count);
  const frames: Frame[] = [];
  let seen = 0;
  for (const [start, end] of allocator.freeRanges()) {
    for (let frame = start; frame < end && frames.length < count; frame++, seen++) {
      if (seen % stride === 0) frames.push(Frame.fromNumber(frame));
    }
  }
  if (frames.length !== count) throw new Error(`picked ${frames.length} of ${count} frames`);
  return frames;
}

function benchScope(scope: Scope): Result[] {
  const results: Result[] = [];
  const { name, maxFrames, map } = scope;

  // FrameAllocator::new() alone: a zeroed bitmap of maxFrames bits.
  results.push(
    measure(name, 'construct', scope.constructReps, () => {
      let local = 0;
      const start = now();
      for (let i = 0; i < scope.constructReps; i++) {
        const allocator = new FrameAllocator({ maxFrames });
        sink[i & 7] = allocator;
        local += allocator.maxFrames;
      }
      const elapsed = now() - start;
      mix(local);
      return elapsed;
    }),
  );

  // new + init(map).
  results.push(
    measure(name, 'new+init', scope.initReps, () => {
      let local = 0;
      const start = now();
      for (let i = 0; i < scope.initReps; i++) {
        const allocator = new FrameAllocator({ maxFrames });
        allocator.init(map);
        sink[i & 7] = allocator;
        local += allocator.freeCount();
      }
      const elapsed = now() - start;
      mix(local);
      return elapsed;
    }),
  );

  const allocator = initialized(scope);
  const freeAtStart = allocator.freeCount();
  if (scope.batch > freeAtStart) throw new Error(`${name}: batch ${scope.batch} exceeds ${freeAtStart} free frames`);
  const frames = new Array<Frame>(scope.batch);
  const batchOps = scope.batch * scope.rounds;

  const allocateBatch = (): void => {
    let local = 0;
    for (let i = 0; i < scope.batch; i++) {
      const frame = expectFrame(allocator.allocate(), `${name} allocate`);
      frames[i] = frame;
      local += frame.number() as number;
    }
    mix(local);
  };
  const deallocateBatch = (): void => {
    let ok = 0;
    for (let i = 0; i < scope.batch; i++) if (allocator.deallocate(frames[i] as Frame).ok) ok++;
    if (ok !== scope.batch) throw new Error(`${name}: deallocate failed`);
    mix(ok);
  };
  const checkRestored = (): void => {
    if (allocator.freeCount() !== freeAtStart) throw new Error(`${name}: free count drifted to ${allocator.freeCount()}`);
  };

  // allocate: N allocations timed; freeing them afterwards is untimed.
  results.push(
    measure(name, 'allocate', batchOps, () => {
      let elapsed = 0n;
      for (let r = 0; r < scope.rounds; r++) {
        const start = now();
        allocateBatch();
        elapsed += now() - start;
        deallocateBatch();
      }
      checkRestored();
      return elapsed;
    }),
  );

  // deallocate: N frees timed, of frames allocated untimed just before (freed in allocation order).
  results.push(
    measure(name, 'deallocate', batchOps, () => {
      let elapsed = 0n;
      for (let r = 0; r < scope.rounds; r++) {
        allocateBatch();
        const start = now();
        deallocateBatch();
        elapsed += now() - start;
      }
      checkRestored();
      return elapsed;
    }),
  );

  // allocate+deallocate in steady state: `live` frames held, each step frees the oldest one and
  // allocates a replacement.
  {
    const ring = new Array<Frame>(scope.live);
    for (let i = 0; i < scope.live; i++) ring[i] = expectFrame(allocator.allocate(), `${name} prefill`);
    const mask = scope.live - 1;
    let cursor = 0;
    results.push(
      measure(name, 'allocate+deallocate', scope.pairs, () => {
        let local = 0;
        const start = now();
        for (let i = 0; i < scope.pairs; i++) {
          const slot = cursor++ & mask;
          if (!allocator.deallocate(ring[slot] as Frame).ok) throw new Error(`${name}: deallocate failed`);
          const frame = expectFrame(allocator.allocate(), `${name} pair`);
          ring[slot] = frame;
          local += frame.number() as number;
        }
        const elapsed = now() - start;
        mix(local);
        return elapsed;
      }),
    );
    for (const frame of ring) allocator.deallocate(frame);
    checkRestored();
  }

  // allocateSpecific: N named free frames (spread over the whole map) claimed, timed; freed untimed.
  {
    const targets = spreadFreeFrames(allocator, scope.batch);
    results.push(
      measure(name, 'allocateSpecific', batchOps, () => {
        let elapsed = 0n;
        for (let r = 0; r < scope.rounds; r++) {
          let ok = 0;
          const start = now();
          for (let i = 0; i < targets.length; i++) if (allocator.allocateSpecific(targets[i] as Frame).ok) ok++;
          elapsed += now() - start;
          if (ok !== targets.length) throw new Error(`${name}: allocateSpecific failed ${targets.length - ok} times`);
          mix(ok);
          for (let i = 0; i < targets.length; i++) {
            allocator.deallocate(targets[i] as Frame);
            mix(targets[i]?.number() as number);
          }
        }
        checkRestored();
        return elapsed;
      }),
    );
  }

  return results;
}

// ---------------------------------------------------------------------------------------------
// Main

const q = options.quick;
const scopes: Scope[] = [
  {
    name: 'small',
    maxFrames: 512,
    map: smallMap(),
    constructReps: q ? 20_000 : 200_000,
    initReps: q ? 10_000 : 100_000,
    batch: 256,
    rounds: q ? 200 : 2_000,
    live: 128,
    pairs: q ? 100_000 : 1_000_000,
  },
  {
    name: 'full',
    maxFrames: MAX_FRAMES,
    map: e820Map(),
    constructReps: q ? 50 : 500,
    initReps: q ? 10 : 100,
    // 65,536 frames (256 MiB) per batch: larger batches mostly time V8 promoting the held Frame
    // objects out of the young generation (~100 ns/op at 2^18 here), not the allocator.
    batch: 1 << 16,
    rounds: q ? 4 : 16,
    live: 1 << 16,
    pairs: q ? 100_000 : 1_000_000,
  },
];

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown';
const startedAt = Date.now();
const loadAtStart = os.loadavg();
console.log(`framecheck benchmark${q ? ' (--quick: fewer samples, runs and seeds — indicative only)' : ''}`);
console.log(`node ${process.version}, ${cpu}, ${os.cpus().length} CPUs, ${process.platform}/${process.arch}`);
console.log(`${new Date().toISOString()}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
console.log(`\nraw allocator: ${SAMPLES} samples after ${WARMUP} warm-up batches; per-op times (median, min)\n`);

const results: Result[] = [];
for (const scope of scopes) results.push(...benchScope(scope));

// Initialisation-sized work is shown in µs, per-frame operations in ns; the JSON is in ns throughout.
const inMicros = (operation: string): boolean => operation === 'construct' || operation === 'new+init';
const fmt = (ns: number, micros: boolean): string => (micros ? (ns / 1000).toFixed(2) : ns.toFixed(1));

const header = ['scope', 'operation', 'median', 'min', 'unit', 'ops/sample', 'samples'];
const rows = results.map((r) => {
  const micros = inMicros(r.operation);
  return [r.scope, r.operation, fmt(r.medianNs, micros), fmt(r.minNs, micros), micros ? 'µs/op' : 'ns/op', String(r.opsPerSample), String(r.samples)];
});
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
const numeric = new Set([2, 3, 5, 6]);
const line = (cells: string[]): string =>
  cells.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));

// ---------------------------------------------------------------------------------------------
// Harness speed, naive baseline, time to find

/** Prints a table: columns in `numericCols` are right-aligned. */
function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[], numericCols: ReadonlySet<number>): void {
  console.log(`\n${title}`);
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const fmtLine = (cells: readonly string[]): string =>
    cells.map((cell, c) => (numericCols.has(c) ? cell.padStart(w[c] as number) : cell.padEnd(w[c] as number))).join('  ').trimEnd();
  console.log(fmtLine(header));
  console.log(w.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(fmtLine(row));
}

const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const fixed = (value: number | null, digits: number): string => (value === null ? '—' : value.toFixed(digits));
const HARNESS_SEED = 1;
const plans = {
  small: { scope: SMALL_SCOPE, seed: HARNESS_SEED, numRuns: q ? 300 : 2000, samples: q ? 3 : 5, warmup: 1, breakdown: false },
  full: { scope: FULL_SCOPE, seed: HARNESS_SEED, numRuns: q ? 20 : 100, samples: q ? 3 : 5, warmup: 1, breakdown: true },
  naiveFull: { numRuns: q ? 5 : 20, samples: 3, warmup: 1 },
  timeToFind: { seeds: Array.from({ length: q ? 5 : 30 }, (_, i) => i + 1), numRuns: q ? 2_000 : 10_000 },
} as const;

console.log(`\nharness speed: corrected allocator (debug), seed ${HARNESS_SEED}, ${plans.small.numRuns} small-scope runs and ${plans.full.numRuns} full-scope runs; generation, replay, raw and the naive baseline measured round-robin, ${plans.small.samples} samples after ${plans.small.warmup} warm-up, medians`);
const sequencesMatch = { small: sameSequences(SMALL_SCOPE, HARNESS_SEED, q ? 50 : 200), full: sameSequences(FULL_SCOPE, HARNESS_SEED, q ? 10 : 50) };
if (!sequencesMatch.small || !sequencesMatch.full) throw new Error('naive baseline: its arbitrary no longer generates the same sequences as generatedRun');

const smallSpeed = measureScope({ ...plans.small, alongside: [naiveSampler(SMALL_SCOPE, HARNESS_SEED, plans.small.numRuns)] });
const fullSpeed = measureScope(plans.full);
// The full-scope naive baseline is slow (a 4 Mi-frame bitmap read after every step): far fewer runs,
// measured round-robin with framecheck's generation over exactly those runs.
const fullNaive = measureScope({ scope: FULL_SCOPE, seed: HARNESS_SEED, numRuns: plans.naiveFull.numRuns, samples: plans.naiveFull.samples, warmup: plans.naiveFull.warmup, breakdown: false, alongside: [naiveSampler(FULL_SCOPE, HARNESS_SEED, plans.naiveFull.numRuns)] });
const speeds: ScopeSpeed[] = [smallSpeed, fullSpeed].map(({ alongside: _alongside, ...rest }) => rest);

const speedRow = (scope: string, mode: string, sample: SpeedSample): string[] => [
  scope,
  mode,
  int(sample.stepsPerSec),
  int((sample.steps / sample.minMs) * 1000),
  (sample.nsPerStep / 1000).toFixed(2),
  sample.msPerRun.toFixed(3),
  String(sample.runs),
  String(sample.steps),
];
printTable(
  'Harness speed (model-checked steps/s: allocator step + model step + every invariant)',
  ['scope', 'mode', 'steps/s', 'best steps/s', 'µs/step', 'ms/run', 'runs', 'steps'],
  speeds.flatMap((speed) => [
    speedRow(speed.scope, 'generation+execution (fc.check)', speed.generation),
    speedRow(speed.scope, 'replay (runSteps)', speed.replay),
    speedRow(speed.scope, 'raw target.execute only', speed.raw),
  ]),
  new Set([2, 3, 4, 5, 6, 7]),
);
printTable(
  'Harness step ÷ raw allocator step (same steps, time per step)',
  ['scope', 'replay / raw', 'generation / raw'],
  speeds.map((speed) => [speed.scope, `${speed.replayOverRaw.toFixed(2)}×`, `${speed.generationOverRaw.toFixed(2)}×`]),
  new Set([1, 2]),
);
const genParts = fullSpeed.generation.parts;
const replayParts = fullSpeed.replay.parts;
if (genParts === undefined || replayParts === undefined) throw new Error('no full-scope breakdown');
const harnessMsPerRun = fullSpeed.replay.msPerRun;
const generationMsPerRun = fullSpeed.generation.msPerRun;
const initShareOfReplay = replayParts.initShare;
const initShareOfGeneration = genParts.initShare;
const stepsPerRun = fullSpeed.replay.steps / fullSpeed.replay.runs;
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)}%`;
printTable(
  `Full scope: where a harness run's time goes, timed inside the runs themselves (${fullSpeed.replay.runs} runs, ${stepsPerRun.toFixed(1)} steps per run; raw target alone: ${fullSpeed.raw.msPerRun.toFixed(3)} ms/run)`,
  ['part (ms per run)', 'replay', 'share', 'generation', 'share'],
  (
    [
      ['allocator new (target.reset)', replayParts.resetMsPerRun, genParts.resetMsPerRun],
      ['allocator init + boot_init steps', replayParts.initStepsMsPerRun, genParts.initStepsMsPerRun],
      ['= allocator init (new + init)', replayParts.allocatorInitMsPerRun, genParts.allocatorInitMsPerRun],
      ['end-of-run bitmap read (freeRanges)', replayParts.freeRangesMsPerRun, genParts.freeRangesMsPerRun],
      ['rest: other steps, model, invariants, fast-check', replayParts.restMsPerRun, genParts.restMsPerRun],
      ['whole harness run (median)', harnessMsPerRun, generationMsPerRun],
    ] as const
  ).map(([part, replay, generation]) => [part, replay.toFixed(3), pct(replay, harnessMsPerRun), generation.toFixed(3), pct(generation, generationMsPerRun)]),
  new Set([1, 2, 3, 4]),
);
console.log(`allocator init share, median of the per-sample shares: ${(100 * initShareOfReplay).toFixed(0)}% of a replayed run, ${(100 * initShareOfGeneration).toFixed(0)}% of a generated run`);

const naiveRows = [
  { scope: 'small', framecheck: smallSpeed.generation, naive: smallSpeed.alongside[0] },
  { scope: 'full', framecheck: fullNaive.generation, naive: fullNaive.alongside[0] },
].map(({ scope, framecheck, naive }) => {
  if (naive === undefined) throw new Error('no naive sample');
  if (naive.steps !== framecheck.steps) throw new Error(`naive baseline ran ${naive.steps} steps where framecheck ran ${framecheck.steps}: not the same sequences`);
  return { scope, runs: framecheck.runs, steps: framecheck.steps, framecheck, naive, ratio: framecheck.stepsPerSec / naive.stepsPerSec };
});
printTable(
  'Naive baseline (fc.modelRun + whole-bitmap compare after every step) vs framecheck, both with generation, same seed and runs',
  ['scope', 'runs', 'steps', 'framecheck steps/s', 'naive steps/s', 'framecheck / naive'],
  naiveRows.map((row) => [row.scope, String(row.runs), String(row.steps), int(row.framecheck.stepsPerSec), int(row.naive.stepsPerSec), `${row.ratio.toFixed(2)}×`]),
  new Set([1, 2, 3, 4, 5]),
);
console.log(`same generated sequences: ${sequencesMatch.small && sequencesMatch.full ? 'yes' : 'no'} (first runs compared step by step; executed step totals equal)`);

console.log(`\ntime to find: port (debug), small scope, ${plans.timeToFind.seeds.length} seeds (${plans.timeToFind.seeds[0]}..${plans.timeToFind.seeds[plans.timeToFind.seeds.length - 1]}), runCampaign numRuns ${plans.timeToFind.numRuns}${q ? ' (--quick: fewer seeds and runs)' : ''}`);
const ttf: TimeToFind = measureTimeToFind(plans.timeToFind.seeds, plans.timeToFind.numRuns, (campaign) => {
  process.stdout.write(`  seed ${campaign.seed}: ${campaign.findings} findings, campaign ${(campaign.totalMs / 1000).toFixed(2)} s${campaign.completed ? '' : ' (did not complete)'}\n`);
});
printTable(
  `Time to find each finding (ms; "since start" of the campaign, "own" = the search that found it; lengths in steps after shrinking)`,
  ['finding', 'seeds', 'median since start', 'worst since start', 'median own', 'worst own', 'median len', 'worst len', 'minimal len', 'longer seeds'],
  ttf.summary.map((f) => [
    f.findingId,
    `${f.foundInSeeds}/${f.seeds}`,
    fixed(f.medianSinceStartMs, 1),
    fixed(f.worstSinceStartMs, 1),
    fixed(f.medianOwnSearchMs, 1),
    fixed(f.worstOwnSearchMs, 1),
    fixed(f.medianShrunkLength, 1),
    fixed(f.worstShrunkLength, 0),
    fixed(f.minimalLength, 0),
    f.longerThanMinimal.length === 0 ? (f.foundInSeeds === 0 ? '—' : '0') : `${f.longerThanMinimal.length} (${[...new Set(f.longerThanMinimal.map((l) => `${l.length} steps via ${l.divergingOp}`))].join(', ')})`,
  ]),
  new Set([1, 2, 3, 4, 5, 6, 7, 8]),
);
const campaignMs = ttf.campaigns.map((c) => c.totalMs).sort((a, b) => a - b);
console.log(`campaign (all searches, including the final passing one of ${plans.timeToFind.numRuns} runs): median ${(campaignMs[campaignMs.length >> 1] as number / 1000).toFixed(2)} s, worst ${((campaignMs[campaignMs.length - 1] as number) / 1000).toFixed(2)} s; completed in ${ttf.campaigns.filter((c) => c.completed).length}/${ttf.campaigns.length} seeds`);

// ---------------------------------------------------------------------------------------------
// Goals

const found = ttf.summary.filter((f) => f.foundInSeeds > 0);
const notFound = ttf.summary.filter((f) => f.foundInSeeds === 0).map((f) => f.findingId);
const slowest = found.reduce((a, b) => ((a.medianSinceStartMs ?? 0) >= (b.medianSinceStartMs ?? 0) ? a : b));
const everywhere = found.filter((f) => f.foundInAll);
const slowestEverywhere = everywhere.length === 0 ? undefined : everywhere.reduce((a, b) => ((a.medianSinceStartMs ?? 0) >= (b.medianSinceStartMs ?? 0) ? a : b));
const longer = found.filter((f) => f.longerThanMinimal.length > 0);
const goals = [
  {
    goal: '≥ 300,000 model-checked steps/s with generation, small scope',
    met: smallSpeed.generation.stepsPerSec >= 300_000,
    figure: `${int(smallSpeed.generation.stepsPerSec)} steps/s (best sample ${int((smallSpeed.generation.steps / smallSpeed.generation.minMs) * 1000)})`,
  },
  {
    goal: '≥ 1,000,000 model-checked steps/s in replay, small scope',
    met: smallSpeed.replay.stepsPerSec >= 1_000_000,
    figure: `${int(smallSpeed.replay.stepsPerSec)} steps/s (best sample ${int((smallSpeed.replay.steps / smallSpeed.replay.minMs) * 1000)})`,
  },
  {
    goal: 'full scope: time per run dominated (> 50%) by the allocator\'s init (new + init)',
    met: initShareOfReplay > 0.5 && initShareOfGeneration > 0.5,
    figure: `init ${replayParts.allocatorInitMsPerRun.toFixed(3)} of ${harnessMsPerRun.toFixed(3)} ms per replayed run (${(100 * initShareOfReplay).toFixed(0)}%); ${genParts.allocatorInitMsPerRun.toFixed(3)} of ${generationMsPerRun.toFixed(3)} ms per generated run (${(100 * initShareOfGeneration).toFixed(0)}%)`,
  },
  {
    goal: 'every finding the port exhibits found within 1 s (median, since campaign start)',
    met: found.every((f) => (f.medianSinceStartMs ?? Infinity) <= 1000),
    figure: `slowest median: ${slowest.findingId} ${fixed(slowest.medianSinceStartMs, 1)} ms (found in ${slowest.foundInSeeds}/${slowest.seeds} seeds)${slowestEverywhere !== undefined && slowestEverywhere !== slowest ? `; of those found in every seed: ${slowestEverywhere.findingId} ${fixed(slowestEverywhere.medianSinceStartMs, 1)} ms` : ''}${notFound.length > 0 ? `; never found on the port (not judged here): ${notFound.join(', ')}` : ''}`,
  },
  {
    goal: `every finding found in all ${ttf.seeds.length} seeds`,
    met: ttf.summary.every((f) => f.foundInAll),
    figure: ttf.summary.map((f) => `${f.findingId} ${f.foundInSeeds}/${f.seeds}`).filter((_, i) => !(ttf.summary[i] as { foundInAll: boolean }).foundInAll).join('; ') || `all ${ttf.summary.length} in every seed`,
  },
  {
    goal: 'always shrunk to the minimal length (the minimum over seeds)',
    met: longer.length === 0,
    figure: longer.length === 0 ? 'every counterexample at its minimal length' : longer.map((f) => `${f.findingId}: minimal ${f.minimalLength}, ${f.longerThanMinimal.length}/${f.foundInSeeds} seeds longer`).join('; '),
  },
];
printTable('Goals', ['goal', 'met', 'figure'], goals.map((g) => [g.goal, g.met ? 'MET' : 'NOT MET', g.figure]), new Set());

const report = {
  node: process.version,
  cpu,
  date: new Date().toISOString(),
  quick: q,
  results,
  machine: { cpu, cpus: os.cpus().length, node: process.version, platform: `${process.platform}/${process.arch}`, loadavgAtStart: loadAtStart, loadavgAtEnd: os.loadavg() },
  harnessSpeed: {
    allocator: 'corrected (debug)',
    seed: HARNESS_SEED,
    plans: { small: { ...plans.small, scope: 'small' }, full: { ...plans.full, scope: 'full' } },
    scopes: speeds,
    fullScopeRunTime: { replay: replayParts, generation: genParts, rawMsPerRun: fullSpeed.raw.msPerRun, harnessReplayMsPerRun: harnessMsPerRun, harnessGenerationMsPerRun: generationMsPerRun, initShareOfReplay, initShareOfGeneration },
    rawChecksum,
  },
  naiveBaseline: { sameSequences: sequencesMatch, scopes: naiveRows },
  timeToFind: ttf,
  goals,
};
const outPath = path.resolve(options.out);
const outDir = path.dirname(outPath);
mkdirSync(outDir, { recursive: true });
const tmpPath = path.join(outDir, `.${path.basename(outPath)}.${process.pid}.tmp`);
try {
  writeFileSync(tmpPath, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmpPath, outPath);
} catch (error) {
  try {
    unlinkSync(tmpPath);
  } catch {
    // the temp file was never created
  }
  throw error;
}

console.log(`\nchecksum ${(checksum >>> 0).toString(16).padStart(8, '0')} (${sink.filter(Boolean).length} allocators kept)`);
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`wrote ${options.out} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
