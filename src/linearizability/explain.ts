// What broke, when a history has no linearisation: a finding named by the promise (a stable id
// from the shape of the failure) and a sentence naming the calls involved. The checks go from the
// most specific shape to the most general; the conflicting calls are the ones the reports mark.
import type { FrameModel } from '../../models/index.js';
import { PAGE } from '../targets/step.js';
import { segmentName, type ParallelProgram } from '../parallel/program.js';
import { encodeCall, encodeOutcome } from '../parallel/protocol.js';
import { checkFrames, isGlobal, segmentCall, type CheckResult, type Operation, type PreparedHistory } from './checker.js';

export interface CallRef {
  readonly segment: number;
  readonly index: number;
}

export interface RaceViolation {
  /** Stable, from the shape: `race:frame-handed-out-twice`, `race:memory-stats-no-moment`, … */
  readonly id: string;
  /** `linearizable`, or `target-responds` when the driver itself failed. */
  readonly property: 'linearizable' | 'target-responds';
  readonly title: string;
  /** One sentence naming the frame or figure and the calls. */
  readonly message: string;
  readonly conflicting: readonly CallRef[];
}

export const RACE_FINDINGS = {
  'sequential:prefix-disagrees': 'A call of the sequential prefix broke a sequential promise (run the sequential campaign for it)',
  'race:panic': 'A call panicked while other threads called the allocator',
  'race:frame-handed-out-twice': 'One frame handed out to two callers, neither freed it',
  'race:frame-state': "A frame's calls have no order that explains their results",
  'race:memory-stats-no-moment': 'memory_stats returned figures that no moment during the call had',
  'race:counters-drift': 'The free counter drifted: no order of the calls explains the figures and OutOfMemory answers',
  'race:not-linearizable': 'No order of the calls explains their results',
} as const;

export type RaceFindingId = keyof typeof RACE_FINDINGS;

const callText = (program: ParallelProgram, ref: CallRef): string => `${encodeCall(segmentCall(program, ref))} (${segmentName(ref.segment)}, call ${ref.index})`;

function violation(id: RaceFindingId, message: string, conflicting: readonly CallRef[]): RaceViolation {
  return { id, property: 'linearizable', title: RACE_FINDINGS[id], message, conflicting: conflicting.map(({ segment, index }) => ({ segment, index })) };
}

/** Handouts of each frame by the threads (ok allocate_frame / allocate_frame_at). */
function handoutsOf(prepared: PreparedHistory, frame: number): Operation[] {
  return prepared.threads.flat().filter((op) => op.frame === frame && op.outcome.kind === 'ok' && op.call.op !== 'deallocate_frame');
}

const freesOf = (prepared: PreparedHistory, frame: number): Operation[] =>
  prepared.threads.flat().filter((op) => op.frame === frame && op.call.op === 'deallocate_frame' && op.outcome.kind === 'ok');

/** A holder of a frame: the prefix (held from the start) or a thread's handout. */
interface Holder {
  readonly name: string;
  readonly op?: Operation;
}

/**
 * Two holders of one frame with no free that can come between them in either order: the second
 * handout can only follow the first if some free of the frame may come after the first handout
 * and before the second one returned.
 */
function doubleHandout(prepared: PreparedHistory, frame: number): [Holder, Holder] | undefined {
  const model = prepared.epochs[0];
  const heldByPrefix = model !== undefined && model.initialized && frame < model.maxFrames && model.statusOf(frame) === 'handed-out';
  const holders: Holder[] = [...(heldByPrefix ? [{ name: 'the prefix' }] : []), ...handoutsOf(prepared, frame).map((op) => ({ name: segmentName(op.segment), op }))];
  // A re-boot by a thread frees every frame, as a free does — when there was a boot before it to
  // hand the first one out (without one, every handout follows the thread's init).
  const reboots = prepared.epochs[0]?.initialized === true ? prepared.threads.flat().filter((op) => op.call.op === 'init') : [];
  const frees = [...freesOf(prepared, frame), ...reboots];
  const canFollow = (first: Holder, second: Holder): boolean =>
    second.op !== undefined &&
    frees.some((free) => (first.op === undefined || free.returnedNs >= first.op.invokedNs) && free.invokedNs <= (second.op as Operation).returnedNs && !(free.segment === second.op?.segment && free.index > second.op.index));
  for (let i = 0; i < holders.length; i++) {
    for (let j = i + 1; j < holders.length; j++) {
      const [a, b] = [holders[i] as Holder, holders[j] as Holder];
      if (a.op?.segment !== b.op?.segment && !canFollow(a, b) && !canFollow(b, a)) return [a, b];
    }
  }
  return undefined;
}

function explainFrame(program: ParallelProgram, prepared: PreparedHistory, frame: number): RaceViolation {
  const pair = doubleHandout(prepared, frame);
  if (pair !== undefined) {
    const [a, b] = pair;
    const freed = freesOf(prepared, frame).length === 0 ? 'neither freed it' : 'no free of it can come between';
    return violation('race:frame-handed-out-twice', `Frame(${frame}) handed out to ${a.name} and to ${b.name}, ${freed}`, pair.flatMap((holder) => (holder.op === undefined ? [] : [holder.op])));
  }
  const calls = prepared.threads.flat().filter((op) => op.frame === frame);
  return violation('race:frame-state', `the calls on Frame(${frame}) have no order that explains their results: ${calls.map((op) => `${callText(program, op)} → ${encodeOutcome(op.outcome)}`).join('; ')}`, calls);
}

