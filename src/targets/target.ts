// The allocator interface: what framecheck needs from any allocator it checks — the TypeScript
// port, the corrected allocator, a user's module, or a native program over the line protocol.
import type { Outcome, Step } from './step.js';

/** A step whose frame argument is a literal frame number (references already resolved). */
export type ConcreteStep = Step extends infer S
  ? S extends { readonly frame: unknown }
    ? Omit<S, 'frame'> & { readonly frame: { readonly number: number | bigint } }
    : S
  : never;

/** What one step did, plus what the allocator's own bookkeeping says right after it. */
export interface StepReport {
  readonly outcome: Outcome;
  /** `free_count()` and `total_count()` right after the step (pure reads: they change nothing). */
  readonly free: number;
  readonly total: number;
  /**
   * The bitmap bit (true = used) of the frame this step named or returned, when that frame is
   * below capacity; absent otherwise. It lets the per-step check look at touched frames only.
   */
  readonly frameUsed?: boolean;
}

/** A half-open run of frames [start, end). */
export type FrameRange = readonly [start: number, end: number];

export interface AllocatorTarget {
  /** Shown in reports, e.g. "port (release)" or "rust seed (debug)". */
  readonly name: string;
  /** Bitmap capacity in frames: MAX_FRAMES (4 Mi frames = 16 GiB by default). */
  readonly maxFrames: number;
  /** Start afresh: `FrameAllocator::new()`, and a fresh global FRAME_ALLOCATOR. */
  reset(): void;
  /** Run one step on the allocator. Must not throw for anything the allocator itself does. */
  execute(step: ConcreteStep): StepReport;
  /** The frames the bitmap marks free, ascending, as ranges: the whole-bitmap check at the end of a run. */
  freeRanges(): FrameRange[];
  /** Release what the target holds (a child process, say). */
  close?(): void;
}

/**
 * The target itself failed: it crashed, hung past its timeout, answered garbage or could not be
 * started. Thrown by `execute`; the runner reports it as a finding against the target.
 */
export class TargetFault extends Error {
  constructor(
    readonly fault: 'crash' | 'timeout' | 'protocol' | 'start',
    message: string,
    /** What a native driver left behind: its exit status or signal, the last lines of its stderr. */
    readonly details: { readonly status?: string; readonly stderrTail?: readonly string[] } = {},
  ) {
    super(message);
    this.name = 'TargetFault';
  }
}
