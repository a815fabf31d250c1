// What one run did, in a kernel developer's terms, read off its executed steps after the run (so the
// lockstep loop pays nothing for it): each call and its outcome, whether a frame was ever handed
// out, how often the run crossed a 64-frame bitmap word, and the shape of the map it started from.
import { PAGE, type Outcome, type Region, type StepOp } from '../targets/step.js';
import { FRAME_RETURNING_OPS } from '../targets/step-format.js';
import type { RunResult } from '../runner/lockstep.js';

const WORD_FRAMES = 64n;

/** An outcome as the seed's caller names it: Ok, an error variant, or panic. */
export function outcomeName(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'Ok';
    case 'err':
      return outcome.error;
    case 'panic':
      return 'panic';
    case 'skipped':
      return 'not sent';
  }
}

export interface MapShape {
  readonly regions: number;
  /** Regions that overlap an earlier one (by base). */
  readonly overlaps: number;
  /** Bytes of the map at or past the bitmap's capacity (a number: beyond 2^53 it is approximate). */
  readonly bytesBeyondCapacity: number;
}

export interface RunFacts {
  /** Calls per op, and per op the outcomes. */
  readonly calls: ReadonlyMap<StepOp, Map<string, number>>;
  /** Steps the generator made: sent, skipped and set aside. */
  readonly sequenceLength: number;
  /** A frame was handed out (allocate*, allocate_specific) at least once. */
  readonly allocated: boolean;
  /** Allocations landing in another bitmap word than the one before, and reservations spanning words. */
  readonly wordCrossings: number;
  /** The first init's map; undefined when the run never calls init. */
  readonly map?: MapShape;
}

/** Counts each executed call and its outcome into `calls`; true when a frame was handed out. */
export function countCalls(result: RunResult, calls: Map<StepOp, Map<string, number>>): boolean {
  let allocated = false;
  for (const { concrete, outcome } of result.executedSteps) {
    let outcomes = calls.get(concrete.op);
    if (outcomes === undefined) calls.set(concrete.op, (outcomes = new Map()));
    const name = outcomeName(outcome);
    outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
    if (outcome.kind === 'ok' && (FRAME_RETURNING_OPS.has(concrete.op) || concrete.op === 'allocate_specific')) allocated = true;
  }
  return allocated;
}

export const sequenceLength = (result: RunResult): number => result.executed + result.skipped + result.setAside;

export function runFacts(result: RunResult, maxFrames: number): RunFacts {
  const calls = new Map<StepOp, Map<string, number>>();
  const allocated = countCalls(result, calls);
  let wordCrossings = 0;
  let lastWord: number | undefined;
  let map: MapShape | undefined;
  for (const { concrete, outcome } of result.executedSteps) {
    if (outcome.kind === 'ok' && FRAME_RETURNING_OPS.has(concrete.op) && typeof outcome.value === 'number') {
      const word = Math.floor(outcome.value / 64);
      if (lastWord !== undefined && word !== lastWord) wordCrossings++;
      lastWord = word;
    } else if ((concrete.op === 'reserve_kernel' || concrete.op === 'reserve_range') && concrete.size > 0n) {
      const first = concrete.start / PAGE;
      const last = (concrete.start + concrete.size - 1n) / PAGE;
      if (first / WORD_FRAMES !== last / WORD_FRAMES) wordCrossings++;
    } else if (map === undefined && (concrete.op === 'init' || concrete.op === 'boot_init')) {
      map = mapShape(concrete.map, maxFrames);
    }
  }
  return { calls, sequenceLength: sequenceLength(result), allocated, wordCrossings, ...(map !== undefined && { map }) };
}

export function mapShape(regions: readonly Region[], maxFrames: number): MapShape {
  const capacity = BigInt(maxFrames) * PAGE;
  let overlaps = 0;
  let beyond = 0n;
  let reach = -1n;
  for (const region of [...regions].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0))) {
    const end = region.base + region.length;
    if (region.length > 0n && region.base < reach) overlaps++;
    if (end > reach) reach = end;
    if (end > capacity) beyond += end - (region.base > capacity ? region.base : capacity);
  }
  return { regions: regions.length, overlaps, bytesBeyondCapacity: Number(beyond) };
}
