// Small real campaigns through main(): exit codes, the report folder and its files, the baseline,
// CI mode, the regression corpus, --format json, determinism, and sharding with merge.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { readCounterexample } from '../../src/files/counterexample-file.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { acceptedFrom, campaignPaths, pathFlags, removeTempDirs, runMain, tempDir, writeBaseline, type CampaignPaths, type Ran } from './helpers.js';

const SMALL = ['--scope', 'small', '--runs', '300', '--seed', '1'];
const KNOWN_IDS = KNOWN_FINDINGS.map((finding) => finding.id);

let dir: string;
beforeAll(() => {
  dir = tempDir('framecheck-campaign-');
});
afterAll(removeTempDirs);

const latest = (paths: CampaignPaths): string => join(paths.reports, 'latest');
const results = (folder: string): CampaignReport => JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as CampaignReport;

function campaign(name: string, args: readonly string[], env?: NodeJS.ProcessEnv): { ran: Ran; paths: CampaignPaths; report: CampaignReport } {
  const paths = campaignPaths(dir, name);
  const ran = env === undefined ? runMain([...args, ...pathFlags(paths)]) : runMain([...args, ...pathFlags(paths)], env);
  return { ran, paths, report: results(latest(paths)) };
}

describe('a port campaign at the small scope', () => {
  let run: ReturnType<typeof campaign>;
  beforeAll(() => {
    run = campaign('port', [...SMALL, '--allocator', 'port']);
  });

  it('fails (exit 1) when the baseline accepts nothing, and says why on stdout', () => {
    expect(run.ran.status).toBe(1);
    expect(run.ran.stdout).toContain(`framecheck: ${run.report.findings.length} new findings — seed 1`);
    expect(run.ran.stdout).toMatch(/✗ new finding \S+ \(small\): \S+ @ \S+: /);
  });

  it('writes every report file in reports/latest, a symlink to the run folder', () => {
    const link = latest(run.paths);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const target = resolve(run.paths.reports, readdirSync(join(run.paths.reports, 'runs'))[0] as string);
    expect(target).toMatch(/seed1$/);
    for (const file of ['results.json', 'summary.md', 'junit.xml', 'report.html']) {
      expect(statSync(join(link, file)).size, file).toBeGreaterThan(0);
    }
    // no temporary files of the atomic writes are left behind
    expect(readdirSync(link).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('records a complete campaign with its seed, target and runs', () => {
    const { report } = run;
    expect(report.format).toBe('framecheck-results');
    expect(report.status).toBe('complete');
    expect(report.seed).toBe('1');
    expect(report.target.allocator).toBe('port');
    // one search per scope, to the end of its runs: findings do not stop it
    expect(report.scopes.map((scope) => [scope.name, scope.completed])).toEqual([['small', true]]);
    expect(report.scopes[0]?.runs).toBe(300);
    expect(report.verdict.exitCode).toBe(1);
    expect(report.replayCommand).toContain('--seed 1');
  });

  it('finds the known defects, each with a counterexample file that exists and reads back', () => {
    const { report } = run;
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) {
      expect(KNOWN_IDS).toContain(finding.id);
      expect(finding.known).toBe(true);
      expect(finding.baselined).toBe(false);
      const file = join(latest(run.paths), finding.counterexample);
      expect(existsSync(file), file).toBe(true);
      const loaded = readCounterexample(file);
      expect(loaded.content.finding.id).toBe(finding.id);
      expect(loaded.content.finding.signature).toBe(finding.signature);
      expect(loaded.content.target).toMatchObject({ allocator: 'port', scope: 'small', maxFrames: 512 });
      expect(loaded.steps.length).toBeGreaterThan(0);
      expect(loaded.steps.length).toBe(loaded.content.steps.length);
    }
    // each finding (name and signature) once per scope
    expect(new Set(report.findings.map((finding) => `${finding.id} ${finding.signature}`)).size).toBe(report.findings.length);
    expect(report.verdict.reasons.filter((reason) => reason.startsWith('new finding'))).toHaveLength(report.findings.length);
    expect(report.verdict.newFindings).toBe(report.findings.length);
  });

  it('junit.xml has a failing <testcase> per broken property', () => {
    const xml = readFileSync(join(latest(run.paths), 'junit.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    const cases = xml.match(/<testcase /g) ?? [];
    const failures = xml.match(/<failure message=/g) ?? [];
    expect(cases.length).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    const broken = run.report.properties.filter((property) => !property.passed);
    expect(failures.length).toBeGreaterThanOrEqual(broken.length);
    for (const finding of run.report.findings) expect(xml).toContain(finding.id);
  });

  it('summary.md and report.html name the findings', () => {
    const summary = readFileSync(join(latest(run.paths), 'summary.md'), 'utf8');
    const html = readFileSync(join(latest(run.paths), 'report.html'), 'utf8');
    expect(summary).toContain(run.report.verdict.headline);
    for (const finding of run.report.findings) {
      expect(summary).toContain(finding.id);
      expect(html).toContain(finding.id);
    }
  });

  it('adds each finding to the regression corpus as <finding>.<signature hash>.small.json', () => {
    const names = readdirSync(run.paths.corpus).sort();
    expect(names).toEqual(run.report.findings.map((finding) => finding.counterexample.replace('counterexamples/', '')).sort());
    for (const name of names) expect(name).toMatch(/^[a-z-]+\.[0-9a-f]{8}\.small\.json$/);
    for (const name of names) expect(readCounterexample(join(run.paths.corpus, name)).content.target.allocator).toBe('port');
  });

  it('replays the corpus first in the next campaign, and every entry still fails on the port', () => {
    const before = readdirSync(run.paths.corpus).sort().map((name) => readFileSync(join(run.paths.corpus, name), 'utf8'));
    const again = runMain(['--scope', 'small', '--runs', '50', '--seed', '2', '--no-corpus-write', ...pathFlags(run.paths)]);
    const report = results(latest(run.paths));
    expect(report.seed).toBe('2');
    expect(again.stderr).toMatch(/regression corpus and accepted counterexamples: \d+ replayed, \d+ still fail/);
    expect(report.regressions.length).toBe(before.length);
    expect(report.regressions.length).toBeGreaterThan(0);
    for (const replay of report.regressions) {
      expect(replay.reproduces, replay.file).toBe(true);
      expect(replay.outcome).toBe(`fails with ${replay.findingId}: ${replay.signature}`);
      expect(replay.baselined).toBe(false);
    }
    expect(again.status).toBe(1);
    expect(report.verdict.reasons.some((reason) => reason.startsWith('regression '))).toBe(true);
    // --no-corpus-write: the corpus is unchanged
    expect(readdirSync(run.paths.corpus).sort().map((name) => readFileSync(join(run.paths.corpus, name), 'utf8'))).toEqual(before);
    const xml = readFileSync(join(latest(run.paths), 'junit.xml'), 'utf8');
    expect(xml).toContain('framecheck regression corpus');
  });

  it('the same corpus replayed on the corrected allocator no longer reproduces', () => {
    const paths = { ...campaignPaths(dir, 'corpus-on-corrected'), corpus: run.paths.corpus };
    const ran = runMain(['--scope', 'small', '--runs', '50', '--seed', '2', '--allocator', 'corrected', '--no-corpus-write', ...pathFlags(paths)]);
    const report = results(latest(paths));
    expect(report.regressions.length).toBeGreaterThan(0);
    for (const replay of report.regressions) {
      expect(replay.reproduces, replay.file).toBe(false);
      expect(replay.outcome).toBe('passes');
    }
    expect(report.findings).toEqual([]);
    expect(ran.status).toBe(0);
  });
});

describe('the baseline', () => {
  const portFound = (): { paths: CampaignPaths; report: CampaignReport } => {
    const found = campaign('port-found', [...SMALL, '--allocator', 'port', '--no-corpus-write']);
    return { paths: found.paths, report: found.report };
  };

  it('a baseline accepting every signature the port shows makes the campaign pass (exit 0), said the same way everywhere', () => {
    const found = portFound();
    const paths = { ...campaignPaths(dir, 'port-baselined'), baseline: join(found.paths.reports, '..', 'accepting-baseline.json') };
    writeBaseline(paths.baseline, { port: acceptedFrom(latest(found.paths), found.report) });
    const ran = runMain([...SMALL, '--allocator', 'port', ...pathFlags(paths)]);
    const report = results(latest(paths));
    const distinct = report.findings.length;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding) => finding.baselined)).toBe(true);
    expect(report.fixedBaselined).toEqual([]);
    const headline = `no new finding; ${distinct} known findings accepted by the baseline`;
    expect(report.verdict).toEqual({ exitCode: 0, headline, newFindings: 0, acceptedFindings: distinct, reasons: [] });
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`framecheck: ${headline} — seed 1`);
    expect(readFileSync(join(latest(paths), 'summary.md'), 'utf8')).toContain(headline);
    expect(readFileSync(join(latest(paths), 'report.html'), 'utf8')).toContain(headline);
    const xml = readFileSync(join(latest(paths), 'junit.xml'), 'utf8');
    expect(xml).toContain(headline);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<skipped type="pytest.xfail" message="known failure, accepted by the baseline:');
    // The top-level counts are the counts of the test cases in the file.
    const cases = (xml.match(/<testcase /g) ?? []).length;
    const skipped = (xml.match(/<skipped /g) ?? []).length;
    expect(xml).toMatch(new RegExp(`<testsuites name="framecheck" tests="${cases}" failures="0" skipped="${skipped}"`));
    // Properties broken only by accepted findings say so, the same way in summary.md.
    const summary = readFileSync(join(latest(paths), 'summary.md'), 'utf8');
    expect(summary).toContain('fails (accepted by the baseline)');
    expect(summary).not.toContain('all properties hold');
  });

  it('a baseline for another allocator does not excuse the port', () => {
    const found = portFound();
    const paths = { ...campaignPaths(dir, 'port-other-baseline'), baseline: join(found.paths.reports, '..', 'other-baseline.json') };
    writeBaseline(paths.baseline, { corrected: acceptedFrom(latest(found.paths), found.report) });
    const ran = runMain([...SMALL, '--allocator', 'port', ...pathFlags(paths)]);
    expect(ran.status).toBe(1);
    expect(results(latest(paths)).findings.some((finding) => finding.baselined)).toBe(false);
  });

  it('an accepted signature does not excuse a different failure of the same finding id', () => {
    const found = portFound();
    const paths = { ...campaignPaths(dir, 'port-other-signature'), baseline: join(found.paths.reports, '..', 'renamed-baseline.json') };
    writeBaseline(paths.baseline, { port: acceptedFrom(latest(found.paths), found.report).map((entry) => ({ ...entry, signature: `${entry.signature} (another shape)` })) });
    const ran = runMain([...SMALL, '--allocator', 'port', '--no-ci', ...pathFlags(paths)]);
    expect(ran.status).toBe(1);
    expect(results(latest(paths)).findings.some((finding) => finding.baselined)).toBe(false);
  });

  it('the corrected allocator has no findings (exit 0)', () => {
    const { ran, report } = campaign('corrected', ['--scope', 'small', '--runs', '2000', '--seed', '1', '--allocator', 'corrected']);
    expect(report.findings).toEqual([]);
    expect(report.properties.every((property) => property.passed)).toBe(true);
    expect(report.scopes[0]?.runs).toBe(2000);
    expect(report.verdict).toEqual({ exitCode: 0, headline: 'all properties hold', newFindings: 0, acceptedFindings: 0, reasons: [] });
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('framecheck: all properties hold — seed 1');
  });

  describe('an accepted finding that no longer reproduces', () => {
    /** A baseline that accepts, for the corrected allocator, a port counterexample: replayed on the corrected allocator it passes. */
    const stale = (name: string): CampaignPaths => {
      const found = portFound();
      const paths = { ...campaignPaths(dir, name), baseline: join(found.paths.reports, '..', `${name}.json`) };
      writeBaseline(paths.baseline, { corrected: acceptedFrom(latest(found.paths), found.report).slice(0, 1) });
      return paths;
    };

    it('fails the run in CI mode, naming the signature and the --baseline file', () => {
      const paths = stale('stale-baseline-ci');
      const ran = runMain([...SMALL, '--allocator', 'corrected', '--ci', ...pathFlags(paths)], {});
      const report = results(latest(paths));
      expect(ran.status).toBe(1);
      expect(report.fixedBaselined).toHaveLength(1);
      expect(report.verdict.reasons).toHaveLength(1);
      expect(report.verdict.reasons[0]).toContain(`accepted finding no longer reproduces: ${report.fixedBaselined[0] as string}`);
      expect(report.verdict.reasons[0]).toContain(paths.baseline);
      // Its counterexample was replayed first, and passes on the corrected allocator.
      expect(report.regressions.map((replay) => replay.outcome)).toEqual(['passes']);
    });

    it('passes without CI=true on a terminal, where CI mode is off by default', () => {
      expect(runMain([...SMALL, '--allocator', 'corrected', ...pathFlags(stale('stale-baseline-tty'))], {}, true).status).toBe(0);
    });

    it('fails when CI=true in the environment turns CI mode on', () => {
      expect(runMain([...SMALL, '--allocator', 'corrected', ...pathFlags(stale('stale-baseline-env'))], { CI: 'true' }, true).status).toBe(1);
    });

    it('passes with --no-ci', () => {
      const paths = stale('stale-baseline-no-ci');
      const ran = runMain([...SMALL, '--allocator', 'corrected', '--no-ci', ...pathFlags(paths)], { CI: 'true' });
      const report = results(latest(paths));
      expect(report.fixedBaselined).toHaveLength(1);
      expect(report.verdict.exitCode).toBe(0);
      expect(ran.status).toBe(0);
    });
  });
});

