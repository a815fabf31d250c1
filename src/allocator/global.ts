// The seed's module-level API on one global allocator, `FRAME_ALLOCATOR`, behind a spin mutex.
// JavaScript is single-threaded, so the mutex only marks where the seed takes the lock; tests and
// targets start afresh with `FRAME_ALLOCATOR.replace`.
import type { BootInfo } from './boot-info.js';
import { FrameAllocator, type Result } from './frame-allocator.js';
import { Frame, PhysAddr } from './phys-addr.js';

/** `spin::Mutex`: `lock()` hands out the guarded value. */
export class SpinMutex<T> {
  constructor(private value: T) {}

  lock(): T {
    return this.value;
  }

  /** Not in the seed: replaces the guarded value (a fresh boot, for tests and targets). */
  replace(value: T): void {
    this.value = value;
  }
}

/** Global frame allocator, protected by a spinlock. */
export const FRAME_ALLOCATOR = new SpinMutex(new FrameAllocator());

/** The kernel's reservation: "We conservatively reserve 16MB for the kernel and its data structures". */
export const KERNEL_RESERVATION = 16 * 1024 * 1024;
/** "Reserve the first 1MB (real mode IVT, BIOS data, etc.)". */
export const LOW_MEMORY_RESERVATION = 1024 * 1024;

/** `init(boot_info)`: init from the memory map, reserve the kernel's 16 MiB, then the first 1 MiB. */
export function init(bootInfo: BootInfo): void {
  const allocator = FRAME_ALLOCATOR.lock();
  allocator.init(bootInfo.memoryMap);
  allocator.reserveKernel(PhysAddr.new(bootInfo.kernelPhysicalBase), KERNEL_RESERVATION);
  allocator.reserveRange(PhysAddr.new(0), LOW_MEMORY_RESERVATION);
}

export function allocateFrame(): Result<Frame> {
  return FRAME_ALLOCATOR.lock().allocate();
}

export function allocateFrameAt(addr: PhysAddr): Result<Frame> {
  const frame = addr.containingFrame();
  const result = FRAME_ALLOCATOR.lock().allocateSpecific(frame);
  return result.ok ? { ok: true, value: frame } : result;
}

export function deallocateFrame(frame: Frame): Result<void> {
  return FRAME_ALLOCATOR.lock().deallocate(frame);
}

/** `(free_memory, total_memory)` in bytes. */
export function memoryStats(): [number, number] {
  const allocator = FRAME_ALLOCATOR.lock();
  return [allocator.freeMemory(), allocator.totalMemory()];
}
