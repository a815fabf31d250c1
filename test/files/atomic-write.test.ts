// A full disk never leaves a truncated file: writeFileAtomic continues short writes, and a write
// that fails (ENOSPC) or makes no progress leaves the previous file in place, removes its temporary
// file and makes the command exit 4. The failures are injected by replacing fs.writeSync (and, run
// as root where mounting works, a real 64 KiB tmpfs fills up).
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic, WriteError } from '../../src/files/atomic-write.js';
import { campaignPaths, pathFlags, removeTempDirs, runMain, tempDir, writeBaseline } from '../cli/helpers.js';

afterEach(() => vi.restoreAllMocks());
afterAll(removeTempDirs);

const realWrite = fs.writeSync;
type Write = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
/** fs.writeSync replaced: `decide` sees each call and returns how many bytes to really write, or throws. */
function injectWrites(decide: (buffer: Uint8Array, offset: number, length: number) => number): void {
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    const take = decide(buffer, offset, length);
    return take === 0 ? 0 : (realWrite as unknown as Write)(fd, buffer, offset, take);
  }) as unknown as typeof fs.writeSync);
}
const enospc = (): never => {
  throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};
const leftovers = (folder: string): string[] => readdirSync(folder, { recursive: true }).map(String).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('continues short writes until the whole content is written', () => {
    const file = join(tempDir('framecheck-atomic-'), 'report.html');
    const calls: number[] = [];
    injectWrites((_buffer, _offset, length) => {
      calls.push(length);
      return Math.min(length, 7);
    });
    const content = `<html>${'x'.repeat(100)}</html>\n`;
    writeFileAtomic(file, content);
    expect(calls.length).toBeGreaterThan(10);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it.each([
    ['a write that fails with ENOSPC after a partial write', (): ((buffer: Uint8Array, offset: number, length: number) => number) => {
      let first = true;
      return (_buffer, _offset, length) => {
        if (first) {
          first = false;
          return Math.floor(length / 2);
        }
        return enospc();
      };
    }],
    ['a write that makes no progress', () => (_buffer: Uint8Array, offset: number, length: number) => (offset === 0 ? Math.floor(length / 2) : 0)],
  ])('%s: throws WriteError, keeps the old file, leaves no temporary file', (_name, make) => {
    const folder = tempDir('framecheck-atomic-');
    const file = join(folder, 'results.json');
    writeFileSync(file, '{"old": true}\n');
    injectWrites(make());
    expect(() => writeFileAtomic(file, `{"new": "${'y'.repeat(1000)}"}\n`)).toThrow(WriteError);
    vi.restoreAllMocks();
    expect(readFileSync(file, 'utf8')).toBe('{"old": true}\n');
    expect(readdirSync(folder)).toEqual(['results.json']);
  });
});

describe('a campaign on a full disk', () => {
  it('exits 4 with one line when report.html cannot be written, and leaves no truncated report', () => {
    const paths = campaignPaths(tempDir('framecheck-full-disk-'));
    mkdirSync(paths.corpus, { recursive: true });
    writeBaseline(paths.baseline, {});
    // The disk fills up in the middle of report.html.
    injectWrites((buffer, offset, length) => (Buffer.from(buffer.subarray(0, 15)).toString().startsWith('<!DOCTYPE') ? (offset === 0 ? 100 : enospc()) : length));
    const ran = runMain(['--scope', 'small', '--runs', '20', '--seed', '1', '--allocator', 'corrected', ...pathFlags(paths)]);
    vi.restoreAllMocks();
    expect(ran.status, ran.stderr).toBe(4);
    expect(ran.stderr).toMatch(/\nframecheck: cannot write \S+report\.html: no space left on the device; nothing was written there\n$/);
    expect(ran.stderr).not.toMatch(/internal error|^\s+at /m);
    const folder = join(paths.reports, 'runs', readdirSync(join(paths.reports, 'runs'))[0] as string);
    expect(existsSync(join(folder, 'report.html'))).toBe(false);
    expect(leftovers(paths.reports)).toEqual([]);
    expect(() => JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8'))).not.toThrow();
  });

  // A real full file system: only where this process may mount one (root, as in CI).
  const mountable = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.runIf(mountable)('on a 64 KiB tmpfs: exit 4, every report file whole or absent, no temporary files', () => {
    const mountPoint = tempDir('framecheck-tmpfs-');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
    if (mounted.status !== 0) return expect.fail(`mount failed: ${mounted.stderr}`);
    try {
      const paths = campaignPaths(mountPoint);
      mkdirSync(paths.corpus, { recursive: true });
      writeBaseline(paths.baseline, {});
      // The port's findings make the reports far larger than 64 KiB.
      const ran = runMain(['--scope', 'small', '--runs', '200', '--seed', '1', '--no-corpus-write', ...pathFlags(paths)]);
      expect(ran.status, ran.stderr).toBe(4);
      expect(ran.stderr).toMatch(/\nframecheck: cannot write [^\n]+: no space left on the device; [^\n]+\n$/);
      expect(ran.stderr).not.toMatch(/internal error|^\s+at /m);
      expect(leftovers(paths.reports)).toEqual([]);
      const folder = join(paths.reports, 'runs', readdirSync(join(paths.reports, 'runs'))[0] as string);
      for (const name of readdirSync(folder)) {
        if (name.endsWith('.json')) expect(() => JSON.parse(readFileSync(join(folder, name), 'utf8')), name).not.toThrow();
        if (name === 'report.html') expect(readFileSync(join(folder, name), 'utf8').trimEnd().endsWith('</html>')).toBe(true);
        if (name === 'junit.xml') expect(readFileSync(join(folder, name), 'utf8').trimEnd().endsWith('</testsuites>')).toBe(true);
      }
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});
