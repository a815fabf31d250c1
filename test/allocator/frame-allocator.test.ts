// FrameAllocator behaviour at its boundaries, at the seed's capacity and at a small one.
import { describe, expect, it } from 'vitest';
import { BITMAP_WORDS, Frame, FrameAllocator, FrameAllocatorError, MAX_FRAMES, PhysAddr } from '../../src/allocator/index.js';
import { createTestMemoryMap, expectErr, mapOf, NOT_A_U64, TEST_MAP_FRAMES, unwrap } from './helpers.js';

describe('constants', () => {
  it('MAX_FRAMES is 16 GiB of 4 KiB frames, BITMAP_WORDS = MAX_FRAMES / 64', () => {
    expect(MAX_FRAMES).toBe(4194304);
    expect(BITMAP_WORDS).toBe(65536);
    expect(new FrameAllocator().maxFrames).toBe(MAX_FRAMES);
    expect(new FrameAllocator().profile).toBe('debug');
  });

  it('rejects capacities that are not positive multiples of 64', () => {
    expect(() => new FrameAllocator({ maxFrames: 0 })).toThrow(RangeError);
    expect(() => new FrameAllocator({ maxFrames: 100 })).toThrow(RangeError);
    expect(() => new FrameAllocator({ maxFrames: -64 })).toThrow(RangeError);
  });
});

for (const capacity of [MAX_FRAMES, 128]) {
  const make = (): FrameAllocator => {
    const allocator = capacity === MAX_FRAMES ? new FrameAllocator() : new FrameAllocator({ maxFrames: capacity });
    // One usable region covering exactly the whole capacity.
    allocator.init(mapOf([0, BigInt(capacity) * 4096n, 'Usable']));
    return allocator;
  };

  describe(`boundaries at capacity ${capacity}`, () => {
    it('init over the whole capacity frees and counts every frame', () => {
      const allocator = make();
      expect(allocator.totalCount()).toBe(capacity);
      expect(allocator.freeCount()).toBe(capacity);
      expect(allocator.freeRanges()).toEqual([[0, capacity]]);
      expect(allocator.totalMemory()).toBe(capacity * 4096);
      expect(allocator.freeMemory()).toBe(capacity * 4096);
    });

    for (const frameNum of [0, 63, 64, capacity - 1]) {
      it(`allocateSpecific / deallocate of frame ${frameNum}`, () => {
        const allocator = make();
        const frame = Frame.fromNumber(frameNum);
        expect(allocator.isUsed(frameNum)).toBe(false);
        expect(allocator.allocateSpecific(frame)).toEqual({ ok: true, value: undefined });
        expect(allocator.isUsed(frameNum)).toBe(true);
        expect(allocator.freeCount()).toBe(capacity - 1);
        expectErr(allocator.allocateSpecific(frame), FrameAllocatorError.FrameInUse);
        expect(allocator.freeCount()).toBe(capacity - 1);
        // Neighbours are untouched.
        if (frameNum > 0) expect(allocator.isUsed(frameNum - 1)).toBe(false);
        if (frameNum < capacity - 1) expect(allocator.isUsed(frameNum + 1)).toBe(false);

        expect(allocator.deallocate(frame)).toEqual({ ok: true, value: undefined });
        expect(allocator.isUsed(frameNum)).toBe(false);
        expect(allocator.freeCount()).toBe(capacity);
        // A second deallocate (double free) is ignored: Ok, no change.
        expect(allocator.deallocate(frame).ok).toBe(true);
        expect(allocator.freeCount()).toBe(capacity);
      });
    }

    it(`frame ${capacity} (the capacity) is InvalidFrame for allocateSpecific and deallocate`, () => {
      const allocator = make();
      expectErr(allocator.allocateSpecific(Frame.fromNumber(capacity)), FrameAllocatorError.InvalidFrame);
      expectErr(allocator.deallocate(Frame.fromNumber(capacity)), FrameAllocatorError.InvalidFrame);
      expectErr(allocator.allocateSpecific(Frame.fromNumber(capacity + 64)), FrameAllocatorError.InvalidFrame);
      expect(allocator.freeCount()).toBe(capacity);
      expect(() => allocator.isUsed(capacity)).toThrow(RangeError);
    });

    it('a region running past capacity is clipped', () => {
      const allocator = capacity === MAX_FRAMES ? new FrameAllocator() : new FrameAllocator({ maxFrames: capacity });
      allocator.init(mapOf([BigInt(capacity - 2) * 4096n, 10n * 4096n, 'Usable']));
      expect(allocator.totalCount()).toBe(2);
      expect(allocator.freeCount()).toBe(2);
      expect(allocator.freeRanges()).toEqual([[capacity - 2, capacity]]);
      // A region wholly beyond capacity frees nothing.
      allocator.init(mapOf([BigInt(capacity) * 4096n, 0x10000n, 'Usable']));
      expect(allocator.totalCount()).toBe(0);
      expect(allocator.freeRanges()).toEqual([]);
      expectErr(allocator.allocate(), FrameAllocatorError.OutOfMemory);
    });

    it('reserveKernel past capacity is clipped', () => {
      const allocator = make();
      allocator.reserveKernel(PhysAddr.new(BigInt(capacity - 1) * 4096n), 0x10000);
      expect(allocator.isUsed(capacity - 1)).toBe(true);
      expect(allocator.isUsed(capacity - 2)).toBe(false);
      expect(allocator.freeCount()).toBe(capacity - 1);
      allocator.reserveKernel(PhysAddr.new(BigInt(capacity) * 4096n), 0x10000);
      expect(allocator.freeCount()).toBe(capacity - 1);
    });
  });
}

