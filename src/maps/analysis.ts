// What a real machine's memory map means for the seed's allocator, before anything runs: its
// entries, how Linux's e820 sanitiser would resolve them (sorted, overlaps resolved by the most
// restrictive type, zero-length entries dropped), how many usable frames that leaves, and how many
// of them the 16 GiB bitmap (MAX_PHYSICAL_MEMORY) cannot see. Interval arithmetic in u64 bigints:
// a 256 GiB server's 67 million frames are a handful of ranges.
import { FULL_SCOPE_FRAMES } from '../../properties/scope.js';
import type { LoadedMemoryMap } from '../files/memory-map-file.js';
import { PAGE, PHYS_ADDR_LIMIT, type Region, type RegionKind } from '../targets/step.js';
import { hex } from '../targets/step-format.js';

const ADDRESS_SPACE_END = 1n << 64n;

/**
 * Linux's e820 type numbers: where entries overlap, the highest number wins (e820__update_table,
 * "larger value takes precedence"), so any other type beats usable RAM. The boot-info kinds that are
 * not e820 types rank as reserved.
 */
const E820_RANK: Readonly<Record<RegionKind, number>> = {
  Usable: 1,
  Reserved: 2,
  AcpiReclaimable: 3,
  AcpiNvs: 4,
  BadMemory: 5,
  Bootloader: 2,
  KernelImage: 2,
  FrameBuffer: 2,
};

/** One entry of the sanitised map: [start, end) of one kind. */
export interface SanitisedEntry {
  readonly start: bigint;
  readonly end: bigint;
  readonly kind: RegionKind;
}

export interface MapOverlap {
  /** 1-based entry numbers, in file order. */
  readonly entries: readonly [number, number];
  readonly kinds: readonly [RegionKind, RegionKind];
  /** The shared addresses, inclusive end as dmesg writes them. */
  readonly start: string;
  readonly end: string;
  /** What the shared addresses are after sanitising: the more restrictive kind. */
  readonly resolvedAs: RegionKind;
}

export interface MapAnalysis {
  readonly file: string;
  readonly source: string;
  readonly notes: readonly string[];
  readonly entries: number;
  readonly usableEntries: number;
  /** 1-based numbers of entries that start below the entry before them. */
  readonly outOfOrder: readonly number[];
  /** 1-based numbers of entries of length 0 (ignored, as Linux ignores them). */
  readonly zeroLength: readonly number[];
  /** 1-based numbers of entries whose end passes 2^64 (clipped at 2^64 here; the seed's init overflows). */
  readonly pastAddressSpace: readonly number[];
  /** 1-based numbers of usable entries reaching at or above 2^52, beyond x86-64 physical addresses. */
  readonly beyondPhysicalAddresses: readonly number[];
  readonly overlaps: readonly MapOverlap[];
  /** Complete 4 KiB frames of usable RAM after sanitising, below 2^52. */
  readonly usableFrames: number;
  /** The bitmap's capacity in frames (MAX_FRAMES). */
  readonly capacityFrames: number;
  /** Usable frames below the capacity: what the allocator can hand out. */
  readonly visibleFrames: number;
  /** Usable frames at or above the capacity: RAM the allocator cannot see. */
  readonly droppedFrames: number;
  /** The sanitised map, for the search of findings (alphabet) and for reports. */
  readonly sanitised: readonly SanitisedEntry[];
}

const endOf = (region: Region): bigint => {
  const end = region.base + region.length;
  return end > ADDRESS_SPACE_END ? ADDRESS_SPACE_END : end;
};

/** Linux's sanitiser (e820__update_table): change points, the highest-ranked kind wins, equal neighbours merge. */
export function sanitise(regions: readonly Region[]): SanitisedEntry[] {
  const points = new Set<bigint>();
  const live = regions.filter((region) => region.length > 0n);
  for (const region of live) points.add(region.base).add(endOf(region));
  const cuts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const result: SanitisedEntry[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i] as bigint, cuts[i + 1] as bigint];
    let kind: RegionKind | undefined;
    for (const region of live) {
      if (region.base <= start && endOf(region) >= end && (kind === undefined || E820_RANK[region.kind] > E820_RANK[kind])) kind = region.kind;
    }
    if (kind === undefined) continue;
    const last = result[result.length - 1];
    if (last !== undefined && last.end === start && last.kind === kind) result[result.length - 1] = { ...last, end };
    else result.push({ start, end, kind });
  }
  return result;
}

function findOverlaps(regions: readonly Region[]): MapOverlap[] {
  const order = regions.map((region, i) => ({ region, number: i + 1 })).filter(({ region }) => region.length > 0n);
  order.sort((a, b) => (a.region.base < b.region.base ? -1 : a.region.base > b.region.base ? 1 : a.number - b.number));
  const overlaps: MapOverlap[] = [];
  order.forEach((a, i) => {
    for (const b of order.slice(i + 1)) {
      if (b.region.base >= endOf(a.region)) break;
      const [first, second] = a.number < b.number ? [a, b] : [b, a];
      const end = endOf(a.region) < endOf(b.region) ? endOf(a.region) : endOf(b.region);
      const resolvedAs = E820_RANK[first.region.kind] >= E820_RANK[second.region.kind] ? first.region.kind : second.region.kind;
      overlaps.push({ entries: [first.number, second.number], kinds: [first.region.kind, second.region.kind], start: hex(b.region.base), end: hex(end - 1n), resolvedAs });
    }
  });
  return overlaps.sort((x, y) => x.entries[0] - y.entries[0] || x.entries[1] - y.entries[1]);
}

