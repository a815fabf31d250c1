// The corrected allocator: for each seed defect, it does what the seed's documentation promises.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocateFrame,
  deallocateFrame,
  Frame,
  FRAME_ALLOCATOR,
  FrameAllocator,
  FrameAllocatorError,
  memoryStats,
  PhysAddr,
  U64_MAX,
} from '../../src/allocator/index.js';
import { allocateFrameAt as seedAllocateFrameAt, init as seedInit } from '../../src/allocator/global.js';
import { allocateFrameAt, CorrectedFrameAllocator, init } from '../../src/corrected/index.js';
import { PHYS_ADDR_LIMIT } from '../../src/targets/step.js';
import { createTestMemoryMap, expectErr, mapOf, resetGlobalAllocator, TEST_MAP_FRAMES, unwrap } from './helpers.js';

const small = (profile: 'debug' | 'release' = 'debug'): CorrectedFrameAllocator => new CorrectedFrameAllocator({ maxFrames: 128, profile });

describe('corrected allocator: ordinary behaviour kept', () => {
  it('is a FrameAllocator and passes the seed\'s tests on the seed map', () => {
    const allocator = new CorrectedFrameAllocator();
    expect(allocator).toBeInstanceOf(FrameAllocator);
    expectErr(allocator.allocate(), FrameAllocatorError.NotInitialized);
    expectErr(allocator.allocateSpecific(Frame.fromNumber(512)), FrameAllocatorError.NotInitialized);
    expectErr(allocator.deallocate(Frame.fromNumber(512)), FrameAllocatorError.NotInitialized);
    allocator.init(createTestMemoryMap());
    expect(allocator.totalCount()).toBe(TEST_MAP_FRAMES);
    expect(allocator.freeCount()).toBe(TEST_MAP_FRAMES);
    const frame = unwrap(allocator.allocate());
    expect(frame.number()).toBe(256);
    expect(allocator.freeCount()).toBe(TEST_MAP_FRAMES - 1);
    unwrap(allocator.deallocate(frame));
    expect(allocator.freeCount()).toBe(TEST_MAP_FRAMES);
    unwrap(allocator.allocateSpecific(Frame.fromNumber(512)));
    expectErr(allocator.allocateSpecific(Frame.fromNumber(512)), FrameAllocatorError.FrameInUse);
  });

  it('only complete frames of an unaligned usable region are freed', () => {
    const allocator = small();
    allocator.init(mapOf([0x1800, 0x3000, 'Usable']));
    expect(allocator.freeRanges()).toEqual([[2, 4]]);
    expect(allocator.totalCount()).toBe(2);
  });
});

describe('corrected: overlapping usable regions count once', () => {
  it('total_count and free_count equal the frames really free', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable'], [0x8000, 0x10000, 'Usable'], [0x8000, 0x10000, 'Usable']));
    expect(allocator.totalCount()).toBe(24);
    expect(allocator.freeCount()).toBe(24);
    expect(allocator.freeRanges()).toEqual([[0, 24]]);
    for (let i = 0; i < 24; i++) unwrap(allocator.allocate());
    expect(allocator.freeCount()).toBe(0);
    expectErr(allocator.allocate(), FrameAllocatorError.OutOfMemory);
  });
});

describe('corrected: a Reserved region overlapping a Usable one stays used', () => {
  for (const reservedFirst of [false, true]) {
    it(`Reserved listed ${reservedFirst ? 'first' : 'last'}`, () => {
      const allocator = small();
      const usable: [number, number, 'Usable'] = [0, 0x10000, 'Usable'];
      const reserved: [number, number, 'Reserved'] = [0x4000, 0x2000, 'Reserved'];
      allocator.init(reservedFirst ? mapOf(reserved, usable) : mapOf(usable, reserved));
      expect(allocator.isUsed(4)).toBe(true);
      expect(allocator.isUsed(5)).toBe(true);
      expect(allocator.totalCount()).toBe(14);
      expect(allocator.freeCount()).toBe(14);
      expect(allocator.freeRanges()).toEqual([[0, 4], [6, 16]]);
      expectErr(allocator.allocateSpecific(Frame.fromNumber(4)), FrameAllocatorError.InvalidFrame);
    });
  }

  it('a partially overlapping non-usable region keeps every frame it touches used', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable'], [0x4800, 0x1000, 'AcpiNvs']));
    // Bytes 0x4800..0x5800 touch frames 4 and 5.
    expect(allocator.freeRanges()).toEqual([[0, 4], [6, 16]]);
  });
});

