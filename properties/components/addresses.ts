// PhysAddr and Frame as the seed documents them: `PhysAddr::new` keeps the 52 physical bits ("On
// x86-64, physical addresses are limited to 52 bits"), `new_unchecked` keeps all 64, alignment is
// to PAGE_SIZE, a frame is numbered by address / PAGE_SIZE, `from_start_address` is `Some` exactly
// for a page-aligned address, and `{:#x}` / `{:x}` / `{:X}` / `Frame({})` print the value itself.
import fc from 'fast-check';
import { Frame, PhysAddr } from '../../src/allocator/phys-addr.js';
import type { BuildProfile } from '../../src/targets/step.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX } from '../generators/values.js';
import type { ComponentProperty } from './index.js';
import { valueOrPanic } from './u64-arithmetic.js';

/** The largest page-aligned u64. */
const TOP_PAGE = U64_MAX + 1n - PAGE;

const address = fc.oneof(
  fc.bigInt({ min: 0n, max: 1n << 24n }),
  fc.bigInt({ min: PHYS_ADDR_LIMIT - 2n * PAGE, max: PHYS_ADDR_LIMIT + 2n * PAGE }),
  fc.bigInt({ min: TOP_PAGE - PAGE, max: U64_MAX }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);
const profile = fc.constantFrom<BuildProfile>('debug', 'release');

export const ADDRESS_PROPERTIES: readonly ComponentProperty[] = [
  {
    name: 'phys-addr-bits',
    holds: 'PhysAddr::new keeps the low 52 bits, new_unchecked all 64; equal addresses compare equal',
    property: fc.property(address, address, (a, b) => {
      const masked = a & (PHYS_ADDR_LIMIT - 1n);
      return (
        PhysAddr.new(a).asU64() === masked &&
        PhysAddr.newUnchecked(a).asU64() === a &&
        PhysAddr.new(a).equals(PhysAddr.new(masked)) &&
        PhysAddr.newUnchecked(a).equals(PhysAddr.newUnchecked(b)) === (a === b)
      );
    }),
    numRuns: 2000,
  },
  {
    name: 'page-alignment',
    holds: 'is_aligned iff a multiple of PAGE_SIZE; align_down is the page start at or below, align_up the one at or above (past the last page of u64: debug panics, release wraps to 0)',
    property: fc.property(address, profile, (a, build) => {
      const addr = PhysAddr.newUnchecked(a);
      const down = a - (a % PAGE);
      const up = a % PAGE === 0n ? a : down + PAGE;
      const expectedUp = a <= TOP_PAGE ? up : build === 'debug' ? 'attempt to add with overflow' : 0n;
      return addr.isAligned() === (a % PAGE === 0n) && addr.alignDown().asU64() === down && valueOrPanic(() => addr.alignUp(build).asU64()) === expectedUp;
    }),
    numRuns: 3000,
  },
  {
    name: 'frame-of-address',
    holds: 'containing_frame is address / PAGE_SIZE; from_start_address is Some exactly for an aligned address, and start_address gives it back',
    property: fc.property(address, (a) => {
      const addr = PhysAddr.newUnchecked(a);
      const frame = addr.containingFrame();
      const start = Frame.fromStartAddress(addr);
      return (
        BigInt(frame.number()) === a / PAGE &&
        frame.equals(Frame.fromNumber(a / PAGE)) &&
        (start === undefined ? a % PAGE !== 0n : start.startAddress().asU64() === a)
      );
    }),
    numRuns: 2000,
  },
  {
    name: 'frame-start-address',
    holds: 'Frame::start_address is number * PAGE_SIZE, unmasked; past u64 (numbers of 2^52 and more) debug panics and release wraps',
    property: fc.property(address, profile, (number, build) => {
      const exact = number * PAGE;
      const expected = exact <= U64_MAX ? exact : build === 'debug' ? 'attempt to multiply with overflow' : exact % (U64_MAX + 1n);
      return valueOrPanic(() => Frame.fromNumber(number).startAddress(build).asU64()) === expected;
    }),
    numRuns: 2000,
  },
  {
    name: 'address-formatting',
    holds: 'PhysAddr prints as {:#x} (Display), PhysAddr({:#x}) (Debug), {:x} and {:X}; Frame as Frame({}) (also its JavaScript string): the value in canonical hex or decimal',
    property: fc.property(address, (a) => {
      const addr = PhysAddr.newUnchecked(a);
      const hex = addr.lowerHex();
      const frame = Frame.fromNumber(a);
      return (
        /^(0|[1-9a-f][0-9a-f]*)$/.test(hex) &&
        BigInt(`0x${hex}`) === a &&
        addr.upperHex() === hex.toUpperCase() &&
        addr.toString() === `0x${hex}` &&
        addr.debug() === `PhysAddr(0x${hex})` &&
        frame.debug() === `Frame(${a})` &&
        String(frame) === frame.debug()
      );
    }),
    numRuns: 1000,
  },
];
