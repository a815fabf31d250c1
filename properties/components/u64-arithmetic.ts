// Rust's u64/usize arithmetic as the port does it: exact while the result is a u64; past 2^64 - 1
// (or below 0), a debug build panics with Rust's own message and a release build wraps modulo 2^64.
// The reference is exact bigint arithmetic.
import fc from 'fast-check';
import { addCounter, addU64, mulCounter, mulU64, RustPanic } from '../../src/allocator/rust-int.js';
import type { BuildProfile } from '../../src/targets/step.js';
import { U64_MAX } from '../generators/values.js';
import type { ComponentProperty } from './index.js';

const TWO_POW_64 = U64_MAX + 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const profile = fc.constantFrom<BuildProfile>('debug', 'release');

/** u64 values biased to the ends that matter: 0, around 2^53, around 2^64. */
const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 1n << 20n }),
  fc.bigInt({ min: SAFE - 4096n, max: SAFE + 4096n }),
  fc.bigInt({ min: U64_MAX - (1n << 20n), max: U64_MAX }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);

/** A usize counter as the port keeps it: a number, exact below 2^53; near 2^64 after a release build wrapped it below 0. */
const counter = fc.oneof(
  fc.nat(1 << 22),
  fc.integer({ min: Number.MAX_SAFE_INTEGER - 4096, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(2 ** 64 - 2 ** 12, 2 ** 63),
);
const delta = fc.oneof(fc.integer({ min: -(1 << 22), max: 1 << 22 }), fc.constantFrom(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));

/** What Rust does with an exact result: the value, a wrapped value (release) or a panic (debug). */
function rust(exact: bigint, build: BuildProfile, op: 'add' | 'subtract' | 'multiply'): bigint | string {
  if (exact >= 0n && exact <= U64_MAX) return exact;
  return build === 'debug' ? `attempt to ${op} with overflow` : ((exact % TWO_POW_64) + TWO_POW_64) % TWO_POW_64;
}

/** The port's answer in the same shape: the value, or Rust's panic message. */
export function valueOrPanic(call: () => bigint | number): bigint | string {
  try {
    return BigInt(call());
  } catch (error) {
    if (error instanceof RustPanic) return error.rustMessage;
    throw error;
  }
}

export const U64_ARITHMETIC_PROPERTIES: readonly ComponentProperty[] = [
  {
    name: 'u64-add',
    holds: 'a + b on u64 is exact below 2^64, and overflows as Rust does (debug panics, release wraps)',
    property: fc.property(u64, u64, profile, (a, b, build) => valueOrPanic(() => addU64(a, b, build, 'a + b')) === rust(a + b, build, 'add')),
    numRuns: 2000,
  },
  {
    name: 'u64-multiply',
    holds: 'a * b on u64 is exact below 2^64, and overflows as Rust does',
    property: fc.property(u64, fc.oneof(fc.bigInt({ min: 0n, max: 8192n }), u64), profile, (a, b, build) =>
      valueOrPanic(() => mulU64(a, b, build, 'a * b')) === rust(a * b, build, 'multiply'),
    ),
    numRuns: 2000,
  },
  {
    name: 'usize-counter-add',
    holds: 'a usize counter plus or minus a frame count is exact, and under- or overflows as Rust does',
    property: fc.property(counter, delta, profile, (value, by, build) => {
      const expected = rust(BigInt(value) + BigInt(by), build, by < 0 ? 'subtract' : 'add');
      // Past 2^53 the port's number keeps the nearest double, as Number() of the exact u64 does.
      return valueOrPanic(() => addCounter(value, by, build, 'counter += delta')) === (typeof expected === 'string' ? expected : BigInt(Number(expected)));
    }),
    numRuns: 2000,
  },
  {
    name: 'usize-counter-times-page',
    holds: 'free_memory and total_memory (a counter times PAGE_SIZE) are exact, and overflow as Rust does',
    property: fc.property(fc.oneof(fc.nat(1 << 22), fc.constantFrom(2 ** 41 - 1, 2 ** 41, Number.MAX_SAFE_INTEGER)), profile, (value, build) => {
      const expected = rust(BigInt(value) * 4096n, build, 'multiply');
      return valueOrPanic(() => mulCounter(value, 4096, build, 'counter * PAGE_SIZE')) === (typeof expected === 'string' ? expected : BigInt(Number(expected)));
    }),
    numRuns: 1000,
  },
];
