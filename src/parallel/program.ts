// A parallel program: a sequential prefix, then 2–8 thread programs of the seed's global API run
// together on real threads (docs/parallel.md). A history is what one run of it did: every call with
// when it was invoked and returned (monotonic ns, one origin for all threads) and what it returned.
import type { Outcome, Region } from '../targets/step.js';

/**
 * A frame argument: a literal frame number, the frame call `prefixCall` of the prefix returned, or
 * the frame an earlier call `ownCall` of the same thread returned.
 */
export type ParallelFrameArg = { readonly number: number } | { readonly prefixCall: number } | { readonly ownCall: number };

/** One call of the global API. */
export type ParallelCall =
  | { readonly op: 'init'; readonly kernelBase: bigint; readonly map: readonly Region[] }
  | { readonly op: 'allocate_frame' }
  | { readonly op: 'allocate_frame_at'; readonly addr: bigint }
  | { readonly op: 'deallocate_frame'; readonly frame: ParallelFrameArg }
  | { readonly op: 'memory_stats' };

export interface ParallelProgram {
  readonly prefix: readonly ParallelCall[];
  /** 2–8 thread programs. */
  readonly threads: readonly (readonly ParallelCall[])[];
}

export const MIN_THREADS = 2;
export const MAX_THREADS = 8;

/** 0 is the prefix; 1…k the thread programs, as the protocol numbers them. */
export type Segment = number;

export interface HistoryCall {
  readonly segment: Segment;
  readonly index: number;
  readonly invokedNs: number;
  readonly returnedNs: number;
  /** `skipped`: a frame reference named a call that returned no frame; the call was not made. */
  readonly outcome: Outcome;
}

/** Every call of one run, ordered by segment, then index. */
export type History = readonly HistoryCall[];

export const segmentCalls = (program: ParallelProgram, segment: Segment): readonly ParallelCall[] =>
  segment === 0 ? program.prefix : (program.threads[segment - 1] ?? []);

export const callCount = (program: ParallelProgram): number => program.prefix.length + program.threads.reduce((sum, calls) => sum + calls.length, 0);

export const segmentName = (segment: Segment): string => (segment === 0 ? 'prefix' : `thread ${segment}`);

/** The frame a call of the history returned, if it returned one. */
export const returnedFrame = (call: HistoryCall | undefined): number | undefined =>
  call !== undefined && call.outcome.kind === 'ok' && typeof call.outcome.value === 'number' ? call.outcome.value : undefined;

/** The history's calls by segment and index. */
export function bySegment(history: History): Map<Segment, HistoryCall[]> {
  const segments = new Map<Segment, HistoryCall[]>();
  for (const call of history) {
    const calls = segments.get(call.segment) ?? [];
    calls[call.index] = call;
    segments.set(call.segment, calls);
  }
  return segments;
}

/** The frame number a deallocate_frame argument names in this history, or undefined if its reference returned no frame. */
export function resolveFrame(arg: ParallelFrameArg, segment: Segment, segments: Map<Segment, HistoryCall[]>): number | undefined {
  if ('number' in arg) return arg.number;
  if ('prefixCall' in arg) return returnedFrame(segments.get(0)?.[arg.prefixCall]);
  return returnedFrame(segments.get(segment)?.[arg.ownCall]);
}
