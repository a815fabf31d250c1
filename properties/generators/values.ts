// Arguments that matter to a bitmap allocator: frame 0, the ends of 64-frame words, the last frame,
// MAX_FRAMES and beyond, usize values past 2^53; page-aligned and unaligned addresses, addresses
// with bits above 52 (which `PhysAddr::new` masks away), sizes whose rounding overflows u64.
// Every arbitrary shrinks towards the plainest value (frame 0, address 0, one page).
import fc from 'fast-check';
import type { FrameArg } from '../../src/targets/step.js';
import type { Scope } from '../scope.js';

export { PAGE, PHYS_ADDR_LIMIT, U64_MAX } from '../../src/targets/step.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX } from '../../src/targets/step.js';

/**
 * A frame at or next to the edge of a 32-frame chunk (the port keeps each u64 bitmap word as two
 * 32-bit halves, the corrected allocator its frame sets in 32-bit chunks): where chunked code slips.
 */
export function frameNearChunkEdge(frames: number): fc.Arbitrary<number> {
  return fc.tuple(fc.nat(Math.max(0, Math.floor(frames / 32) - 1)), fc.integer({ min: -1, max: 1 })).map(([chunk, offset]) => Math.min(Math.max(chunk * 32 + offset, 0), frames - 1));
}

/** Frames inside the bitmap, biased towards word and chunk boundaries and both ends. */
export function frameInCapacity(scope: Scope): fc.Arbitrary<number> {
  const last = scope.maxFrames - 1;
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(last, 1023) }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: last }) },
    { weight: 1, arbitrary: frameNearChunkEdge(Math.min(scope.maxFrames, 1024)) },
    { weight: 1, arbitrary: fc.constantFrom(0, 63, 64, 127, 128, last - 64, last - 63, last) },
  );
}

/** Frame numbers a caller may pass: in capacity, just past it, or huge usize values. */
export function frameNumber(scope: Scope): fc.Arbitrary<number | bigint> {
  return fc.oneof(
    { weight: 8, arbitrary: frameInCapacity(scope) },
    { weight: 1, arbitrary: fc.integer({ min: scope.maxFrames, max: scope.maxFrames + 64 }) },
    // A low frame plus 2^32: code that truncates a frame number to 32 bits lands on the low frame.
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 127 }).map((frame) => 2 ** 32 + frame) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<number | bigint>(2 ** 40, Number.MAX_SAFE_INTEGER, 1n << 53n, 1n << 63n, U64_MAX),
    },
  );
}

/** A frame argument: mostly a frame an earlier step handed out (a bundle reference), else a number. */
export function frameArg(scope: Scope, handedOutWeight: number): fc.Arbitrary<FrameArg> {
  return fc.oneof(
    { weight: handedOutWeight, arbitrary: fc.nat(7).map((back): FrameArg => ({ handedOut: { back } })) },
    { weight: 4, arbitrary: frameNumber(scope).map((number): FrameArg => ({ number })) },
  );
}

/** Physical addresses: a frame's start, a byte inside a frame, past the bitmap's end, or beyond 52 bits (aliasing a low frame). */
export function physAddr(scope: Scope): fc.Arbitrary<bigint> {
  const frameStart = frameInCapacity(scope).map((frame) => BigInt(frame) * PAGE);
  return fc.oneof(
    { weight: 6, arbitrary: frameStart },
    {
      weight: 2,
      arbitrary: fc
        .tuple(frameStart, fc.integer({ min: 1, max: 4095 }))
        .map(([start, offset]) => start + BigInt(offset)),
    },
    // At or just past the bitmap's end: memory the allocator has no bit for.
    { weight: 1, arbitrary: fc.integer({ min: scope.maxFrames, max: scope.maxFrames + 64 }).map((frame) => BigInt(frame) * PAGE) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }).map((frame) => PHYS_ADDR_LIMIT + BigInt(frame) * PAGE) },
    { weight: 1, arbitrary: fc.constantFrom(PHYS_ADDR_LIMIT - PAGE, 1n << 63n, U64_MAX - PAGE + 1n, U64_MAX) },
  );
}

/** Sizes in bytes for a reservation: none, part of a page, whole pages, or near 2^64 (rounding overflows). */
export function reserveSize(scope: Scope): fc.Arbitrary<bigint> {
  const maxPages = Math.min(scope.maxFrames, 1 << 16);
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: maxPages }).map((pages) => BigInt(pages) * PAGE) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: maxPages * 4096 }).map(BigInt) },
    { weight: 1, arbitrary: fc.constant(0n) },
    { weight: 1, arbitrary: fc.constantFrom(16n << 20n, 1n << 20n) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4095 }).map((below) => U64_MAX - BigInt(below)) },
  );
}
