// Rust integer semantics helpers: overflow panics in debug, wraps in release; caller values checked.
import { describe, expect, it } from 'vitest';
import { addCounter, addU64, fromU64, mulCounter, mulU64, RustPanic, toU64, U64_MAX } from '../../src/allocator/rust-int.js';

describe('addU64 / mulU64', () => {
  it('returns the exact sum when it fits, up to U64_MAX', () => {
    expect(U64_MAX).toBe(18446744073709551615n);
    expect(addU64(U64_MAX - 1n, 1n, 'debug', 's')).toBe(U64_MAX);
    expect(mulU64(1n << 32n, (1n << 32n) - 1n, 'debug', 's')).toBe((1n << 64n) - (1n << 32n));
  });

  it('panics in debug with Rust\'s message and the site', () => {
    let caught: unknown;
    try {
      addU64(U64_MAX, 1n, 'debug', 'here');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RustPanic);
    expect((caught as RustPanic).rustMessage).toBe('attempt to add with overflow');
    expect((caught as RustPanic).site).toBe('here');
    expect((caught as RustPanic).name).toBe('RustPanic');
    expect(() => mulU64(1n << 52n, 4096n, 'debug', 'm')).toThrow(/attempt to multiply with overflow/);
  });

  it('wraps modulo 2^64 in release', () => {
    expect(addU64(U64_MAX, 1n, 'release', 's')).toBe(0n);
    expect(addU64(U64_MAX, 4095n, 'release', 's')).toBe(4094n);
    expect(mulU64(1n << 52n, 4096n, 'release', 's')).toBe(0n);
    expect(mulU64((1n << 52n) + 3n, 4096n, 'release', 's')).toBe(3n * 4096n);
  });
});

describe('addCounter / mulCounter', () => {
  it('subtracting below zero is a subtract overflow (debug) or wraps (release)', () => {
    expect(addCounter(5, -1, 'debug', 's')).toBe(4);
    expect(() => addCounter(0, -1, 'debug', 's')).toThrow(/attempt to subtract with overflow/);
    expect(addCounter(0, -1, 'release', 's')).toBe(Number(U64_MAX));
  });

  it('multiplies exactly while safe', () => {
    expect(mulCounter(4194304, 4096, 'debug', 's')).toBe(17179869184);
  });
});

describe('toU64 / fromU64', () => {
  it('accepts safe non-negative integers and bigints in range', () => {
    expect(toU64(0, 'v')).toBe(0n);
    expect(toU64(Number.MAX_SAFE_INTEGER, 'v')).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(toU64(U64_MAX, 'v')).toBe(U64_MAX);
  });

  it('refuses anything that is not a u64, naming the value', () => {
    expect(() => toU64(-1, 'v')).toThrow(RangeError);
    expect(() => toU64(-1, 'v')).toThrow(/-1/);
    expect(() => toU64(1.5, 'v')).toThrow(/1\.5/);
    expect(() => toU64(NaN, 'v')).toThrow(/NaN/);
    expect(() => toU64(2 ** 53, 'v')).toThrow(/9007199254740992/);
    expect(() => toU64(1n << 64n, 'v')).toThrow(/18446744073709551616n/);
    expect(() => toU64(-1n, 'v')).toThrow(RangeError);
    expect(() => toU64('7', 'v')).toThrow(TypeError);
  });

  it('gives numbers while safe and bigints beyond', () => {
    expect(fromU64(5n)).toBe(5);
    expect(fromU64(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromU64(1n << 53n)).toBe(1n << 53n);
  });
});
