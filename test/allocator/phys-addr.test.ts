// PhysAddr and Frame: formatting, 52-bit masking, and values handed in by JavaScript callers.
import { describe, expect, it } from 'vitest';
import { Frame, PhysAddr, RustPanic, U64_MAX } from '../../src/allocator/index.js';
import { NOT_A_U64 } from './helpers.js';

describe('PhysAddr formatting', () => {
  it('debug, Display, LowerHex and UpperHex like the seed\'s fmt impls', () => {
    const addr = PhysAddr.new(0x1000);
    expect(addr.debug()).toBe('PhysAddr(0x1000)');
    expect(addr.toString()).toBe('0x1000');
    expect(`${addr}`).toBe('0x1000');
    const mixed = PhysAddr.new(0xabcdef0n);
    expect(mixed.lowerHex()).toBe('abcdef0');
    expect(mixed.upperHex()).toBe('ABCDEF0');
    expect(mixed.debug()).toBe('PhysAddr(0xabcdef0)');
    // `{:#x}` of zero is `0x0`; `{:x}` of zero is `0`.
    expect(PhysAddr.new(0).debug()).toBe('PhysAddr(0x0)');
    expect(PhysAddr.new(0).toString()).toBe('0x0');
    expect(PhysAddr.new(0).lowerHex()).toBe('0');
  });

  it('Frame debug is Frame(number)', () => {
    expect(Frame.fromNumber(256).debug()).toBe('Frame(256)');
    expect(Frame.fromNumber(0).debug()).toBe('Frame(0)');
    expect(Frame.fromNumber(1n << 60n).debug()).toBe(`Frame(${1n << 60n})`);
  });
});

describe('PhysAddr masking', () => {
  it('new masks to 52 bits, newUnchecked does not', () => {
    expect(PhysAddr.new(U64_MAX).asU64()).toBe(0x000f_ffff_ffff_ffffn);
    expect(PhysAddr.new(1n << 52n).asU64()).toBe(0n);
    expect(PhysAddr.new((1n << 52n) + 0x5000n).asU64()).toBe(0x5000n);
    expect(PhysAddr.new((1n << 52n) - 1n).asU64()).toBe((1n << 52n) - 1n);
    expect(PhysAddr.newUnchecked(U64_MAX).asU64()).toBe(U64_MAX);
    expect(PhysAddr.newUnchecked(1n << 52n).asU64()).toBe(1n << 52n);
  });

  it('masking makes a high address alias a low frame', () => {
    expect(PhysAddr.new((1n << 52n) + 0x200000n).containingFrame().number()).toBe(512);
    expect(PhysAddr.newUnchecked((1n << 52n) + 0x200000n).containingFrame().number()).toBe(2 ** 40 + 512);
  });

  it('equals compares addresses', () => {
    expect(PhysAddr.new(0x1000).equals(PhysAddr.new(0x1000n))).toBe(true);
    expect(PhysAddr.new(0x1000).equals(PhysAddr.new(0x2000))).toBe(false);
  });
});

describe('Frame', () => {
  it('fromStartAddress is undefined for an unaligned address, the frame for an aligned one', () => {
    expect(Frame.fromStartAddress(PhysAddr.new(0x1001))).toBeUndefined();
    expect(Frame.fromStartAddress(PhysAddr.new(0x1fff))).toBeUndefined();
    expect(Frame.fromStartAddress(PhysAddr.new(0x2000))?.number()).toBe(2);
  });

  it('containingAddress divides by 4096', () => {
    expect(Frame.containingAddress(PhysAddr.new(0xfff)).number()).toBe(0);
    expect(Frame.containingAddress(PhysAddr.new(0x1000)).number()).toBe(1);
    expect(PhysAddr.new(0x1fff).containingFrame().number()).toBe(1);
  });

  it('startAddress multiplies by 4096, overflowing like Rust at 2^52', () => {
    expect(Frame.fromNumber((1n << 52n) - 1n).startAddress().asU64()).toBe((1n << 64n) - 4096n);
    let caught: unknown;
    try {
      Frame.fromNumber(1n << 52n).startAddress('debug');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RustPanic);
    expect((caught as RustPanic).rustMessage).toBe('attempt to multiply with overflow');
    expect(Frame.fromNumber((1n << 52n) + 7n).startAddress('release').asU64()).toBe(7n * 4096n);
  });

  it('number is a number while safe, a bigint beyond 2^53', () => {
    expect(Frame.fromNumber(7n).number()).toBe(7);
    expect(Frame.fromNumber(Number.MAX_SAFE_INTEGER).number()).toBe(Number.MAX_SAFE_INTEGER);
    expect(Frame.fromNumber((1n << 53n) + 1n).number()).toBe((1n << 53n) + 1n);
    expect(Frame.fromNumber(U64_MAX).number()).toBe(U64_MAX);
    expect(Frame.fromNumber(5).equals(Frame.fromNumber(5n))).toBe(true);
    expect(Frame.fromNumber((1n << 53n) + 1n).equals(Frame.fromNumber(1n << 53n))).toBe(false);
  });
});

describe('JavaScript boundary: values that are not a u64', () => {
  const bad = NOT_A_U64;

  for (const [value, errorClass, text] of bad) {
    it(`Frame.fromNumber(${String(value)}) throws ${errorClass.name} naming the value`, () => {
      expect(() => Frame.fromNumber(value as number)).toThrow(errorClass);
      expect(() => Frame.fromNumber(value as number)).toThrow(text);
    });
    it(`PhysAddr.new(${String(value)}) and newUnchecked throw ${errorClass.name} naming the value`, () => {
      expect(() => PhysAddr.new(value as number)).toThrow(errorClass);
      expect(() => PhysAddr.new(value as number)).toThrow(text);
      expect(() => PhysAddr.newUnchecked(value as number)).toThrow(errorClass);
    });
  }

  it('a string is a TypeError (the message names its type, not its value)', () => {
    expect(() => Frame.fromNumber('5' as unknown as number)).toThrow(TypeError);
    expect(() => Frame.fromNumber('5' as unknown as number)).toThrow(/frame number.*string/);
    expect(() => PhysAddr.new('0x1000' as unknown as number)).toThrow(TypeError);
    expect(() => PhysAddr.new('0x1000' as unknown as number)).toThrow(/physical address.*string/);
  });

  it('the largest values that are a u64 are accepted', () => {
    expect(PhysAddr.newUnchecked(U64_MAX).asU64()).toBe(U64_MAX);
    expect(PhysAddr.new(Number.MAX_SAFE_INTEGER).asU64()).toBe(BigInt(Number.MAX_SAFE_INTEGER) & 0x000f_ffff_ffff_ffffn);
    expect(PhysAddr.new(1n << 53n).asU64()).toBe(0n);
  });
});
