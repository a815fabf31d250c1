// The statistics of a real campaign: results.json validates against the published schema
// (docs/results.schema.json), its figures add up (runs, steps, steps not sent), and the terminal,
// summary.md and report.html show the same figures; weak campaigns are warned about.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaignCommand } from '../../src/cli/run-command.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { mergeStatistics, NO_HANDED_OUT_FRAME, type ScopeStatistics } from '../../src/statistics/campaign-statistics.js';
import { count } from '../../src/statistics/statistics-text.js';
import { usualRates, weakCampaignWarnings } from '../../src/statistics/weak-campaign.js';
import { campaignOptions, ROOT } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'framecheck-statistics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function campaign(allocator: string): { report: CampaignReport; terminal: string; summary: string; html: string } {
  const reportsDir = join(dir, allocator);
  const options = campaignOptions(allocator, reportsDir, { small: 400, full: 30 });
  const out: string[] = [];
  runCampaignCommand(options, (text) => out.push(text));
  const read = (file: string): string => readFileSync(join(reportsDir, 'latest', file), 'utf8');
  return { report: JSON.parse(read('results.json')) as CampaignReport, terminal: out.join(''), summary: read('summary.md'), html: read('report.html') };
}

const port = campaign('port');
const corrected = campaign('corrected');
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

describe('campaign statistics', () => {
  it('results.json validates against docs/results.schema.json (port and corrected)', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'results.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const { report } of [port, corrected]) {
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ ...port.report, version: 2 })).toBe(false);
  });

  it('add up: one generated run per run, every sent step a call, every unsent step a reason', () => {
    for (const { report } of [port, corrected]) {
      for (const scope of report.scopes) {
        const { statistics } = scope;
        expect(statistics.generatedRuns).toBe(scope.runs);
        expect(sum(statistics.calls.map((call) => call.calls))).toBe(scope.steps);
        for (const call of statistics.calls) expect(sum(Object.values(call.outcomes))).toBe(call.calls);
        expect(sum(statistics.sequenceLengths)).toBe(scope.runs);
        expect(sum(statistics.peakMemoryUsed)).toBe(scope.runs);
        expect(sum(statistics.sequenceLengths.map((runs, length) => runs * length))).toBe(scope.steps + scope.skippedSteps + scope.setAsideSteps);
        expect(sum(statistics.notSent.map((entry) => entry.steps))).toBe(scope.skippedSteps + scope.setAsideSteps);
        expect(statistics.sequenceLengths.length).toBeLessThanOrEqual(scope.maxCommands + 2);
      }
    }
  });

  it('tell apart the outcomes of each call, and shrink attempts per finding', () => {
    const small = port.report.scopes.find((scope) => scope.name === 'small')?.statistics as ScopeStatistics;
    const allocate = small.calls.find((call) => call.op === 'allocate');
    expect(Object.keys(allocate?.outcomes ?? {})).toEqual(expect.arrayContaining(['Ok', 'OutOfMemory']));
    expect(Object.keys(small.calls.find((call) => call.op === 'deallocate')?.outcomes ?? {})).toEqual(expect.arrayContaining(['Ok', 'InvalidFrame']));
    const found = port.report.findings.filter((finding) => finding.scope === 'small').map((finding) => finding.id);
    expect(Object.keys(small.shrinkAttemptsByFinding).sort()).toEqual([...new Set(found)].sort());
    expect(small.notSent.map((entry) => entry.reason)).toContain(NO_HANDED_OUT_FRAME);
    expect(small.time.generationMs + small.time.executionMs + small.time.checkingMs + small.time.shrinkingMs).toBeGreaterThan(0);
    // The corrected allocator has nothing to shrink and nothing set aside.
    for (const scope of corrected.report.scopes) {
      expect(scope.statistics.shrinkAttempts).toBe(0);
      expect(scope.statistics.notSent.map((entry) => entry.reason)).toEqual([NO_HANDED_OUT_FRAME]);
    }
  });

  it('show the same figures in the terminal, summary.md and report.html as in results.json', () => {
    for (const { report, terminal, summary, html } of [port, corrected]) {
      const expected: string[] = [];
      for (const scope of report.scopes) {
        const s = scope.statistics;
        expected.push(`${count(s.generatedRuns)} generated · ${count(s.shrinkAttempts)} shrink attempts`);
        for (const call of s.calls) expected.push(`${count(call.calls)} calls: `, ...Object.entries(call.outcomes).map(([outcome, calls]) => `${outcome} ${count(calls)}`));
        for (const entry of s.notSent) expected.push(`${count(entry.steps)} ${entry.reason}`);
        expected.push(`generation ${(s.time.generationMs / 1000).toFixed(2)} s · execution ${(s.time.executionMs / 1000).toFixed(2)} s · checking ${(s.time.checkingMs / 1000).toFixed(2)} s · shrinking ${(s.time.shrinkingMs / 1000).toFixed(2)} s`);
        for (const [finding, attempts] of Object.entries(s.shrinkAttemptsByFinding)) expected.push(`${finding} ${count(attempts)}`);
      }
      for (const figure of expected) {
        expect(terminal, figure).toContain(figure);
        expect(summary, figure).toContain(figure);
        expect(html, figure).toContain(figure);
      }
      expect(terminal).toContain('\nstatistics\n');
      expect(summary).toContain('## Statistics');
    }
  });
});

