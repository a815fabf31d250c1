// The README's --memory-map on a real timestamped dmesg log of a > 16 GiB machine, and `framecheck
// map`: both must say how much RAM the allocator cannot see and which findings the machine triggers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { campaignPaths, framecheck, pathFlags, removeTempDirs, ROOT, runMain, tempDir, type CampaignPaths } from './helpers.js';

const T14 = join(ROOT, 'test', 'fixtures', 'dmesg', 'thinkpad-t14-gen1-linux-7.1.dmesg');
const INVISIBLE = '17.2 GiB (4,507,648 frames) are invisible to it — a documented limit of the seed (MAX_PHYSICAL_MEMORY)';

let dir: string;
let dmesg: string;
beforeAll(() => {
  dir = tempDir('framecheck-real-maps-');
  // As /var/log/dmesg.0 holds it: the T14's log alone, every line starting with its timestamp.
  dmesg = join(dir, 'dmesg.0');
  writeFileSync(dmesg, readFileSync(T14, 'utf8').split('\n').filter((line) => !line.startsWith('#')).join('\n'));
});
afterAll(removeTempDirs);

/** A campaign's folders (campaignPaths: an empty corpus, a baseline that accepts nothing). */
const freshCampaign = (name: string): CampaignPaths => campaignPaths(dir, name);

describe('a campaign on a real > 16 GiB machine (--memory-map /var/log/dmesg.0)', () => {
  it('says how much RAM the allocator cannot see and which findings the machine triggers, in the terminal and in every report', () => {
    const paths = freshCampaign('campaign');
    const ran = runMain(['--memory-map', dmesg, '--scope', 'small', '--runs', '50', '--seed', '3', '--no-corpus-write', ...pathFlags(paths)]);
    expect(ran.stderr).not.toContain('malformed');
    expect(ran.status).toBe(1);
    const terminal = ran.stderr;
    expect(terminal).toContain(`memory map ${dmesg}`);
    expect(terminal).toContain(INVISIBLE);
    expect(terminal).toMatch(/AFFECTED +deallocate-frees-frames-not-handed-out \(critical\)/);
    expect(terminal).toContain('deallocate_frame(Frame(160)) → Ok(())');
    // Before the search: the map's answer comes ahead of the first search's line.
    expect(terminal.indexOf(INVISIBLE)).toBeLessThan(terminal.indexOf('small:'));

    const latest = join(paths.reports, 'latest');
    const summary = readFileSync(join(latest, 'summary.md'), 'utf8');
    expect(summary).toContain('## Memory maps');
    expect(summary).toContain(INVISIBLE);
    expect(summary).toContain('| deallocate-frees-frames-not-handed-out | critical | **affected** |');
    expect(summary).toContain('`maps/dmesg.0/deallocate-frees-frames-not-handed-out.json`');
    const results = JSON.parse(readFileSync(join(latest, 'results.json'), 'utf8')) as CampaignReport;
    expect(results.memoryMaps?.[0]).toMatchObject({ file: dmesg, entries: 10, droppedFrames: 4_507_648, capacityFrames: 4_194_304 });
    expect(results.memoryMaps?.[0]?.affected.answers.filter((a) => a.status === 'affected').map((a) => a.id)).toContain('phys-addr-masking-aliases-high-addresses');
    expect(existsSync(join(latest, 'maps', 'dmesg.0', 'deallocate-frees-frames-not-handed-out.json'))).toBe(true);
    const html = readFileSync(join(latest, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Memory maps</h2>');
    expect(html).toContain('npx framecheck replay maps/dmesg.0/deallocate-frees-frames-not-handed-out.json');
  });

  it('two maps of one file name keep their counterexamples apart', () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'dmesg.0'), readFileSync(join(ROOT, 'test', 'fixtures', 'dmesg', 'qemu-size-columns.dmesg')));
    const paths = freshCampaign('two-maps');
    runMain(['--memory-map', dmesg, '--memory-map', join(other, 'dmesg.0'), '--scope', 'small', '--runs', '20', '--seed', '3', '--no-corpus-write', ...pathFlags(paths)]);
    const results = JSON.parse(readFileSync(join(paths.reports, 'latest', 'results.json'), 'utf8')) as CampaignReport;
    const files = results.memoryMaps?.map((map) => map.affected.answers.find((a) => a.id === 'deallocate-frees-frames-not-handed-out')?.counterexample);
    expect(files).toEqual(['maps/dmesg.0/deallocate-frees-frames-not-handed-out.json', 'maps/dmesg.0-2/deallocate-frees-frames-not-handed-out.json']);
    expect(results.memoryMaps?.map((map) => map.droppedFrames)).toEqual([4_507_648, 0]);
  });

  it('a campaign without --memory-map has no memoryMaps field', () => {
    const paths = freshCampaign('plain');
    runMain(['--scope', 'small', '--runs', '20', '--seed', '3', '--no-corpus-write', ...pathFlags(paths)]);
    const results = JSON.parse(readFileSync(join(paths.reports, 'latest', 'results.json'), 'utf8')) as CampaignReport;
    expect(results.memoryMaps).toBeUndefined();
    expect(readFileSync(join(paths.reports, 'latest', 'summary.md'), 'utf8')).not.toContain('## Memory maps');
  });
});

describe('framecheck map FILE', () => {
  it('answers for this machine, writes a counterexample per finding, each replayable (the real binary)', async () => {
    const out = join(dir, 'answers');
    const ran = await framecheck(['map', dmesg, '--out', out]);
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain(INVISIBLE);
    expect(ran.stdout).toContain(`npx framecheck replay ${join(out, 'deallocate-frees-frames-not-handed-out.json')}`);
    const replay = await framecheck(['replay', join(out, 'deallocate-frees-frames-not-handed-out.json')]);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain('still fails: deallocate-frees-frames-not-handed-out');
  });

  it('--kernel-base moves the kernel: an unaligned base shows the reservation finding in init(boot_info) alone', () => {
    const ran = runMain(['map', dmesg, '--kernel-base', '0x100800', '--depth', '1', '--out', join(dir, 'unaligned')]);
    expect(ran.stdout).toContain('kernel at 0x100800');
    expect(ran.stdout).toMatch(/AFFECTED +reserve-misses-last-frame-of-unaligned-range \(high\): 1 step from init\(boot_info\)/);
  });

  it('exit 0 when no finding is triggered (the corrected allocator)', () => {
    const ran = runMain(['map', dmesg, '--allocator', 'corrected', '--depth', '1', '--out', join(dir, 'corrected')]);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('is this machine affected? 0 of 9 findings');
  });

  it.each([
    [['map'], 'give exactly one memory-map file'],
    [['map', 'x', '--kernel-base', 'lots'], '--kernel-base must be an address'],
    [['map', '/nonexistent/framecheck/boot.log'], 'no such file'],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const ran = runMain(args);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
  });
});
