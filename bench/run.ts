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
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Frame, FrameAllocator, MAX_FRAMES, MemoryMap } from '../src/allocator/index.js';

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
console.log(`framecheck allocator benchmark${q ? ' (--quick)' : ''}`);
console.log(`node ${process.version}, ${cpu}, ${os.cpus().length} CPUs, ${process.platform}/${process.arch}`);
console.log(`${SAMPLES} samples after ${WARMUP} warm-up batches; per-op times (median, min)\n`);

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

const report = { node: process.version, cpu, date: new Date().toISOString(), quick: q, results };
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
console.log(`wrote ${options.out} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
