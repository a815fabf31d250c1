// Bounded-exhaustive checking: every sequence of steps up to a depth over a small fixed alphabet,
// in a tiny scope (128 frames by default), checked in lockstep with the model after every step.
// When it completes depth d it shows that no counterexample of d steps or fewer exists in this
// scope over this alphabet. fast-check samples a huge space; this covers a tiny one completely.
//
// The search is breadth-first over states. A target is stateful and cannot be cloned, so a state
// is kept as the shortest path that reaches it, and expanding it means reset + replay of that path
// + one more step (runSteps, the executor every other run goes through). Sequences that reach the
// same state are explored once: the state is
//   - the model's stateKey() with the strict allocation policy (free, handed-out and usable frames,
//     and the model's nextFreeHint, which tracks the seed's hint: just past the last frame handed
//     out by a search, lowered by a free of a handed-out frame, 0 after init),
//   - the allocator's bitmap (freeRanges()), and its free_count and total_count after the last step.
// The allocator's own next_free_hint cannot be read from outside: it is covered only through the
// model's hint. That is exact for allocators that move the hint as the seed does on every path
// that has not yet failed (the port, and the corrected allocator, which keeps the seed's hint); an
// allocator with a hint of its own design may have hidden states this key merges.
// A path that breaks an invariant is named by its signature (src/findings/identity.ts) and never expanded; the first (and so
// shortest) path of each finding is kept.
import { FrameModel } from '../../models/index.js';
import { createTarget, type TargetSpec } from '../targets/target-spec.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX, type Outcome, type Region } from '../targets/step.js';
import type { AllocatorTarget, ConcreteStep, StepReport } from '../targets/target.js';
import { runSteps, type RunConfig, type RunViolation } from './lockstep.js';
import { identifyFailure } from '../findings/identity.js';


/** The default scope: two bitmap words. */
export const EXHAUSTIVE_DEFAULT_FRAMES = 128;

const usable = (base: bigint, length: bigint): Region => ({ base, length, kind: 'Usable' });

/**
 * The memory maps of the alphabet, drawn for a 128-frame bitmap (frames 0..63 are word 0, 64..127
 * word 1). Each exposes one way a map can go wrong, on or near the word boundary.
 */
export const EXHAUSTIVE_MAPS = {
  /** No memory at all. */
  empty: [],
  /** Frames [0, 64): exactly bitmap word 0. */
  lowWord: [usable(0n, 64n * PAGE)],
  /** 0x3e800 + 0x4000: the complete frames 63, 64, 65 across the word boundary, half frames on either side. */
  unaligned: [usable(0x3e800n, 0x4000n)],
  /** Frames [0, 64) and [63, 65): frame 63 in two usable entries. */
  overlappingUsable: [usable(0n, 64n * PAGE), usable(63n * PAGE, 2n * PAGE)],
  /** Frames [0, 128) usable with a Reserved entry over frames 63 and 64. */
  reservedOverUsable: [usable(0n, 128n * PAGE), { base: 63n * PAGE, length: 2n * PAGE, kind: 'Reserved' }],
  /** 64 frames at 2^52: beyond physical memory (a masking allocator puts them at frame 0). */
  aboveAddressLimit: [usable(PHYS_ADDR_LIMIT, 64n * PAGE)],
  /** From 0x1000 with length u64::MAX: the end passes 2^64. */
  endPastAddressSpace: [usable(PAGE, U64_MAX)],
} as const satisfies Record<string, readonly Region[]>;

function buildAlphabet(): ConcreteStep[] {
  const steps: ConcreteStep[] = [];
  for (const map of Object.values(EXHAUSTIVE_MAPS)) steps.push({ op: 'init', map });
  for (const map of [EXHAUSTIVE_MAPS.lowWord, EXHAUSTIVE_MAPS.unaligned]) {
    for (const kernelPhysicalBase of [0n, 0x1001n]) steps.push({ op: 'boot_init', map, kernelPhysicalBase });
  }
  for (const op of ['reserve_kernel', 'reserve_range'] as const) {
    for (const start of [0n, 0x1001n]) for (const size of [0x1000n, 0x2000n, U64_MAX]) steps.push({ op, start, size });
  }
  steps.push({ op: 'allocate' }, { op: 'allocate_frame' });
  for (const op of ['allocate_specific', 'deallocate', 'deallocate_frame'] as const) {
    for (const number of [0, 1, 63, 64, 127, 128]) steps.push({ op, frame: { number } });
  }
  for (const addr of [0n, PAGE, PHYS_ADDR_LIMIT]) steps.push({ op: 'allocate_frame_at', addr });
  // The statistics calls change no state: one of them is enough to check the counters' figures.
  steps.push({ op: 'memory_stats' });
  return steps;
}

