import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { EXHAUSTIVE_ALPHABET, exhaustive, type ExhaustiveResult } from '../../src/runner/exhaustive.js';
import { runSteps } from '../../src/runner/lockstep.js';
import { createTarget } from '../../src/targets/target-spec.js';
import type { BuildProfile } from '../../src/targets/step.js';
import { runMain } from '../cli/helpers.js';

/** The port's findings under the default policy whose minimal counterexample the alphabet can express: all but the stalling loop, which the port clips. */
const PORT_FINDINGS = KNOWN_FINDINGS.filter((finding) => finding.policy === undefined && finding.id !== 'reserve-and-init-loop-over-every-frame-requested').map((finding) => finding.id);

const runs = new Map<string, ExhaustiveResult>();
function explored(allocator: 'port' | 'corrected', maxDepth: number, profile: BuildProfile = 'debug', prune = true): ExhaustiveResult {
  const key = `${allocator}/${maxDepth}/${profile}/${prune}`;
  let result = runs.get(key);
  if (result === undefined) {
    result = exhaustive({ allocator: { allocator, profile }, maxDepth, prune });
    runs.set(key, result);
  }
  return result;
}

const shortest = (result: ExhaustiveResult): Map<string, number> => new Map(result.findings.map((finding) => [finding.findingId, finding.steps.length]));

describe('the alphabet', () => {
  it('has 47 steps, and memory_stats as its only statistics call', () => {
    expect(EXHAUSTIVE_ALPHABET).toHaveLength(47);
    const ops = EXHAUSTIVE_ALPHABET.map((step) => step.op);
    expect(ops.filter((op) => op === 'memory_stats')).toHaveLength(1);
    expect(ops).not.toContain('free_count');
    expect(ops).not.toContain('total_memory');
  });
});

describe.each(['debug', 'release'] as const)('exhaustive search of the port (%s), depth 3', (profile) => {
  it('rediscovers every port finding the alphabet can express, and no other failure', () => {
    const result = explored('port', 3, profile);
    expect(result.completedDepth).toBe(3);
    expect(result.interrupted).toBe(false);
    expect(new Set(result.findings.map((finding) => finding.findingId))).toEqual(new Set(PORT_FINDINGS));
  });

  it('keeps for each finding a sequence of at most 3 steps that no shorter sequence matches', () => {
    const result = explored('port', 3, profile);
    const target = createTarget({ allocator: 'port', profile }, 128);
    const newModel = (): FrameModel => new FrameModel({ maxFrames: 128 });
    for (const finding of result.findings) {
      expect(finding.steps.length).toBeLessThanOrEqual(3);
      // It fails at its last step, and only there.
      const run = runSteps({ target, newModel, setAside: [], trace: false }, finding.steps);
      expect(run.violation?.stepIndex).toBe(finding.steps.length - 1);
      // No sequence of fewer steps over the alphabet shows this finding.
      if (finding.steps.length > 1) {
        const shorter = explored('port', finding.steps.length - 1, profile);
        expect(shorter.findings.map((other) => other.findingId)).not.toContain(finding.findingId);
      }
    }
  });

  it('prunes: fewer states than sequences', () => {
    const result = explored('port', 3, profile);
    expect(result.states).toBeGreaterThan(1);
    expect(result.states).toBeLessThan(result.sequences);
  });
});

describe('pruning by state', () => {
  it('finds the same findings at the same lengths as enumerating every sequence (depth 2)', () => {
    const pruned = explored('port', 2);
    const every = explored('port', 2, 'debug', false);
    expect(every.sequences).toBe(47 + every.levels[0]!.newStates * 47);
    expect(pruned.sequences).toBeLessThan(every.sequences);
    expect(shortest(pruned)).toEqual(shortest(every));
  });
});

describe('exhaustive search of the corrected allocator', () => {
  it('finds nothing up to depth 4, over many distinct states', () => {
    const result = explored('corrected', 4);
    expect(result.findings).toEqual([]);
    expect(result.completedDepth).toBe(4);
    expect(result.states).toBeGreaterThan(100);
    expect(result.states).toBeLessThan(result.sequences);
    expect(result.levels.map((level) => level.depth)).toEqual([1, 2, 3, 4]);
    expect(result.sequences).toBe(result.levels.reduce((sum, level) => sum + level.sequences, 0));
  });

  it('reports honestly the depth it completed when the time limit stops it', () => {
    const result = exhaustive({ allocator: { allocator: 'corrected', profile: 'debug' }, maxDepth: 100, timeLimitMs: 200 });
    expect(result.interrupted).toBe(true);
    expect(result.completedDepth).toBeLessThan(100);
    expect(result.levels).toHaveLength(result.completedDepth);
    expect(result.findings).toEqual([]);
  });
});

describe('framecheck exhaustive', () => {
  it('exits 1 with the findings and their shortest sequences on the port', () => {
    const ran = runMain(['exhaustive', '--depth', '2']);
    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain('depth completed   2');
    for (const id of PORT_FINDINGS) expect(ran.stdout).toContain(id);
    expect(ran.stdout).toContain('1. init([0x0+0x40000 Usable, 0x3f000+0x2000 Usable])');
  });

  it('exits 0 on the corrected allocator', () => {
    const ran = runMain(['exhaustive', '--allocator', 'corrected', '--depth', '2', '--profile', 'release']);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('No violation: no counterexample of 2 steps or fewer');
  });

  it.each([
    [['--depth', 'x']],
    [['--depth', '0']],
    [['--frames', '100']],
    [['--allocator', 'seed']],
    [['--profile', 'fast']],
    [['--time-limit', 'soon']],
    [['extra']],
  ])('exits 2 for bad input %j', (args) => {
    const ran = runMain(['exhaustive', ...args]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/^framecheck: /);
  });
});
