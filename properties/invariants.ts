// The invariants, each a named property, checked after every step (and the whole bitmap once at the
// end of a run). Per-step checks look only at what the step touched — its result, the counters and
// one frame's bit — so that full-scale runs cost the allocator's own work, not the harness's.
import type { FrameModel, FrameStatus } from '../models/index.js';
import type { Outcome } from '../src/targets/step.js';
import type { ConcreteStep, FrameRange, StepReport } from '../src/targets/target.js';
import { FRAME_RETURNING_OPS, formatOutcome } from '../src/targets/step-format.js';
import { touchedFrame } from '../src/targets/touched-frame.js';

export const INVARIANTS = {
  'never-panics': 'no call of the public API panics',
  'no-frame-handed-out-twice': 'a frame that is handed out is not handed out again before it is freed',
  'reserved-frames-never-handed-out': 'reserved, never-usable and out-of-range frames are never handed out',
  'result-matches-model': 'every result and error is the one the documentation promises',
  'frame-state-matches-model': 'the bitmap bit of the frame a step touched says what the model says',
  'counters-match-model': 'free_count and total_count equal the model\'s',
  'free-within-total': 'free_count never exceeds total_count',
  'statistics-follow-counters': 'free_memory, total_memory and memory_stats are the counters times PAGE_SIZE',
  'bitmap-matches-model': 'at the end of a run, the bitmap\'s free frames are exactly the model\'s free frames',
} as const;

export type InvariantId = keyof typeof INVARIANTS;

/** What the harness checks of the target itself, beside the allocator's invariants. */
export const TARGET_PROPERTIES = {
  'target-responds': 'the allocator answers every step (no crash, hang, garbled answer or non-determinism)',
  'targets-agree': 'in differential mode, both allocators give the same answers, counters and free frames',
} as const;

export type PropertyId = InvariantId | keyof typeof TARGET_PROPERTIES;

export const describeProperty = (id: PropertyId): string => (id in INVARIANTS ? INVARIANTS[id as InvariantId] : TARGET_PROPERTIES[id as keyof typeof TARGET_PROPERTIES]);

export interface Violation {
  readonly property: InvariantId;
  readonly message: string;
  /**
   * What diverged, without the numbers: which result or error against which promise, counters
   * above or below the model, which panic, which frame status. With the property and the call it
   * is the failure's behavioural signature (src/findings/signature.ts).
   */
  readonly shape: string;
}

const PAGE_SIZE = 4096;
const NEVER_HANDED_OUT: ReadonlySet<FrameStatus> = new Set(['reserved', 'never-usable', 'beyond-capacity']);

const violation = (property: InvariantId, message: string, shape: string): Violation => ({ property, message, shape });

/** Above, below or equal: how a figure stands against the model's. */
const against = (actual: number, promised: number): string => (actual > promised ? 'above' : actual < promised ? 'below' : 'equal');

/** An outcome without its numbers: `Ok(Frame)`, `Ok(())`, `Ok(value)`, `Err(FrameInUse)`. */
export function outcomeShape(outcome: Outcome, op?: ConcreteStep['op']): string {
  switch (outcome.kind) {
    case 'ok':
      return outcome.value === undefined ? 'Ok(())' : op !== undefined && FRAME_RETURNING_OPS.has(op) ? 'Ok(Frame)' : 'Ok(value)';
    case 'err':
      return `Err(${outcome.error})`;
    case 'panic':
      return 'panic';
    case 'skipped':
      return 'skipped';
  }
}

/** Frame handed out by this step, if it handed one out. */
function handedOutFrame(step: ConcreteStep, report: StepReport): number | undefined {
  if (report.outcome.kind !== 'ok') return undefined;
  if (FRAME_RETURNING_OPS.has(step.op)) return report.outcome.value as number;
  if (step.op === 'allocate_specific') return Number(step.frame.number);
  return undefined;
}

/** Checks against the model as it was before the step: what the step returned. */
export function checkResult(step: ConcreteStep, report: StepReport, model: FrameModel): Violation | undefined {
  const { outcome } = report;
  if (outcome.kind === 'panic') return violation('never-panics', `panicked: ${outcome.message}`, `panic: ${outcome.message}`);
  const frame = handedOutFrame(step, report);
  if (frame !== undefined) {
    const status: FrameStatus = frame < model.maxFrames ? model.statusOf(frame) : 'beyond-capacity';
    if (status === 'handed-out') return violation('no-frame-handed-out-twice', `handed out Frame(${frame}), which is already handed out`, 'handed out a handed-out frame');
    if (NEVER_HANDED_OUT.has(status)) return violation('reserved-frames-never-handed-out', `handed out Frame(${frame}), which is ${status}`, `handed out a ${status} frame`);
  }
  if (!model.accepts(step, outcome)) {
    const expectation = model.expectation(step);
    const promised = expectation.kind === 'exact' ? outcomeShape(expectation.outcome, step.op) : 'Ok(free Frame)';
    return violation('result-matches-model', `returned ${formatOutcome(outcome, step.op)}, promised ${model.describeExpectation(step)}`, `returned ${outcomeShape(outcome, step.op)}, promised ${promised}`);
  }
  return undefined;
}