/**
 * A memory_stats pair no moment during the call can have had. Each boot the call may have seen —
 * the prefix's, unless a thread's init surely came first, and every thread init that may have —
 * allows its usable memory as the total, and a free figure from its own less every handout that
 * may have come first, to its own plus every free that may have (less, for the prefix's boot, the
 * handouts that surely came first).
 */
function explainStats(program: ParallelProgram, prepared: PreparedHistory): RaceViolation | undefined {
  const ops = prepared.threads.flat();
  const page = Number(PAGE);
  const changes = ops.filter((op) => op.outcome.kind === 'ok' && op.frame !== undefined && op.call.op !== 'memory_stats');
  const inits = ops.filter((op) => op.call.op === 'init');
  for (const stats of ops.filter((op) => op.call.op === 'memory_stats')) {
    const value = stats.outcome.kind === 'ok' && Array.isArray(stats.outcome.value) ? stats.outcome.value : undefined;
    if (value === undefined) continue;
    const surelyBefore = (op: Operation): boolean => op.returnedNs < stats.invokedNs || (op.segment === stats.segment && op.index < stats.index);
    const maybeBefore = (op: Operation): boolean => op.invokedNs <= stats.returnedNs && !(op.segment === stats.segment && op.index > stats.index);
    const boots = [
      ...(inits.some(surelyBefore) ? [] : [{ epoch: 0, fromPrefix: true }]),
      ...inits.filter(maybeBefore).map((op) => ({ epoch: (op.call as { epoch: number }).epoch, fromPrefix: false })),
    ];
    const ranges = boots.map(({ epoch, fromPrefix }) => {
      const model = prepared.epochs[epoch] as FrameModel;
      let [low, high] = [model.freeCount(), model.freeCount()];
      for (const op of changes.filter(maybeBefore)) {
        // A free gives back at most one frame (none for a double free); a handout always takes one.
        if (op.call.op === 'deallocate_frame') high += 1;
        else {
          low -= 1;
          if (fromPrefix && surelyBefore(op)) high -= 1;
        }
      }
      return { total: model.totalCount() * page, low: Math.max(0, low) * page, high: high * page };
    });
    if (ranges.some((range) => value[1] === range.total && value[0] % page === 0 && value[0] >= range.low && value[0] <= range.high)) continue;
    const figures = ranges.map((range) => (value[1] !== range.total ? `a total of ${range.total}` : `a free figure between ${range.low} and ${range.high}`)).join(', or ');
    return violation('race:memory-stats-no-moment', `memory_stats() in ${segmentName(stats.segment)} (call ${stats.index}) returned (${value[0]}, ${value[1]}) bytes where every moment of the call had ${figures}`, [stats]);
  }
  return undefined;
}

/** The finding for a history `checkHistory` found not linearizable. */
export function explainViolation(program: ParallelProgram, result: CheckResult, nodeBudget = 500_000): RaceViolation {
  const { prepared } = result;
  if (prepared.prefixFailure !== undefined) {
    const { call, promised } = prepared.prefixFailure;
    return violation('sequential:prefix-disagrees', `${callText(program, call)} returned ${encodeOutcome(call.outcome)}, the model promises ${promised}`, [call]);
  }
  const panicked = prepared.threads.flat().find((op) => op.outcome.kind === 'panic');
  if (panicked !== undefined) return violation('race:panic', `${callText(program, panicked)} panicked: ${encodeOutcome(panicked.outcome).slice(6)}`, [panicked]);
  // A frame whose own calls fail is the culprit: a linearizable history's projection on one frame
  // is linearizable. A thread's init ties every frame together: then only a frame handed out twice
  // with no free or init between can be named.
  if (prepared.epochs.length > 1) {
    const frames = new Set(prepared.threads.flat().flatMap((op) => (op.frame === undefined ? [] : [op.frame])));
    for (const frame of frames) if (doubleHandout(prepared, frame) !== undefined) return explainFrame(program, prepared, frame);
  } else {
    // The frame-level calls alone (the global ones only ever fail for want of their partners).
    const frameCalls = { ...prepared, threads: prepared.threads.map((ops) => ops.filter((op) => !isGlobal(op))) };
    const frames = result.failedFrame !== undefined ? { failed: true, failedFrame: result.failedFrame } : checkFrames(frameCalls, nodeBudget);
    if (frames.failed && frames.failedFrame !== undefined) return explainFrame(program, prepared, frames.failedFrame);
  }
  const stats = explainStats(program, prepared);
  if (stats !== undefined) return stats;
  const global = prepared.threads.flat().filter((op) => op.call.op === 'memory_stats' || (op.call.op === 'allocate_frame' && op.outcome.kind === 'err'));
  if (global.length > 0) {
    return violation('race:counters-drift', `no order of the calls explains ${global.map((op) => `${callText(program, op)} → ${encodeOutcome(op.outcome)}`).join('; ')}`, global);
  }
  return violation('race:not-linearizable', 'no order of the calls explains their results', prepared.threads.flat());
}
