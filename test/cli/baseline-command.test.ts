// framecheck baseline show|accept|prune on real counterexamples: a small port campaign's findings
// accepted (one file, then its whole report folder), shown, and then accepted by a campaign with
// that baseline; prune replays each accepted counterexample and drops what no longer shows.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBaseline } from '../../src/files/baseline.js';
import { readCounterexample } from '../../src/files/counterexample-file.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { campaignPaths, pathFlags, removeTempDirs, runMain, tempDir, type Ran } from './helpers.js';

const CAMPAIGN = ['--scope', 'small', '--runs', '100', '--seed', '1', '--no-corpus-write'];

let dir: string;
let firstReport: string;
let first: CampaignReport;

/** A campaign with an empty corpus and the baseline given (by default one that accepts nothing). */
function campaign(name: string, baseline?: string): { ran: Ran; report: CampaignReport; folder: string } {
  const paths = campaignPaths(dir, name);
  const ran = runMain([...CAMPAIGN, ...pathFlags({ ...paths, baseline: baseline ?? paths.baseline })]);
  const folder = join(paths.reports, 'latest');
  return { ran, folder, report: JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as CampaignReport };
}

const baselineCommand = (...args: string[]): Ran => runMain(['baseline', ...args]);
const signatures = (file: string, allocator = 'port'): string[] => (readBaseline(file, true).accepted.get(allocator) ?? []).map((entry) => entry.signature);

/** A baseline in a folder of its own that accepts every finding of the first campaign. */
function acceptingFirstCampaign(name: string): string {
  const baseline = join(dir, name, 'baseline.json');
  expect(baselineCommand('accept', firstReport, '--baseline', baseline).status).toBe(0);
  return baseline;
}

