// Shared helpers for the allocator tests (not a test file itself).
import { expect } from 'vitest';
import { FRAME_ALLOCATOR, FrameAllocator, MemoryMap, type FrameAllocatorError, type FrameAllocatorOptions, type MemoryRegionType, type Result } from '../../src/allocator/index.js';

/** The seed's `create_test_memory_map()`: 1 MiB .. 128 MiB usable. */
export function createTestMemoryMap(): MemoryMap {
  const map = MemoryMap.empty();
  map.add(0x100000, 127 * 1024 * 1024, 'Usable');
  return map;
}

/** Frames in the seed's test map: 127 MiB / 4 KiB. */
export const TEST_MAP_FRAMES = (127 * 1024 * 1024) / 4096;

export function mapOf(...regions: [bigint | number, bigint | number, MemoryRegionType][]): MemoryMap {
  const map = MemoryMap.empty();
  for (const [base, length, kind] of regions) map.add(base, length, kind);
  return map;
}

/** Rust's `.unwrap()`: the Ok value, or a failed test naming the error. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`called unwrap() on Err(${result.error})`);
  return result.value;
}

export function expectErr<T>(result: Result<T>, error: FrameAllocatorError): void {
  expect(result).toEqual({ ok: false, error });
}

export function expectOk<T>(result: Result<T>): void {
  expect(result.ok).toBe(true);
}

/** Values a JavaScript caller may pass that are not a u64: [value, error class, text the message must name]. */
export const NOT_A_U64: readonly [unknown, typeof RangeError | typeof TypeError, string][] = [
  [-1, RangeError, '-1'],
  [1.5, RangeError, '1.5'],
  [NaN, RangeError, 'NaN'],
  [2 ** 53, RangeError, '9007199254740992'],
  [1n << 64n, RangeError, '18446744073709551616n'],
  [-1n, RangeError, '-1n'],
  [Infinity, RangeError, 'Infinity'],
  ['7', TypeError, '"7"'],
];

/** A fresh boot for the module-level functions: a new FrameAllocator becomes FRAME_ALLOCATOR. */
export function resetGlobalAllocator(options: FrameAllocatorOptions = {}): FrameAllocator {
  const allocator = new FrameAllocator(options);
  FRAME_ALLOCATOR.replace(allocator);
  return allocator;
}
