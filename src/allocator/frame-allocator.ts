// The real bitmap allocator: a faithful port of the seed's `FrameAllocator`, defects included.
// One bit per 4 KiB frame (1 = allocated or reserved), 64 frames per bitmap word, a next-free hint,
// and a search from the hint's word to the end, then wrapping around from word 0.
//
// Word-at-a-time shortcuts are used only where the observable result is the seed's: a summary bit
// per word ("this word is full") lets the search skip full words, and init/reserve mark whole runs
// of frames at once where the seed loops frame by frame. Frames at or past MAX_FRAMES are skipped by
// the seed's loops without effect, so the port clips those loops instead of spinning through them.
import type { BuildProfile } from '../targets/step.js';
import type { MemoryRegion } from './boot-info.js';
import { Frame, PAGE_SIZE, PhysAddr } from './phys-addr.js';
import { addCounter, addU64, mulCounter, toU64, U64_MAX, type Usize } from './rust-int.js';

/** `FrameAllocatorError`. */
export const FrameAllocatorError = {
  /** No free frames available */
  OutOfMemory: 'OutOfMemory',
  /** Requested frame is already allocated */
  FrameInUse: 'FrameInUse',
  /** Requested frame is outside valid memory */
  InvalidFrame: 'InvalidFrame',
  /** Allocator not initialized */
  NotInitialized: 'NotInitialized',
} as const;
export type FrameAllocatorError = (typeof FrameAllocatorError)[keyof typeof FrameAllocatorError];

/** Rust's `Result<T, FrameAllocatorError>`: errors are values, never exceptions. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FrameAllocatorError };
export const Ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const Err = <T>(error: FrameAllocatorError): Result<T> => ({ ok: false, error });

/** Maximum physical memory we support (16 GB = 4M frames). */
export const MAX_PHYSICAL_MEMORY = 16n * 1024n * 1024n * 1024n;
export const MAX_FRAMES = Number(MAX_PHYSICAL_MEMORY / BigInt(PAGE_SIZE));
/** Bitmap size in u64 words (each u64 tracks 64 frames). */
export const BITMAP_WORDS = MAX_FRAMES / 64;

const PAGE = BigInt(PAGE_SIZE);
const PHYS_ADDR_MASK = 0x000f_ffff_ffff_ffffn;
const ALL_ONES = 0xffff_ffff;

export interface FrameAllocatorOptions {
  /** Bitmap capacity in frames, a positive multiple of 64 (default MAX_FRAMES: 16 GiB). */
  readonly maxFrames?: number;
  /** Overflow behaviour of the seed's arithmetic (default debug, as `cargo test` builds). */
  readonly profile?: BuildProfile;
}

const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x5555_5555;
  x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f_0f0f, 0x0101_0101) >>> 24);
}

/** Bits [from, to) of a 32-bit chunk, 0 <= from < to <= 32. */
const chunkMask = (from: number, to: number): number => ((to === 32 ? ALL_ONES : (1 << to) - 1) & ~((1 << from) - 1)) >>> 0;

/** Sets or clears the `mask` bits of one 32-bit chunk of a bit array. */
function maskChunk(bits: Uint32Array, chunk: number, mask: number, on: boolean): void {
  bits[chunk] = (on ? (bits[chunk] as number) | mask : (bits[chunk] as number) & ~mask) >>> 0;
}

/** Sets or clears bits [start, end), start < end, of a bit array: masked ends, whole chunks filled between. */
function fillBits(bits: Uint32Array, start: number, end: number, on: boolean): void {
  const firstChunk = start >>> 5;
  const lastChunk = (end - 1) >>> 5;
  if (firstChunk === lastChunk) {
    maskChunk(bits, firstChunk, chunkMask(start & 31, end - firstChunk * 32), on);
    return;
  }
  maskChunk(bits, firstChunk, chunkMask(start & 31, 32), on);
  bits.fill(on ? ALL_ONES : 0, firstChunk + 1, lastChunk);
  maskChunk(bits, lastChunk, chunkMask(0, end - lastChunk * 32), on);
}

