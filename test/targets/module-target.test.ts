// Any allocator module, checked like the port: the documented interface (docs/allocator-interface.md),
// modules that do not implement it, modules that panic or are not deterministic, and differential
// mode between two allocators.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { SCOPES } from '../../properties/scope.js';
import { runCampaign, type CampaignResult } from '../../src/runner/campaign.js';
import { createTarget } from '../../src/targets/target-spec.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const module = (file: string): string => `module:${resolve(ROOT, file)}`;

function campaign(allocator: string, options: { against?: string; runs?: number } = {}): CampaignResult {
  return runCampaign({
    scopes: [SCOPES.small],
    seed: 42,
    numRuns: () => options.runs ?? 1_000,
    target: (scope) => createTarget({ allocator, profile: 'debug' }, scope.maxFrames),
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
    ...(options.against !== undefined && { reference: (scope) => createTarget({ allocator: options.against as string, profile: 'debug' }, scope.maxFrames) }),
  });
}

const ids = (result: CampaignResult): string[] => result.scopes.flatMap((scope) => scope.findings.map((finding) => finding.identity.id)).sort();

describe('an allocator module', () => {
  it('behind the interface finds exactly what the port finds, with the same counterexamples', () => {
    const viaModule = campaign(module('examples/port-module.ts'));
    const port = campaign('port');
    expect(ids(viaModule)).toEqual(ids(port));
    expect(viaModule.scopes[0]?.findings.map((finding) => finding.trace.length)).toEqual(port.scopes[0]?.findings.map((finding) => finding.trace.length));
  });

  it('is refused, naming what is missing, when it does not implement the interface', () => {
    expect(() => createTarget({ allocator: module('test/targets/fixtures/incomplete-module.ts'), profile: 'debug' }, 512)).toThrow(
      /createAllocator\(\) returned an allocator without bootInit, reserveKernel, reserveRange, allocateFrame, allocateSpecific/,
    );
    expect(() => createTarget({ allocator: module('test/targets/fixtures/no-such-module.ts'), profile: 'debug' }, 512)).toThrow(/no such module/);
    expect(() => createTarget({ allocator: module('package.json'), profile: 'debug' }, 512)).toThrow(/must export createAllocator/);
  });

  it('that throws has panicked: a never-panics finding with the message', () => {
    const result = campaign(module('test/targets/fixtures/panicking-module.ts'), { runs: 2_000 });
    const panics = result.scopes.flatMap((scope) => scope.findings).filter((finding) => finding.violation.property === 'never-panics' && finding.violation.message.includes('index out of bounds'));
    expect(panics.length).toBeGreaterThan(0);
    expect(panics[0]?.identity.id).toMatch(/^new:never-panics:deallocate:[0-9a-f]{8}$/);
  });

  it('that is not deterministic is a finding against the target, not a crash of the harness', () => {
    const result = campaign(module('test/targets/fixtures/flaky-module.ts'), { against: module('examples/port-module.ts') });
    expect(ids(result)).toContain('target-fault:nondeterministic');
  });
});

describe('differential mode', () => {
  it('reports the first step where two allocators differ, minimised', () => {
    const result = campaign('port', { against: 'corrected' });
    const [finding] = result.scopes[0]?.findings ?? [];
    expect(finding?.identity.id).toMatch(/^differs:/);
    expect(finding?.violation.property).toBe('targets-agree');
    expect(finding?.violation.message).toMatch(/port \(debug\) and corrected \(debug\) differ/);
    expect(finding?.trace.length).toBeLessThanOrEqual(2);
  });

  it('finds nothing between an allocator and itself behind another interface', () => {
    expect(ids(campaign(module('examples/port-module.ts'), { against: 'port', runs: 2_000 }))).toEqual([]);
  });
});
