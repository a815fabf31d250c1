// The proof that the TypeScript port behaves exactly like the Rust seed: random step sequences
// (fixed seed) run on the port and on the seed itself (compiled into the native driver, 512 frames)
// side by side, compared step by step — outcome, free_count, total_count, the touched frame's bit —
// and the whole bitmap (free ranges) after every init and at the end of every sequence.
// Also: the native target's faults (hang, crash, garbage) on small shell "drivers".
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SMALL_SCOPE } from '../../properties/scope.js';
import { memoryMap } from '../../properties/generators/memory-map.js';
import { frameInCapacity, frameNumber, PAGE, PHYS_ADDR_LIMIT, physAddr, reserveSize, U64_MAX } from '../../properties/generators/values.js';
import { reportDifference } from '../../src/runner/lockstep.js';
import { createNativeTarget, encodeStep } from '../../src/targets/native-target.js';
import { createPortTarget } from '../../src/targets/port-target.js';
import { buildSeedDriver, seedDriverUnavailable } from '../../src/targets/seed-driver.js';
import type { BuildProfile, Region, RegionKind } from '../../src/targets/step.js';
import { formatOutcome, formatStep } from '../../src/targets/step-format.js';
import { TargetFault, type AllocatorTarget, type ConcreteStep, type FrameRange, type StepReport } from '../../src/targets/target.js';
import { skipWithoutTool } from '../helpers/tools.js';

const MAX_FRAMES = 512;
const SCOPE = { ...SMALL_SCOPE, maxFrames: MAX_FRAMES };
const SEED = 0x5eed_f4a3;
const SEQUENCES_PER_PROFILE = 1500;
const MIN_STEPS_PER_PROFILE = 100_000;

const unavailable = skipWithoutTool('cargo', seedDriverUnavailable());

// ---------------------------------------------------------------- generators, cheap for the seed

// The seed's loops run frame by frame over the whole request (even past MAX_FRAMES), so every
// step must stay small for it: Usable spans well below 2^26 frames, reservations either below
// 2^32 bytes or so close to 2^64 that `size + PAGE_SIZE - 1` overflows (never 2^64 - 4096, which
// would loop 2^52 times).
const TWO_32 = 1n << 32n;
const TWO_64 = 1n << 64n;
const cheapSize = (size: bigint): boolean => size < TWO_32 || size > TWO_64 - PAGE;

const cheapRegion = (region: Region): boolean => region.base < 1n << 40n && region.length < 1n << 36n;

const kind: fc.Arbitrary<RegionKind> = fc.constantFrom<RegionKind>('Usable', 'Usable', 'Reserved', 'BadMemory', 'KernelImage');
const shortLength = fc.oneof(
  fc.integer({ min: 0, max: 64 }).map((pages) => BigInt(pages) * PAGE),
  fc.integer({ min: 0, max: (1 << 20) - 1 }).map(BigInt),
);
/** Bases near 2^52 (PhysAddr's mask) and near 2^64, short lengths; base + length may pass 2^64. */
const edgeRegion: fc.Arbitrary<Region> = fc.oneof(
  fc.record({
    base: fc.integer({ min: -64, max: 64 }).map((pages) => PHYS_ADDR_LIMIT + BigInt(pages) * PAGE),
    length: shortLength,
    kind,
  }),
  fc.record({
    base: fc.integer({ min: 1, max: 64 }).map((pages) => TWO_64 - BigInt(pages) * PAGE),
    length: shortLength,
    kind,
  }),
  // The overflow case: base + length > 2^64 (debug panics, release wraps).
  fc.record({
    base: fc.integer({ min: 0, max: 4095 }).map((below) => U64_MAX - BigInt(below)),
    length: fc.integer({ min: 4096, max: 1 << 19 }).map(BigInt),
    kind: fc.constant<RegionKind>('Usable'),
  }),
);

const mapArb: fc.Arbitrary<Region[]> = fc
  .tuple(memoryMap(SCOPE), fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(edgeRegion, { minLength: 1, maxLength: 2 }) }), fc.nat())
  .map(([map, edges, at]) => {
    const kept = map.filter(cheapRegion);
    const i = kept.length === 0 ? 0 : at % (kept.length + 1);
    return [...kept.slice(0, i), ...edges, ...kept.slice(i)];
  });

