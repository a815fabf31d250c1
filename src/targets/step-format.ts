// How a step and its outcome read to a kernel developer: the seed's own call syntax, addresses
// and sizes in hex, frame numbers in decimal (as the seed's `Frame(256)` Debug output prints them).
import type { FrameArg, Outcome, Region, Step, StepOp } from './step.js';

export const hex = (value: bigint | number): string => `0x${value.toString(16)}`;

export function formatRegion(region: Region): string {
  return `${hex(region.base)}+${hex(region.length)} ${region.kind}`;
}

export function formatMap(map: readonly Region[]): string {
  return `[${map.map(formatRegion).join(', ')}]`;
}

export function formatFrameArg(frame: FrameArg): string {
  return 'number' in frame
    ? `Frame(${frame.number})`
    : `<handed-out frame #${frame.handedOut.back} back>`;
}

export function formatStep(step: Step): string {
  switch (step.op) {
    case 'init':
      return `init(${formatMap(step.map)})`;
    case 'boot_init':
      return `init(boot_info { kernel_physical_base: ${hex(step.kernelPhysicalBase)}, memory_map: ${formatMap(step.map)} })`;
    case 'reserve_kernel':
    case 'reserve_range':
      return `${step.op}(PhysAddr::new(${hex(step.start)}), ${hex(step.size)})`;
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      return `${step.op}(${formatFrameArg(step.frame)})`;
    case 'allocate_frame_at':
      return `allocate_frame_at(PhysAddr::new(${hex(step.addr)}))`;
    default:
      return `${step.op}()`;
  }
}

/** The ops whose `Ok` value is a frame. */
export const FRAME_RETURNING_OPS: ReadonlySet<StepOp> = new Set(['allocate', 'allocate_frame', 'allocate_frame_at']);

export function formatOutcome(outcome: Outcome, op?: StepOp): string {
  switch (outcome.kind) {
    case 'ok': {
      const { value } = outcome;
      if (value === undefined) return 'Ok(())';
      if (typeof value === 'number') return op !== undefined && FRAME_RETURNING_OPS.has(op) ? `Ok(Frame(${value}))` : `Ok(${value})`;
      return `Ok((${value[0]}, ${value[1]}))`;
    }
    case 'err':
      return `Err(${outcome.error})`;
    case 'panic':
      return `panic: ${outcome.message}`;
    case 'skipped':
      return 'skipped (no frame handed out yet)';
  }
}
