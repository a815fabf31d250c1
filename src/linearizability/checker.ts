// Linearizability of a parallel history against the Set model: is there one order of the calls,
// consistent with each thread's program order and with real time (a call that returned before
// another was invoked comes first), in which every call returns what the model promises?
//
// The search is Wing & Gong's, with Lowe's memoisation: a node is (how far each thread has been
// linearised, the model's canonical state); a node seen before failed before. The next call of a
// thread is a candidate when no unlinearised call returned before it was invoked. The prefix ran
// alone, so it is checked step by step and gives the starting state.
//
// Partitioned where the model allows (P-compositionality, as in Porcupine): when every call names
// or returns one frame and none reads a global figure, each frame is an object of its own and the
// history is linearizable iff each frame's sub-history is. memory_stats, OutOfMemory and an init
// in a thread tie the frames together: then the whole history is searched.
import { DEFAULT_POLICY, FrameModel, type ModelPolicy } from '../../models/index.js';
import { bySegment, resolveFrame, segmentCalls, type History, type HistoryCall, type ParallelCall, type ParallelProgram } from '../parallel/program.js';
import { PAGE, PHYS_ADDR_LIMIT, type Outcome } from '../targets/step.js';
import type { ConcreteStep } from '../targets/target.js';
import { FrameState, type ResolvedCall } from './frame-state.js';

export interface CheckOptions {
  readonly maxFrames: number;
  readonly policy?: Partial<ModelPolicy>;
  /** Split by frame where the model allows (default true); false searches the whole history always. */
  readonly partition?: boolean;
  /** Search nodes one sub-history may visit before the check gives up as inconclusive (default 500,000). */
  readonly nodeBudget?: number;
}

/** A call of a thread, resolved, as the search orders it. */
export interface Operation {
  readonly segment: number;
  readonly index: number;
  readonly call: ResolvedCall;
  readonly outcome: Outcome;
  readonly invokedNs: number;
  readonly returnedNs: number;
  /** The frame it names or returns; undefined when none (an address past 52 bits, an error of allocate_frame, a global call). */
  readonly frame: number | undefined;
}