/** How many of bits [start, end), start < end, of a bit array are clear: masked ends, whole chunks counted between. */
function countClearBits(bits: Uint32Array, start: number, end: number): number {
  const firstChunk = start >>> 5;
  const lastChunk = (end - 1) >>> 5;
  if (firstChunk === lastChunk) return popcount32((~(bits[firstChunk] as number) & chunkMask(start & 31, end - firstChunk * 32)) >>> 0);
  // The whole chunks between: all their bits, less the set ones (an empty chunk, the common case, costs no popcount).
  let clear = (lastChunk - firstChunk - 1) * 32;
  for (let chunk = firstChunk + 1; chunk < lastChunk; chunk++) {
    const used = bits[chunk] as number;
    if (used !== 0) clear -= popcount32(used);
  }
  clear += popcount32((~(bits[firstChunk] as number) & chunkMask(start & 31, 32)) >>> 0);
  return clear + popcount32((~(bits[lastChunk] as number) & chunkMask(0, end - lastChunk * 32)) >>> 0);
}

/** Appends the free frames [start, end) to ascending half-open runs, merging with the last run when they touch. */
function extendRuns(ranges: [number, number][], start: number, end: number): void {
  const last = ranges[ranges.length - 1];
  if (last !== undefined && last[1] === start) last[1] = end;
  else ranges.push([start, end]);
}

/** Appends the free (0) bits of a 32-bit bitmap half whose first frame is `base`, run by run. */
function extendRunsOfHalf(ranges: [number, number][], used: number, base: number): void {
  if (used === 0) {
    extendRuns(ranges, base, base + 32);
    return;
  }
  // A bit is used, so `free >>> from` is never all ones: the trailing ones it starts with are the run.
  let free = ~used >>> 0;
  while (free !== 0) {
    const from = ctz32(free);
    const to = from + ctz32(~(free >>> from));
    extendRuns(ranges, base + from, base + to);
    free = (free & ~chunkMask(from, to)) >>> 0;
  }
}

export function validateCapacity(maxFrames: number): number {
  if (!Number.isSafeInteger(maxFrames) || maxFrames <= 0 || maxFrames % 64 !== 0 || maxFrames > MAX_FRAMES * 1024) {
    throw new RangeError(`capacity must be a positive multiple of 64 frames (at most ${MAX_FRAMES * 1024}), got ${maxFrames}`);
  }
  return maxFrames;
}

export class FrameAllocator {
  readonly maxFrames: number;
  readonly profile: BuildProfile;
  protected readonly bitmapWords: number;
  /** The seed's `[u64; BITMAP_WORDS]`, each u64 as two u32 halves (low half first). */
  protected readonly bitmap: Uint32Array;
  /** One bit per bitmap word: set when the word is full (`== !0u64`). */
  private readonly fullWords: Uint32Array;
  protected totalFrames = 0;
  protected freeFrames = 0;
  protected initialized = false;
  protected nextFreeHint = 0;

  /** `FrameAllocator::new()`: zeroed bitmap (BSS), uninitialized. */
  constructor(options: FrameAllocatorOptions = {}) {
    this.maxFrames = validateCapacity(options.maxFrames ?? MAX_FRAMES);
    this.profile = options.profile ?? 'debug';
    this.bitmapWords = this.maxFrames / 64;
    this.bitmap = new Uint32Array(this.bitmapWords * 2);
    this.fullWords = new Uint32Array(Math.ceil(this.bitmapWords / 32));
  }

  /** Marks every frame used, then frees the complete frames of each usable region, counting them. */
  init(memoryMap: Iterable<MemoryRegion>): void {
    this.bitmap.fill(ALL_ONES);
    this.fullWords.fill(ALL_ONES);
    this.totalFrames = 0;
    this.freeFrames = 0;
    for (const region of memoryMap) {
      if (region.regionType !== 'Usable') continue;
      const base = region.base & PHYS_ADDR_MASK;
      const startFrame = Number(base / PAGE);
      const endAddr = addU64(region.base, region.length, this.profile, 'FrameAllocator::init: region.base + region.length');
      const lastFrame = Number((endAddr & PHYS_ADDR_MASK) / PAGE);
      const firstFrame = base % PAGE === 0n ? startFrame : startFrame + 1;
      const end = Math.min(lastFrame, this.maxFrames);
      if (firstFrame >= end) continue;
      // The seed counts every frame it frees, even one an earlier region already freed.
      this.markRangeFree(firstFrame, end);
      this.totalFrames = addCounter(this.totalFrames, end - firstFrame, this.profile, 'FrameAllocator::init: self.total_frames += 1');
      this.freeFrames = addCounter(this.freeFrames, end - firstFrame, this.profile, 'FrameAllocator::init: self.free_frames += 1');
    }
    this.initialized = true;
    this.nextFreeHint = 0;
  }

