// The property suite itself: the main campaign's sizes (10,000 small-scope and 1,000 full-scope
// sequences) find every defect of the port, named, with a minimal counterexample each, and the
// corrected allocator passes the same campaign with every coverage requirement met.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_MAPS_DIR } from '../../src/cli/run-command.js';
import { readMemoryMap } from '../../src/files/memory-map-file.js';
import { FrameModel } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { SCOPES } from '../../properties/scope.js';
import { runCampaign, type CampaignResult } from '../../src/runner/campaign.js';
import { createTarget } from '../../src/targets/target-spec.js';
import type { BuildProfile } from '../../src/targets/step.js';

const SEED = 20261125;
const REAL_MAPS = readdirSync(REAL_MAPS_DIR).map((name) => readMemoryMap(join(REAL_MAPS_DIR, name)).regions);
const MAIN_RUNS = { small: 10_000, full: 1_000 } as const;
/** Defects only a native target shows: the port clips the loops that hang the Rust seed. */
const NATIVE_ONLY = new Set(['reserve-and-init-loop-over-every-frame-requested']);

function campaign(allocator: string, profile: BuildProfile, policy: Partial<ConstructorParameters<typeof FrameModel>[0]['policy']> = {}): CampaignResult {
  console.log(`campaign: ${allocator} (${profile}), seed ${SEED}`);
  return runCampaign({
    // The main job's scopes: runs start from the real machines' maps too (data/memory-maps).
    scopes: [SCOPES.small, SCOPES.full].map((scope) => ({ ...scope, startingMaps: REAL_MAPS })),
    seed: SEED,
    numRuns: (scope) => MAIN_RUNS[scope.name],
    target: (scope) => createTarget({ allocator, profile }, scope.maxFrames),
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames, policy }),
  });
}

describe('the main campaign on the port (the real bitmap allocator)', () => {
  const result = campaign('port', 'debug');

  it.each(['small', 'full'] as const)('finds every known defect at the %s scope, and nothing unexplained', (name) => {
    const scope = result.scopes.find((candidate) => candidate.scope.name === name);
    const found = (scope?.findings ?? []).map((finding) => finding.findingId).sort();
    const expected = KNOWN_FINDINGS.map((finding) => finding.id).filter((id) => !NATIVE_ONLY.has(id)).sort();
    expect(found).toEqual(expected);
    expect(scope?.completed).toBe(true);
    expect(scope?.stats.runs).toBeGreaterThanOrEqual(MAIN_RUNS[name]);
  });

  it('shrinks every counterexample to at most three steps, ending at the first diverging step', () => {
    for (const scope of result.scopes) {
      for (const finding of scope.findings) {
        expect(finding.trace.length, finding.findingId).toBeLessThanOrEqual(3);
        expect(finding.violation.stepIndex === null || finding.violation.stepIndex === finding.trace.length - 1).toBe(true);
      }
    }
  });

  it('counts the steps it could not make (a reference to a frame with none handed out yet)', () => {
    const small = result.scopes[0];
    expect(small?.stats.skipped).toBeGreaterThan(0);
    expect(small?.stats.skipped).toBeLessThan((small?.stats.steps ?? 0) / 2);
  });
});

describe('the main campaign on the port in a release build', () => {
  it('finds the same defects, the overflows now wrapping silently instead of panicking', () => {
    const result = campaign('port', 'release');
    const found = new Set(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.findingId)));
    expect([...found].every((id) => KNOWN_FINDINGS.some((finding) => finding.id === id))).toBe(true);
    expect(found).toContain('reserve-size-rounding-overflows');
    expect(found).toContain('init-double-counts-overlapping-usable-regions');
    for (const finding of result.scopes.flatMap((scope) => scope.findings)) expect(finding.violation.property).not.toBe('never-panics');
  });
});

describe('the main campaign on the corrected allocator', () => {
  it.each(['debug', 'release'] as const)('holds every property at both scopes and meets every coverage requirement (%s)', (profile) => {
    const result = campaign('corrected', profile);
    for (const scope of result.scopes) {
      expect(scope.findings.map((finding) => `${finding.findingId}: ${finding.violation.message}`)).toEqual([]);
      expect(scope.completed).toBe(true);
      expect(scope.stats.runs).toBe(MAIN_RUNS[scope.scope.name]);
      expect(scope.coverage.filter((check) => !check.met)).toEqual([]);
    }
  });

  it('keeps the seed\'s search order exactly: it passes against the strict model too', () => {
    const result = campaign('corrected', 'debug', { allocation: 'strict' });
    expect(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.findingId))).toEqual([]);
  });
});