const sizeArb = reserveSize(SCOPE).filter(cheapSize);

/** A frame argument before the sequence runs: a handed-out frame (j-th most recent), else a number. */
type FrameTemplate = { readonly back: number; readonly fallback: number | bigint } | { readonly number: number | bigint };
const frameTemplate: fc.Arbitrary<FrameTemplate> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ back: fc.nat(7), fallback: frameInCapacity(SCOPE) }) },
  { weight: 2, arbitrary: frameNumber(SCOPE).map((number) => ({ number })) },
);

type StepTemplate =
  | Exclude<ConcreteStep, { readonly frame: unknown }>
  | { readonly op: 'allocate_specific' | 'deallocate' | 'deallocate_frame'; readonly frame: FrameTemplate };

const ALL_OPS = [
  'init',
  'boot_init',
  'reserve_kernel',
  'reserve_range',
  'allocate',
  'allocate_specific',
  'deallocate',
  'allocate_frame',
  'allocate_frame_at',
  'deallocate_frame',
  'free_count',
  'total_count',
  'free_memory',
  'total_memory',
  'memory_stats',
] as const;

const initArb: fc.Arbitrary<StepTemplate> = mapArb.map((map) => ({ op: 'init', map }));
const bootInitArb: fc.Arbitrary<StepTemplate> = fc
  .tuple(mapArb, physAddr(SCOPE))
  .map(([map, kernelPhysicalBase]) => ({ op: 'boot_init', map, kernelPhysicalBase }));
const simple = (op: 'allocate' | 'allocate_frame' | 'free_count' | 'total_count' | 'free_memory' | 'total_memory' | 'memory_stats') =>
  fc.constant<StepTemplate>({ op });
const withFrame = (op: 'allocate_specific' | 'deallocate' | 'deallocate_frame') =>
  frameTemplate.map((frame): StepTemplate => ({ op, frame }));
const reserve = (op: 'reserve_kernel' | 'reserve_range') =>
  fc.tuple(physAddr(SCOPE), sizeArb).map(([start, size]): StepTemplate => ({ op, start, size }));

const stepArb: fc.Arbitrary<StepTemplate> = fc.oneof(
  { weight: 1, arbitrary: initArb },
  { weight: 1, arbitrary: bootInitArb },
  { weight: 2, arbitrary: reserve('reserve_kernel') },
  { weight: 2, arbitrary: reserve('reserve_range') },
  { weight: 8, arbitrary: simple('allocate') },
  { weight: 6, arbitrary: simple('allocate_frame') },
  { weight: 6, arbitrary: withFrame('allocate_specific') },
  { weight: 6, arbitrary: physAddr(SCOPE).map((addr): StepTemplate => ({ op: 'allocate_frame_at', addr })) },
  { weight: 8, arbitrary: withFrame('deallocate') },
  { weight: 6, arbitrary: withFrame('deallocate_frame') },
  { weight: 1, arbitrary: simple('free_count') },
  { weight: 1, arbitrary: simple('total_count') },
  { weight: 1, arbitrary: simple('free_memory') },
  { weight: 1, arbitrary: simple('total_memory') },
  { weight: 1, arbitrary: simple('memory_stats') },
);

const sequenceArb: fc.Arbitrary<StepTemplate[]> = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: initArb }, { weight: 4, arbitrary: bootInitArb }, { weight: 1, arbitrary: fc.constant(undefined) }),
    fc.array(stepArb, { minLength: 50, maxLength: 100 }),
  )
  .map(([first, rest]) => (first === undefined ? rest : [first, ...rest]));

/** Resolves a frame template against the frames handed out so far (most recent last). */
function concrete(step: StepTemplate, handedOut: readonly number[]): ConcreteStep {
  if (!('frame' in step)) return step;
  const frame = step.frame;
  if ('number' in frame) return { op: step.op, frame: { number: frame.number } };
  const pick = handedOut.length === 0 ? undefined : handedOut[handedOut.length - 1 - (frame.back % handedOut.length)];
  return { op: step.op, frame: { number: pick ?? frame.fallback } };
}