/** Bad input: exit 2, one line on stderr naming the problem, nothing on stdout. */
function expectBadInput(ran: Ran, text: string): void {
  expect(ran.status).toBe(2);
  expect(ran.stdout).toBe('');
  expect(ran.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(ran.stderr).toContain(text);
}

beforeAll(() => {
  dir = tempDir('framecheck-baseline-');
  const run = campaign('first');
  expect(run.ran.status).toBe(1);
  first = run.report;
  firstReport = run.folder;
});
afterAll(removeTempDirs);

describe('baseline accept, show, and a campaign with the result', () => {
  let baseline: string;
  beforeAll(() => {
    // in a folder that does not exist yet: accept creates both
    baseline = join(dir, 'team', 'baseline.json');
  });

  it('accepts one counterexample file into a new baseline, copying it beside the baseline', () => {
    const finding = first.findings[0] as CampaignReport['findings'][number];
    const ran = baselineCommand('accept', join(firstReport, finding.counterexample), '--baseline', baseline, '--reason', 'a seed defect the port keeps');
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    const entries = readBaseline(baseline, true).accepted.get('port') ?? [];
    expect(entries).toHaveLength(1);
    const entry = entries[0] as (typeof entries)[number];
    expect(entry).toMatchObject({ id: finding.id, signature: finding.signature, profile: 'debug', reason: 'a seed defect the port keeps' });
    // the report folder is campaign output: the baseline points at its own copy, by a relative path
    expect(entry.counterexample).toMatch(/^regressions\/[^/]+\.small\.json$/);
    const copy = readCounterexample(join(dirname(baseline), entry.counterexample));
    expect(copy.content.finding.signature).toBe(finding.signature);
    expect(ran.stdout).toBe(`added for port (debug): ${finding.id} | ${finding.signature} | ${entry.counterexample} | a seed defect the port keeps\n${baseline}: 1 added, 1 accepted finding in all\n`);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toMatchObject({ format: 'framecheck-baseline', version: 2 });
  });

  it('accepting the same signature again changes nothing and says so', () => {
    const before = readFileSync(baseline, 'utf8');
    const finding = first.findings[0] as CampaignReport['findings'][number];
    const ran = baselineCommand('accept', join(firstReport, finding.counterexample), '--baseline', baseline);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`already accepted for port (debug): ${finding.id} | ${finding.signature}`);
    expect(ran.stdout).toContain(`${baseline}: no change`);
    expect(readFileSync(baseline, 'utf8')).toBe(before);
  });

  it('accepts a whole report folder: every signature the campaign found, once each', () => {
    const ran = baselineCommand('accept', firstReport, '--baseline', baseline);
    expect(ran.status).toBe(0);
    const found = [...new Set(first.findings.map((finding) => finding.signature))];
    expect(found.length).toBeGreaterThan(1);
    expect(signatures(baseline).sort()).toEqual([...found].sort());
    expect(ran.stdout.match(/^added for port \(debug\): /gm)).toHaveLength(found.length - 1);
    expect(ran.stdout.match(/^already accepted for port \(debug\): /gm)).toHaveLength(1);
    expect(ran.stdout).toContain(`${baseline}: ${found.length - 1} added, ${found.length} accepted findings in all`);
    // every entry's counterexample is a file inside the baseline's folder; no temporary file is left
    for (const entry of readBaseline(baseline, true).accepted.get('port') ?? []) expect(existsSync(join(dirname(baseline), entry.counterexample)), entry.counterexample).toBe(true);
    expect(readdirSync(dirname(baseline)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('show lists each accepted finding on one line, per allocator and profile, and the count', () => {
    const ran = baselineCommand('show', '--baseline', baseline);
    expect(ran.status).toBe(0);
    const entries = readBaseline(baseline, true).accepted.get('port') ?? [];
    const lines = ran.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`port (debug): ${entries.length}`);
    expect(lines.slice(1, -1)).toEqual(entries.map((entry) => `  ${entry.id} | ${entry.signature} | ${entry.counterexample} | ${entry.reason}`));
    expect(lines.at(-1)).toBe(`${baseline}: ${entries.length} accepted findings`);
  });

  it('a campaign with that baseline finds the same failures and passes (exit 0)', () => {
    const run = campaign('accepted', baseline);
    expect(run.ran.status).toBe(0);
    expect(run.report.findings.length).toBeGreaterThan(0);
    expect(run.report.findings.every((finding) => finding.baselined)).toBe(true);
    expect(run.report.verdict.headline).toMatch(/^no new finding; \d+ known findings? accepted by the baseline$/);
    // the accepted counterexamples were replayed first and still fail as recorded
    expect(run.report.regressions.length).toBe(signatures(baseline).length);
    expect(run.report.regressions.every((replay) => replay.reproduces && replay.baselined)).toBe(true);
  });

  it('keeps a counterexample that is already inside the baseline folder where it is', () => {
    const finding = first.findings[1] as CampaignReport['findings'][number];
    const own = join(dir, 'own');
    mkdirSync(join(own, 'kept'), { recursive: true });
    cpSync(join(firstReport, finding.counterexample), join(own, 'kept', 'mine.json'));
    const ran = baselineCommand('accept', join(own, 'kept', 'mine.json'), '--baseline', join(own, 'baseline.json'), '--allocator', 'seed');
    expect(ran.status).toBe(0);
    expect(readBaseline(join(own, 'baseline.json'), true).accepted.get('seed')?.map((entry) => entry.counterexample)).toEqual(['kept/mine.json']);
    expect(existsSync(join(own, 'regressions'))).toBe(false);
  });
});

describe('baseline accept on a version 1 baseline (bare ids)', () => {
  it('writes it again as version 2, keeping the reasons of the ids it accepts and naming those it drops', () => {
    const folder = join(dir, 'version1');
    mkdirSync(folder);
    const file = join(folder, 'baseline.json');
    const kept = first.findings[0] as CampaignReport['findings'][number];
    const accepted = { port: [{ id: kept.id, reason: 'kept from version 1' }, { id: 'a-finding-long-fixed', reason: 'gone' }] };
    writeFileSync(file, JSON.stringify({ format: 'framecheck-baseline', version: 1, accepted }));
    const ran = baselineCommand('accept', join(firstReport, kept.counterexample), '--baseline', file);
    expect(ran.status).toBe(0);
    expect(readBaseline(file, true).accepted.get('port')).toEqual([expect.objectContaining({ id: kept.id, signature: kept.signature, reason: 'kept from version 1' })]);
    expect(ran.stdout).toContain('version 1 entries for port not carried over (no counterexample of theirs accepted): a-finding-long-fixed\n');
    expect(ran.stdout).toContain(`${file}: 1 added, 1 accepted finding in all (written again as version 2)\n`);
  });
});

describe('baseline prune', () => {
  let baseline: string;
  let portEntries: number;
  beforeAll(() => {
    baseline = acceptingFirstCampaign('prune');
    portEntries = signatures(baseline).length;
    // A port counterexample accepted for the corrected allocator: there, it passes.
    const fixed = first.findings.find((finding) => finding.id === 'init-frees-frames-of-reserved-regions');
    expect(fixed).toBeDefined();
    expect(baselineCommand('accept', join(firstReport, (fixed as CampaignReport['findings'][number]).counterexample), '--baseline', baseline, '--allocator', 'corrected').status).toBe(0);
  });

  it('--dry-run prints what it would remove and writes nothing', () => {
    const before = readFileSync(baseline, 'utf8');
    const ran = baselineCommand('prune', '--baseline', baseline, '--dry-run');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('would remove for corrected (debug): init-frees-frames-of-reserved-regions | counters-match-model @ init: free_count above, total_count above');
    expect(ran.stdout).toContain('  passes now on corrected');
    expect(ran.stdout).toContain(`${baseline}: 1 would be removed, ${portEntries} still shown by their counterexamples (dry run: nothing written)`);
    expect(readFileSync(baseline, 'utf8')).toBe(before);
  });

  it('drops the entry that passes now and keeps those that still fail as accepted', () => {
    const ran = baselineCommand('prune', '--baseline', baseline);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('removed for corrected (debug): init-frees-frames-of-reserved-regions');
    expect(ran.stdout).toContain(`${baseline}: 1 removed, ${portEntries} still shown by their counterexamples`);
    const after = readBaseline(baseline, true);
    expect(after.accepted.has('corrected')).toBe(false);
    expect(after.accepted.get('port')).toHaveLength(portEntries);
    // nothing left to drop
    expect(baselineCommand('prune', '--baseline', baseline).stdout).toBe(`${baseline}: no change (${portEntries} replayed, every one still shows its signature)\n`);
  });

  it('drops an entry whose counterexample fails another way, naming the new signature', () => {
    const finding = first.findings.find((candidate) => candidate.id === 'init-frees-frames-of-reserved-regions') as CampaignReport['findings'][number];
    const folder = join(dir, 'another-way');
    mkdirSync(folder);
    const file = join(folder, 'relabelled.json');
    const content = JSON.parse(readFileSync(join(firstReport, finding.counterexample), 'utf8')) as { finding: { signature: string } };
    content.finding.signature = 'counters-match-model @ init: free_count below, total_count below';
    writeFileSync(file, JSON.stringify(content));
    const own = join(folder, 'baseline.json');
    expect(baselineCommand('accept', file, '--baseline', own).status).toBe(0);
    const ran = baselineCommand('prune', '--baseline', own, '--allocator', 'port');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('removed for port (debug): init-frees-frames-of-reserved-regions | counters-match-model @ init: free_count below, total_count below | relabelled.json');
    expect(ran.stdout).toContain(`  fails another way on port (debug): init-frees-frames-of-reserved-regions | ${finding.signature}`);
    expect(readBaseline(own, true).accepted.size).toBe(0);
  });

  it('--allocator prunes that allocator only', () => {
    const ran = baselineCommand('prune', '--baseline', baseline, '--allocator', 'corrected');
    expect(ran.stdout).toBe(`${baseline}: no change (0 replayed, every one still shows its signature)\n`);
  });
});

describe('baseline: bad input exits 2 with one line and writes nothing', () => {
  let baseline: string;
  let before: string;
  beforeAll(() => {
    baseline = acceptingFirstCampaign('bad');
    before = readFileSync(baseline, 'utf8');
  });

  it('a file that is not a counterexample', () => {
    expectBadInput(baselineCommand('accept', join(firstReport, 'results.json'), '--baseline', baseline), 'not a framecheck counterexample');
  });

  it('a counterexample without finding.signature (written before signatures)', () => {
    const file = join(dir, 'bad', 'unsigned.json');
    const content = JSON.parse(readFileSync(join(firstReport, (first.findings[0] as CampaignReport['findings'][number]).counterexample), 'utf8')) as { finding: Record<string, unknown> };
    delete content.finding.signature;
    writeFileSync(file, JSON.stringify(content));
    expectBadInput(baselineCommand('accept', file, '--baseline', baseline), `${file}: no "finding.signature"`);
  });

  it('a bad file among good ones: nothing is accepted', () => {
    const other = join(dir, 'bad-mix', 'baseline.json');
    expectBadInput(baselineCommand('accept', join(firstReport, (first.findings[0] as CampaignReport['findings'][number]).counterexample), join(dir, 'nowhere.json'), '--baseline', other), 'no such file');
    // neither the baseline nor a copy of the good counterexample was written
    expect(existsSync(dirname(other))).toBe(false);
  });

  it('a folder that is not a report folder', () => {
    expectBadInput(baselineCommand('accept', join(dir, 'first', 'corpus'), '--baseline', baseline), 'not a report folder (no results.json)');
  });

  it('no action, an unknown action, an unknown flag, an empty reason, a flag of another action', () => {
    expectBadInput(baselineCommand(), 'baseline: give show, accept or prune');
    expectBadInput(baselineCommand('list'), 'baseline: unknown action "list"');
    expectBadInput(baselineCommand('show', '--bogus'), "Unknown option '--bogus'");
    expectBadInput(baselineCommand('accept', firstReport, '--reason', ' ', '--baseline', baseline), '--reason needs a text');
    expectBadInput(baselineCommand('show', '--dry-run'), 'baseline show: --dry-run does not apply');
    expectBadInput(baselineCommand('accept'), 'baseline accept: give counterexample files or a report folder');
    expectBadInput(baselineCommand('accept', firstReport, '--allocator', 'bogus', '--baseline', baseline), '--allocator must be');
  });

  it('a named baseline that does not exist, for show and prune', () => {
    expectBadInput(baselineCommand('show', '--baseline', join(dir, 'missing.json')), 'no such baseline file');
    expectBadInput(baselineCommand('prune', '--baseline', join(dir, 'missing.json')), 'no such baseline file');
  });

  it('prune with an accepted counterexample missing', () => {
    const folder = join(dir, 'lost');
    mkdirSync(folder);
    const lost = join(folder, 'baseline.json');
    writeFileSync(lost, before.replaceAll('"regressions/', '"gone/'));
    const unchanged = readFileSync(lost, 'utf8');
    expectBadInput(baselineCommand('prune', '--baseline', lost), 'is missing');
    expect(readFileSync(lost, 'utf8')).toBe(unchanged);
  });

  it('left the baseline as it was', () => {
    expect(readFileSync(baseline, 'utf8')).toBe(before);
  });

  it('--help lists the actions and the exit codes', () => {
    for (const ran of [baselineCommand('--help'), baselineCommand('prune', '--help'), runMain(['--help'])]) {
      expect(ran.status).toBe(0);
      expect(ran.stdout).toContain('framecheck baseline accept FILE|DIR... [--baseline FILE] [--reason TEXT] [--allocator NAME]');
      expect(ran.stdout).toContain('Exit codes: 0 done (changed or not), 2 bad usage or bad input (nothing written)');
    }
  });
});