  /** Marks ceil(size / PAGE_SIZE) frames from the frame containing `kernelStart` as used. */
  reserveKernel(kernelStart: PhysAddr, kernelSize: Usize): void {
    const startFrame = kernelStart.asU64() / PAGE;
    const size = toU64(kernelSize, 'kernel_size');
    // Rust evaluates `kernel_size + PAGE_SIZE - 1` left to right: the `+ PAGE_SIZE` overflows first,
    // so a size of exactly 2^64 - 4096 panics in debug too; in release the sum wraps and `- 1` with it.
    const sum = addU64(size, PAGE, this.profile, 'FrameAllocator::reserve_kernel: kernel_size + PAGE_SIZE - 1');
    const numFrames = (sum === 0n ? U64_MAX : sum - 1n) / PAGE;
    if (startFrame >= BigInt(this.maxFrames) || numFrames === 0n) return;
    const start = Number(startFrame);
    const end = Math.min(this.maxFrames, Number(startFrame + numFrames));
    const newlyUsed = this.markRangeUsed(start, end);
    // `if self.free_frames > 0 { self.free_frames -= 1 }` once per frame newly marked.
    this.freeFrames = Math.max(0, this.freeFrames - newlyUsed);
  }

  reserveRange(start: PhysAddr, size: Usize): void {
    this.reserveKernel(start, size);
  }

  allocate(): Result<Frame> {
    if (!this.initialized) return Err(FrameAllocatorError.NotInitialized);
    if (this.freeFrames === 0) return Err(FrameAllocatorError.OutOfMemory);
    const startWord = Math.floor(this.nextFreeHint / 64);
    let word = this.firstNonFullWord(startWord, this.bitmapWords);
    // Wrap around and search from the beginning to the hint's word.
    if (word < 0) word = this.firstNonFullWord(0, Math.min(startWord, this.bitmapWords));
    if (word < 0) return Err(FrameAllocatorError.OutOfMemory);
    const frameNum = word * 64 + this.findFreeBit(word);
    this.markUsed(frameNum);
    this.freeFrames = addCounter(this.freeFrames, -1, this.profile, 'FrameAllocator::allocate: self.free_frames -= 1');
    this.nextFreeHint = frameNum + 1;
    return Ok(Frame.ofIndex(frameNum));
  }

  allocateSpecific(frame: Frame): Result<void> {
    if (!this.initialized) return Err(FrameAllocatorError.NotInitialized);
    const frameNum = frame.number();
    if (frameNum >= this.maxFrames) return Err(FrameAllocatorError.InvalidFrame);
    const index = Number(frameNum);
    if (this.isAllocated(index)) return Err(FrameAllocatorError.FrameInUse);
    this.markUsed(index);
    this.freeFrames = addCounter(this.freeFrames, -1, this.profile, 'FrameAllocator::allocate_specific: self.free_frames -= 1');
    return Ok(undefined);
  }

  deallocate(frame: Frame): Result<void> {
    if (!this.initialized) return Err(FrameAllocatorError.NotInitialized);
    const frameNum = frame.number();
    if (frameNum >= this.maxFrames) return Err(FrameAllocatorError.InvalidFrame);
    const index = Number(frameNum);
    // "Double-free is a bug, but we'll just ignore it"
    if (!this.isAllocated(index)) return Ok(undefined);
    this.markFree(index);
    this.freeFrames = addCounter(this.freeFrames, 1, this.profile, 'FrameAllocator::deallocate: self.free_frames += 1');
    if (index < this.nextFreeHint) this.nextFreeHint = index;
    return Ok(undefined);
  }

  freeCount(): number {
    return this.freeFrames;
  }

  totalCount(): number {
    return this.totalFrames;
  }

  freeMemory(): number {
    return mulCounter(this.freeFrames, PAGE_SIZE, this.profile, 'FrameAllocator::free_memory: self.free_frames * PAGE_SIZE');
  }

  totalMemory(): number {
    return mulCounter(this.totalFrames, PAGE_SIZE, this.profile, 'FrameAllocator::total_memory: self.total_frames * PAGE_SIZE');
  }

  // Inspection for the harness (the seed keeps these private): read-only views of the state.

  get isInitialized(): boolean {
    return this.initialized;
  }

  get hint(): number {
    return this.nextFreeHint;
  }

  /** The bitmap bit of a frame below capacity: true = allocated or reserved. */
  isUsed(frameNum: number): boolean {
    if (!Number.isSafeInteger(frameNum) || frameNum < 0 || frameNum >= this.maxFrames) {
      throw new RangeError(`frame ${frameNum} is not below the capacity of ${this.maxFrames} frames`);
    }
    return this.isAllocated(frameNum);
  }

