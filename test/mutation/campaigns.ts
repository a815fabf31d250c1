// The campaigns of the mutation-testing suite (test/mutation/property-suite.test.ts, the whole set)
// and of its sample in npm test (test/mutation/sample.test.ts), with their sizes.
import { expect } from 'vitest';
import { FrameModel, type ModelPolicy } from '../../models/index.js';
import type { Scope } from '../../properties/scope.js';
import { runCampaign, type ScopeResult } from '../../src/runner/campaign.js';
import { createTarget } from '../../src/targets/target-spec.js';
import type { BuildProfile } from '../../src/targets/step.js';

export const SEED = 20261125;
/**
 * Runs of the corrected allocator's campaigns, per scope. 1,000 small-scope runs: with 300, two rare
 * mutants survived (a zero-byte reservation at an unaligned start reserving its frame; a usable range
 * ending inside its first 32-frame chunk marking one frame too many), both killed from 1,000 on.
 */
export const CORRECTED_RUNS = { small: 1_000, full: 10 } as const;
/** Runs of the port's campaign (small scope: every finding there means a shrink and a fresh search). */
export const PORT_RUNS = 300;
/** Defects only a native target shows: the port clips the loops that hang the Rust seed. */
export const NATIVE_ONLY = new Set(['reserve-and-init-loop-over-every-frame-requested']);
const STRICT: Partial<ModelPolicy> = { allocation: 'strict' };

export function campaign(allocator: string, profile: BuildProfile, scope: Scope, numRuns: number, policy: Partial<ModelPolicy> = {}): ScopeResult {
  const [result] = runCampaign({
    // Mutation testing asks whether the suite fails at all: a mutant is killed by its first finding.
    stopAtFirstFinding: allocator === 'corrected',
    scopes: [scope],
    seed: SEED,
    numRuns: () => numRuns,
    target: () => createTarget({ allocator, profile }, scope.maxFrames),
    newModel: () => new FrameModel({ maxFrames: scope.maxFrames, policy }),
  }).scopes;
  if (result === undefined) throw new Error('a campaign of one scope returned no scope');
  return result;
}

export function expectCorrectedPasses(profile: BuildProfile, scope: Scope): void {
  const result = campaign('corrected', profile, scope, CORRECTED_RUNS[scope.name], STRICT);
  expect(result.findings.map((finding) => `${finding.identity.id}: ${finding.violation.message}`)).toEqual([]);
  expect(result.completed).toBe(true);
  expect(result.stats.runs).toBe(CORRECTED_RUNS[scope.name]);
  expect(result.coverage.filter((check) => !check.met).map((check) => check.label)).toEqual([]);
}
