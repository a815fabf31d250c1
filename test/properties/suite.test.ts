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
/** What the port shows under the default policy: every known finding but the native-only one and those of other policies. */
const PORT_FINDINGS = KNOWN_FINDINGS.filter((finding) => finding.policy === undefined && !NATIVE_ONLY.has(finding.id)).map((finding) => finding.id);

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
    expect(found).toEqual([...PORT_FINDINGS].sort());
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
  const campaigns = new Map<string, CampaignResult>();
  /** The corrected allocator's small-scope campaign under one policy, run once for every test that reads it. */
  const correctedUnder = (policy: Partial<ModelPolicy>): CampaignResult => {
    const key = JSON.stringify(policy);
    const result = campaigns.get(key) ?? campaign('corrected', 'debug', policy, [SCOPES.small], POLICY_RUNS);
    campaigns.set(key, result);
    return result;
  };
  const knownIds = (result: CampaignResult): string[] => [...new Set(result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.identity.id)))].sort();

  /** The corrected allocator follows every default; under each other reading it fails exactly that policy's finding. */
  const POLICY_FINDINGS = [
    { policy: { doubleFree: 'invalid-frame' }, id: 'deallocate-ignores-double-free', property: 'result-matches-model', message: /^returned Ok\(\(\)\), promised Err\(InvalidFrame\)$/ },
    // free_count above the model's: the allocator frees what the policy keeps used.
    { policy: { reinit: 'keep-handed-out' }, id: 'reinit-forgets-handed-out-frames', property: 'counters-match-model', message: /^free_count (\d+), .*; promised (?!\1)\d+ and/ },
    { policy: { reservation: 'outlives-owner' }, id: 'reservation-ends-when-owner-frees-frame', property: 'frame-state-matches-model', message: /^the bitmap marks Frame\(\d+\) free; it is reserved$/ },
    { policy: { reserveBeforeInit: 'survives-init' }, id: 'init-wipes-reservations-made-before-it', property: 'counters-match-model', message: /^free_count (\d+), .*; promised (?!\1)\d+ and/ },
  ] as const;

  it.each(POLICY_FINDINGS)('$id is the corrected allocator\'s one finding under $policy, and catalogued under that policy', ({ policy, id, property, message }) => {
    const [finding, ...others] = correctedUnder(policy).scopes[0]?.findings ?? [];
    expect(others.map((other) => other.identity.id)).toEqual([]);
    expect(finding?.identity.id).toBe(id);
    expect(finding?.violation.property).toBe(property);
    expect(finding?.violation.message).toMatch(message);
    const [name, choice] = Object.entries(policy)[0] as [string, string];
    expect(KNOWN_FINDINGS.find((known) => known.id === id)?.policy).toBe(`${name}=${choice}`);
  });

  it('a double free is a free after a free of a handed-out frame, not a free of a frame never handed out', () => {
    const trace = correctedUnder({ doubleFree: 'invalid-frame' }).scopes[0]?.findings[0]?.trace ?? [];
    const [first, second] = trace.slice(-2);
    expect([first?.step.op, second?.step.op]).toEqual(['deallocate', 'deallocate']);
    const freed = first?.concrete.op === 'deallocate' ? Number(first.concrete.frame.number) : undefined;
    expect(second?.concrete.op === 'deallocate' && Number(second.concrete.frame.number)).toBe(freed);
    expect(first?.promised).toBe('Ok(())');
    // The frame was handed out before its first free.
    expect(trace.slice(0, -2).some((entry) => entry.report.outcome.kind === 'ok' && entry.report.outcome.value === freed)).toBe(true);
  });

  it('the reinit and pre-init reservation findings shrink to their shortest sequences', () => {
    const ops = (policy: Partial<ModelPolicy>): string[] =>
      (correctedUnder(policy).scopes[0]?.findings[0]?.trace ?? []).map((entry) => entry.step.op);
    expect(ops({ reinit: 'keep-handed-out' })).toEqual(['init', 'allocate', 'init']);
    expect(ops({ reserveBeforeInit: 'survives-init' })).toEqual([expect.stringMatching(/^reserve_/), 'init']);
  });

  it('a reservation that outlives its owner: a frame handed out, then reserved, then freed', () => {
    const trace = correctedUnder({ reservation: 'outlives-owner' }).scopes[0]?.findings[0]?.trace ?? [];
    const last = trace[trace.length - 1]?.concrete;
    const freed = last?.op === 'deallocate' || last?.op === 'deallocate_frame' ? Number(last.frame.number) : undefined;
    const handedOutAt = trace.findIndex((entry) => entry.report.outcome.kind === 'ok' && entry.report.outcome.value === freed);
    expect(handedOutAt).toBeGreaterThan(0);
    expect(trace.slice(handedOutAt + 1, -1).some((entry) => entry.step.op.startsWith('reserve_'))).toBe(true);
  });

  it('InvalidFrame only beyond capacity (invalidFrame: beyond-capacity): the port\'s FrameInUse outside usable memory is no longer a finding', () => {
    const result = campaign('port', 'debug', { invalidFrame: 'beyond-capacity' }, [SCOPES.small], POLICY_RUNS);
    const expected = PORT_FINDINGS.filter((id) => id !== 'allocate-specific-reports-frame-in-use-outside-usable-memory').sort();
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
