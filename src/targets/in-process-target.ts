// An allocator running in this process — the port, or the corrected allocator — behind the
// allocator interface (src/targets/module-target.ts), so that it is checked exactly as a user's
// module is. FrameAllocator methods and the module-level functions act on the same global
// instance, as they do in a kernel that boots with `init(boot_info)` and later calls the methods.
import { MemoryMap, type BootInfo } from '../allocator/boot-info.js';
import { MAX_FRAMES, validateCapacity, type FrameAllocator, type FrameAllocatorOptions, type Result } from '../allocator/frame-allocator.js';
import { FRAME_ALLOCATOR, allocateFrame, deallocateFrame, memoryStats } from '../allocator/global.js';
import { Frame, type PhysAddr } from '../allocator/phys-addr.js';
import { createInterfaceTarget, type FrameAllocatorModule, type ModuleResult } from './module-target.js';
import type { Region } from './step.js';
import type { AllocatorTarget } from './target.js';

/** The allocator and the module-level functions that differ between the port and the corrected allocator. */
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

const withFrameNumber = (result: Result<Frame>): ModuleResult<number | bigint> => (result.ok ? { ok: true, value: result.value.number() } : result);

/**
 * A fresh allocator of `api` behind the allocator interface; it becomes the global FRAME_ALLOCATOR.
 * Method shorthand, not arrow functions: a run makes one module per reset, and tsx names every
 * arrow function with Object.defineProperty. Own properties, so that a module may spread it.
 */
export function inProcessModule(api: InProcessAllocator, options: FrameAllocatorOptions): FrameAllocatorModule {
  const allocator = api.newAllocator(options);
  // The module-level functions lock the global instance: each makes it this allocator first.
  return {
    init(regions) {
      allocator.init(toMemoryMap(regions));
    },
    bootInit(regions, kernelPhysicalBase) {
      FRAME_ALLOCATOR.replace(allocator);
      api.bootInit({ memoryMap: toMemoryMap(regions), kernelPhysicalBase });
    },
    reserveKernel(start, size) {
      allocator.reserveKernel(api.physAddr(start), size);
    },
    reserveRange(start, size) {
      allocator.reserveRange(api.physAddr(start), size);
    },
    allocate() {
      return withFrameNumber(allocator.allocate());
    },
    allocateFrame() {
      FRAME_ALLOCATOR.replace(allocator);
      return withFrameNumber(allocateFrame());
    },
    allocateSpecific(frame) {
      return allocator.allocateSpecific(Frame.fromNumber(frame));
    },
    allocateFrameAt(addr) {
      FRAME_ALLOCATOR.replace(allocator);
      return withFrameNumber(api.allocateFrameAt(api.physAddr(addr)));
    },
    deallocate(frame) {
      return allocator.deallocate(Frame.fromNumber(frame));
    },
    deallocateFrame(frame) {
      FRAME_ALLOCATOR.replace(allocator);
      return deallocateFrame(Frame.fromNumber(frame));
    },
    freeCount() {
      return allocator.freeCount();
    },
    totalCount() {
      return allocator.totalCount();
    },
    freeMemory() {
      return allocator.freeMemory();
    },
    totalMemory() {
      return allocator.totalMemory();
    },
    memoryStats() {
      FRAME_ALLOCATOR.replace(allocator);
      return memoryStats();
    },
    isUsed(frame) {
      return allocator.isUsed(frame);
    },
    freeRanges() {
      return allocator.freeRanges();
    },
  };
}

export function createInProcessTarget(api: InProcessAllocator, options: FrameAllocatorOptions): AllocatorTarget {
  const maxFrames = validateCapacity(options.maxFrames ?? MAX_FRAMES);
  return createInterfaceTarget(`${api.name} (${options.profile ?? 'debug'})`, maxFrames, () => inProcessModule(api, options));
}
