// Rust's integer semantics at the two boundaries the port has: u64/usize arithmetic where the seed
// can overflow (debug builds panic, release builds wrap), and values handed in by JavaScript callers
// (refused when they are not a u64 at all, never truncated into another frame).
import type { BuildProfile } from '../targets/step.js';

export const U64_MAX = (1n << 64n) - 1n;
const TWO_POW_64 = 1n << 64n;

/**
 * A Rust panic: what a debug build does on integer overflow. `message` is Rust's own panic
 * message, so that it compares equal with the seed's; `site` names the seed expression.
 */
export class RustPanic extends Error {
  constructor(
    readonly rustMessage: string,
    readonly site: string,
  ) {
    super(`${rustMessage} (${site})`);
    this.name = 'RustPanic';
  }
}

type ArithmeticOp = 'add' | 'subtract' | 'multiply';

function overflowed(op: ArithmeticOp, exact: bigint, profile: BuildProfile, site: string): bigint {
  if (profile === 'debug') throw new RustPanic(`attempt to ${op} with overflow`, site);
  return ((exact % TWO_POW_64) + TWO_POW_64) % TWO_POW_64;
}

/** u64/usize `a + b`: panics (debug) or wraps (release) past 2^64 - 1. */
export function addU64(a: bigint, b: bigint, profile: BuildProfile, site: string): bigint {
  const exact = a + b;
  return exact > U64_MAX ? overflowed('add', exact, profile, site) : exact;
}

/** u64/usize `a * b`. */
export function mulU64(a: bigint, b: bigint, profile: BuildProfile, site: string): bigint {
  const exact = a * b;
  return exact > U64_MAX ? overflowed('multiply', exact, profile, site) : exact;
}

/**
 * usize counter arithmetic on numbers (the counters stay far below 2^53 unless they wrap): the
 * fast path is a plain add; only a result outside [0, 2^53) takes the exact route.
 */
export function addCounter(counter: number, delta: number, profile: BuildProfile, site: string): number {
  const result = counter + delta;
  if (result >= 0 && result <= Number.MAX_SAFE_INTEGER) return result;
  const exact = BigInt(counter) + BigInt(delta);
  if (exact >= 0n && exact <= U64_MAX) return Number(exact);
  return Number(overflowed(delta < 0 ? 'subtract' : 'add', exact, profile, site));
}

/** usize `counter * factor` (PAGE_SIZE times a frame count). */
export function mulCounter(counter: number, factor: number, profile: BuildProfile, site: string): number {
  const result = counter * factor;
  if (result <= Number.MAX_SAFE_INTEGER) return result;
  return Number(mulU64(BigInt(counter), BigInt(factor), profile, site));
}

/** A usize as JavaScript callers see it: a number while it is a safe integer, a bigint beyond. */
export type Usize = number | bigint;

/**
 * Take a u64/usize from a JavaScript caller: a non-negative safe integer number or a bigint below
 * 2^64. Anything else (negative, fractional, NaN, an unsafe number, a string) is refused.
 */
export function toU64(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > U64_MAX) throw new RangeError(`${what} must be a u64 (0 ..= 2^64 - 1), got ${value}n`);
    return value;
  }
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number or a bigint, got ${typeof value} ${JSON.stringify(value) ?? String(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${what} must be an integer, got ${value}`);
  if (value < 0) throw new RangeError(`${what} must not be negative, got ${value}`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} ${value} is beyond 2^53 and not exact as a number: pass a bigint`);
  return BigInt(value);
}

/** A usize back to the caller: a number when exact, a bigint otherwise. */
export const fromU64 = (value: bigint): Usize => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);
