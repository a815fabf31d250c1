// The JavaScript boundary: a JavaScript caller can pass anything where the seed takes a u64 or a
// usize. A u64 (a non-negative safe integer, or a bigint below 2^64) is taken exactly; anything
// else — negative, fractional, NaN, infinite, beyond 2^53 as a number, beyond 2^64, not a number —
// is refused with a one-line RangeError or TypeError that names the value, never truncated into
// another frame. The same holds for a capacity, a frame to inspect and a region type.
import fc from 'fast-check';
import { MEMORY_REGION_TYPES, MemoryMap } from '../../src/allocator/boot-info.js';
import { FrameAllocator, MAX_FRAMES } from '../../src/allocator/frame-allocator.js';
import { Frame, PhysAddr } from '../../src/allocator/phys-addr.js';
import { CorrectedFrameAllocator } from '../../src/corrected/corrected-allocator.js';
import { PHYS_ADDR_LIMIT, U64_MAX } from '../generators/values.js';
import type { ComponentProperty } from './index.js';

/** Anything a JavaScript caller might pass, biased to the edges of the u64 range. */
const jsValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat(),
  fc.integer(),
  fc.bigInt({ min: -(1n << 8n), max: U64_MAX + (1n << 8n) }),
  fc.bigInt({ min: U64_MAX - 8n, max: U64_MAX + 8n }),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 64, -0, Number.NaN, Infinity, -Infinity, 0.5),
  fc.constantFrom(null, undefined, true, '7', '0x1000', {}, [], Symbol('frame')),
);

/** Numbers a caller might pass where the harness takes a frame count: doubles, NaN, ±Infinity, -0, past 2^53. */
const jsNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double().filter((value) => !(Number.isSafeInteger(value) && value > 4096)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 64, -0, Number.NaN, Infinity, -Infinity, 0.5, MAX_FRAMES * 1024 + 64),
);

/** The u64 a value stands for, or undefined when it is none. */
function asU64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value <= U64_MAX ? value : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

/** How a refusal must read: the argument's name (or what else it must state) and the value's own text, on one line. */
function namesValue(error: unknown, value: unknown, argument = ''): boolean {
  if (!(error instanceof RangeError || error instanceof TypeError) || error.message.includes('\n') || !error.message.includes(argument)) return false;
  if (typeof value === 'bigint') return error.message.includes(`${value}n`);
  if (typeof value === 'string') return error.message.includes(JSON.stringify(value));
  if (typeof value === 'number') return error.message.includes(String(value));
  return error instanceof TypeError && error.message.includes(typeof value);
}

/** Taken exactly (the entry's own view of the value matches) or refused properly. */
function takenOrRefused(value: unknown, valid: boolean, take: () => boolean, argument?: string): boolean {
  try {
    const taken = take();
    return valid && taken;
  } catch (error) {
    return !valid && namesValue(error, value, argument);
  }
}

/** Every entry point that takes a u64 or usize, the argument's name a refusal gives, and what it must keep of it. */
const U64_ENTRIES: readonly { readonly entry: string; readonly argument: string; readonly takes: (value: never, u64: bigint) => boolean }[] = [
  { entry: 'Frame::from_number', argument: 'frame number', takes: (value, u64) => BigInt(Frame.fromNumber(value).number()) === u64 },
  { entry: 'PhysAddr::new', argument: 'physical address', takes: (value, u64) => PhysAddr.new(value).asU64() === (u64 & (PHYS_ADDR_LIMIT - 1n)) },
  { entry: 'PhysAddr::new_unchecked', argument: 'physical address', takes: (value, u64) => PhysAddr.newUnchecked(value).asU64() === u64 },
  {
    entry: 'MemoryMap::add',
    argument: 'region base',
    takes: (value, u64) => {
      const map = MemoryMap.empty();
      map.add(value, value, 'Usable');
      const [region] = [...map];
      return region?.base === u64 && region.length === u64;
    },
  },
  ...[FrameAllocator, CorrectedFrameAllocator].map((Allocator) => ({
    entry: `${Allocator.name}::reserve_range (size)`,
    argument: 'kernel_size',
    takes: (value: never): boolean => {
      const allocator = new Allocator({ maxFrames: 64, profile: 'release' });
      allocator.reserveRange(PhysAddr.new(0), value);
      return true;
    },
  })),
];

export const JS_BOUNDARY_PROPERTIES: readonly ComponentProperty[] = [
  {
    name: 'u64-arguments',
    holds: 'every u64/usize argument is taken exactly when it is a u64, else refused with a one-line RangeError/TypeError naming it',
    property: fc.property(jsValue, (value) => {
      const u64 = asU64(value);
      return U64_ENTRIES.every(({ argument, takes }) => takenOrRefused(value, u64 !== undefined, () => takes(value as never, u64 as bigint), argument));
    }),
    numRuns: 3000,
  },
  {
    name: 'capacity',
    holds: 'a bitmap capacity is a positive multiple of 64 frames, at most 1024 × MAX_FRAMES; anything else is refused',
    property: fc.property(fc.oneof(fc.integer({ min: -128, max: 4096 }), jsNumber), (value) => {
      const valid = Number.isSafeInteger(value) && value > 0 && value % 64 === 0 && value <= MAX_FRAMES * 1024;
      // Only small valid capacities are built: the generators' valid values stay below 4,097 frames.
      // A refusal states the limit, so that the caller can correct the value.
      return takenOrRefused(value, valid, () => new FrameAllocator({ maxFrames: value }).maxFrames === value, `at most ${MAX_FRAMES * 1024}`);
    }),
    numRuns: 2000,
  },
  {
    name: 'inspected-frame',
    holds: 'the harness may inspect the bit of a frame below capacity; any other frame is refused, never read out of bounds',
    property: fc.property(fc.oneof(fc.integer({ min: -4, max: 200 }), jsNumber), (value) => {
      const allocator = new FrameAllocator({ maxFrames: 128 });
      const valid = Number.isSafeInteger(value) && value >= 0 && value < 128;
      return takenOrRefused(value, valid, () => allocator.isUsed(value) === false);
    }),
    numRuns: 1000,
  },
  {
    name: 'region-type',
    holds: 'a memory region has one of the firmware kinds; any other type is refused with a TypeError naming it',
    property: fc.property(fc.oneof(fc.constantFrom(...MEMORY_REGION_TYPES), fc.string(), fc.constantFrom<unknown>('usable', 'RAM', 7, null, undefined, {})), (kind) => {
      const valid = (MEMORY_REGION_TYPES as readonly unknown[]).includes(kind);
      return takenOrRefused(kind, valid, () => {
        const map = MemoryMap.empty();
        map.add(0, 4096, kind as never);
        return [...map][0]?.regionType === kind;
      });
    }),
    numRuns: 1000,
  },
];
