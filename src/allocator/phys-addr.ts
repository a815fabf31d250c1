// PhysAddr and Frame, as the seed defines them: a physical address masked to x86-64's 52 bits by
// `new`, and a 4 KiB frame numbered by address / PAGE_SIZE.
import type { BuildProfile } from '../targets/step.js';
import { addU64, fromU64, mulU64, toU64, type Usize } from './rust-int.js';

/** `super::PAGE_SIZE`. */
export const PAGE_SIZE = 4096;
const PAGE = 4096n;
const PHYS_ADDR_MASK = 0x000f_ffff_ffff_ffffn;

/** `super::align_down(addr, align)`: the kernel's usual `addr & !(align - 1)`. */
export const alignDown = (addr: bigint, align: bigint): bigint => addr & ~(align - 1n);

/** `super::align_up(addr, align)`: `(addr + align - 1) & !(align - 1)`, overflowing like Rust near 2^64. */
export const alignUp = (addr: bigint, align: bigint, profile: BuildProfile = 'debug'): bigint =>
  addU64(addr, align - 1n, profile, 'align_up: addr + align - 1') & ~(align - 1n) & ((1n << 64n) - 1n);

export class PhysAddr {
  private constructor(private readonly value: bigint) {}

  /** Masks to 52 bits: "On x86-64, physical addresses are limited to 52 bits". */
  static new(addr: bigint | number): PhysAddr {
    return new PhysAddr(toU64(addr, 'physical address') & PHYS_ADDR_MASK);
  }

  static newUnchecked(addr: bigint | number): PhysAddr {
    return new PhysAddr(toU64(addr, 'physical address'));
  }

  asU64(): bigint {
    return this.value;
  }

  isAligned(): boolean {
    return (this.value & (PAGE - 1n)) === 0n;
  }

  alignDown(): PhysAddr {
    return new PhysAddr(alignDown(this.value, PAGE));
  }

  alignUp(profile: BuildProfile = 'debug'): PhysAddr {
    return new PhysAddr(alignUp(this.value, PAGE, profile));
  }

  containingFrame(): Frame {
    return Frame.containingAddress(this);
  }

  equals(other: PhysAddr): boolean {
    return this.value === other.value;
  }

  /** `{:?}`: `PhysAddr(0x1000)`. */
  debug(): string {
    return `PhysAddr(0x${this.value.toString(16)})`;
  }

  /** `{}`: `0x1000`. */
  toString(): string {
    return `0x${this.value.toString(16)}`;
  }

  /** `{:x}` and `{:X}`. */
  lowerHex(): string {
    return this.value.toString(16);
  }

  upperHex(): string {
    return this.value.toString(16).toUpperCase();
  }
}

export class Frame {
  private constructor(private readonly frameNumber: Usize) {}

  /** Any usize: frame numbers beyond MAX_FRAMES are representable, as in the seed. */
  static fromNumber(number: Usize): Frame {
    return new Frame(fromU64(toU64(number, 'frame number')));
  }

  /** Internal fast path for frame numbers the allocator computed itself (always below 2^53). */
  static ofIndex(number: number): Frame {
    return new Frame(number);
  }

  static containingAddress(addr: PhysAddr): Frame {
    return new Frame(fromU64(addr.asU64() / PAGE));
  }

  /** `None` (undefined) for an address that is not page-aligned. */
  static fromStartAddress(addr: PhysAddr): Frame | undefined {
    return addr.isAligned() ? Frame.containingAddress(addr) : undefined;
  }

  number(): Usize {
    return this.frameNumber;
  }

  /** `number * PAGE_SIZE` as u64, unmasked: overflows like Rust for numbers of 2^52 and more. */
  startAddress(profile: BuildProfile = 'debug'): PhysAddr {
    return PhysAddr.newUnchecked(mulU64(BigInt(this.frameNumber), PAGE, profile, 'Frame::start_address: number * PAGE_SIZE'));
  }

  equals(other: Frame): boolean {
    return BigInt(this.frameNumber) === BigInt(other.frameNumber);
  }

  /** `{:?}`: `Frame(256)`. */
  debug(): string {
    return `Frame(${this.frameNumber})`;
  }

  toString(): string {
    return this.debug();
  }
}
