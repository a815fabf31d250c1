// A set of frame numbers kept as sorted, disjoint half-open runs [start, end): a Set of frames with
// the set operations the model needs, at a cost that depends on the number of runs, not frames —
// the full 16 GiB scope holds four million frames in a handful of runs.
import type { FrameRange } from '../src/targets/target.js';

export class FrameSet {
  /** Sorted, disjoint, non-adjacent runs. */
  private runs: [number, number][];
  /** The number of frames, computed on demand and forgotten on every change. */
  private cachedSize = -1;

  constructor(runs: Iterable<FrameRange> = []) {
    this.runs = [];
    for (const [start, end] of runs) this.addRange(start, end);
  }

  static of(...frames: number[]): FrameSet {
    const set = new FrameSet();
    for (const frame of frames) set.add(frame);
    return set;
  }

  get size(): number {
    if (this.cachedSize < 0) {
      let size = 0;
      for (const [start, end] of this.runs) size += end - start;
      this.cachedSize = size;
    }
    return this.cachedSize;
  }

  has(frame: number): boolean {
    const i = this.runIndexAfter(frame) - 1;
    const run = this.runs[i];
    return run !== undefined && frame < run[1];
  }

  add(frame: number): this {
    return this.addRange(frame, frame + 1);
  }

  delete(frame: number): this {
    return this.deleteRange(frame, frame + 1);
  }

  addRange(start: number, end: number): this {
    if (start >= end) return this;
    const kept: [number, number][] = [];
    let merged: [number, number] = [start, end];
    for (const run of this.runs) {
      if (run[1] < merged[0] || run[0] > merged[1]) kept.push(run);
      else merged = [Math.min(run[0], merged[0]), Math.max(run[1], merged[1])];
    }
    kept.push(merged);
    this.runs = kept.sort((a, b) => a[0] - b[0]);
    this.cachedSize = -1;
    return this;
  }

  deleteRange(start: number, end: number): this {
    if (start >= end) return this;
    const kept: [number, number][] = [];
    for (const [runStart, runEnd] of this.runs) {
      if (runEnd <= start || runStart >= end) kept.push([runStart, runEnd]);
      else {
        if (runStart < start) kept.push([runStart, start]);
        if (runEnd > end) kept.push([end, runEnd]);
      }
    }
    this.runs = kept;
    this.cachedSize = -1;
    return this;
  }

  /** Frames in this set and not in `other`. */
  minus(other: FrameSet): FrameSet {
    const result = this.clone();
    for (const [start, end] of other.runs) result.deleteRange(start, end);
    return result;
  }

  /** Frames in both. */
  intersect(other: FrameSet): FrameSet {
    return this.minus(this.minus(other));
  }

  /** The smallest frame at or after `frame`. */
  firstAtOrAfter(frame: number): number | undefined {
    const i = this.runIndexAfter(frame) - 1;
    const run = this.runs[i];
    if (run !== undefined && frame < run[1]) return frame;
    return this.runs[i + 1]?.[0];
  }

  first(): number | undefined {
    return this.runs[0]?.[0];
  }

  ranges(): FrameRange[] {
    return this.runs.map(([start, end]) => [start, end] as const);
  }

  equals(other: FrameSet): boolean {
    return this.runs.length === other.runs.length && this.runs.every(([start, end], i) => other.runs[i]?.[0] === start && other.runs[i]?.[1] === end);
  }

  clone(): FrameSet {
    const copy = new FrameSet();
    copy.runs = this.runs.map(([start, end]) => [start, end]);
    return copy;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (const [start, end] of this.runs) for (let frame = start; frame < end; frame++) yield frame;
  }

  toString(): string {
    return `{${this.runs.map(([start, end]) => (end - start === 1 ? `${start}` : `${start}..${end}`)).join(', ')}}`;
  }

  /** Index of the first run starting after `frame` (binary search). */
  private runIndexAfter(frame: number): number {
    let low = 0;
    let high = this.runs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.runs[mid] as [number, number])[0] <= frame) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