describe('unaligned regions', () => {
  it('only complete frames are freed: base 0x1800 length 0x3000 frees frames 2 and 3', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0x1800, 0x3000, 'Usable']));
    expect(allocator.freeCount()).toBe(2);
    expect(allocator.totalCount()).toBe(2);
    expect(allocator.isUsed(1)).toBe(true);
    expect(allocator.isUsed(2)).toBe(false);
    expect(allocator.isUsed(3)).toBe(false);
    expect(allocator.isUsed(4)).toBe(true);
    expect(allocator.freeRanges()).toEqual([[2, 4]]);
  });

  it('a region smaller than a frame, or not containing one complete frame, frees nothing', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0x1800, 0x1000, 'Usable'], [0x5000, 0xfff, 'Usable'], [0x9000, 0, 'Usable']));
    expect(allocator.freeCount()).toBe(0);
    expect(allocator.totalCount()).toBe(0);
    expect(allocator.freeRanges()).toEqual([]);
  });

  it('a region with aligned base and unaligned end keeps its partial last frame used', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0x2000, 0x2fff, 'Usable']));
    expect(allocator.freeRanges()).toEqual([[2, 4]]);
  });

  it('non-usable regions are ignored by init', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x10000, 'Reserved'], [0x20000, 0x1000, 'AcpiNvs'], [0x30000, 0x2000, 'Usable']));
    expect(allocator.freeRanges()).toEqual([[0x30, 0x32]]);
    expect(allocator.totalCount()).toBe(2);
  });

  it('init again starts over', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x10000, 'Usable']));
    unwrap(allocator.allocate());
    allocator.init(mapOf([0x20000, 0x1000, 'Usable']));
    expect(allocator.freeRanges()).toEqual([[0x20, 0x21]]);
    expect(allocator.totalCount()).toBe(1);
    expect(allocator.hint).toBe(0);
  });
});

