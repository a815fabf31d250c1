// An allocator running in this process: the port, or the corrected allocator. Steps name the seed's
// functions; FrameAllocator methods and the module-level functions act on the same global instance,
// as they do in a kernel that boots with `init(boot_info)` and later calls the methods directly.
import { MemoryMap } from '../allocator/boot-info.js';
import type { FrameAllocator, FrameAllocatorOptions, Result } from '../allocator/frame-allocator.js';
import type { BootInfo } from '../allocator/boot-info.js';
import { FRAME_ALLOCATOR, deallocateFrame, memoryStats } from '../allocator/global.js';
import { Frame, type PhysAddr } from '../allocator/phys-addr.js';
import { RustPanic } from '../allocator/rust-int.js';
import type { Outcome, Region } from './step.js';
import type { AllocatorTarget, ConcreteStep, StepReport } from './target.js';
import { touchedFrame } from './touched-frame.js';

/** The allocator and the two module-level functions that differ between the port and the corrected allocator. */
export interface InProcessAllocator {
  readonly name: string;
  readonly newAllocator: (options: FrameAllocatorOptions) => FrameAllocator;
  readonly bootInit: (bootInfo: BootInfo) => void;
  readonly allocateFrameAt: (addr: PhysAddr) => Result<Frame>;
  /** How a step's raw u64 address becomes a PhysAddr: the seed's callers write `PhysAddr::new`. */
  readonly physAddr: (addr: bigint) => PhysAddr;
}

export const toMemoryMap = (regions: readonly Region[]): MemoryMap => {
  const map = MemoryMap.empty();
  for (const region of regions) map.add(region.base, region.length, region.kind);
  return map;
};

const fromResult = <T>(result: Result<T>, value?: (ok: T) => number): Outcome =>
  result.ok ? (value === undefined ? { kind: 'ok' } : { kind: 'ok', value: value(result.value) }) : { kind: 'err', error: result.error };

const frameNumber = (frame: Frame): number => Number(frame.number());

function run(step: ConcreteStep, allocator: FrameAllocator, api: InProcessAllocator): Outcome {
  switch (step.op) {
    case 'init':
      allocator.init(toMemoryMap(step.map));
      return { kind: 'ok' };
    case 'boot_init':
      api.bootInit({ memoryMap: toMemoryMap(step.map), kernelPhysicalBase: step.kernelPhysicalBase });
      return { kind: 'ok' };
    case 'reserve_kernel':
      allocator.reserveKernel(api.physAddr(step.start), step.size);
      return { kind: 'ok' };
    case 'reserve_range':
      allocator.reserveRange(api.physAddr(step.start), step.size);
      return { kind: 'ok' };
    case 'allocate':
    case 'allocate_frame':
      return fromResult(allocator.allocate(), frameNumber);
    case 'allocate_specific':
      return fromResult(allocator.allocateSpecific(Frame.fromNumber(step.frame.number)));
    case 'allocate_frame_at':
      return fromResult(api.allocateFrameAt(api.physAddr(step.addr)), frameNumber);
    case 'deallocate':
      return fromResult(allocator.deallocate(Frame.fromNumber(step.frame.number)));
    case 'deallocate_frame':
      return fromResult(deallocateFrame(Frame.fromNumber(step.frame.number)));
    case 'free_count':
      return { kind: 'ok', value: allocator.freeCount() };
    case 'total_count':
      return { kind: 'ok', value: allocator.totalCount() };
    case 'free_memory':
      return { kind: 'ok', value: allocator.freeMemory() };
    case 'total_memory':
      return { kind: 'ok', value: allocator.totalMemory() };
    case 'memory_stats':
      return { kind: 'ok', value: memoryStats() };
  }
}

export function createInProcessTarget(api: InProcessAllocator, options: FrameAllocatorOptions): AllocatorTarget {
  let allocator = api.newAllocator(options);
  return {
    name: `${api.name} (${allocator.profile})`,
    maxFrames: allocator.maxFrames,
    reset() {
      allocator = api.newAllocator(options);
      FRAME_ALLOCATOR.replace(allocator);
    },
    execute(step: ConcreteStep): StepReport {
      FRAME_ALLOCATOR.replace(allocator);
      let outcome: Outcome;
      try {
        outcome = run(step, allocator, api);
      } catch (error) {
        if (!(error instanceof RustPanic)) throw error;
        outcome = { kind: 'panic', message: error.message };
      }
      const frame = touchedFrame(step, outcome, allocator.maxFrames);
      return {
        outcome,
        free: allocator.freeCount(),
        total: allocator.totalCount(),
        ...(frame !== undefined && { frameUsed: allocator.isUsed(frame) }),
      };
    },
    freeRanges: () => allocator.freeRanges(),
  };
}