describe('where the baseline and the corpus are', () => {
  it('--reports moves only the run folders: the baseline and the corpus stay at their defaults', () => {
    const reports = join(dir, 'elsewhere');
    const ran = runMain([...SMALL, '--reports', reports, '--no-corpus-write']);
    const report = results(join(reports, 'latest'));
    // The default baseline (reports/baseline.json) accepts the port's findings, and the default corpus was replayed.
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding) => finding.baselined)).toBe(true);
    expect(report.regressions.length).toBe(readdirSync(resolve('reports', 'regressions')).length);
    expect(ran.status).toBe(0);
    expect(existsSync(join(reports, 'baseline.json'))).toBe(false);
    expect(existsSync(join(reports, 'regressions'))).toBe(false);
  });

  it.each([
    ['--baseline', 'no-such-baseline.json', 'no such baseline file'],
    ['--corpus', 'no-such-corpus', 'no such corpus folder'],
  ])('%s naming a path that does not exist is bad input (exit 2)', (flag, name, message) => {
    const paths = campaignPaths(dir, `missing-${name}`);
    const missing = join(dir, name);
    const ran = runMain([...SMALL, ...pathFlags(paths), flag, missing]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toBe(`framecheck: ${missing}: ${message} (leave out ${flag} to use ${flag === '--baseline' ? 'none' : 'the default'})\n`);
    expect(existsSync(paths.reports)).toBe(false);
  });
});

