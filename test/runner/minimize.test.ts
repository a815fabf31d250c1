import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { runSteps, type RunConfig } from '../../src/runner/lockstep.js';
import { minimizeSteps, numberSlots, SHORTER_FORM_PROBES, shorterFormAlphabet, simplerSteps } from '../../src/runner/minimize.js';
import { identifyFailure } from '../../src/findings/identity.js';
import { formatStep } from '../../src/targets/step-format.js';
import { createTarget } from '../../src/targets/target-spec.js';
import { PAGE, PHYS_ADDR_LIMIT, type Step } from '../../src/targets/step.js';
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

/** The finding a sequence shows on the port (512 frames), and a predicate that keeps to it, as search.ts builds it. */
function onThePort(steps: readonly ConcreteStep[]): { findingId: string | undefined; stillFails: (steps: readonly Step[]) => boolean } {
  const newModel = (): FrameModel => new FrameModel({ maxFrames: 512 });
  const config: RunConfig = { target: createTarget({ allocator: 'port', profile: 'debug' }, 512), newModel, setAside: [], trace: false };
  const findingOf = (candidate: readonly Step[]): string | undefined => {
    const result = runSteps(config, candidate);
    return result.violation === undefined ? undefined : identifyFailure(result, newModel).id;
  };
  const findingId = findingOf(steps);
  return { findingId, stillFails: (candidate) => findingOf(candidate) === findingId };
}

describe('shorterFormAlphabet', () => {
  it('holds the counterexample\'s own steps, then one-page forms of each of its numbers, then allocate', () => {
    const alphabet = shorterFormAlphabet([{ op: 'init', map: [] }, { op: 'deallocate', frame: { number: 3 } }]);
    expect(alphabet).toEqual([
      { op: 'init', map: [] },
      { op: 'deallocate', frame: { number: 3 } },
      { op: 'init', map: [usable(3n * PAGE, PAGE)] },
      { op: 'init', map: [{ base: 3n * PAGE, length: PAGE, kind: 'Reserved' }] },
      { op: 'reserve_range', start: 3n * PAGE, size: PAGE },
      { op: 'allocate_frame_at', addr: 3n * PAGE },
      { op: 'allocate_specific', frame: { number: 3 } },
      { op: 'allocate' },
    ]);
  });

  it('adds the page-aligned address below an unaligned one, and leaves out addresses past 2^64', () => {
    const alphabet = shorterFormAlphabet([{ op: 'allocate_frame_at', addr: 0x1801n }, { op: 'deallocate', frame: { number: 1n << 60n } }]);
    const addresses = alphabet.flatMap((step) => (step.op === 'allocate_frame_at' ? [step.addr] : []));
    expect(addresses).toEqual([0x1801n, 0x1000n]);
  });
});

describe('minimizeSteps looking for fewer steps', () => {
  it('moves a masked address from allocate_frame_at into the init: one step shows phys-addr masking', () => {
    const twoSteps: ConcreteStep[] = [{ op: 'init', map: [] }, { op: 'allocate_frame_at', addr: PHYS_ADDR_LIMIT }];
    const { findingId, stillFails } = onThePort(twoSteps);
    expect(findingId).toBe('phys-addr-masking-aliases-high-addresses');
    expect(minimizeSteps(twoSteps, stillFails)).toEqual([{ op: 'init', map: [usable(PHYS_ADDR_LIMIT, PAGE)] }]);
  });

  it('keeps the two steps of a finding that needs them: init, then deallocate of a frame never handed out', () => {
    const start: ConcreteStep[] = [
      { op: 'init', map: [usable(0n, 8n * PAGE)] },
      { op: 'reserve_range', start: 2n * PAGE, size: PAGE },
      { op: 'allocate' },
      { op: 'deallocate', frame: { number: 2 } },
    ];
    const { findingId, stillFails } = onThePort(start);
    expect(findingId).toBe('deallocate-frees-frames-not-handed-out');
    expect(minimizeSteps(start, stillFails)).toEqual([
      { op: 'init', map: [] },
      { op: 'deallocate', frame: { number: 0 } },
    ]);
  });

  it(`stops after ${SHORTER_FORM_PROBES} runs of the predicate when no shorter sequence fails`, () => {
    // Four steps with ten numbers: far more shorter sequences than the probes allow.
    const start: ConcreteStep[] = [
      { op: 'init', map: [usable(0x1000n, 0x2000n), usable(0x5000n, 0x3000n), { base: 0x9000n, length: 0x1000n, kind: 'Reserved' }] },
      { op: 'reserve_range', start: 0x2801n, size: 0x1800n },
      { op: 'allocate_specific', frame: { number: 6 } },
      { op: 'deallocate', frame: { number: 7 } },
    ];
    const sequencesUpToThree = [1, 2, 3].reduce((sum, length) => sum + shorterFormAlphabet(start).length ** length, 0);
    expect(sequencesUpToThree).toBeGreaterThan(SHORTER_FORM_PROBES);
    let shorterRuns = 0;
    // Only the whole counterexample fails: the greedy pass keeps it, and every shorter sequence passes.
    const fails = (steps: readonly Step[]): boolean => {
      if (steps.length < start.length) shorterRuns++;
      return steps.map(formatStep).join('; ') === start.map(formatStep).join('; ');
    };
    expect(minimizeSteps(start, fails)).toEqual(start);
    // The greedy pass tries each single removal (four); every other shorter run is the search's.
    expect(shorterRuns).toBe(start.length + SHORTER_FORM_PROBES);
  });
});
