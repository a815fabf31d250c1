// The campaign on the Rust seed itself, in both build profiles: its findings agree with the port's
// (same names, same signatures but for the panic expression only the port names, same minimal
// steps), and where a profile differs — debug panics where release wraps — the counterexample says
// so. The hang finding is set aside from the start: its own counterexample is replayed elsewhere,
// and every step that shows it costs the driver's step timeout. Skipped with the reason where cargo or ../shared is missing; failing
// instead in CI mode (test/helpers/tools.ts).
import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { withoutPanicExpression } from '../../src/findings/identity.js';
import { SCOPES } from '../../properties/scope.js';
import { runCampaign, type CampaignResult } from '../../src/runner/campaign.js';
import { seedDriverUnavailable } from '../../src/targets/seed-driver.js';
import type { BuildProfile } from '../../src/targets/step.js';
import { formatStep } from '../../src/targets/step-format.js';
import { createTarget } from '../../src/targets/target-spec.js';
import { skipWithoutTool } from '../helpers/tools.js';

const SEED = 20261125;
const RUNS = 1_000;
const unavailable = skipWithoutTool('cargo', seedDriverUnavailable());

const HANG = KNOWN_FINDINGS.filter((finding) => finding.onlyAsHang === true);

function campaign(allocator: string, profile: BuildProfile): CampaignResult {
  return runCampaign({
    setAside: HANG,
    scopes: [SCOPES.small],
    seed: SEED,
    numRuns: () => RUNS,
    target: (scope) => createTarget({ allocator, profile }, scope.maxFrames),
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
  });
}

/** finding (name and signature, as the seed can show it) → its counterexample's calls, and the property it broke. */
const byFinding = (result: CampaignResult): Map<string, { steps: string[]; property: string }> =>
  new Map(
    result.scopes.flatMap((scope) =>
      scope.findings.map((finding) => [`${finding.identity.id} ${withoutPanicExpression(finding.identity.signature)}`, { steps: finding.trace.map((record) => formatStep(record.concrete)), property: finding.violation.property }] as const),
    ),
  );
const idOf = (key: string): string => key.slice(0, key.indexOf(' '));

const results = new Map<string, ReturnType<typeof byFinding>>();
const findings = (allocator: string, profile: BuildProfile): ReturnType<typeof byFinding> => {
  const key = `${allocator}/${profile}`;
  if (!results.has(key)) results.set(key, byFinding(campaign(allocator, profile)));
  return results.get(key) as ReturnType<typeof byFinding>;
};

describe.skipIf(unavailable !== undefined)(`the campaign on the Rust seed${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it.each(['debug', 'release'] as const)('finds what the port finds, with the same minimal steps (%s)', (profile) => {
    const port = findings('port', profile);
    const seed = findings('seed', profile);
    console.log(`seed (${profile}): ${[...seed.keys()].join(', ')}`);
    for (const [id, finding] of port) {
      expect(seed.get(id), id).toEqual(finding);
    }
    // Only the seed hangs where a request walks more frames than it could ever mark: the port clips the walk.
    expect([...seed.keys()].filter((key) => !port.has(key) && !key.endsWith(': fault: timeout'))).toEqual([]);
  });

  it('says where the profiles differ: the overflows panic in debug and break the counters in release', () => {
    const debug = findings('seed', 'debug');
    const release = findings('seed', 'release');
    const rounding = (found: Map<string, { property: string }>): string[] => [...found].filter(([key]) => idOf(key) === 'reserve-size-rounding-overflows').map(([, finding]) => finding.property);
    expect(rounding(debug)).toContain('never-panics');
    expect(rounding(release).length).toBeGreaterThan(0);
    expect(rounding(release)).not.toContain('never-panics');
  });
});
