// The parallel campaign end to end, on the fake version-2 driver (fixtures/fake-driver.ts): a
// planted race is found, shrunk to two threads and a few calls, written as a parallel
// counterexample that replay re-checks; the same driver without the race raises no false alarm;
// in-process targets, version-1 drivers and garbage answers are refused with one line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParallelCounterexampleFile } from '../../src/files/parallel-counterexample.js';
import { runParallelCampaign } from '../../src/parallel/campaign.js';
import { createParallelTarget } from '../../src/parallel/parallel-target.js';
import { decodeProgram } from '../../src/parallel/protocol.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { campaignPaths, pathFlags, removeTempDirs, runMain, tempDir, writeBaseline } from '../cli/helpers.js';

const FAKE = `node --import tsx ${join('test', 'parallel', 'fixtures', 'fake-driver.ts')} --max-frames {max_frames}`;

afterAll(removeTempDirs);

const results = (reports: string): CampaignReport => JSON.parse(readFileSync(join(reports, 'latest', 'results.json'), 'utf8')) as CampaignReport;

describe('framecheck --threads on the fake driver', () => {
  it('finds the planted race, shrinks it to two threads, and replay re-checks it', () => {
    const paths = campaignPaths(tempDir('framecheck-parallel-'));
    const ran = runMain(['--threads', '4', '--scope', 'small', '--runs', '200', '--seed', '3', '--allocator-cmd', `${FAKE} --race allocate-twice`, ...pathFlags(paths)]);
    expect(ran.status, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('new finding race:frame-handed-out-twice');
    expect(ran.stderr).toMatch(/Frame\(\d+\) handed out to thread \d and to thread \d/);
    const report = results(paths.reports);
    expect(report.properties.find((property) => property.id === 'linearizable')).toMatchObject({ passed: false, findings: ['race:frame-handed-out-twice'] });
    const [finding] = report.findings;
    const content = finding?.content as ParallelCounterexampleFile;
    expect(content.kind).toBe('parallel');
    const program = decodeProgram(content.program);
    expect(program.threads).toHaveLength(2);
    expect(program.threads.flat().length).toBeLessThanOrEqual(4);
    expect(content.failureRate.failed).toBeGreaterThan(0);
    expect(readFileSync(join(paths.reports, 'latest', 'report.html'), 'utf8')).toContain('class="call conflicting"');

    const file = join(paths.reports, 'latest', finding?.counterexample as string);
    const replay = runMain(['replay', file, '--runs', '40', '--allocator-from-file']);
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('re-checked: no linearisation: Frame(');
    expect(replay.stdout).toMatch(/re-ran the program 40 times on .*: [1-9]\d* failed with race:frame-handed-out-twice/);
    // On the driver without the race, the program passes: replay exits 0.
    const fixed = runMain(['replay', file, '--runs', '20', '--allocator-cmd', FAKE.replace('{max_frames}', '512')]);
    expect(fixed.stdout).toContain('0 failed');
    expect(fixed.status).toBe(0);

    // The corpus keeps it: the next campaign replays it first; a baseline accepts it.
    expect(readdirSync(join(paths.corpus, 'parallel'))).toEqual(['race_frame-handed-out-twice.small.json']);
    const kept = join(paths.corpus, 'parallel', 'race_frame-handed-out-twice.small.json');
    writeBaseline(paths.baseline, { [`cmd:${FAKE} --race allocate-twice`]: [{ id: 'race:frame-handed-out-twice', signature: 'linearizable @ parallel: race:frame-handed-out-twice', counterexample: kept }] });
    // Seed 1's first program does not hit the race: only the corpus entry fails, and it is baselined.
    const again = runMain(['--threads', '2', '--scope', 'small', '--runs', '1', '--seed', '1', '--allocator-cmd', `${FAKE} --race allocate-twice`, ...pathFlags(paths)]);
    expect(results(paths.reports).regressions).toMatchObject([{ findingId: 'race:frame-handed-out-twice', reproduces: true, baselined: true }]);
    expect(again.status, again.stdout).toBe(0);
  }, 60_000);

  it('raises no false alarm on the driver without a race', () => {
    const paths = campaignPaths(tempDir('framecheck-parallel-'));
    const ran = runMain(['--threads', '4', '--scope', 'small', '--runs', '250', '--seed', '8', '--allocator-cmd', FAKE, ...pathFlags(paths)]);
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    const report = results(paths.reports);
    expect(report.findings).toEqual([]);
    expect(report.scopes[0]?.runs).toBe(250);
    expect(report.scopes[0]?.steps).toBeGreaterThan(2500);
  }, 60_000);

  it('runs in shards that merge into one report with the linearizability property', () => {
    const dir = tempDir('framecheck-parallel-');
    const shards = [1, 2].map((index) => {
      const paths = campaignPaths(dir, `shard${index}`);
      const ran = runMain(['--threads', '3', '--scope', 'small', '--runs', '40', '--seed', '9', '--shard', `${index}/2`, '--allocator-cmd', FAKE, ...pathFlags(paths)]);
      expect(ran.status, ran.stderr).toBe(0);
      expect(results(paths.reports).scopes[0]?.runs).toBe(20);
      return join(paths.reports, 'latest');
    });
    const merged = join(dir, 'merged');
    const ran = runMain(['merge', ...shards, '--out', merged]);
    expect(ran.status, ran.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(merged, 'results.json'), 'utf8')) as CampaignReport;
    expect(report.scopes[0]?.runs).toBe(40);
    expect(report.properties.map((property) => [property.id, property.passed])).toEqual([
      ['linearizable', true],
      ['target-responds', true],
    ]);
  });

  it.each([
    ['an in-process allocator', ['--allocator', 'corrected'], 'parallel mode (--threads) needs a native target'],
    ['a version-1 driver', ['--allocator-cmd', `sh -c "read l; echo framecheck-driver 1 max_frames=512 profile=debug name=old; cat >/dev/null"`], 'needs a protocol-version-2 driver'],
    ['too many threads', ['--threads', '9', '--allocator-cmd', FAKE], '--threads must be between 2 and 8'],
    ['--against', ['--against', 'port', '--allocator-cmd', FAKE], '--threads and --against'],
  ])('refuses %s in one line (exit 2)', (_, flags, message) => {
    const paths = campaignPaths(tempDir('framecheck-parallel-'));
    const ran = runMain(['--threads', '2', '--scope', 'small', ...flags, ...pathFlags(paths)]);
    expect(ran.status).toBe(2);
    expect(ran.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(ran.stderr).toContain(message);
  });

  it('reports a driver that answers garbage as a target fault', () => {
    const garbage = `sh -c 'read l; echo framecheck-driver 2 max_frames=512 profile=debug name=garbage threads=8; while read l; do echo "history 1"; echo "p 0 zero"; done'`;
    const target = createParallelTarget({ allocator: `cmd:${garbage}`, profile: 'debug' }, 512, 2);
    try {
      const result = runParallelCampaign(target, { maxFrames: 512, seed: 1, runs: 3, threads: 2, repetitions: 1, shrinkBudget: 3, confirmRuns: 2 });
      expect(result.failure?.violation).toMatchObject({ id: 'target-fault:parallel-protocol', property: 'target-responds' });
      expect(result.failure?.violation.message).toMatch(/^protocol: unexpected answer to a parallel request: "history 1" for \d+ calls$/);
      expect(result.failure?.failureRate).toEqual({ failed: 2, repetitions: 2 });
    } finally {
      target.close();
    }
  });
});
