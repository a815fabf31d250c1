// report.html in a real browser: Debian's Chromium, headless, loads the page the campaign wrote and
// must show, in this order, the verdict, one row per finding by severity, the distributions as
// charts, the properties and each finding with its steps, counters and frame map — and log no
// error. Without Chromium the browser tests are skipped, except in CI mode (CI=true), where the file
// fails with one line (test/helpers/tools.ts): .ci/run installs it. The size test needs no browser.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaignCommand, type RunOptions } from '../../src/cli/run-command.js';
import { campaignOptions } from '../cli/helpers.js';
import { findCommand, skipWithoutTool } from '../helpers/tools.js';

const chromium = findCommand(['chromium', 'chromium-browser', 'google-chrome']);
// In CI mode a missing Chromium throws here: the file fails with one line (test/helpers/tools.ts).
const skipped = skipWithoutTool('Chromium', chromium === undefined ? 'none of chromium, chromium-browser, google-chrome is on PATH' : undefined);
const dir = mkdtempSync(join(tmpdir(), 'framecheck-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function campaign(allocator: string, name: string, runs: RunOptions['runs']): string {
  const reportsDir = join(dir, name);
  const options = campaignOptions(allocator, reportsDir, runs);
  runCampaignCommand(options, () => undefined);
  return join(reportsDir, 'latest', 'report.html');
}

const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--enable-logging=stderr', '--v=0'];

function load(page: string): { dom: string; log: string } {
  const result = spawnSync(chromium as string, [...BROWSER_FLAGS, '--dump-dom', `file://${page}`], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return { dom: result.stdout, log: result.stderr };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

// The default campaign (10,000 and 1,000 runs), every finding of the port: the page the tests read.
const portPage = campaign('port', 'port', { small: 10_000, full: 1_000 });

describe('report.html size', () => {
  it('a default campaign writes a report under 300 KB', () => {
    const page = portPage;
    const html = readFileSync(page, 'utf8');
    expect((html.match(/<section class="finding"/g) ?? []).length).toBeGreaterThanOrEqual(16);
    expect(statSync(page).size).toBeLessThan(300 * 1024);
  });
});

describe.skipIf(skipped !== undefined)(`report.html in headless ${chromium ?? `Chromium (skipped: ${skipped ?? ''})`}`, () => {
  beforeAll(() => {
    expect(chromium, 'Chromium is required for the report.html browser test in CI mode (apt-get install chromium)').toBeDefined();
  });
  const results = JSON.parse(readFileSync(join(dir, 'port', 'latest', 'results.json'), 'utf8')) as { findings: { id: string; signature: string; scope: string; severity: string; counterexample: string }[] };
  const portDom = chromium === undefined ? '' : load(portPage).dom;
  const section = (id: string, scope: string): string => portDom.split('<section class="finding"').find((candidate) => candidate.includes(`${id} <small>`) && candidate.includes(`${scope} scope`)) ?? '';

  it('loads without an error in the browser console', () => {
    const { log } = load(portPage);
    const consoleErrors = log.split('\n').filter((line) => /CONSOLE|Uncaught|Failed to load resource/.test(line));
    expect(consoleErrors).toEqual([]);
  });

  it('shows the verdict first, then the findings, the distributions, the properties and each finding', () => {
    const order = ['<header id="verdict"', '<section id="overview"', '<section id="distributions"', '<section id="properties"', '<section id="finding-details"'].map((marker) => portDom.indexOf(marker));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(portDom.slice(order[0], order[1])).toMatch(/<span class="fail">\d+ new findings<\/span>/);
  });

  it('lists one row per finding, the most severe first, with its scopes, status, steps and replay command', () => {
    const overview = portDom.slice(portDom.indexOf('<table class="overview">'), portDom.indexOf('</table>', portDom.indexOf('<table class="overview">')));
    const rows = overview.split('<tr class="').slice(1);
    const signatures = [...new Set(results.findings.map((finding) => finding.signature))];
    expect(rows).toHaveLength(signatures.length);
    const severities = rows.map((row) => row.match(/<td>(critical|high|medium|low)<\/td>/)?.[1] ?? 'unclassified');
    const ranks = severities.map((severity) => SEVERITIES.indexOf(severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    for (const signature of signatures) {
      const found = results.findings.filter((finding) => finding.signature === signature);
      const row = rows.find((candidate) => found.some((finding) => candidate.includes(`npx framecheck replay ${finding.counterexample}<`))) ?? '';
      expect(row, signature).toContain(`>${found[0]?.id}</a>`);
      for (const { scope } of found) expect(row).toContain(`>${scope}</a>`);
      expect(row).toMatch(/<td>NEW<\/td><td>\d+<\/td>/);
    }
  });

  it('charts, per scope, the label shares against their minimums, sequence lengths, peak memory use and outcomes per call', () => {
    for (const scope of ['small', 'full']) {
      for (const chart of ['coverage', 'sequence-lengths', 'peak-memory', 'outcomes']) expect(portDom, `${scope} ${chart}`).toContain(`data-chart="${chart}" data-scope="${scope}"`);
      for (const label of ['sequence lengths', 'peak memory used', 'outcomes per call']) expect(portDom).toContain(`aria-label="${scope} ${label}"`);
    }
    expect(portDom.match(/aria-label="[a-z-]+ \d+\.\d%"/g)?.length).toBeGreaterThanOrEqual(20);
    expect(portDom).toMatch(/<text[^>]*>allocate<\/text>/);
  });

  it('shows every finding with its step table, the diverging step marked, the counters and a frame map or a sentence', () => {
    const sections = portDom.split('<section class="finding"').slice(1);
    expect(sections).toHaveLength(results.findings.length);
    for (const finding of results.findings) {
      const found = sections.find((candidate) => candidate.includes(`framecheck replay ${finding.counterexample}<`)) ?? '';
      expect(found, finding.id).toContain('<tr class="diverging">');
      expect(found).toContain('aria-label="counters over the steps"');
      expect(found.includes('aria-label="frame map"') || found.includes('class="frame-map one-colour"')).toBe(true);
      expect(found).toContain(`framecheck replay ${finding.counterexample}`);
    }
  });

  it('draws the words the counterexample touched, the memory map under them, and where allocator and model disagree', () => {
    const found = section('reserve-misses-last-frame-of-unaligned-range', 'small');
    expect(found).toContain('Bitmap words 0–0 of 8');
    expect(found).toContain('class="differs"');
    expect(found).toContain('Frame(1): model reserved, bitmap free');
    // The map's Usable region is a strip under the word.
    expect(found).toContain('<path fill="#2a7a2a"');
    // One path per colour, not one element per frame.
    const map = found.slice(found.indexOf('aria-label="frame map"'), found.indexOf('</svg>', found.indexOf('aria-label="frame map"')));
    expect(map.match(/<path/g)?.length).toBeLessThan(10);
    expect(map).not.toContain('<rect');
  });

  it('says in a sentence what a one-colour map would show', () => {
    const found = section('allocate-specific-reports-frame-in-use-outside-usable-memory', 'small');
    expect(found).toMatch(/Frame map: every frame of Frame\(0\)–Frame\(\d+\) is never-usable in the model and the bitmap agrees; the step acted on Frame\(\d+\)/);
    expect(found).not.toContain('aria-label="frame map"');
  });

  it('renders to a non-empty picture', () => {
    const png = join(dir, 'report.png');
    execFileSync(chromium as string, [...BROWSER_FLAGS, '--window-size=1200,1600', `--screenshot=${png}`, `file://${portPage}`], { stdio: 'pipe', timeout: 60_000 });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(20_000);
  });

  it('says so when every property holds', () => {
    const { dom } = load(campaign('corrected', 'corrected', { small: 300, full: 20 }));
    expect(dom).toContain('all properties hold');
    expect(dom).toContain('<h2>Findings (0)</h2>');
    expect(dom).toContain('data-chart="outcomes" data-scope="small"');
  });
});