  /** The free frames, ascending, as half-open runs [start, end). */
  freeRanges(): [number, number][] {
    const ranges: [number, number][] = [];
    const bitmap = this.bitmap;
    const words = this.bitmapWords;
    for (let word = 0; word < words; word++) {
      if (this.isWordFull(word)) {
        word = this.firstNonFullWord(word, words);
        if (word < 0) break;
      }
      const low = bitmap[word * 2] as number;
      const high = bitmap[word * 2 + 1] as number;
      if ((low | high) === 0) {
        // A run of empty words: found in a tight loop, appended once.
        let end = word + 1;
        while (end < words && ((bitmap[end * 2] as number) | (bitmap[end * 2 + 1] as number)) === 0) end++;
        extendRuns(ranges, word * 64, end * 64);
        word = end - 1;
        continue;
      }
      extendRunsOfHalf(ranges, low, word * 64);
      extendRunsOfHalf(ranges, high, word * 64 + 32);
    }
    return ranges;
  }

  protected isAllocated(frameNum: number): boolean {
    return ((this.bitmap[frameNum >>> 5] as number) & (1 << (frameNum & 31))) !== 0;
  }

  protected markUsed(frameNum: number): void {
    this.bitmap[frameNum >>> 5] = (this.bitmap[frameNum >>> 5] as number) | (1 << (frameNum & 31));
    this.updateSummary(frameNum >>> 6);
  }

  protected markFree(frameNum: number): void {
    this.bitmap[frameNum >>> 5] = (this.bitmap[frameNum >>> 5] as number) & ~(1 << (frameNum & 31));
    this.updateSummary(frameNum >>> 6);
  }

  /** Marks frames [start, end) used, whole 32-bit chunks at once; returns how many of them were free. */
  protected markRangeUsed(start: number, end: number): number {
    const newlyUsed = countClearBits(this.bitmap, start, end);
    fillBits(this.bitmap, start, end, true);
    this.updateRangeSummary(start, end, true);
    return newlyUsed;
  }

  /** Marks frames [start, end) free, whole 32-bit chunks at once. */
  protected markRangeFree(start: number, end: number): void {
    fillBits(this.bitmap, start, end, false);
    this.updateRangeSummary(start, end, false);
  }

  /** The summary after [start, end) was marked: words wholly inside are full (or not) together; the two boundary words are looked at again. */
  private updateRangeSummary(start: number, end: number, used: boolean): void {
    const firstWhole = Math.ceil(start / 64);
    const endWhole = Math.floor(end / 64);
    if (firstWhole < endWhole) fillBits(this.fullWords, firstWhole, endWhole, used);
    this.updateSummary(start >>> 6);
    this.updateSummary((end - 1) >>> 6);
  }

  /** `(!word).trailing_zeros()` of a word known not to be full. */
  private findFreeBit(word: number): number {
    const low = this.bitmap[word * 2] as number;
    return low !== ALL_ONES ? ctz32(~low) : 32 + ctz32(~(this.bitmap[word * 2 + 1] as number));
  }

  private isWordFull(word: number): boolean {
    return (((this.fullWords[word >>> 5] as number) >>> (word & 31)) & 1) === 1;
  }

  private updateSummary(word: number): void {
    const full = this.bitmap[word * 2] === ALL_ONES && this.bitmap[word * 2 + 1] === ALL_ONES;
    const index = word >>> 5;
    const bit = 1 << (word & 31);
    this.fullWords[index] = full ? (this.fullWords[index] as number) | bit : (this.fullWords[index] as number) & ~bit;
  }

  /** The first word in [from, to) that is not full, or -1: the seed's `bitmap[word_idx] != !0u64` loop. */
  private firstNonFullWord(from: number, to: number): number {
    for (let word = from; word < to; ) {
      const index = word >>> 5;
      const notFull = ~(this.fullWords[index] as number) & (ALL_ONES << (word & 31));
      if (notFull !== 0) {
        const found = (index << 5) + ctz32(notFull);
        // A non-full word at or past `to` in `to`'s own chunk: only the wrap-around search (to = the
        // hint's word) could meet one, and it runs only after the search from the hint's word found
        // none there; init marks the summary bits past the last word full.
        return found < to ? found : /* v8 ignore next */ -1;
      }
      word = (index + 1) << 5;
    }
    return -1;
  }
}
