// The property suite itself: the main campaign's sizes (10,000 small-scope and 1,000 full-scope
// sequences) find every defect of the port, named, with a minimal counterexample each, and the
// corrected allocator passes the same campaign with every coverage requirement met.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_MAPS_DIR } from '../../src/cli/run-command.js';
import { readMemoryMap } from '../../src/files/memory-map-file.js';
import { FrameModel, type ModelPolicy } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { runCampaign, type CampaignResult } from '../../src/runner/campaign.js';
import { CORRECTED_ALLOCATOR } from '../../src/targets/corrected-target.js';
import { inProcessModule } from '../../src/targets/in-process-target.js';
import { createInterfaceTarget } from '../../src/targets/module-target.js';
import { createTarget } from '../../src/targets/target-spec.js';
import type { BuildProfile } from '../../src/targets/step.js';

const SEED = 20261125;
const REAL_MAPS = readdirSync(REAL_MAPS_DIR).map((name) => readMemoryMap(join(REAL_MAPS_DIR, name)).regions);
const MAIN_RUNS = { small: 10_000, full: 1_000 } as const;
/** Defects only a native target shows: the port clips the loops that hang the Rust seed. */
const NATIVE_ONLY = new Set(['reserve-and-init-loop-over-every-frame-requested']);

function campaign(allocator: string, profile: BuildProfile, policy: Partial<ModelPolicy> = {}, scopes: readonly Scope[] = [SCOPES.small, SCOPES.full], runs: Readonly<Record<Scope['name'], number>> = MAIN_RUNS): CampaignResult {
  console.log(`campaign: ${allocator} (${profile}), seed ${SEED}`);
  return runCampaign({
    // The main job's scopes: runs start from the real machines' maps too (data/memory-maps).
    scopes: scopes.map((scope) => ({ ...scope, startingMaps: REAL_MAPS })),
    seed: SEED,
    numRuns: (scope) => runs[scope.name],
    target: (scope) => createTarget({ allocator, profile }, scope.maxFrames),
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames, policy }),
  });
}

describe('the main campaign on the port (the real bitmap allocator)', () => {
  const result = campaign('port', 'debug');

  it.each(['small', 'full'] as const)('finds every known defect at the %s scope, and nothing unexplained', (name) => {
    const scope = result.scopes.find((candidate) => candidate.scope.name === name);
    const found = [...new Set((scope?.findings ?? []).map((finding) => finding.identity.id))].sort();
    const expected = KNOWN_FINDINGS.map((finding) => finding.id).filter((id) => !NATIVE_ONLY.has(id)).sort();
    expect(found).toEqual(expected);
    expect(scope?.completed).toBe(true);
    expect(scope?.stats.runs).toBeGreaterThanOrEqual(MAIN_RUNS[name]);
  });

  it('shrinks every counterexample to at most three steps, ending at the first diverging step', () => {
    for (const scope of result.scopes) {
      for (const finding of scope.findings) {
        expect(finding.trace.length, finding.identity.id).toBeLessThanOrEqual(3);
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
    const found = new Set(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.identity.id)));
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
      expect(scope.findings.map((finding) => `${finding.identity.id}: ${finding.violation.message}`)).toEqual([]);
      expect(scope.completed).toBe(true);
      expect(scope.stats.runs).toBe(MAIN_RUNS[scope.scope.name]);
      expect(scope.coverage.filter((check) => !check.met)).toEqual([]);
    }
  });

  it('keeps the seed\'s search order exactly: it passes against the strict model too', () => {
    const result = campaign('corrected', 'debug', { allocation: 'strict' });
    expect(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.identity.id))).toEqual([]);
  });
});

describe('the model\'s policies change exactly the verdicts they are about (models/SPEC.md, policies)', () => {
  const POLICY_RUNS = { small: 2_000, full: 0 } as const;
  const knownIds = (result: CampaignResult): string[] => [...new Set(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.identity.id)))].sort();

  it('double free as an error (doubleFree: invalid-frame): the corrected allocator\'s quiet Ok(()) becomes the one failure', () => {
    const result = campaign('corrected', 'debug', { doubleFree: 'invalid-frame' }, [SCOPES.small], POLICY_RUNS);
    const [finding, ...others] = result.scopes[0]?.findings ?? [];
    expect(others).toEqual([]);
    expect(finding?.identity.id).toMatch(/^new:result-matches-model:deallocate:/);
    expect(finding?.violation.message).toBe('returned Ok(()), promised Err(InvalidFrame)');
    // The shortest double free: a frame that is free (never handed out) freed again.
    expect(finding?.trace.map((entry) => entry.step.op)).toEqual(['init', 'deallocate']);
  });

  it('InvalidFrame only beyond capacity (invalidFrame: beyond-capacity): the port\'s FrameInUse outside usable memory is no longer a finding', () => {
    const result = campaign('port', 'debug', { invalidFrame: 'beyond-capacity' }, [SCOPES.small], POLICY_RUNS);
    const expected = KNOWN_FINDINGS.map((finding) => finding.id)
      .filter((id) => !NATIVE_ONLY.has(id) && id !== 'allocate-specific-reports-frame-in-use-outside-usable-memory')
      .sort();
    expect(knownIds(result)).toEqual(expected);
  });
});

describe('an invariant the port never breaks still fails on an allocator that breaks it (a planted defect)', () => {
  it('an allocate that hands out its last frame again is caught by no-frame-handed-out-twice, explained in three steps', () => {
    const [small] = runCampaign({
      scopes: [SCOPES.small],
      seed: SEED,
      numRuns: () => 1_000,
      target: (scope) =>
        createInterfaceTarget('corrected, allocate repeating its last frame', scope.maxFrames, () => {
          const inner = inProcessModule(CORRECTED_ALLOCATOR, { maxFrames: scope.maxFrames, profile: 'debug' });
          let repeat: ReturnType<typeof inner.allocate> | undefined;
          const allocate = (): ReturnType<typeof inner.allocate> => {
            const result = repeat ?? inner.allocate();
            repeat = repeat === undefined && result.ok ? result : undefined;
            return result;
          };
          // Everything else is the corrected allocator's own (the module object is its prototype).
          return Object.assign(Object.create(inner) as typeof inner, { allocate });
        }),
      newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
    }).scopes;
    // The campaign goes on after it: the same defect also shows later as other divergences.
    const finding = small?.findings.find((candidate) => candidate.violation.property === 'no-frame-handed-out-twice');
    expect(small?.findings[0]).toBe(finding);
    expect(finding?.trace.map((entry) => entry.step.op)).toEqual(['init', 'allocate', 'allocate']);
    // Shrunk to a memory map of one frame: the first allocate may take it, the second has nothing left.
    expect(finding?.trace[1]?.promised).toMatch(/^Ok\(Frame\(n\)\) for any of the 1 free frames/);
    expect(finding?.trace[2]?.promised).toBe('Err(OutOfMemory)');
  });
});
