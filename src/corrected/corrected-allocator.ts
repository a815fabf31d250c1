// The corrected allocator: the seed's bitmap, hint and wraparound search, with every known finding
// fixed the way properties/findings.ts proposes for the Rust seed. It is checked by the same
// property suite as the port and must pass it: the evidence that the findings are the port's
// defects and not the model's opinions. Each fix names the finding it answers.
import type { MemoryRegion } from '../allocator/boot-info.js';
import { Err, FrameAllocator, FrameAllocatorError, Ok, type FrameAllocatorOptions, type Result } from '../allocator/frame-allocator.js';
import { Frame, PAGE_SIZE, type PhysAddr } from '../allocator/phys-addr.js';
import { toU64, type Usize } from '../allocator/rust-int.js';
import { FrameBits } from './frame-bits.js';

const PAGE = BigInt(PAGE_SIZE);

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

export class CorrectedFrameAllocator extends FrameAllocator {
  /** Frames usable memory holds (deallocate-frees-frames-not-handed-out, allocate-specific-reports-…). */
  private readonly usable: FrameBits;
  /** Frames handed out by allocate or allocate_specific and not yet freed. */
  private readonly handedOut: FrameBits;

  constructor(options: FrameAllocatorOptions = {}) {
    super(options);
    this.usable = new FrameBits(this.maxFrames);
    this.handedOut = new FrameBits(this.maxFrames);
  }

  override init(memoryMap: Iterable<MemoryRegion>): void {
    const usableRuns: [number, number][] = [];
    const otherRuns: [number, number][] = [];
    for (const region of memoryMap) {
      // init-region-end-overflows: exact (bigint) arithmetic; an end past 2^64 is clipped, never wrapped.
      const end = region.base + region.length;
      // phys-addr-masking-…: clipped to the capacity instead of masked to 52 bits.
      if (region.regionType === 'Usable') usableRuns.push(this.clip(ceilDiv(region.base, PAGE), end / PAGE));
      // init-frees-frames-of-reserved-regions: any frame a non-usable entry touches stays used.
      else if (region.length > 0n) otherRuns.push(this.clip(region.base / PAGE, ceilDiv(end, PAGE)));
    }
    super.init([]);
    this.usable.clear();
    this.handedOut.clear();
    let count = 0;
    for (const [first, last] of subtractRuns(mergeRuns(usableRuns), mergeRuns(otherRuns))) {
      this.usable.addRange(first, last);
      this.markRangeFree(first, last);
      count += last - first; // init-double-counts-…: each frame once (the runs are disjoint)
    }
    this.totalFrames = count;
    this.freeFrames = count;
  }

  /** reserve-misses-last-frame-…, reserve-size-rounding-overflows: every frame [start, start + size) touches. */
  override reserveKernel(kernelStart: PhysAddr, kernelSize: Usize): void {
    const start = kernelStart.asU64();
    const size = toU64(kernelSize, 'kernel_size');
    if (!this.initialized || size === 0n) return;
    const [first, last] = this.clip(start / PAGE, ceilDiv(start + size, PAGE));
    if (first < last) this.freeFrames -= this.markRangeUsed(first, last);
  }

  override allocate(): Result<Frame> {
    const result = super.allocate();
    if (result.ok) this.handedOut.set(Number(result.value.number()), true);
    return result;
  }

  override allocateSpecific(frame: Frame): Result<void> {
    if (!this.initialized) return Err(FrameAllocatorError.NotInitialized);
    if (frame.number() >= this.maxFrames || !this.usable.has(Number(frame.number()))) return Err(FrameAllocatorError.InvalidFrame);
    const result = super.allocateSpecific(frame);
    if (result.ok) this.handedOut.set(Number(frame.number()), true);
    return result;
  }

  override deallocate(frame: Frame): Result<void> {
    if (!this.initialized) return Err(FrameAllocatorError.NotInitialized);
    if (frame.number() >= this.maxFrames || !this.usable.has(Number(frame.number()))) return Err(FrameAllocatorError.InvalidFrame);
    const index = Number(frame.number());
    // Freeing a frame nobody holds (a double free, a reserved frame) changes nothing.
    if (!this.handedOut.has(index)) return Ok(undefined);
    this.handedOut.set(index, false);
    return super.deallocate(frame);
  }

  /**
   * Frame numbers [first, last) clipped to the bitmap's capacity. A capacity is at most 2^32 frames
   * (validateCapacity), far below 2^52 / PAGE_SIZE = 2^40: this also keeps out every address beyond
   * 52-bit physical memory.
   */
  private clip(first: bigint, last: bigint): [number, number] {
    const cap = BigInt(this.maxFrames);
    return [Number(first < cap ? first : cap), Number(last < cap ? last : cap)];
  }
}

/** Sorted, merged union of half-open runs. */
function mergeRuns(runs: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of runs.filter(([a, b]) => a < b).sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** `runs` minus `holes`, both sorted and merged. */
function subtractRuns(runs: [number, number][], holes: [number, number][]): [number, number][] {
  const result: [number, number][] = [];
  for (const [runStart, runEnd] of runs) {
    let start = runStart;
    for (const [holeStart, holeEnd] of holes) {
      if (holeEnd <= start || holeStart >= runEnd) continue;
      if (holeStart > start) result.push([start, holeStart]);
      start = Math.max(start, holeEnd);
    }
    if (start < runEnd) result.push([start, runEnd]);
  }
  return result;
}
