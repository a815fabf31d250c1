// The corrected module-level functions: the seed's, except that an address at or past 2^52 is
// refused instead of masked onto a low frame (phys-addr-masking-aliases-high-addresses).
import type { BootInfo } from '../allocator/boot-info.js';
import { Err, FrameAllocatorError, type Result } from '../allocator/frame-allocator.js';
import { FRAME_ALLOCATOR, KERNEL_RESERVATION, LOW_MEMORY_RESERVATION, allocateFrameAt as seedAllocateFrameAt } from '../allocator/global.js';
import { PhysAddr, type Frame } from '../allocator/phys-addr.js';
import { PHYS_ADDR_LIMIT } from '../targets/step.js';

export function init(bootInfo: BootInfo): void {
  const allocator = FRAME_ALLOCATOR.lock();
  allocator.init(bootInfo.memoryMap);
  allocator.reserveKernel(PhysAddr.newUnchecked(bootInfo.kernelPhysicalBase), KERNEL_RESERVATION);
  allocator.reserveRange(PhysAddr.newUnchecked(0), LOW_MEMORY_RESERVATION);
}

export function allocateFrameAt(addr: PhysAddr): Result<Frame> {
  if (addr.asU64() < PHYS_ADDR_LIMIT) return seedAllocateFrameAt(addr);
  return Err(FRAME_ALLOCATOR.lock().isInitialized ? FrameAllocatorError.InvalidFrame : FrameAllocatorError.NotInitialized);
}