/**
 * The alphabet, 47 steps: init with each of EXHAUSTIVE_MAPS; boot_init with the lowWord and
 * unaligned maps and kernel bases 0x0 and 0x1001; reserve_kernel and reserve_range from 0x0 and
 * 0x1001 of 0x1000, 0x2000 and u64::MAX bytes; allocate and allocate_frame; allocate_specific,
 * deallocate and deallocate_frame of frames 0, 1, 63, 64, 127 and 128 (the edges of both words
 * and the first frame past capacity); allocate_frame_at of 0x0, 0x1000 and 2^52; memory_stats.
 */
export const EXHAUSTIVE_ALPHABET: readonly ConcreteStep[] = buildAlphabet();

export interface ExhaustiveOptions {
  readonly allocator: TargetSpec;
  /** Bitmap capacity in frames (default 128). */
  readonly maxFrames?: number;
  /** Longest sequence explored. */
  readonly maxDepth: number;
  /** Stop after this long; the depth reported is the deepest level completed before it. */
  readonly timeLimitMs?: number;
  /** Default EXHAUSTIVE_ALPHABET. */
  readonly alphabet?: readonly ConcreteStep[];
  /** Steps every sequence starts with (a machine's boot_init); not counted in the depth. Default none. */
  readonly opening?: readonly ConcreteStep[];
  /** Merge sequences that reach the same state (default true; false enumerates every sequence). */
  readonly prune?: boolean;
  /** Called after each completed level, for progress output. */
  readonly onLevel?: (level: LevelStats) => void;
}

export interface LevelStats {
  /** Sequence length explored at this level. */
  readonly depth: number;
  /** Sequences run at this level (each a reset and a replay of a state's path plus one step). */
  readonly sequences: number;
  /** States first reached at this level (expanded at the next one). */
  readonly newStates: number;
  /** Sequences at this level that broke an invariant. */
  readonly failing: number;
  /** Time since the search began, at the end of this level. */
  readonly elapsedMs: number;
}

export interface ExhaustiveFinding {
  /** A known finding's id, or an id derived from its signature (src/findings/identity.ts). */
  readonly findingId: string;
  /** The first sequence found that shows it: no shorter sequence over the alphabet does. */
  readonly steps: readonly ConcreteStep[];
  /** What the allocator returned at each step. */
  readonly outcomes: readonly Outcome[];
  readonly violation: RunViolation;
  /** How many sequences of the explored space showed it. */
  readonly occurrences: number;
}

export interface ExhaustiveResult {
  readonly targetName: string;
  readonly maxFrames: number;
  readonly alphabetSize: number;
  readonly maxDepth: number;
  /** Deepest level fully explored: every sequence of this many steps or fewer was checked. */
  readonly completedDepth: number;
  /** The time limit stopped the search inside level completedDepth + 1. */
  readonly interrupted: boolean;
  /** Every state was expanded before maxDepth: no sequence of any length reaches another state. */
  readonly exhausted: boolean;
  /** Sequences run (including the partly explored level, if interrupted). */
  readonly sequences: number;
  /** Steps sent to the allocator, replays included. */
  readonly steps: number;
  /** Distinct states reached, the initial state included. */
  readonly states: number;
  readonly levels: readonly LevelStats[];
  /** One per finding, in the order found (shortest first). */
  readonly findings: readonly ExhaustiveFinding[];
  readonly elapsedMs: number;
}

/** A target that remembers the report of its last step (the allocator's counters right after it). */
function recordingTarget(inner: AllocatorTarget): AllocatorTarget & { lastReport: StepReport | undefined } {
  const wrapper = {
    name: inner.name,
    maxFrames: inner.maxFrames,
    lastReport: undefined as StepReport | undefined,
    reset(): void {
      wrapper.lastReport = undefined;
      inner.reset();
    },
    execute(step: ConcreteStep): StepReport {
      const report = inner.execute(step);
      wrapper.lastReport = report;
      return report;
    },
    freeRanges: () => inner.freeRanges(),
    close: () => inner.close?.(),
  };
  return wrapper;
}