// ---------------------------------------------------------------- comparison

const showReport = (report: StepReport, op: ConcreteStep['op']): string =>
  `${formatOutcome(report.outcome, op)}  free=${report.free} total=${report.total} bit=${report.frameUsed === undefined ? '-' : report.frameUsed ? 1 : 0}`;

const showRanges = (ranges: readonly FrameRange[]): string =>
  ranges.length === 0 ? '(none)' : ranges.map(([a, b]) => `${a}-${b}`).join(' ');

interface Executed {
  readonly step: ConcreteStep;
  readonly report: StepReport;
}

function difference(profile: BuildProfile, sequence: number, history: readonly Executed[], what: string, rust: string, port: string): string {
  const lines = history.map(({ step, report }, i) => `  ${String(i + 1).padStart(3)}. ${formatStep(step)}  ->  ${showReport(report, step.op)}`);
  const requests = history.map(({ step }) => `  ${encodeStep(step)}`);
  return [
    `the Rust seed (${profile}) and the port differ in sequence #${sequence} (seed ${SEED}): ${what}`,
    `  rust: ${rust}`,
    `  port: ${port}`,
    'the sequence so far (the last step differs; answers are the port\'s):',
    ...lines,
    'as protocol requests (after `reset`):',
    ...requests,
  ].join('\n');
}

interface LockstepResult {
  readonly steps: number;
  readonly sequences: number;
  readonly elapsedMs: number;
  /** How often each outcome came up (`ok`, `err OutOfMemory`, `panic attempt to add with overflow`, ...). */
  readonly outcomes: ReadonlyMap<string, number>;
}

function runLockstep(profile: BuildProfile, rustTarget: AllocatorTarget, portTarget: AllocatorTarget): LockstepResult {
  const sequences = fc.sample(sequenceArb, { seed: SEED, numRuns: SEQUENCES_PER_PROFILE });
  let steps = 0;
  const outcomes = new Map<string, number>();
  const started = performance.now();
  sequences.forEach((templates, index) => {
    rustTarget.reset();
    portTarget.reset();
    const history: Executed[] = [];
    const handedOut: number[] = [];
    const compareRanges = (when: string): void => {
      const rust = rustTarget.freeRanges();
      const port = portTarget.freeRanges();
      if (JSON.stringify(rust) !== JSON.stringify(port)) {
        expect.fail(difference(profile, index, history, `free ranges ${when}`, showRanges(rust), showRanges(port)));
      }
    };
    for (const template of templates) {
      const step = concrete(template, handedOut);
      const rust = rustTarget.execute(step);
      const port = portTarget.execute(step);
      steps++;
      const tally = port.outcome.kind === 'err' ? `err ${port.outcome.error}` : port.outcome.kind === 'panic' ? `panic ${rust.outcome.kind === 'panic' ? rust.outcome.message : '?'}` : port.outcome.kind;
      outcomes.set(tally, (outcomes.get(tally) ?? 0) + 1);
      history.push({ step, report: port });
      const differs = reportDifference(rust, port);
      if (differs !== undefined) expect.fail(difference(profile, index, history, differs.message, showReport(rust, step.op), showReport(port, step.op)));
      const { outcome } = port;
      if ((step.op === 'allocate' || step.op === 'allocate_frame' || step.op === 'allocate_frame_at') && outcome.kind === 'ok' && typeof outcome.value === 'number') {
        handedOut.push(outcome.value);
        if (handedOut.length > 16) handedOut.shift();
      }
      if (step.op === 'init' || step.op === 'boot_init') compareRanges(`after ${step.op}`);
    }
    compareRanges('at the end of the sequence');
  });
  return { steps, sequences: sequences.length, elapsedMs: performance.now() - started, outcomes };
}