describe('the next-free hint', () => {
  it('allocate returns ascending frames and moves the hint past each', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0x3000, 0x10000, 'Usable']));
    expect(allocator.hint).toBe(0);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      const frame = unwrap(allocator.allocate());
      got.push(frame.number() as number);
      expect(allocator.hint).toBe((frame.number() as number) + 1);
    }
    expect(got).toEqual([3, 4, 5, 6, 7]);
  });

  it('deallocate of a lower frame lowers the hint, and the next allocate returns it', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x80000, 'Usable']));
    for (let i = 0; i < 10; i++) unwrap(allocator.allocate());
    expect(allocator.hint).toBe(10);
    unwrap(allocator.deallocate(Frame.fromNumber(4)));
    expect(allocator.hint).toBe(4);
    // Deallocating a higher frame does not raise the hint.
    unwrap(allocator.deallocate(Frame.fromNumber(8)));
    expect(allocator.hint).toBe(4);
    expect(unwrap(allocator.allocate()).number()).toBe(4);
    expect(allocator.hint).toBe(5);
    expect(unwrap(allocator.allocate()).number()).toBe(8);
    expect(allocator.hint).toBe(9);
    expect(unwrap(allocator.allocate()).number()).toBe(10);
  });

  it('allocateSpecific does not move the hint; allocate skips the frame it took', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x80000, 'Usable']));
    unwrap(allocator.allocateSpecific(Frame.fromNumber(0)));
    expect(allocator.hint).toBe(0);
    expect(unwrap(allocator.allocate()).number()).toBe(1);
  });

  it('the search wraps around to frames below the hint\'s word', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 128n * 4096n, 'Usable']));
    // Take every frame of word 1 (64..127) so the hint lands at capacity.
    for (let f = 64; f < 128; f++) unwrap(allocator.allocateSpecific(Frame.fromNumber(f)));
    unwrap(allocator.allocateSpecific(Frame.fromNumber(0)));
    for (let f = 1; f < 63; f++) unwrap(allocator.allocateSpecific(Frame.fromNumber(f)));
    // Free frames: 63 only. The allocate below starts at word 0 (hint 0) and finds 63.
    expect(unwrap(allocator.allocate()).number()).toBe(63);
    expect(allocator.hint).toBe(64);
    unwrap(allocator.deallocate(Frame.fromNumber(127)));
    expect(allocator.hint).toBe(64);
    expect(unwrap(allocator.allocate()).number()).toBe(127);
    expect(allocator.hint).toBe(128);
    // Hint at capacity: the first loop is empty, the wrap-around finds frame 5.
    unwrap(allocator.deallocate(Frame.fromNumber(5)));
    expect(allocator.hint).toBe(5);
    unwrap(allocator.allocateSpecific(Frame.fromNumber(5)));
    unwrap(allocator.deallocate(Frame.fromNumber(6)));
    // Hint is 5 (word 0): finds 6 in word 0.
    expect(unwrap(allocator.allocate()).number()).toBe(6);
  });

  it('wraps from a hint in the last word back to word 0', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 128n * 4096n, 'Usable']));
    for (let i = 0; i < 100; i++) unwrap(allocator.allocate());
    expect(allocator.hint).toBe(100);
    // Free frame 10 then take it specifically: hint drops to 10.
    unwrap(allocator.deallocate(Frame.fromNumber(10)));
    unwrap(allocator.allocateSpecific(Frame.fromNumber(10)));
    expect(allocator.hint).toBe(10);
    // Allocate from hint 10 (word 0 full) finds 100 in word 1.
    expect(unwrap(allocator.allocate()).number()).toBe(100);
    // Take the rest of word 1: the hint reaches capacity and nothing is left.
    for (let f = 101; f < 128; f++) unwrap(allocator.allocate());
    expect(allocator.hint).toBe(128);
    expectErr(allocator.allocate(), FrameAllocatorError.OutOfMemory);
  });
});

describe('allocate until OutOfMemory', () => {
  it('hands out every frame exactly once at capacity 128, then OutOfMemory', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 1n << 30n, 'Usable'])); // clipped to 128 frames
    expect(allocator.freeCount()).toBe(128);
    const seen = new Set<number>();
    for (let i = 0; i < 128; i++) {
      const n = unwrap(allocator.allocate()).number() as number;
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(128);
      expect(seen.has(n)).toBe(false);
      seen.add(n);
    }
    expect(seen.size).toBe(128);
    expect(allocator.freeCount()).toBe(0);
    expect(allocator.freeRanges()).toEqual([]);
    expectErr(allocator.allocate(), FrameAllocatorError.OutOfMemory);
    expectErr(allocator.allocate(), FrameAllocatorError.OutOfMemory);
    expect(allocator.freeCount()).toBe(0);
  });

  it('a partially usable map: hands out exactly the usable frames', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0x5000, 0x3000, 'Usable'], [0x70000, 0x2800, 'Usable']));
    const got: number[] = [];
    for (;;) {
      const result = allocator.allocate();
      if (!result.ok) {
        expect(result.error).toBe(FrameAllocatorError.OutOfMemory);
        break;
      }
      got.push(result.value.number() as number);
    }
    expect(got).toEqual([5, 6, 7, 0x70, 0x71]);
  });

  it('the seed test map at default capacity: allocate starts at frame 256', () => {
    const allocator = new FrameAllocator();
    allocator.init(createTestMemoryMap());
    expect(unwrap(allocator.allocate()).number()).toBe(256);
    expect(allocator.freeRanges()).toEqual([[257, 256 + TEST_MAP_FRAMES]]);
  });
});

describe('NotInitialized', () => {
  it('allocate, allocateSpecific and deallocate before init', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    expect(allocator.isInitialized).toBe(false);
    expectErr(allocator.allocate(), FrameAllocatorError.NotInitialized);
    expectErr(allocator.allocateSpecific(Frame.fromNumber(3)), FrameAllocatorError.NotInitialized);
    expectErr(allocator.deallocate(Frame.fromNumber(3)), FrameAllocatorError.NotInitialized);
    // Checked before the range check, as in the seed.
    expectErr(allocator.allocateSpecific(Frame.fromNumber(1n << 60n)), FrameAllocatorError.NotInitialized);
    expectErr(allocator.deallocate(Frame.fromNumber(1000)), FrameAllocatorError.NotInitialized);
    expect(allocator.freeCount()).toBe(0);
    expect(allocator.totalCount()).toBe(0);
  });

  it('also at default capacity', () => {
    const allocator = new FrameAllocator();
    expectErr(allocator.allocate(), FrameAllocatorError.NotInitialized);
    expectErr(allocator.allocateSpecific(Frame.fromNumber(MAX_FRAMES)), FrameAllocatorError.NotInitialized);
  });
});