export function exhaustive(options: ExhaustiveOptions): ExhaustiveResult {
  const maxFrames = options.maxFrames ?? EXHAUSTIVE_DEFAULT_FRAMES;
  const target = recordingTarget(createTarget(options.allocator, maxFrames));
  try {
    return explore(options, maxFrames, target);
  } finally {
    target.close?.();
  }
}

function explore(options: ExhaustiveOptions, maxFrames: number, target: ReturnType<typeof recordingTarget>): ExhaustiveResult {
  const alphabet = options.alphabet ?? EXHAUSTIVE_ALPHABET;
  const prune = options.prune ?? true;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const deadline = options.timeLimitMs === undefined ? Infinity : options.timeLimitMs;
  const newModel = (): FrameModel => new FrameModel({ maxFrames });
  const config: RunConfig = { target, newModel, setAside: [], trace: false };

  const stateKey = (executed: readonly { readonly concrete: ConcreteStep; readonly outcome: Outcome }[]): string => {
    const shadow = new FrameModel({ maxFrames, policy: { allocation: 'strict' } });
    for (const { concrete, outcome } of executed) shadow.apply(concrete, outcome);
    const report = target.lastReport;
    const bitmap = target.freeRanges().map(([start, end]) => `${start}..${end}`).join(',');
    return `${shadow.stateKey()}#${bitmap}#${report?.free ?? '-'}/${report?.total ?? '-'}`;
  };

  const seen = new Set<string>();
  const findings = new Map<string, ExhaustiveFinding & { occurrences: number }>();
  const record = (sequence: ConcreteStep[], result: ReturnType<typeof runSteps>, violation: RunViolation): void => {
    const findingId = identifyFailure(result, newModel).id;
    const known = findings.get(findingId);
    if (known !== undefined) known.occurrences++;
    else findings.set(findingId, { findingId, steps: sequence, outcomes: result.executedSteps.map(({ outcome }) => outcome), violation, occurrences: 1 });
  };
  // The initial state: a fresh allocator after the opening (none: before any step). An opening that
  // already fails is the shortest counterexample there is, and nothing behind it can be reached.
  const opening = [...(options.opening ?? [])];
  const initial = runSteps(config, opening);
  seen.add(stateKey(initial.executedSteps));
  if (initial.violation !== undefined) record(opening, initial, initial.violation);
  let frontier: ConcreteStep[][] = initial.violation === undefined ? [opening] : [];
  const levels: LevelStats[] = [];
  let sequences = 0;
  let steps = 0;
  let completedDepth = 0;
  let interrupted = false;

  level: for (let depth = 1; depth <= options.maxDepth && frontier.length > 0; depth++) {
    const next: ConcreteStep[][] = [];
    let levelSequences = 0;
    let failing = 0;
    for (const path of frontier) {
      for (const step of alphabet) {
        // Checked once per sequence: a sequence takes microseconds, so the overshoot is negligible.
        if (elapsed() > deadline) {
          interrupted = true;
          break level;
        }
        const sequence = [...path, step];
        const result = runSteps(config, sequence);
        sequences++;
        levelSequences++;
        steps += result.executed;
        if (result.violation !== undefined) {
          failing++;
          record(sequence, result, result.violation);
          continue;
        }
        if (!prune) {
          next.push(sequence);
          continue;
        }
        const key = stateKey(result.executedSteps);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(sequence);
      }
    }
    completedDepth = depth;
    const stats: LevelStats = { depth, sequences: levelSequences, newStates: next.length, failing, elapsedMs: elapsed() };
    levels.push(stats);
    options.onLevel?.(stats);
    frontier = next;
  }

  return {
    targetName: target.name,
    maxFrames,
    alphabetSize: alphabet.length,
    maxDepth: options.maxDepth,
    completedDepth,
    interrupted,
    exhausted: !interrupted && frontier.length === 0,
    sequences,
    steps,
    states: prune ? seen.size : 1 + levels.reduce((sum, level) => sum + level.newStates, 0),
    levels,
    findings: [...findings.values()],
    elapsedMs: elapsed(),
  };
}