describe('corrected: reserveKernel covers every frame the range touches', () => {
  it('reserveKernel(PhysAddr.new(0x1), 0x1000) reserves frames 0 and 1', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable']));
    allocator.reserveKernel(PhysAddr.new(0x1), 0x1000);
    expect(allocator.isUsed(0)).toBe(true);
    expect(allocator.isUsed(1)).toBe(true);
    expect(allocator.isUsed(2)).toBe(false);
    expect(allocator.freeCount()).toBe(14);
    expectErr(allocator.allocateSpecific(Frame.fromNumber(1)), FrameAllocatorError.FrameInUse);
  });
});

describe('corrected: deallocate only frees frames it handed out', () => {
  it('deallocate of a reserved (usable) frame is Ok and changes nothing', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable']));
    allocator.reserveKernel(PhysAddr.new(0x2000), 0x2000);
    expect(allocator.freeCount()).toBe(14);
    expect(allocator.deallocate(Frame.fromNumber(3))).toEqual({ ok: true, value: undefined });
    expect(allocator.isUsed(3)).toBe(true);
    expect(allocator.freeCount()).toBe(14);
    expect(allocator.freeRanges()).toEqual([[0, 2], [4, 16]]);
  });

  it('deallocate of a never-usable frame is InvalidFrame and changes nothing', () => {
    const allocator = new CorrectedFrameAllocator();
    allocator.init(createTestMemoryMap());
    expectErr(allocator.deallocate(Frame.fromNumber(0)), FrameAllocatorError.InvalidFrame);
    expectErr(allocator.deallocate(Frame.fromNumber(255)), FrameAllocatorError.InvalidFrame);
    expect(allocator.isUsed(0)).toBe(true);
    expect(allocator.freeCount()).toBe(TEST_MAP_FRAMES);
    expect(unwrap(allocator.allocate()).number()).toBe(256);
    expectErr(allocator.allocateSpecific(Frame.fromNumber(0)), FrameAllocatorError.InvalidFrame);
  });

  it('a double free is Ok and changes nothing', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable']));
    const frame = unwrap(allocator.allocate());
    unwrap(allocator.deallocate(frame));
    expect(allocator.freeCount()).toBe(16);
    expect(allocator.deallocate(frame)).toEqual({ ok: true, value: undefined });
    expect(allocator.freeCount()).toBe(16);
    // A frame handed out by allocateSpecific can be freed.
    unwrap(allocator.allocateSpecific(Frame.fromNumber(9)));
    unwrap(allocator.deallocate(Frame.fromNumber(9)));
    expect(allocator.isUsed(9)).toBe(false);
  });

  it('out-of-capacity frames remain InvalidFrame', () => {
    const allocator = small();
    allocator.init(mapOf([0, 0x10000, 'Usable']));
    expectErr(allocator.deallocate(Frame.fromNumber(128)), FrameAllocatorError.InvalidFrame);
    expectErr(allocator.allocateSpecific(Frame.fromNumber((1n << 53n) + 3n)), FrameAllocatorError.InvalidFrame);
  });
});

describe('corrected: no panic on huge sizes', () => {
  for (const profile of ['debug', 'release'] as const) {
    it(`reserve with size 2^64 - 1 reserves to the end of memory (${profile})`, () => {
      const allocator = small(profile);
      allocator.init(mapOf([0, 0x10000, 'Usable']));
      expect(() => allocator.reserveKernel(PhysAddr.new(0x4000), U64_MAX)).not.toThrow();
      expect(allocator.freeRanges()).toEqual([[0, 4]]);
      expect(allocator.freeCount()).toBe(4);
    });

    it(`init with a Usable region whose end passes 2^64 does not panic and frees nothing (${profile})`, () => {
      const allocator = small(profile);
      allocator.init(mapOf([0xfffffffffffff000n, 0x2000n, 'Usable'], [0x10000, 0x2000, 'Usable']));
      expect(allocator.isInitialized).toBe(true);
      expect(allocator.freeRanges()).toEqual([[0x10, 0x12]]);
      expect(allocator.totalCount()).toBe(2);
      allocator.init(mapOf([0xfff0000000000000n, 0x0010000000005000n, 'Usable']));
      expect(allocator.freeRanges()).toEqual([]);
      expect(allocator.totalCount()).toBe(0);
    });
  }

  it('a usable region at 2^52 does not alias low frames', () => {
    const allocator = small();
    allocator.init(mapOf([1n << 52n, 0x3000n, 'Usable']));
    expect(allocator.freeRanges()).toEqual([]);
    expect(allocator.totalCount()).toBe(0);
  });
});