export function analyzeMemoryMap(map: LoadedMemoryMap, capacityFrames = FULL_SCOPE_FRAMES): MapAnalysis {
  const { regions } = map;
  const numbers = (test: (region: Region, i: number) => boolean): number[] => regions.flatMap((region, i) => (test(region, i) ? [i + 1] : []));
  const sanitised = sanitise(regions);
  const frameLimit = PHYS_ADDR_LIMIT / PAGE;
  const capacity = BigInt(capacityFrames);
  let usable = 0n;
  let visible = 0n;
  for (const entry of sanitised) {
    if (entry.kind !== 'Usable') continue;
    // Complete frames only, as the seed frees them; nothing at or above 2^52 is a physical frame.
    const first = (entry.start + PAGE - 1n) / PAGE;
    const last = entry.end / PAGE < frameLimit ? entry.end / PAGE : frameLimit;
    if (last <= first) continue;
    usable += last - first;
    if (first < capacity) visible += (last < capacity ? last : capacity) - first;
  }
  return {
    file: map.file,
    source: map.source,
    notes: map.notes,
    entries: regions.length,
    usableEntries: regions.filter((region) => region.kind === 'Usable').length,
    outOfOrder: numbers((region, i) => i > 0 && region.base < (regions[i - 1] as Region).base),
    zeroLength: numbers((region) => region.length === 0n),
    pastAddressSpace: numbers((region) => region.base + region.length > ADDRESS_SPACE_END),
    beyondPhysicalAddresses: numbers((region) => region.kind === 'Usable' && region.length > 0n && endOf(region) > PHYS_ADDR_LIMIT),
    overlaps: findOverlaps(regions),
    usableFrames: Number(usable),
    capacityFrames,
    visibleFrames: Number(visible),
    droppedFrames: Number(usable - visible),
    sanitised,
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Bytes in the largest binary unit that keeps a digit before the point: "256 GiB", "17.2 GiB", "504 MiB". */
export function formatBytes(frames: number): string {
  const bytes = frames * 4096;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${units[unit] as string}`;
}

const entryList = (numbers: readonly number[]): string => `${numbers.length === 1 ? 'entry' : 'entries'} ${numbers.join(', ')}`;

/** The analysis in sentences, one per line: what a kernel developer reads before the campaign starts. */
export function renderMapAnalysis(analysis: MapAnalysis): string[] {
  const lines: string[] = [];
  // The source's first words name the machine; the whole of it is in the file and in results.json.
  const source = analysis.source.length > 120 ? `${analysis.source.slice(0, 119)}…` : analysis.source;
  lines.push(`${analysis.entries} entries (${analysis.usableEntries} usable)${analysis.source === analysis.file ? '' : ` — ${source}`}`);
  for (const note of analysis.notes) lines.push(note);
  const shape: string[] = [];
  shape.push(analysis.outOfOrder.length === 0 ? 'sorted' : `not sorted (${entryList(analysis.outOfOrder)} start below the entry before)`);
  shape.push(analysis.zeroLength.length === 0 ? 'no zero-length entries' : `zero-length ${entryList(analysis.zeroLength)} (ignored, as Linux ignores them)`);
  shape.push(analysis.overlaps.length === 0 ? 'no overlaps' : `${analysis.overlaps.length} overlap${analysis.overlaps.length === 1 ? '' : 's'}`);
  lines.push(shape.join(', '));
  for (const overlap of analysis.overlaps.slice(0, 10)) {
    lines.push(
      `  entries ${overlap.entries[0]} (${overlap.kinds[0]}) and ${overlap.entries[1]} (${overlap.kinds[1]}) share [mem ${overlap.start}-${overlap.end}]: ${overlap.resolvedAs} wins (the most restrictive type, as Linux's e820 sanitiser resolves it)`,
    );
  }
  if (analysis.overlaps.length > 10) lines.push(`  … and ${analysis.overlaps.length - 10} more overlaps (results.json lists them all)`);
  if (analysis.pastAddressSpace.length > 0) lines.push(`${entryList(analysis.pastAddressSpace)} end past 2^64 (counted up to 2^64 here)`);
  if (analysis.beyondPhysicalAddresses.length > 0) lines.push(`usable ${entryList(analysis.beyondPhysicalAddresses)} reach at or above 2^52, beyond x86-64 physical addresses (not counted as usable)`);
  lines.push(`usable: ${formatBytes(analysis.usableFrames)} (${count(analysis.usableFrames)} frames of 4 KiB)`);
  const capacity = formatBytes(analysis.capacityFrames);
  if (analysis.droppedFrames === 0) {
    lines.push(`the allocator's bitmap covers ${capacity} (MAX_PHYSICAL_MEMORY): it sees all ${count(analysis.visibleFrames)} usable frames`);
  } else {
    lines.push(
      `this map has ${formatBytes(analysis.usableFrames)} usable; the allocator's bitmap covers ${capacity}: ${formatBytes(analysis.droppedFrames)} (${count(analysis.droppedFrames)} frames) are invisible to it — a documented limit of the seed (MAX_PHYSICAL_MEMORY); it sees ${count(analysis.visibleFrames)} frames`,
    );
  }
  return lines;
}
