// The property suite alone, sized for mutation testing (stryker.config.mjs, docs/mutation.md): every
// mutant of the corrected allocator or of the port code it inherits runs these campaigns, and a
// mutant survives only when they all still pass.
//
// - The corrected allocator, both profiles, both scopes, one fixed seed: no finding at all and every
//   scenario-coverage requirement met, judged by the strict model (policy.allocation 'strict': the
//   frame allocate returns must be the one the seed's documented search finds). The strict model
//   checks everything the default (loose) one does and the search order besides, so a loose
//   campaign would add time, not kills.
// - The port (src/allocator/frame-allocator.ts is mutated too, and the port is that class as it is):
//   a short campaign must find exactly the known findings, no more, no fewer. A mutant that changes
//   the port's behaviour changes what it finds.
//
// Sizes: Stryker's instrumentation (a coverage counter on every mutable expression) slows the code
// under test ~10x at the small scope and ~50x at the full scope, whose 4 Mi-frame bitmaps make
// init and the free-range comparison loop over 65,536 words. The sizes below keep one mutant's run
// to a few seconds; with this seed each scope still meets its coverage requirements, and the
// full scope gets few runs (its behaviour differs from the small scope's only in the bitmap's size).
// One scope per test, cheapest and strictest first: Stryker's vitest runner stops at the first failure.
import { describe, expect, it } from 'vitest';
import { FrameModel, type ModelPolicy } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { runCampaign, type ScopeResult } from '../../src/runner/campaign.js';
import { createTarget } from '../../src/targets/target-spec.js';
import type { BuildProfile } from '../../src/targets/step.js';

const SEED = 20261125;
/**
 * Runs of the corrected allocator's campaigns, per scope. 1,000 small-scope runs: with 300, two rare
 * mutants survived (a zero-byte reservation at an unaligned start reserving its frame; a usable range
 * ending inside its first 32-frame chunk marking one frame too many), both killed from 1,000 on.
 */
const CORRECTED_RUNS = { small: 1_000, full: 10 } as const;
/** Runs of the port's campaign (small scope: every finding there means a shrink and a fresh search). */
const PORT_RUNS = 300;
/** Defects only a native target shows: the port clips the loops that hang the Rust seed. */
const NATIVE_ONLY = new Set(['reserve-and-init-loop-over-every-frame-requested']);
const STRICT: Partial<ModelPolicy> = { allocation: 'strict' };

function campaign(allocator: string, profile: BuildProfile, scope: Scope, numRuns: number, policy: Partial<ModelPolicy> = {}): ScopeResult {
  const [result] = runCampaign({
    scopes: [scope],
    seed: SEED,
    numRuns: () => numRuns,
    target: () => createTarget({ allocator, profile }, scope.maxFrames),
    newModel: () => new FrameModel({ maxFrames: scope.maxFrames, policy }),
  }).scopes;
  if (result === undefined) throw new Error('a campaign of one scope returned no scope');
  return result;
}

function expectCorrectedPasses(profile: BuildProfile, scope: Scope): void {
  const result = campaign('corrected', profile, scope, CORRECTED_RUNS[scope.name], STRICT);
  expect(result.findings.map((finding) => `${finding.identity.id}: ${finding.violation.message}`)).toEqual([]);
  expect(result.completed).toBe(true);
  expect(result.stats.runs).toBe(CORRECTED_RUNS[scope.name]);
  expect(result.coverage.filter((check) => !check.met).map((check) => check.label)).toEqual([]);
}

describe('mutation suite: the corrected allocator passes the property suite (strict model)', () => {
  it.each(['debug', 'release'] as const)('holds every property with coverage met at the small scope (%s)', (profile) => {
    expectCorrectedPasses(profile, SCOPES.small);
  });
});

describe('mutation suite: the port finds exactly the known findings', () => {
  it('finds every known finding (bar the native-only one) at the small scope, and nothing else', () => {
    const result = campaign('port', 'debug', SCOPES.small, PORT_RUNS);
    const expected = KNOWN_FINDINGS.map((finding) => finding.id).filter((id) => !NATIVE_ONLY.has(id)).sort();
    expect(result.findings.map((finding) => finding.identity.id).sort()).toEqual(expected);
    expect(result.completed).toBe(true);
    // A panic says which seed expression overflowed, as a kernel developer needs to find it.
    for (const finding of result.findings.filter((candidate) => candidate.violation.property === 'never-panics')) {
      expect(finding.violation.message).toMatch(/^panicked: attempt to add with overflow \(FrameAllocator::(init|reserve_kernel): [a-z_.]+ \+ [A-Z_a-z.]+/);
    }
  });
});

describe('mutation suite: the corrected allocator passes the property suite at the full scope (strict model)', () => {
  it.each(['debug', 'release'] as const)('holds every property with coverage met at the full scope (%s)', (profile) => {
    expectCorrectedPasses(profile, SCOPES.full);
  });
});