describe.skipIf(unavailable !== undefined)(`the port in lockstep with the Rust seed (${MAX_FRAMES} frames)${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let rustTarget: AllocatorTarget | undefined;
  afterEach(() => {
    rustTarget?.close?.();
    rustTarget = undefined;
  });

  for (const profile of ['debug', 'release'] as const) {
    it(
      `${profile}: every step answers alike`,
      () => {
        const buildStart = performance.now();
        const { binary } = buildSeedDriver({ profile, maxFrames: MAX_FRAMES });
        const buildMs = performance.now() - buildStart;
        rustTarget = createNativeTarget({ command: [binary] });
        expect(rustTarget.maxFrames).toBe(MAX_FRAMES);
        expect(rustTarget.name).toBe(`native (seed ${profile})`);
        const portTarget = createPortTarget({ maxFrames: MAX_FRAMES, profile });

        const { steps, sequences, elapsedMs, outcomes } = runLockstep(profile, rustTarget, portTarget);
        console.log(
          `rust-vs-port ${profile}: seed ${SEED}, ${sequences} sequences, ${steps} steps in ${(elapsedMs / 1000).toFixed(2)} s ` +
            `(${Math.round(steps / (elapsedMs / 1000))} steps/s); driver build ${(buildMs / 1000).toFixed(1)} s\n  outcomes: ` +
            [...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([o, n]) => `${o}: ${n}`).join(', '),
        );
        expect(steps).toBeGreaterThanOrEqual(MIN_STEPS_PER_PROFILE);
      },
      600_000,
    );
  }

  it('the generated sequences use every step op', () => {
    const seen = new Set<string>();
    for (const sequence of fc.sample(sequenceArb, { seed: SEED, numRuns: SEQUENCES_PER_PROFILE })) for (const step of sequence) seen.add(step.op);
    expect([...seen].sort()).toEqual([...ALL_OPS].sort());
  });
});

// ---------------------------------------------------------------- faults of a native target

const HELLO = 'echo "framecheck-driver 1 max_frames=512 profile=debug name=fake"';

describe('native target faults', () => {
  const faultOf = (action: () => unknown): string => {
    try {
      action();
    } catch (error) {
      if (error instanceof TargetFault) return error.fault;
      throw error;
    }
    throw new Error('no fault');
  };

  it('a driver that hangs on a step: timeout', () => {
    const target = createNativeTarget({ command: ['sh', '-c', `read x; ${HELLO}; read y; sleep 60`], stepTimeoutMs: 500 });
    try {
      expect(target.name).toBe('native (fake debug)');
      expect(faultOf(() => target.execute({ op: 'allocate' }))).toBe('timeout');
    } finally {
      target.close?.();
    }
  }, 30_000);

  it('a driver that hangs before hello: start', () => {
    expect(faultOf(() => createNativeTarget({ command: ['sh', '-c', 'read x; sleep 60'], stepTimeoutMs: 500 }))).toBe('start');
  }, 30_000);

  it('a driver that exits mid-run: crash, with its exit status and stderr', () => {
    const target = createNativeTarget({ command: ['sh', '-c', `read x; ${HELLO}; read y; echo "dying now" >&2; exit 3`], stepTimeoutMs: 5_000 });
    try {
      let fault: unknown;
      try {
        target.execute({ op: 'allocate' });
      } catch (error) {
        fault = error;
      }
      expect(fault).toBeInstanceOf(TargetFault);
      expect((fault as TargetFault).fault).toBe('crash');
      expect((fault as TargetFault).message).toContain('exit status 3');
      expect((fault as TargetFault).message).toContain('dying now');
    } finally {
      target.close?.();
    }
  }, 30_000);

  it.each([
    ['answers garbage', 'garbage', { op: 'allocate' }],
    ['refuses a request (`error ...`)', 'error unknown request', { op: 'free_count' }],
  ] as const)('a driver that %s: protocol', (_, answer, step) => {
    const target = createNativeTarget({ command: ['sh', '-c', `read x; ${HELLO}; read y; echo "${answer}"; sleep 60`], stepTimeoutMs: 5_000 });
    try {
      expect(faultOf(() => target.execute(step))).toBe('protocol');
    } finally {
      target.close?.();
    }
  }, 30_000);

  it('a wrong hello or a missing program: start', () => {
    expect(faultOf(() => createNativeTarget({ command: ['sh', '-c', 'read x; echo "hello there"; sleep 60'], stepTimeoutMs: 5_000 }))).toBe('start');
    expect(faultOf(() => createNativeTarget({ command: ['/nonexistent/framecheck-driver'] }))).toBe('start');
  }, 30_000);
});
