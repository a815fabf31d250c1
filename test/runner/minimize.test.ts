import { describe, expect, it } from 'vitest';
import { minimizeSteps, numberSlots, simplerSteps } from '../../src/runner/minimize.js';
import type { Step } from '../../src/targets/step.js';
import type { ConcreteStep } from '../../src/targets/target.js';

const usable = (base: bigint, length: bigint) => ({ base, length, kind: 'Usable' as const });

describe('simplerSteps', () => {
  it('drops one memory-map entry at a time, or makes a rare kind Reserved', () => {
    const steps = simplerSteps({ op: 'init', map: [usable(0x1000n, 0x2000n), { base: 0x5000n, length: 0x1000n, kind: 'AcpiNvs' }] });
    const maps = steps.map((step) => (step.op === 'init' ? step.map : []));
    expect(maps).toEqual([
      [{ base: 0x5000n, length: 0x1000n, kind: 'AcpiNvs' }],
      [usable(0x1000n, 0x2000n)],
      [usable(0x1000n, 0x2000n), { base: 0x5000n, length: 0x1000n, kind: 'Reserved' }],
    ]);
  });

  it('has nothing structural to simplify in calls without a memory map', () => {
    expect(simplerSteps({ op: 'allocate' })).toEqual([]);
    expect(simplerSteps({ op: 'deallocate', frame: { number: 5 } })).toEqual([]);
  });
});

describe('numberSlots', () => {
  it('names every number of a step and rebuilds the step around a new value', () => {
    const step: ConcreteStep = { op: 'boot_init', kernelPhysicalBase: 0x100000n, map: [usable(0x1000n, 0x2000n)] };
    const slots = numberSlots(step);
    expect(slots.map((slot) => slot.value)).toEqual([0x1000n, 0x2000n, 0x100000n]);
    expect(slots[2]?.with(0n)).toEqual({ ...step, kernelPhysicalBase: 0n });
  });

  it('keeps frame numbers beyond 2^53 exact as bigint and small ones as numbers', () => {
    const [slot] = numberSlots({ op: 'allocate_specific', frame: { number: 1n << 63n } });
    expect(slot?.with(1n << 62n)).toEqual({ op: 'allocate_specific', frame: { number: 1n << 62n } });
    expect(slot?.with(7n)).toEqual({ op: 'allocate_specific', frame: { number: 7 } });
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

describe('minimizeSteps on huge values', () => {
  it('finds the lowest address above 52 bits in a few dozen runs, not 2^52', () => {
    let runs = 0;
    const fails = (steps: readonly Step[]) => {
      runs++;
      return steps.some((step) => step.op === 'allocate_frame_at' && step.addr >= 1n << 52n);
    };
    const minimal = minimizeSteps([{ op: 'allocate_frame_at', addr: (1n << 64n) - 1n }], fails);
    expect(minimal).toEqual([{ op: 'allocate_frame_at', addr: 1n << 52n }]);
    expect(runs).toBeLessThan(300);
  });
});
