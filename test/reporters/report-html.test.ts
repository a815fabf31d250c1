// report.html in a real browser: Debian's Chromium, headless, loads the page the campaign wrote
// and must show every finding with its step table and frame map, the coverage chart, and log no
// error. Skipped (with the reason) only where Chromium is not installed; .ci/run installs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaignCommand, type RunOptions } from '../../src/cli/run-command.js';

const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'framecheck-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function campaign(allocator: string, name: string): string {
  const reportsDir = join(dir, name);
  const options: RunOptions = {
    seed: '1',
    fastCheckSeed: 1,
    runs: { small: 300, full: 20 },
    timeLimitMs: undefined,
    scopes: ['small', 'full'],
    spec: { allocator, profile: 'debug' },
    policy: {},
    reportsDir,
    corpusDir: join(reportsDir, 'corpus'),
    baselineFile: join(reportsDir, 'no-baseline.json'),
    baselineNamed: false,
    corpusNamed: false,
    format: 'text',
    memoryMapFiles: [],
    shard: null,
    ci: true,
    writeCorpus: false,
  };
  runCampaignCommand(options, () => undefined);
  return join(reportsDir, 'latest', 'report.html');
}

const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--enable-logging=stderr', '--v=0'];

function load(page: string): { dom: string; log: string } {
  const result = spawnSync(chromium as string, [...BROWSER_FLAGS, '--dump-dom', `file://${page}`], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return { dom: result.stdout, log: result.stderr };
}

describe.skipIf(chromium === undefined)(`report.html in headless ${chromium ?? 'Chromium (not installed: skipped)'}`, () => {
  const portPage = campaign('port', 'port');
  const results = JSON.parse(readFileSync(join(dir, 'port', 'latest', 'results.json'), 'utf8')) as { findings: { id: string; scope: string }[] };

  it('loads without an error in the browser console', () => {
    const { log } = load(portPage);
    const consoleErrors = log.split('\n').filter((line) => /CONSOLE|Uncaught|Failed to load resource/.test(line));
    expect(consoleErrors).toEqual([]);
  });

  it('shows every finding with its step table, the diverging step marked, and a frame map', () => {
    const { dom } = load(portPage);
    expect(results.findings.length).toBeGreaterThanOrEqual(8);
    const sections = dom.split('<section class="finding"').slice(1);
    expect(sections).toHaveLength(results.findings.length);
    for (const finding of results.findings) {
      const section = sections.find((candidate) => candidate.includes(`${finding.id} <small>`) && candidate.includes(`${finding.scope} scope`));
      expect(section, finding.id).toBeDefined();
      expect(section).toContain('<tr class="diverging">');
      expect(section).toContain('aria-label="frame map"');
      expect(section).toContain(`framecheck replay counterexamples/${finding.id}.${finding.scope}.json`);
    }
  });

  it('draws the frame where allocator and model disagree', () => {
    const { dom } = load(portPage);
    const section = dom.split('<section class="finding"').find((candidate) => candidate.includes('reserve-misses-last-frame-of-unaligned-range <small>'));
    expect(section).toContain('class="differs');
    expect(section).toMatch(/model reserved, bitmap free/);
  });

  it('charts the scenario coverage', () => {
    const { dom } = load(portPage);
    expect(dom).toContain('<table class="coverage">');
    expect(dom.match(/aria-label="[a-z-]+ \d+\.\d%"/g)?.length).toBeGreaterThanOrEqual(10);
  });

  it('renders to a non-empty picture', () => {
    const png = join(dir, 'report.png');
    execFileSync(chromium as string, [...BROWSER_FLAGS, '--window-size=1200,1600', `--screenshot=${png}`, `file://${portPage}`], { stdio: 'pipe', timeout: 60_000 });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(20_000);
  });

  it('says so when every property holds', () => {
    const { dom } = load(campaign('corrected', 'corrected'));
    expect(dom).toContain('all properties hold');
    expect(dom).toContain('<h2>Findings (0)</h2>');
  });
});
