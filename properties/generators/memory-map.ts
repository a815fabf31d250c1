// Memory maps as firmware really produces them. Clean maps look like a PC's E820 table (low memory,
// the legacy hole, RAM, a 32-bit MMIO window, RAM above 4 GiB). Adversarial maps are unsorted and
// overlapping, with unaligned and zero-length entries, sub-page regions, regions past the bitmap's
// capacity and bases near 2^52 and 2^64. Spans stay below 2^26 frames so that the Rust seed's
// frame-by-frame loops finish: a region of 2^40 frames would keep `init` busy for hours.
import fc from 'fast-check';
import { REGION_KINDS, type Region, type RegionKind } from '../../src/targets/step.js';
import type { Scope } from '../scope.js';
import { frameNearChunkEdge, PAGE, PHYS_ADDR_LIMIT, U64_MAX } from './values.js';

const NON_USABLE_KINDS = REGION_KINDS.filter((kind) => kind !== 'Usable');
const MIB = 1n << 20n;
const GIB = 1n << 30n;

const regionKind: fc.Arbitrary<RegionKind> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<RegionKind>('Usable') },
  { weight: 2, arbitrary: fc.constantFrom(...NON_USABLE_KINDS) },
);

/** The scope's address span, a quarter past capacity so that regions cross its end. */
function spanFrames(scope: Scope): number {
  return Math.min(scope.maxFrames + scope.maxFrames / 4, 1 << 26);
}

function regionBase(scope: Scope): fc.Arbitrary<bigint> {
  const frames = spanFrames(scope);
  const frameStart = fc.integer({ min: 0, max: frames }).map((frame) => BigInt(frame) * PAGE);
  return fc.oneof(
    { weight: 6, arbitrary: frameStart },
    // Memory from address 0, as every PC map starts: the bitmap's first word and first summary chunk.
    { weight: 1, arbitrary: fc.constant(0n) },
    { weight: 2, arbitrary: frameNearChunkEdge(Math.min(frames, 1024)).map((frame) => BigInt(frame) * PAGE) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: frames * 4096 }).map(BigInt) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }).map((frame) => PHYS_ADDR_LIMIT + BigInt(frame) * PAGE) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }).map((frame) => PHYS_ADDR_LIMIT - BigInt(frame) * PAGE) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }).map((frame) => U64_MAX + 1n - BigInt(frame) * PAGE) },
  );
}

function regionLength(scope: Scope): fc.Arbitrary<bigint> {
  const frames = Math.min(scope.maxFrames / 2, 1 << 25);
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: Math.min(frames, 96) }).map((pages) => BigInt(pages) * PAGE) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: frames }).map((pages) => BigInt(pages) * PAGE) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.min(frames, 96) * 4096 }).map(BigInt) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4095 }).map(BigInt) },
    // Firmware reports empty entries too.
    { weight: 1, arbitrary: fc.constant(0n) },
  );
}

export function adversarialRegion(scope: Scope): fc.Arbitrary<Region> {
  return fc.record({ base: regionBase(scope), length: regionLength(scope), kind: regionKind });
}

/** Up to eight regions in any order, overlapping or not. */
export function adversarialMap(scope: Scope): fc.Arbitrary<Region[]> {
  return fc.array(adversarialRegion(scope), { maxLength: 8 });
}

/** A sorted, non-overlapping map cut from the scope's span, alternating usable RAM and holes. */
function cleanSmallMap(scope: Scope): fc.Arbitrary<Region[]> {
  const cut = fc.integer({ min: 0, max: spanFrames(scope) });
  return fc
    .tuple(fc.uniqueArray(cut, { minLength: 2, maxLength: 8 }), fc.array(regionKind, { minLength: 8, maxLength: 8 }))
    .map(([cuts, kinds]) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      return sorted.slice(1).map((end, i): Region => {
        const start = sorted[i] ?? 0;
        return { base: BigInt(start) * PAGE, length: BigInt(end - start) * PAGE, kind: kinds[i] ?? 'Usable' };
      });
    });
}

/** A PC's E820 table: 640 KiB of low memory, the legacy hole, RAM, the 3-4 GiB MMIO window, RAM above 4 GiB. */
function cleanPcMap(): fc.Arbitrary<Region[]> {
  return fc
    .record({
      lowTop: fc.constantFrom(0x9fc00n, 0x9f000n, 0xa0000n),
      ramTopMib: fc.integer({ min: 64, max: 3072 }),
      highGib: fc.integer({ min: 0, max: 20 }),
    })
    .map(({ lowTop, ramTopMib, highGib }) => {
      const ramTop = BigInt(ramTopMib) * MIB;
      const map: Region[] = [
        { base: 0n, length: lowTop, kind: 'Usable' },
        { base: lowTop, length: MIB - lowTop, kind: 'Reserved' },
        { base: MIB, length: ramTop - MIB, kind: 'Usable' },
        { base: 3n * GIB, length: GIB, kind: 'Reserved' },
      ];
      if (highGib > 0) map.push({ base: 4n * GIB, length: BigInt(highGib) * GIB, kind: 'Usable' });
      return map;
    });
}

/**
 * A real machine's map as it is, or varied the way firmware and bootloaders vary them: an entry
 * dropped, moved by whole pages or by a few bytes, retyped, or an adversarial entry added.
 */
function variedMap(maps: readonly (readonly Region[])[], scope: Scope): fc.Arbitrary<Region[]> {
  const change = fc.record({
    index: fc.nat(),
    kind: fc.constantFrom('drop', 'shift-pages', 'shift-bytes', 'retype', 'add'),
    amount: fc.integer({ min: -64, max: 64 }),
    newKind: regionKind,
    added: adversarialRegion(scope),
  });
  return fc.tuple(fc.constantFrom(...maps), fc.array(change, { maxLength: 3 })).map(([map, changes]) => {
    const varied = [...map];
    for (const { index, kind, amount, newKind, added } of changes) {
      const i = index % Math.max(varied.length, 1);
      const region = varied[i];
      if (kind === 'add' || region === undefined) varied.push(added);
      else if (kind === 'drop') varied.splice(i, 1);
      else if (kind === 'retype') varied[i] = { ...region, kind: newKind };
      else {
        // Moved, but still a u64 (firmware cannot report anything else).
        const moved = region.base + BigInt(amount) * (kind === 'shift-pages' ? PAGE : 1n);
        varied[i] = { ...region, base: moved < 0n ? 0n : moved > U64_MAX ? U64_MAX : moved };
      }
    }
    return varied;
  });
}

export function memoryMap(scope: Scope): fc.Arbitrary<Region[]> {
  const clean = scope.name === 'full' ? cleanPcMap() : cleanSmallMap(scope);
  const maps = scope.startingMaps ?? [];
  return fc.oneof(
    { weight: 1, arbitrary: clean },
    { weight: 2, arbitrary: adversarialMap(scope) },
    ...(maps.length > 0 ? [{ weight: 3, arbitrary: variedMap(maps, scope) }] : []),
  );
}