describe('weak-campaign warnings', () => {
  const healthy: ScopeStatistics = {
    generatedRuns: 2000,
    shrinkAttempts: 0,
    calls: [{ op: 'allocate', calls: 40_000, outcomes: { Ok: 30_000, OutOfMemory: 10_000 } }],
    sequenceLengths: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2000],
    peakMemoryUsed: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2000],
    runsWithoutAllocation: 100,
    notSent: [{ reason: NO_HANDED_OUT_FRAME, steps: 1000 }],
    time: { generationMs: 100, executionMs: 50, checkingMs: 50, shrinkingMs: 0 },
    shrinkAttemptsByFinding: {},
  };

  it('stay quiet for a campaign that exercised the allocator at its usual speed', () => {
    expect(weakCampaignWarnings([{ name: 'small', statistics: healthy }], { small: 10_000 })).toEqual([]);
  });

  it('warn when most runs never hand out a frame, a fifth of the steps are not sent, or runs are far slower than usual', () => {
    const weak: ScopeStatistics = { ...healthy, runsWithoutAllocation: 1500, notSent: [{ reason: 'triggers x (set aside)', steps: 9000 }, { reason: NO_HANDED_OUT_FRAME, steps: 1000 }] };
    const warnings = weakCampaignWarnings([{ name: 'small', statistics: weak }], { small: 100_000 });
    expect(warnings.map((warning) => warning.scope)).toEqual(['small', 'small', 'small']);
    expect(warnings[0]?.message).toBe('75% of runs never had a frame handed out');
    expect(warnings[1]?.message).toBe('25% of generated steps were not sent, the most for triggers x (set aside) (23%)');
    expect(warnings[2]?.message).toMatch(/^10000 runs\/s, under a quarter of this machine's usual 100000/);
  });

  it('read the machine\'s usual rate from the benchmark report, and none from a missing one', () => {
    const rates = usualRates(join(ROOT, 'reports', 'bench.json'));
    expect(rates.small).toBeGreaterThan(0);
    expect(rates.full).toBeGreaterThan(0);
    expect(usualRates(join(dir, 'missing.json'))).toEqual({});
  });

  it('add up over the shards of a campaign', () => {
    const merged = mergeStatistics(healthy, { ...healthy, sequenceLengths: [0, 5], calls: [{ op: 'deallocate', calls: 3, outcomes: { InvalidFrame: 3 } }] });
    expect(merged.generatedRuns).toBe(4000);
    expect(merged.sequenceLengths[1]).toBe(5);
    expect(merged.sequenceLengths[20]).toBe(2000);
    expect(merged.calls).toEqual([healthy.calls[0], { op: 'deallocate', calls: 3, outcomes: { InvalidFrame: 3 } }]);
    expect(merged.notSent).toEqual([{ reason: NO_HANDED_OUT_FRAME, steps: 2000 }]);
    expect(merged.time.generationMs).toBe(200);
  });
});