export interface PreparedHistory {
  /** The model after the prefix, then one fresh boot per init in the threads. */
  readonly epochs: FrameModel[];
  /** Per thread, its calls that were made, in program order. */
  readonly threads: Operation[][];
  readonly policy: ModelPolicy;
  /** The first prefix call the model does not allow, when there is one. */
  readonly prefixFailure?: { readonly call: HistoryCall; readonly promised: string };
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'inconclusive';

export interface CheckResult {
  readonly verdict: Verdict;
  /** Sub-histories searched (1 when the whole history was). */
  readonly partitions: number;
  /** Search nodes visited, over every sub-history. */
  readonly nodes: number;
  /** The sub-history with no linearisation: its frame, or undefined for the whole history. */
  readonly failedFrame?: number | undefined;
  readonly prepared: PreparedHistory;
}

function concreteStep(call: ParallelCall, frame: number | undefined): ConcreteStep {
  switch (call.op) {
    case 'init':
      return { op: 'boot_init', map: call.map, kernelPhysicalBase: call.kernelBase };
    case 'deallocate_frame':
      return { op: 'deallocate_frame', frame: { number: frame as number } };
    default:
      return call;
  }
}

/** Checks the prefix step by step and resolves the threads' calls. */
export function prepareHistory(program: ParallelProgram, history: History, options: CheckOptions): PreparedHistory {
  const policy: ModelPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const segments = bySegment(history);
  const model = new FrameModel({ maxFrames: options.maxFrames, policy });
  const epochs = [model];
  let prefixFailure: PreparedHistory['prefixFailure'];
  program.prefix.forEach((call, index) => {
    const made = segments.get(0)?.[index] as HistoryCall;
    if (prefixFailure !== undefined || made.outcome.kind === 'skipped') return;
    const frame = call.op === 'deallocate_frame' ? resolveFrame(call.frame, 0, segments) : undefined;
    const step = concreteStep(call, frame);
    if (!model.accepts(step, made.outcome)) prefixFailure = { call: made, promised: model.describeExpectation(step) };
    else model.apply(step, made.outcome);
  });
  const threads = program.threads.map((calls, t) =>
    calls.flatMap((call, index): Operation[] => {
      const made = segments.get(t + 1)?.[index] as HistoryCall;
      if (made.outcome.kind === 'skipped') return [];
      let resolved: ResolvedCall;
      let frame: number | undefined;
      if (call.op === 'init') {
        const boot = new FrameModel({ maxFrames: options.maxFrames, policy });
        boot.apply(concreteStep(call, undefined), { kind: 'ok' });
        resolved = { op: 'init', epoch: epochs.push(boot) - 1 };
      } else if (call.op === 'deallocate_frame') {
        frame = resolveFrame(call.frame, t + 1, segments) as number;
        resolved = { op: 'deallocate_frame', frame };
      } else {
        resolved = call;
        if (call.op === 'allocate_frame_at' && call.addr < PHYS_ADDR_LIMIT) frame = Number(call.addr / PAGE);
        if (call.op === 'allocate_frame' && made.outcome.kind === 'ok' && typeof made.outcome.value === 'number') frame = made.outcome.value;
      }
      return [{ segment: t + 1, index, call: resolved, outcome: made.outcome, invokedNs: made.invokedNs, returnedNs: made.returnedNs, frame }];
    }),
  );
  return { epochs, threads, policy, ...(prefixFailure !== undefined && { prefixFailure }) };
}

/** Does this call tie frames together (so that the history cannot be split by frame)? */
export const isGlobal = (op: Operation): boolean =>
  op.call.op === 'memory_stats' || op.call.op === 'init' || (op.call.op === 'allocate_frame' && op.frame === undefined);

class Inconclusive extends Error {}

/** Lowe's just-in-time linearisation over per-thread call lists; the node count it visited, or -1 when there is no linearisation. */
export function searchLinearization(threads: readonly (readonly Operation[])[], state: FrameState, nodeBudget: number): number {
  const next = new Int32Array(threads.length);
  const failed = new Set<string>();
  const order: number[] = [];
  const remaining = threads.reduce((sum, ops) => sum + ops.length, 0);
  const visit = (done: number): boolean => {
    if (done === remaining) return true;
    const key = `${next.join(',')}|${state.key()}`;
    if (failed.has(key)) return false;
    if (failed.size >= nodeBudget) throw new Inconclusive();
    // Candidates: each thread's next call invoked before the earliest pending return. Earliest
    // response first: a call that returned first most likely took effect first (under a lock, the
    // response follows the effect closely), so the first path tried is usually the one that works.
    let earliestReturn = Infinity;
    for (let t = 0; t < threads.length; t++) {
      const op = threads[t]?.[next[t] as number];
      if (op !== undefined && op.returnedNs < earliestReturn) earliestReturn = op.returnedNs;
    }
    order.length = 0;
    for (let t = 0; t < threads.length; t++) {
      const op = threads[t]?.[next[t] as number];
      if (op !== undefined && op.invokedNs <= earliestReturn) order.push(t);
    }
    const candidates = order.sort((a, b) => (threads[a]?.[next[a] as number] as Operation).returnedNs - (threads[b]?.[next[b] as number] as Operation).returnedNs).slice();
    for (const t of candidates) {
      const op = threads[t]?.[next[t] as number] as Operation;
      if (!state.step(op.call, op.outcome)) continue;
      next[t] = (next[t] as number) + 1;
      if (visit(done + 1)) return true;
      next[t] = (next[t] as number) - 1;
      state.undo();
    }
    failed.add(key);
    return false;
  };
  return visit(0) ? failed.size + remaining : -1;
}

/** The calls of one frame, per thread. */
function framePartitions(threads: readonly (readonly Operation[])[]): Map<number | undefined, Operation[][]> {
  const partitions = new Map<number | undefined, Operation[][]>();
  threads.forEach((ops, t) => {
    for (const op of ops) {
      let partition = partitions.get(op.frame);
      if (partition === undefined) partitions.set(op.frame, (partition = threads.map(() => [])));
      (partition[t] as Operation[]).push(op);
    }
  });
  return partitions;
}

/** Checks each frame's calls on its own; the first frame whose calls have no linearisation, if any. */
export function checkFrames(prepared: PreparedHistory, nodeBudget: number): { failed: boolean; failedFrame?: number | undefined; partitions: number; nodes: number; inconclusive: boolean } {
  let nodes = 0;
  let inconclusive = false;
  const partitions = framePartitions(prepared.threads);
  for (const [frame, threads] of partitions) {
    try {
      const visited = searchLinearization(threads, new FrameState(prepared.epochs, prepared.policy), nodeBudget);
      if (visited < 0) return { failed: true, failedFrame: frame, partitions: partitions.size, nodes, inconclusive };
      nodes += visited;
    } catch (error) {
      if (!(error instanceof Inconclusive)) throw error;
      inconclusive = true;
    }
  }
  return { failed: false, partitions: partitions.size, nodes, inconclusive };
}

/** Is this history linearizable? */
export function checkHistory(program: ParallelProgram, history: History, options: CheckOptions): CheckResult {
  const prepared = prepareHistory(program, history, options);
  const nodeBudget = options.nodeBudget ?? 500_000;
  if (prepared.prefixFailure !== undefined) return { verdict: 'not-linearizable', partitions: 0, nodes: 0, prepared };
  if (prepared.threads.some((ops) => ops.some((op) => op.outcome.kind === 'panic'))) return { verdict: 'not-linearizable', partitions: 0, nodes: 0, prepared };
  const whole = options.partition === false || prepared.threads.some((ops) => ops.some(isGlobal));
  if (!whole) {
    const frames = checkFrames(prepared, nodeBudget);
    const verdict: Verdict = frames.failed ? 'not-linearizable' : frames.inconclusive ? 'inconclusive' : 'linearizable';
    return { verdict, partitions: frames.partitions, nodes: frames.nodes, failedFrame: frames.failedFrame, prepared };
  }
  try {
    const visited = searchLinearization(prepared.threads, new FrameState(prepared.epochs, prepared.policy), nodeBudget);
    return { verdict: visited < 0 ? 'not-linearizable' : 'linearizable', partitions: 1, nodes: Math.max(visited, 0), prepared };
  } catch (error) {
    if (!(error instanceof Inconclusive)) throw error;
    return { verdict: 'inconclusive', partitions: 1, nodes: nodeBudget, prepared };
  }
}

export const segmentCall = (program: ParallelProgram, call: { segment: number; index: number }): ParallelCall => segmentCalls(program, call.segment)[call.index] as ParallelCall;
