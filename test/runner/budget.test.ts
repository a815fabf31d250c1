// Every run ends inside its budget, shrinking included. The clock here is a counter that moves one
// millisecond each time it is read, so the tests measure work done, not time, and cannot be flaky.
import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { SCOPES } from '../../properties/scope.js';
import { identifyFailure } from '../../src/findings/identity.js';
import { runCampaign } from '../../src/runner/campaign.js';
import { runSteps } from '../../src/runner/lockstep.js';
import { minimizeSteps, numberSlots, unlimitedBudget } from '../../src/runner/minimize.js';
import { createInterfaceTarget } from '../../src/targets/module-target.js';
import { PAGE, type Step } from '../../src/targets/step.js';
import type { ConcreteStep } from '../../src/targets/target.js';
import { createTarget } from '../../src/targets/target-spec.js';
import { plantedAllocator } from '../fixtures/planted/planted.js';

const FULL = SCOPES.full.maxFrames;

describe('minimising numbers that move together, at full scope', () => {
  // A usable region three million frames up and a reservation from one byte into it: the
  // reservation misses its last frame. The region's base and the reservation's start must move
  // together; lowered one at a time, each can go down only by the region's two frames per pass.
  const far = 3_000_000n * PAGE;
  const start: ConcreteStep[] = [
    { op: 'init', map: [{ base: far, length: 2n * PAGE, kind: 'Usable' }] },
    { op: 'reserve_range', start: far + 1n, size: PAGE },
  ];
  const newModel = (): FrameModel => new FrameModel({ maxFrames: FULL });
  const target = createTarget({ allocator: 'port', profile: 'debug' }, FULL);
  const signatureOf = (steps: readonly Step[]): string | undefined => {
    const result = runSteps({ target, newModel, setAside: [], trace: false }, steps);
    return result.violation === undefined ? undefined : identifyFailure(result, newModel).signature;
  };

  it('shifts the cluster down to the first frames in a few hundred runs of the predicate', () => {
    const signature = signatureOf(start);
    expect(signature).toBe('counters-match-model @ reserve_kernel: free_count above, total_count equal');
    let probes = 0;
    const budget = unlimitedBudget();
    const minimal = minimizeSteps(start, (steps) => {
      probes++;
      return signatureOf(steps) === signature;
    }, budget);
    expect(minimal).toHaveLength(2);
    // Every position is now in the first bitmap word.
    for (const step of minimal) for (const slot of numberSlots(step)) if (slot.position) expect((slot.value * slot.unit) / PAGE).toBeLessThan(64n);
    expect(probes).toBeLessThan(1_500);
    expect(budget.cutShort).toBe(false);
  });

  it('stops at its probe budget and says so, keeping a counterexample that still fails', () => {
    const signature = signatureOf(start);
    const budget = { ...unlimitedBudget(), probesLeft: 10 };
    const minimal = minimizeSteps(start, (steps) => signatureOf(steps) === signature, budget);
    expect(budget.cutShort).toBe(true);
    expect(budget.probesLeft).toBe(0);
    expect(signatureOf(minimal)).toBe(signature);
  });
});

describe('a campaign within its time limit', () => {
  /** A clock that moves one millisecond each time it is read. */
  const ticking = (): { now: () => number; read: () => number } => {
    let time = 0;
    return { now: () => ++time, read: () => time };
  };
  // Slow to shrink: every step costs clock time, so a finding's shrinking alone would outrun the limit.
  const campaign = (limitMs: number, clock: ReturnType<typeof ticking>) =>
    runCampaign({
      scopes: [SCOPES.small, SCOPES.full],
      seed: 7,
      numRuns: (scope) => (scope.name === 'small' ? 10_000 : 1_000),
      target: (scope) =>
        createInterfaceTarget('slow planted', scope.maxFrames, () => {
          const allocator = plantedAllocator(['deallocate-refuses-reserved-as-in-use'])({ maxFrames: scope.maxFrames, profile: 'debug' });
          return { ...allocator, deallocate: (frame) => (clock.now(), allocator.deallocate(frame)), allocate: () => (clock.now(), allocator.allocate()) };
        }),
      newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
      deadline: clock.now() + limitMs,
      now: clock.now,
    });

  it('ends at its deadline, shrinking included, and shares the time between the scopes', () => {
    const clock = ticking();
    const limit = 3_000;
    const result = campaign(limit, clock);
    const overshoot = clock.read() - (limit + 1);
    // Past the deadline only the run under way and the replay of the cut-short counterexample
    // finish, a tick per allocator call each: not a shrink, nor the remaining runs.
    expect(overshoot).toBeLessThan(2 * SCOPES.full.maxCommands + 10);
    // Both scopes ran: the first did not eat the second's share.
    expect(result.scopes.map((scope) => scope.stats.runs > 0)).toEqual([true, true]);
    for (const scope of result.scopes) expect(scope.interrupted).toBe(true);
    const findings = result.scopes.flatMap((scope) => scope.findings);
    expect(findings.length).toBeGreaterThan(0);
    // The finding whose shrinking the deadline cut says so, and its steps still fail at their end.
    const cut = findings.filter((finding) => finding.shrinkCutShort);
    expect(cut.length).toBeGreaterThan(0);
    for (const finding of findings) expect(finding.violation.stepIndex).toBe(finding.trace.length - 1);
  });
});