describe('reserveKernel / reserveRange', () => {
  it('marks ceil(size / 4096) frames from the start frame used, counting only newly used', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x40000, 'Usable']));
    allocator.reserveKernel(PhysAddr.new(0x4000), 0x2001);
    expect(allocator.freeRanges()).toEqual([[0, 4], [7, 64]]);
    expect(allocator.freeCount()).toBe(61);
    // Overlapping reserve only counts the new frames.
    allocator.reserveRange(PhysAddr.new(0x6000), 0x2000);
    expect(allocator.freeRanges()).toEqual([[0, 4], [8, 64]]);
    expect(allocator.freeCount()).toBe(60);
    // Size 0 reserves nothing.
    allocator.reserveRange(PhysAddr.new(0), 0);
    expect(allocator.freeCount()).toBe(60);
    expect(allocator.totalCount()).toBe(64);
  });

  it('never takes free_frames below zero', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x2000, 'Usable']));
    unwrap(allocator.allocate());
    unwrap(allocator.allocate());
    expect(allocator.freeCount()).toBe(0);
    allocator.reserveKernel(PhysAddr.new(0x10000), 0x10000);
    expect(allocator.freeCount()).toBe(0);
  });
});

describe('JavaScript boundary of the allocator', () => {
  const bad = NOT_A_U64;
  for (const [value, errorClass, text] of bad) {
    it(`reserveKernel size ${String(value)} throws ${errorClass.name} naming the value, changing nothing`, () => {
      const allocator = new FrameAllocator({ maxFrames: 128 });
      allocator.init(mapOf([0, 0x40000, 'Usable']));
      expect(() => allocator.reserveKernel(PhysAddr.new(0), value as number)).toThrow(errorClass);
      expect(() => allocator.reserveRange(PhysAddr.new(0), value as number)).toThrow(text);
      expect(allocator.freeCount()).toBe(64);
      expect(allocator.freeRanges()).toEqual([[0, 64]]);
    });
  }

  it('reserveKernel size as a string is a TypeError', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x40000, 'Usable']));
    expect(() => allocator.reserveKernel(PhysAddr.new(0), '4096' as unknown as number)).toThrow(TypeError);
    expect(() => allocator.reserveKernel(PhysAddr.new(0), '4096' as unknown as number)).toThrow(/kernel_size.*string/);
    expect(allocator.freeCount()).toBe(64);
  });

  it('reserveKernel accepts bigint sizes', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x40000, 'Usable']));
    allocator.reserveKernel(PhysAddr.new(0), 0x3000n);
    expect(allocator.freeRanges()).toEqual([[3, 64]]);
  });

  for (const big of [1n << 53n, (1n << 53n) + 5n, (1n << 64n) - 1n, (1n << 32n) + 5n, 4194304n + 5n]) {
    it(`frame number ${big} is InvalidFrame, never truncated into another frame`, () => {
      for (const capacity of [128, MAX_FRAMES]) {
        const allocator = capacity === MAX_FRAMES ? new FrameAllocator() : new FrameAllocator({ maxFrames: capacity });
        allocator.init(mapOf([0, 0x40000, 'Usable']));
        const frame = Frame.fromNumber(big);
        expectErr(allocator.allocateSpecific(frame), FrameAllocatorError.InvalidFrame);
        expect(allocator.freeCount()).toBe(64);
        expect(allocator.isUsed(5)).toBe(false);
        unwrap(allocator.allocateSpecific(Frame.fromNumber(5)));
        expectErr(allocator.deallocate(frame), FrameAllocatorError.InvalidFrame);
        expect(allocator.isUsed(5)).toBe(true);
        expect(allocator.freeCount()).toBe(63);
      }
    });
  }

  it('a number frame 2^32 + 5 (safe integer) is InvalidFrame too', () => {
    const allocator = new FrameAllocator({ maxFrames: 128 });
    allocator.init(mapOf([0, 0x40000, 'Usable']));
    expectErr(allocator.allocateSpecific(Frame.fromNumber(2 ** 32 + 5)), FrameAllocatorError.InvalidFrame);
    expect(allocator.isUsed(5)).toBe(false);
  });
});
