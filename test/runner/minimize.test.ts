import { describe, expect, it } from 'vitest';
import { minimizeSteps, simplerSteps } from '../../src/runner/minimize.js';
import type { Step } from '../../src/targets/step.js';
import type { ConcreteStep } from '../../src/targets/target.js';

const usable = (base: bigint, length: bigint) => ({ base, length, kind: 'Usable' as const });

describe('simplerSteps', () => {
  it('offers only strictly simpler frame numbers, simplest first', () => {
    const steps = simplerSteps({ op: 'deallocate', frame: { number: 100 } });
    expect(steps.map((step) => ('frame' in step ? step.frame.number : undefined))).toEqual([0, 1, 64, 50, 99]);
  });

  it('keeps huge usize frame numbers exact (bigint beyond 2^53)', () => {
    const steps = simplerSteps({ op: 'allocate_specific', frame: { number: 1n << 63n } });
    expect(steps.map((step) => ('frame' in step ? step.frame.number : undefined))).toContain(1n << 62n);
  });

  it('drops or simplifies one memory-map entry at a time', () => {
    const steps = simplerSteps({ op: 'init', map: [usable(0x1000n, 0x2000n), usable(0x5000n, 0x1000n)] });
    const maps = steps.map((step) => (step.op === 'init' ? step.map : []));
    expect(maps).toContainEqual([usable(0x5000n, 0x1000n)]);
    expect(maps).toContainEqual([usable(0x1000n, 0x2000n)]);
    expect(maps).toContainEqual([usable(0n, 0x2000n), usable(0x5000n, 0x1000n)]);
    expect(maps.every((map) => map.length <= 2)).toBe(true);
  });

  it('has nothing simpler for calls without arguments', () => {
    expect(simplerSteps({ op: 'allocate' })).toEqual([]);
  });
});

describe('minimizeSteps', () => {
  it('removes steps and lowers values until no single change keeps the failure', () => {
    // The "failure": some deallocate of a frame >= 10 after an init.
    const fails = (steps: readonly Step[]) =>
      steps.some((step) => step.op === 'init') &&
      steps.some((step) => step.op === 'deallocate' && 'number' in step.frame && step.frame.number >= 10);
    const start: ConcreteStep[] = [
      { op: 'allocate' },
      { op: 'init', map: [usable(0x3000n, 0x9000n), { base: 0n, length: 0x1000n, kind: 'AcpiNvs' }] },
      { op: 'allocate' },
      { op: 'deallocate', frame: { number: 4000 } },
      { op: 'free_count' },
    ];
    const minimal = minimizeSteps(start, fails);
    expect(minimal).toEqual([
      { op: 'init', map: [] },
      { op: 'deallocate', frame: { number: 10 } },
    ]);
  });
});