describe('corrected global: allocateFrameAt beyond 52 bits', () => {
  beforeEach(() => {
    resetGlobalAllocator();
    FRAME_ALLOCATOR.replace(new CorrectedFrameAllocator());
  });
  afterEach(() => {
    resetGlobalAllocator();
  });

  it('PHYS_ADDR_LIMIT is 2^52', () => {
    expect(PHYS_ADDR_LIMIT).toBe(1n << 52n);
  });

  it('is NotInitialized before init', () => {
    expectErr(allocateFrameAt(PhysAddr.newUnchecked(1n << 52n)), FrameAllocatorError.NotInitialized);
    expectErr(allocateFrameAt(PhysAddr.new(0x2000000)), FrameAllocatorError.NotInitialized);
  });

  it('an address at or beyond 2^52 is InvalidFrame, not a low frame', () => {
    init({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    expectErr(allocateFrameAt(PhysAddr.newUnchecked(1n << 52n)), FrameAllocatorError.InvalidFrame);
    expectErr(allocateFrameAt(PhysAddr.newUnchecked((1n << 52n) + 0x2000000n)), FrameAllocatorError.InvalidFrame);
    expectErr(allocateFrameAt(PhysAddr.newUnchecked(U64_MAX)), FrameAllocatorError.InvalidFrame);
    // The low frame the seed would alias is still free.
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x2000000))).number()).toBe(8192);
  });

  it('contrast, the seed\'s allocateFrameAt: unmasked 2^52 + 0x2000000 is InvalidFrame, masked by PhysAddr.new it is frame 8192', () => {
    resetGlobalAllocator();
    seedInit({ memoryMap: createTestMemoryMap(), kernelPhysicalBase: 0x100000n });
    // Seed Frame::containing_address on an unmasked 2^52 + 0x2000000: frame 2^40 + 8192 >= MAX_FRAMES.
    expectErr(seedAllocateFrameAt(PhysAddr.newUnchecked((1n << 52n) + 0x2000000n)), FrameAllocatorError.InvalidFrame);
    // With PhysAddr::new (masking) it reaches frame 8192.
    expect(unwrap(seedAllocateFrameAt(PhysAddr.new((1n << 52n) + 0x2000000n))).number()).toBe(8192);
  });

  it('corrected init reserves 16 MiB kernel and 1 MiB low memory; the global functions work', () => {
    init({ memoryMap: mapOf([0, 128 * 1024 * 1024, 'Usable']), kernelPhysicalBase: 0x200000n });
    const total = (128 * 1024 * 1024) / 4096;
    expect(memoryStats()).toEqual([(total - 256 - 4096) * 4096, total * 4096]);
    expectErr(allocateFrameAt(PhysAddr.new(0xff000)), FrameAllocatorError.FrameInUse);
    expectErr(allocateFrameAt(PhysAddr.new(0x200000)), FrameAllocatorError.FrameInUse);
    const frame = unwrap(allocateFrame());
    expect(frame.number()).toBe(256);
    unwrap(deallocateFrame(frame));
    expect(memoryStats()[0]).toBe((total - 256 - 4096) * 4096);
    // Deallocating a reserved kernel frame changes nothing.
    unwrap(deallocateFrame(Frame.fromNumber(0x200)));
    expect(memoryStats()[0]).toBe((total - 256 - 4096) * 4096);
  });

  it('an unaligned kernel base reserves the frame holding the kernel\'s last byte', () => {
    init({ memoryMap: mapOf([0, 128 * 1024 * 1024, 'Usable']), kernelPhysicalBase: 0x200800n });
    expectErr(allocateFrameAt(PhysAddr.new(0x1200000)), FrameAllocatorError.FrameInUse);
    expect(unwrap(allocateFrameAt(PhysAddr.new(0x1201000))).number()).toBe(0x1201);
  });
});