/** Checks against the model once it has taken the step: the allocator's bookkeeping. */
export function checkState(step: ConcreteStep, report: StepReport, model: FrameModel): Violation | undefined {
  // Before init the bitmap means nothing (the seed leaves it zeroed and refuses every request).
  const frame = model.initialized ? touchedFrame(step, report.outcome, model.maxFrames) : undefined;
  if (frame !== undefined) {
    if (report.frameUsed === undefined) return violation('frame-state-matches-model', `the allocator did not report the bitmap bit of Frame(${frame})`, 'bit not reported');
    const status = model.statusOf(frame);
    if (report.frameUsed !== (status !== 'free')) {
      const bit = report.frameUsed ? 'used' : 'free';
      return violation('frame-state-matches-model', `the bitmap marks Frame(${frame}) ${bit}; it is ${status}`, `bit ${bit}, frame ${status}`);
    }
  }
  const free = model.freeCount();
  const total = model.totalCount();
  if (report.free !== free || report.total !== total) {
    return violation('counters-match-model', `free_count ${report.free}, total_count ${report.total}; promised ${free} and ${total}`, `free_count ${against(report.free, free)}, total_count ${against(report.total, total)}`);
  }
  if (report.free > report.total) return violation('free-within-total', `free_count ${report.free} > total_count ${report.total}`, 'free_count above total_count');
  return checkStatistics(step, report);
}

function checkStatistics(step: ConcreteStep, report: StepReport): Violation | undefined {
  const { outcome } = report;
  if (outcome.kind !== 'ok') return undefined;
  // A switch, not a table of the expected figures: this runs after every step that returned Ok.
  let expected: number;
  switch (step.op) {
    case 'memory_stats': {
      const [free, total] = outcome.value as readonly [number, number];
      if (free === report.free * PAGE_SIZE && total === report.total * PAGE_SIZE) return undefined;
      const off = [free !== report.free * PAGE_SIZE && `free ${against(free, report.free * PAGE_SIZE)}`, total !== report.total * PAGE_SIZE && `total ${against(total, report.total * PAGE_SIZE)}`].filter(Boolean).join(', ');
      return violation('statistics-follow-counters', `memory_stats() = (${free}, ${total}) with free_count ${report.free}, total_count ${report.total}`, `memory_stats ${off} the counters`);
    }
    case 'free_count':
      expected = report.free;
      break;
    case 'total_count':
      expected = report.total;
      break;
    case 'free_memory':
      expected = report.free * PAGE_SIZE;
      break;
    case 'total_memory':
      expected = report.total * PAGE_SIZE;
      break;
    default:
      return undefined;
  }
  if (outcome.value === expected) return undefined;
  return violation('statistics-follow-counters', `${step.op}() = ${String(outcome.value)} with free_count ${report.free}, total_count ${report.total}`, `${step.op} ${against(outcome.value as number, expected)} the counters`);
}

/**
 * End of run: the whole bitmap against the model. With the counters checked against the model at
 * every step, this also shows that the bitmap agrees with the allocator's own counters.
 */
export function checkBitmap(freeRanges: readonly FrameRange[], model: FrameModel): Violation | undefined {
  if (!model.initialized) return undefined;
  const expected = model.freeFrames().ranges();
  if (sameRanges(freeRanges, expected)) return undefined;
  return violation('bitmap-matches-model', `the bitmap's free frames are ${formatRanges(freeRanges)}; promised ${formatRanges(expected)}`, bitmapShape(freeRanges, model));
}

/** Which kinds of frame the bitmap gets wrong: the model statuses of frames it frees wrongly, and whether it holds frames the model frees. */
function bitmapShape(freeRanges: readonly FrameRange[], model: FrameModel): string {
  const wronglyFree = new Set<FrameStatus>();
  let heldFree = false;
  let i = 0;
  // Both lists are ascending runs: walk them together, run against run.
  for (const { start, end, status } of model.statusRuns()) {
    while (i < freeRanges.length && (freeRanges[i] as FrameRange)[1] <= start) i++;
    let covered = 0;
    for (let j = i; j < freeRanges.length && (freeRanges[j] as FrameRange)[0] < end; j++) {
      const [a, b] = freeRanges[j] as FrameRange;
      covered += Math.min(b, end) - Math.max(a, start);
    }
    if (status === 'free' && covered < end - start) heldFree = true;
    if (status !== 'free' && covered > 0) wronglyFree.add(status);
  }
  const parts = [...[...wronglyFree].sort().map((status) => `frees ${status} frames`), ...(heldFree ? ['holds free frames'] : [])];
  return `bitmap ${parts.join(', ') || 'differs'}`;
}

function sameRanges(a: readonly FrameRange[], b: readonly FrameRange[]): boolean {
  return a.length === b.length && a.every(([start, end], i) => b[i]?.[0] === start && b[i]?.[1] === end);
}

export function formatRanges(ranges: readonly FrameRange[], limit = 6): string {
  const shown = ranges.slice(0, limit).map(([start, end]) => (end - start === 1 ? `${start}` : `${start}..${end}`));
  return `{${shown.join(', ')}${ranges.length > limit ? `, … (${ranges.length} runs)` : ''}}`;
}