describe('output and determinism', () => {
  it('--format json prints results.json on stdout and nothing else', () => {
    const { ran, paths, report } = campaign('json', [...SMALL, '--format', 'json']);
    expect(ran.status).toBe(1);
    const printed = JSON.parse(ran.stdout) as CampaignReport;
    expect(printed).toEqual(report);
    expect(printed.status).toBe('complete');
    expect(ran.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
    // progress goes to stderr
    expect(ran.stderr).toContain('reproduce this campaign: npx framecheck --seed 1');
    expect(existsSync(join(latest(paths), 'results.json'))).toBe(true);
  });

  it('the same seed twice gives the same findings and the same counterexample steps', () => {
    const first = campaign('determinism-1', [...SMALL, '--no-corpus-write']);
    const second = campaign('determinism-2', [...SMALL, '--no-corpus-write']);
    expect(first.ran.status).toBe(second.ran.status);
    const summary = (report: CampaignReport) => report.findings.map((finding) => [finding.id, finding.scope, finding.property, finding.message]);
    expect(summary(second.report)).toEqual(summary(first.report));
    expect(first.report.findings.length).toBeGreaterThan(0);
    expect(second.report.scopes.map((scope) => [scope.runs, scope.steps])).toEqual(first.report.scopes.map((scope) => [scope.runs, scope.steps]));
    for (const finding of first.report.findings) {
      const a = readCounterexample(join(latest(first.paths), finding.counterexample)).content;
      const b = readCounterexample(join(latest(second.paths), finding.counterexample)).content;
      expect(b.steps, finding.id).toEqual(a.steps);
      expect(b.replay, finding.id).toEqual(a.replay);
      expect(b.divergingStep).toBe(a.divergingStep);
    }
  });

  it('a different seed is recorded as such', () => {
    const { report } = campaign('seed-7', ['--scope', 'small', '--runs', '100', '--seed', '7', '--no-corpus-write']);
    expect(report.seed).toBe('7');
    expect(readdirSync(join(dir, 'seed-7', 'reports', 'runs'))[0]).toMatch(/-seed7$/);
  });
});

describe('sharding and merge', () => {
  it('shards 1/2 and 2/2 each run half, and merge sums their runs', () => {
    const shards = [1, 2].map((index) => campaign(`shard-${index}`, ['--scope', 'small', '--runs', '300', '--seed', '5', '--shard', `${index}/2`, '--no-corpus-write']));
    for (const [i, shard] of shards.entries()) {
      expect(shard.report.shard).toEqual({ index: i + 1, count: 2 });
      expect(shard.report.scopes[0]?.runs).toBe(150);
      expect(readdirSync(join(shard.paths.reports, 'runs'))[0]).toMatch(new RegExp(`-seed5-shard${i + 1}of2$`));
    }
    const out = join(dir, 'merged');
    const ran = runMain(['merge', ...shards.map((shard) => latest(shard.paths)), '--out', out]);
    const merged = results(out);
    const sum = (key: 'runs' | 'steps') => shards.reduce((total, shard) => total + (shard.report.scopes[0]?.[key] ?? 0), 0);
    expect(merged.scopes).toHaveLength(1);
    expect(merged.scopes[0]?.runs).toBe(300);
    expect(merged.scopes[0]?.runs).toBe(sum('runs'));
    expect(merged.scopes[0]?.steps).toBe(sum('steps'));
    expect(merged.scopes[0]?.statistics.generatedRuns).toBe(sum('runs'));
    expect(merged.shard).toBeNull();
    expect(merged.seed).toBe('5');
    // Every finding of every shard, by name, signature and scope: one name failing two ways in two shards is two findings.
    const keyOf = (finding: { id: string; signature: string; scope: string }): string => `${finding.id} ${finding.signature} ${finding.scope}`;
    const keys = new Set(shards.flatMap((shard) => shard.report.findings.map(keyOf)));
    expect(new Set(merged.findings.map(keyOf))).toEqual(keys);
    expect(merged.findings).toHaveLength(keys.size);
    for (const finding of merged.findings) expect(existsSync(join(out, finding.counterexample)), finding.counterexample).toBe(true);
    for (const file of ['summary.md', 'junit.xml', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);
    expect(ran.status).toBe(merged.verdict.exitCode);
    expect(ran.stdout).toContain(`merged 2 shards into ${out}: ${merged.verdict.headline}`);
    expect(merged.replayCommand).not.toContain("--shard");
    expect(merged.scopes[0]?.plannedRuns).toBe(300);
  });

  it('shards of a campaign without findings split the runs exactly', () => {
    const shards = [1, 2, 3].map((index) => campaign(`exact-shard-${index}`, ['--scope', 'small', '--runs', '300', '--seed', '9', '--shard', `${index}/3`, '--allocator', 'corrected']));
    for (const shard of shards) expect(shard.report.scopes[0]?.runs).toBe(100);
    const out = join(dir, 'merged-exact');
    expect(runMain(['merge', ...shards.map((shard) => latest(shard.paths)), '--out', out]).status).toBe(0);
    expect(results(out).scopes[0]?.runs).toBe(300);
  });

  it('merge refuses shards of different campaigns', () => {
    const a = campaign('mismatch-a', ['--scope', 'small', '--runs', '20', '--seed', '5', '--shard', '1/2', '--allocator', 'corrected']);
    const b = campaign('mismatch-b', ['--scope', 'small', '--runs', '20', '--seed', '6', '--shard', '2/2', '--allocator', 'corrected']);
    const out = join(dir, 'merged-mismatch');
    const ran = runMain(['merge', latest(a.paths), latest(b.paths), '--out', out]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/^framecheck: .*results\.json: a shard of another campaign .*seed 6.*seed 5\)\n$/);
    expect(existsSync(out)).toBe(false);
  });
});
