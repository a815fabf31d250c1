// The boot-info types the seed imports from `crate::boot_info` without showing them: a memory map
// kept in insertion order (firmware order), its regions, and BootInfo.
import { REGION_KINDS, type RegionKind } from '../targets/step.js';
import { toU64 } from './rust-int.js';

/** `MemoryRegionType`: the kinds x86-64 firmware (E820/UEFI) and a Rust kernel's boot info report. */
export type MemoryRegionType = RegionKind;
export const MEMORY_REGION_TYPES = REGION_KINDS;

export interface MemoryRegion {
  readonly base: bigint;
  readonly length: bigint;
  readonly regionType: MemoryRegionType;
}

export class MemoryMap implements Iterable<MemoryRegion> {
  private readonly regions: MemoryRegion[] = [];

  static empty(): MemoryMap {
    return new MemoryMap();
  }

  /** `map.add(base, length, region_type)`: any u64 base and length, kept as given. */
  add(base: bigint | number, length: bigint | number, regionType: MemoryRegionType): void {
    if (!(MEMORY_REGION_TYPES as readonly string[]).includes(regionType)) {
      const given = typeof regionType === 'string' ? JSON.stringify(regionType) : `(${typeof regionType}) ${String(regionType)}`;
      throw new TypeError(`unknown memory region type ${given}; expected one of ${MEMORY_REGION_TYPES.join(', ')}`);
    }
    this.regions.push({ base: toU64(base, 'region base'), length: toU64(length, 'region length'), regionType });
  }

  iter(): IterableIterator<MemoryRegion> {
    return this.regions.values();
  }

  [Symbol.iterator](): IterableIterator<MemoryRegion> {
    return this.iter();
  }
}

export interface BootInfo {
  readonly memoryMap: MemoryMap;
  readonly kernelPhysicalBase: bigint;
}
