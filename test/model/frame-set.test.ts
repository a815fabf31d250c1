import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSet } from '../../models/index.js';

// FrameSet against the plainest possible model of a set of frames: a JavaScript Set.
type Operation = { op: 'add' | 'delete'; start: number; end: number };
const operation = fc.record({ op: fc.constantFrom<'add' | 'delete'>('add', 'delete'), start: fc.nat(200), end: fc.nat(200) });

/** Every frame of the set, ascending. */
const framesOf = (set: FrameSet): number[] => set.ranges().flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i));

function apply(operations: readonly Operation[]): { runs: FrameSet; plain: Set<number> } {
  const runs = new FrameSet();
  const plain = new Set<number>();
  for (const { op, start, end } of operations) {
    if (op === 'add') runs.addRange(start, end);
    else runs.deleteRange(start, end);
    for (let frame = start; frame < end; frame++) {
      if (op === 'add') plain.add(frame);
      else plain.delete(frame);
    }
  }
  return { runs, plain };
}

describe('FrameSet', () => {
  it('holds exactly the frames a plain Set holds after any adds and deletes of ranges', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), fc.nat(220), (operations, probe) => {
        const { runs, plain } = apply(operations);
        expect(framesOf(runs)).toEqual([...plain].sort((a, b) => a - b));
        expect(runs.size).toBe(plain.size);
        expect(runs.has(probe)).toBe(plain.has(probe));
        const after = [...plain].filter((frame) => frame >= probe).sort((a, b) => a - b)[0];
        expect(runs.firstAtOrAfter(probe)).toBe(after);
      }),
      { numRuns: 1000, seed: 20261125 },
    );
  });

  it('keeps its runs sorted, disjoint and non-adjacent', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), (operations) => {
        const ranges = apply(operations).runs.ranges();
        ranges.forEach(([start, end], i) => {
          expect(start).toBeLessThan(end);
          if (i > 0) expect(start).toBeGreaterThan((ranges[i - 1] as readonly [number, number])[1]);
        });
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('computes minus as sets do', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 10 }), fc.array(operation, { maxLength: 10 }), (a, b) => {
        const x = apply(a);
        const y = apply(b);
        expect(framesOf(x.runs.minus(y.runs))).toEqual([...x.plain].filter((frame) => !y.plain.has(frame)).sort((p, q) => p - q));
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('prints runs the way a frame map reads', () => {
    expect(new FrameSet().addRange(1, 4).add(7).toString()).toBe('{1..4, 7}');
    expect(new FrameSet().addRange(0, 4194304).size).toBe(4194304);
  });
});
