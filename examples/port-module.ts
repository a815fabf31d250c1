// The real bitmap allocator (the port) behind the documented allocator interface — the shape a
// user's module takes: `npx framecheck --allocator ./examples/port-module.ts` checks it with every
// property and finds exactly what `--allocator port` finds.
import { Frame, FrameAllocator, MemoryMap, PhysAddr, FRAME_ALLOCATOR, allocateFrameAt, deallocateFrame, init, memoryStats, type Result } from '../src/allocator/index.js';
import type { AllocatorModuleExports, FrameAllocatorModule, ModuleResult } from '../src/targets/module-target.js';
import type { Region } from '../src/targets/step.js';

const mapOf = (regions: readonly Region[]): MemoryMap => {
  const map = MemoryMap.empty();
  for (const region of regions) map.add(region.base, region.length, region.kind);
  return map;
};

const withFrame = (result: Result<Frame>): ModuleResult<number | bigint> => (result.ok ? { ok: true, value: result.value.number() } : result);

export const createAllocator: AllocatorModuleExports['createAllocator'] = ({ maxFrames, profile }) => {
  const allocator = new FrameAllocator({ maxFrames, profile });
  // The module-level functions act on the global instance: make it this allocator.
  const global = <T>(call: () => T): T => {
    FRAME_ALLOCATOR.replace(allocator);
    return call();
  };
  const module: FrameAllocatorModule = {
    init: (regions) => allocator.init(mapOf(regions)),
    bootInit: (regions, kernelPhysicalBase) => global(() => init({ memoryMap: mapOf(regions), kernelPhysicalBase })),
    reserveKernel: (start, size) => allocator.reserveKernel(PhysAddr.new(start), size),
    reserveRange: (start, size) => allocator.reserveRange(PhysAddr.new(start), size),
    allocate: () => withFrame(allocator.allocate()),
    allocateFrame: () => withFrame(allocator.allocate()),
    allocateSpecific: (frame) => allocator.allocateSpecific(Frame.fromNumber(frame)),
    allocateFrameAt: (addr) => withFrame(global(() => allocateFrameAt(PhysAddr.new(addr)))),
    deallocate: (frame) => allocator.deallocate(Frame.fromNumber(frame)),
    deallocateFrame: (frame) => global(() => deallocateFrame(Frame.fromNumber(frame))),
    freeCount: () => allocator.freeCount(),
    totalCount: () => allocator.totalCount(),
    freeMemory: () => allocator.freeMemory(),
    totalMemory: () => allocator.totalMemory(),
    memoryStats: () => global(() => memoryStats()),
    isUsed: (frame) => allocator.isUsed(frame),
    freeRanges: () => allocator.freeRanges(),
  };
  return module;
};
