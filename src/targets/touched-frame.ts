// The frame a step names or hands out: the one frame whose bitmap bit the per-step check compares
// with the model (the whole bitmap is compared once, at the end of a run).
import { PAGE, PHYS_ADDR_LIMIT, type Outcome } from './step.js';
import type { ConcreteStep } from './target.js';


/** The frame number a step names or returned, if there is one and it lies below `maxFrames`. */
export function touchedFrame(step: ConcreteStep, outcome: Outcome, maxFrames: number): number | undefined {
  let frame: number | bigint | undefined;
  switch (step.op) {
    case 'allocate':
    case 'allocate_frame':
      frame = outcome.kind === 'ok' && typeof outcome.value === 'number' ? outcome.value : undefined;
      break;
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      frame = step.frame.number;
      break;
    case 'allocate_frame_at':
      // An address beyond 52 bits names no real frame (the seed masks it onto a low one).
      frame = step.addr < PHYS_ADDR_LIMIT ? step.addr / PAGE : undefined;
      break;
    default:
      frame = undefined;
  }
  return frame !== undefined && frame >= 0 && frame < maxFrames ? Number(frame) : undefined;
}
