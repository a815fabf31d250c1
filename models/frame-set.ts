// A set of frame numbers kept as sorted, disjoint half-open runs [start, end): a Set of frames with
// the set operations the model needs, at a cost that depends on the number of runs, not frames —
// the full 16 GiB scope holds four million frames in a handful of runs.
import type { FrameRange } from '../src/targets/target.js';

export class FrameSet {
  /** Sorted, disjoint, non-adjacent runs, owned by this set (changed in place; ranges() and clone() copy them). */
  private runs: [number, number][];
  /** The number of frames, kept up to date by every change. */
  private count = 0;

  constructor() {
    this.runs = [];
  }

  get size(): number {
    return this.count;
  }

  has(frame: number): boolean {
    // The run starting at or before `frame`, if any (never reads runs[-1], which is no array index).
    const i = this.runIndexAfter(frame);
    return i > 0 && frame < (this.runs[i - 1] as [number, number])[1];
  }

  add(frame: number): this {
    return this.addRange(frame, frame + 1);
  }

  delete(frame: number): this {
    return this.deleteRange(frame, frame + 1);
  }

  /**
   * In place: the runs that overlap or touch [start, end) are found by binary search and become one
   * run; a single frame (allocate, deallocate) changes at most one run and removes at most one.
   */
  addRange(start: number, end: number): this {
    if (start >= end) return this;
    const runs = this.runs;
    // Runs [first, after) overlap or touch [start, end): they end at or after start and begin at or before end.
    const first = this.runIndexEndingAtOrAfter(start);
    const after = this.runIndexAfter(end);
    if (first === after) {
      runs.splice(first, 0, [start, end]);
      this.count += end - start;
      return this;
    }
    const merged = runs[first] as [number, number];
    let before = 0;
    for (let i = first; i < after; i++) {
      const run = runs[i] as [number, number];
      before += run[1] - run[0];
    }
    merged[0] = Math.min(start, merged[0]);
    merged[1] = Math.max(end, (runs[after - 1] as [number, number])[1]);
    runs.splice(first + 1, after - first - 1);
    this.count += merged[1] - merged[0] - before;
    return this;
  }

  /** In place: the runs that overlap [start, end) are found by binary search; their parts outside it stay. */
  deleteRange(start: number, end: number): this {
    if (start >= end) return this;
    const runs = this.runs;
    // Runs [first, after) overlap [start, end): they end after start and begin before end.
    const first = this.runIndexEndingAtOrAfter(start + 1);
    const after = this.runIndexAfter(end - 1);
    if (first === after) return this;
    const firstStart = (runs[first] as [number, number])[0];
    const lastEnd = (runs[after - 1] as [number, number])[1];
    for (let i = first; i < after; i++) {
      const run = runs[i] as [number, number];
      this.count -= run[1] - run[0];
    }
    // The part before start stays in the first run, the part after end in the next one (or a new one).
    let kept = first;
    if (firstStart < start) {
      (runs[kept] as [number, number])[1] = start;
      this.count += start - firstStart;
      kept++;
    }
    if (lastEnd > end) {
      this.count += lastEnd - end;
      if (kept === after) {
        runs.splice(after, 0, [end, lastEnd]);
        return this;
      }
      const run = runs[kept] as [number, number];
      run[0] = end;
      run[1] = lastEnd;
      kept++;
    }
    runs.splice(kept, after - kept);
    return this;
  }

  /** Frames in this set and not in `other`. */
  minus(other: FrameSet): FrameSet {
    const result = this.clone();
    for (const [start, end] of other.runs) result.deleteRange(start, end);
    return result;
  }

  /** Frames in both sets. */
  intersect(other: FrameSet): FrameSet {
    return this.minus(this.minus(other));
  }

  /** Adds every frame of `other`. */
  addAll(other: FrameSet): this {
    for (const [start, end] of other.runs) this.addRange(start, end);
    return this;
  }

  /** The smallest frame at or after `frame`. */
  firstAtOrAfter(frame: number): number | undefined {
    const i = this.runIndexAfter(frame);
    if (i > 0 && frame < (this.runs[i - 1] as [number, number])[1]) return frame;
    return this.runs[i]?.[0];
  }

  ranges(): FrameRange[] {
    return this.runs.map(([start, end]) => [start, end] as const);
  }

  clone(): FrameSet {
    const copy = new FrameSet();
    copy.runs = this.runs.map(([start, end]) => [start, end]);
    copy.count = this.count;
    return copy;
  }

  toString(): string {
    return `{${this.runs.map(([start, end]) => (end - start === 1 ? `${start}` : `${start}..${end}`)).join(', ')}}`;
  }

  /** Index of the first run ending at or after `frame` (binary search). */
  private runIndexEndingAtOrAfter(frame: number): number {
    let low = 0;
    let high = this.runs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.runs[mid] as [number, number])[1] < frame) low = mid + 1;
      else high = mid;
    }
    return low;
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
