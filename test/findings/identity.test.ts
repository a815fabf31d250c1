// Finding identity: a failure is named by what went wrong, not by where. Planted defects (small
// changes to the corrected allocator, test/fixtures/planted) diverge at steps that trigger catalogued
// seed findings, but another way than the seed: each must come out as a new finding, fail a
// campaign whose baseline accepts every signature of the port, and all three must be found in one
// campaign.
import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { divergenceOf, identify, signatureOf, triggeredAt } from '../../src/findings/identity.js';
import { findingById, KNOWN_FINDINGS } from '../../properties/findings.js';
import { runCampaign } from '../../src/runner/campaign.js';
import { createInterfaceTarget } from '../../src/targets/module-target.js';
import { modelBefore } from '../../src/findings/identity.js';
import { runSteps } from '../../src/runner/lockstep.js';
import { PLANTED_DEFECTS, plantedAllocator, type PlantedDefect } from '../fixtures/planted/planted.js';

/** The divergence each planted defect shows, and the catalogued finding its diverging step triggers. */
const PLANTED: Record<PlantedDefect, { readonly divergence: string; readonly triggers: string }> = {
  'free-count-skewed-by-overflowing-region': { divergence: 'counters-match-model: free_count above, total_count equal', triggers: 'init-region-end-overflows' },
  'deallocate-refuses-reserved-as-in-use': { divergence: 'result-matches-model: returned Err(FrameInUse), promised Err(InvalidFrame)', triggers: 'deallocate-frees-frames-not-handed-out' },
  'allocate-specific-hands-out-never-usable': { divergence: 'reserved-frames-never-handed-out: handed out a never-usable frame', triggers: 'allocate-specific-reports-frame-in-use-outside-usable-memory' },
};

function campaignOn(defects: readonly PlantedDefect[], seed: number, runs: Readonly<Record<Scope['name'], number>>) {
  return runCampaign({
    scopes: [SCOPES.small, SCOPES.full],
    seed,
    numRuns: (scope) => runs[scope.name],
    target: (scope) => createInterfaceTarget('planted', scope.maxFrames, () => plantedAllocator(defects)({ maxFrames: scope.maxFrames, profile: 'debug' })),
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
  });
}

const findingsOf = (result: ReturnType<typeof campaignOn>) => result.scopes.flatMap((scope) => scope.findings);

describe('a signature is the property, the method called and the shape of the divergence', () => {
  it('names the method behind an alias, so a defect shows the same through either door', () => {
    expect(signatureOf('result-matches-model', 'deallocate_frame', 'returned Ok(()), promised Err(InvalidFrame)')).toBe(signatureOf('result-matches-model', 'deallocate', 'returned Ok(()), promised Err(InvalidFrame)'));
    expect(divergenceOf('counters-match-model @ init: free_count above, total_count equal')).toBe('counters-match-model: free_count above, total_count equal');
  });

  it('names a catalogued finding only when its trigger fires and its divergence is catalogued', () => {
    const overflow = findingById('init-region-end-overflows');
    if (overflow === undefined) throw new Error('catalogue changed');
    const panic = 'panic: attempt to add with overflow (FrameAllocator::init: region.base + region.length)';
    expect(identify('never-panics', 'init', panic, [overflow]).id).toBe('init-region-end-overflows');
    // The same step, another divergence: new, with an id derived from the signature.
    const skewed = identify('counters-match-model', 'init', 'free_count above, total_count equal', [overflow]);
    expect(skewed.id).toMatch(/^new:counters-match-model:init:[0-9a-f]{8}$/);
    expect(identify('counters-match-model', 'init', 'free_count above, total_count equal', [overflow])).toEqual(skewed);
    // The catalogued divergence, but no trigger at the step: new too.
    expect(identify('never-panics', 'init', panic, []).id).toMatch(/^new:never-panics:init:/);
  });

  it('matches a native driver\'s panic, which cannot name the expression, by its message', () => {
    const overflow = findingById('init-region-end-overflows');
    if (overflow === undefined) throw new Error('catalogue changed');
    expect(identify('never-panics', 'init', 'panic: attempt to add with overflow', [overflow]).id).toBe('init-region-end-overflows');
    expect(identify('never-panics', 'init', 'panic: attempt to subtract with overflow', [overflow]).id).toMatch(/^new:/);
  });

  it('gives every catalogued finding at least one divergence', () => {
    for (const finding of KNOWN_FINDINGS) expect(finding.divergences.length, finding.id).toBeGreaterThan(0);
  });
});

describe('planted defects at steps that trigger catalogued seed findings', () => {
  for (const defect of Object.keys(PLANTED) as PlantedDefect[]) {
    it(`reports "${PLANTED_DEFECTS[defect]}" as a new finding, not as ${PLANTED[defect].triggers}`, () => {
      const found = findingsOf(campaignOn([defect], 20261201, { small: 3000, full: 300 }));
      const planted = found.find((failure) => divergenceOf(failure.identity.signature) === PLANTED[defect].divergence);
      expect(planted, found.map((failure) => failure.identity.signature).join('\n')).toBeDefined();
      if (planted === undefined) return;
      expect(planted.identity.id).toMatch(/^new:/);
      // Where it diverges, the seed finding's trigger fires: a trigger-only name would have hidden it.
      const maxFrames = planted.frameMap.maxFrames;
      const newModel = (): FrameModel => new FrameModel({ maxFrames });
      const steps = planted.trace.map((record) => record.concrete);
      const target = createInterfaceTarget('planted', maxFrames, () => plantedAllocator([defect])({ maxFrames, profile: 'debug' }));
      const replayed = runSteps({ target, newModel, setAside: [], trace: false }, steps);
      const index = replayed.violation?.stepIndex;
      if (index === undefined || index === null) throw new Error('the counterexample no longer fails at a step');
      const triggered = triggeredAt(steps[index] as (typeof steps)[number], modelBefore(replayed, index, newModel), false).map((finding) => finding.id);
      expect(triggered).toContain(PLANTED[defect].triggers);
    });
  }
});

describe('every distinct defect in one campaign', () => {
  it('reports all three planted defects in one default-sized campaign, in at least 9 of 10 seeds', () => {
    const wanted = Object.values(PLANTED).map((planted) => planted.divergence);
    const seeds = Array.from({ length: 10 }, (_, i) => 1000 + i);
    const complete = seeds.filter((seed) => {
      const divergences = new Set(findingsOf(campaignOn(Object.keys(PLANTED) as PlantedDefect[], seed, { small: 10_000, full: 1_000 })).map((failure) => divergenceOf(failure.identity.signature)));
      return wanted.every((divergence) => divergences.has(divergence));
    });
    console.log(`all three planted defects found in one default campaign in ${complete.length} of ${seeds.length} seeds`);
    expect(complete.length).toBeGreaterThanOrEqual(9);
  });
});
