// The seed's module-level API on the global FRAME_ALLOCATOR.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocateFrame,
  allocateFrameAt,
  deallocateFrame,
  Frame,
  FRAME_ALLOCATOR,
  FrameAllocator,
  FrameAllocatorError,
  init,
  KERNEL_RESERVATION,
  LOW_MEMORY_RESERVATION,
  memoryStats,
  PhysAddr,
} from '../../src/allocator/index.js';
import { createTestMemoryMap, expectErr, mapOf, resetGlobalAllocator, TEST_MAP_FRAMES, unwrap } from './helpers.js';

const MiB = 1024 * 1024;

beforeEach(() => {
  resetGlobalAllocator();
});
afterEach(() => {
  resetGlobalAllocator();
});

describe('resetGlobalAllocator', () => {
  it('installs a fresh, uninitialized allocator with the given options', () => {
    const allocator = resetGlobalAllocator({ maxFrames: 128, profile: 'release' });
    expect(FRAME_ALLOCATOR.lock()).toBe(allocator);
    expect(allocator).toBeInstanceOf(FrameAllocator);
    expect(allocator.maxFrames).toBe(128);
    expect(allocator.profile).toBe('release');
    expect(allocator.isInitialized).toBe(false);
    const fresh = resetGlobalAllocator();
    expect(FRAME_ALLOCATOR.lock()).toBe(fresh);
    expect(fresh).not.toBe(allocator);
    expect(fresh.maxFrames).toBe(4194304);
  });

  it('before init the global functions report NotInitialized', () => {
    expectErr(allocateFrame(), FrameAllocatorError.NotInitialized);
    expectErr(allocateFrameAt(PhysAddr.new(0x200000)), FrameAllocatorError.NotInitialized);
    expectErr(deallocateFrame(Frame.fromNumber(512)), FrameAllocatorError.NotInitialized);
    expect(memoryStats()).toEqual([0, 0]);
  });
});

describe('init(bootInfo)', () => {
  it('constants: 16 MiB kernel, 1 MiB low memory', () => {
    expect(KERNEL_RESERVATION).toBe(16 * MiB);
    expect(LOW_MEMORY_RESERVATION).toBe(MiB);
  });

  it('with the seed test map and the kernel at 1 MiB, reserves 16 MiB from 1 MiB', () => {
    init({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    const kernelFrames = (16 * MiB) / 4096;
    expect(memoryStats()).toEqual([(TEST_MAP_FRAMES - kernelFrames) * 4096, TEST_MAP_FRAMES * 4096]);
    expectErr(allocateFrameAt(PhysAddr.new(0x100000)), FrameAllocatorError.FrameInUse);
    expectErr(allocateFrameAt(PhysAddr.new(0x100000 + 16 * MiB - 0x1000)), FrameAllocatorError.FrameInUse);
    const first = unwrap(allocateFrameAt(PhysAddr.new(0x100000 + 16 * MiB)));
    expect(first.number()).toBe(256 + kernelFrames);
    // allocate_frame_at returns the containing frame of an unaligned address.
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x100000 + 16 * MiB + 0x1234))).number()).toBe(256 + kernelFrames + 1);
    expect(memoryStats()[0]).toBe((TEST_MAP_FRAMES - kernelFrames - 2) * 4096);
  });

  it('with low memory usable, reserves the first 1 MiB and the kernel\'s 16 MiB', () => {
    init({ memoryMap: mapOf([0, 128 * MiB, 'Usable']), kernelPhysicalBase: 0x200000n });
    const total = (128 * MiB) / 4096;
    expect(memoryStats()).toEqual([(total - 256 - 4096) * 4096, total * 4096]);
    expectErr(allocateFrameAt(PhysAddr.new(0)), FrameAllocatorError.FrameInUse);
    expectErr(allocateFrameAt(PhysAddr.new(0xff000)), FrameAllocatorError.FrameInUse);
    expectErr(allocateFrameAt(PhysAddr.new(0x200000)), FrameAllocatorError.FrameInUse);
    expectErr(allocateFrameAt(PhysAddr.new(0x200000 + 16 * MiB - 0x1000)), FrameAllocatorError.FrameInUse);
    // Between the two reservations, and after the kernel's, frames are free.
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x1ff000))).number()).toBe(0x1ff);
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x200000 + 16 * MiB))).number()).toBe(0x1200);
    // allocateFrame starts at the hint 0: the first free frame is 256 (1 MiB).
    expect(unwrap(allocateFrame()).number()).toBe(256);
    expect(unwrap(allocateFrame()).number()).toBe(257);
  });

  it('an unaligned kernel base: the frame holding the kernel\'s last byte stays free (seed behaviour)', () => {
    init({ memoryMap: mapOf([0, 128 * MiB, 'Usable']), kernelPhysicalBase: 0x200800n });
    // Frames 0x200..0x1200 reserved; the last kernel byte, 0x12007ff, lies in frame 0x1200.
    expectErr(allocateFrameAt(PhysAddr.new(0x11ff000)), FrameAllocatorError.FrameInUse);
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x1200000))).number()).toBe(0x1200);
  });

  it('init again replaces the state of a previous boot', () => {
    init({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    unwrap(allocateFrame());
    init({ memoryMap: mapOf([0, 64 * MiB, 'Usable']), kernelPhysicalBase: 0x100000n });
    const total = (64 * MiB) / 4096;
    expect(memoryStats()).toEqual([(total - 256 - 4096) * 4096, total * 4096]);
  });
});

describe('allocateFrame / deallocateFrame', () => {
  it('allocate then deallocate restores the stats; the freed frame comes back next', () => {
    init({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    const [free] = memoryStats();
    const a = unwrap(allocateFrame());
    const b = unwrap(allocateFrame());
    expect(a.number()).toBe(256 + 4096);
    expect(b.number()).toBe(256 + 4097);
    expect(memoryStats()[0]).toBe(free - 2 * 4096);
    expect(deallocateFrame(a)).toEqual({ ok: true, value: undefined });
    expect(memoryStats()[0]).toBe(free - 4096);
    expect(unwrap(allocateFrame()).number()).toBe(a.number());
    expectErr(deallocateFrame(Frame.fromNumber(4194304)), FrameAllocatorError.InvalidFrame);
  });

  it('allocateFrame runs out at small capacity', () => {
    resetGlobalAllocator({ maxFrames: 512 });
    init({ memoryMap: mapOf([0, 2 * MiB, 'Usable']), kernelPhysicalBase: 0x100000n });
    // 512 frames; 0..256 low memory, 256..512 kernel (clipped): nothing left.
    expect(memoryStats()).toEqual([0, 512 * 4096]);
    expectErr(allocateFrame(), FrameAllocatorError.OutOfMemory);
  });

  it('allocateFrameAt beyond capacity is InvalidFrame', () => {
    init({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    expectErr(allocateFrameAt(PhysAddr.new(16n << 30n)), FrameAllocatorError.InvalidFrame);
    expectErr(allocateFrameAt(PhysAddr.newUnchecked(1n << 60n)), FrameAllocatorError.InvalidFrame);
  });
});
