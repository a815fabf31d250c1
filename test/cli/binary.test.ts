// The framecheck binary itself (bin/framecheck.js, tsx's loader, the exit status): the other CLI
// tests call main() in-process (test/cli/helpers.ts framecheck), which is what the binary runs.
import { afterAll, describe, expect, it } from 'vitest';
import { campaignPaths, framecheckBinary, pathFlags, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe.concurrent('bin/framecheck.js', () => {
  it('--version: exit 0, the version on stdout, nothing on stderr', async () => {
    const ran = await framecheckBinary(['--version']);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(ran.stderr).toBe('');
  });

  it('bad input: exit 2 and one line on stderr, no stack trace', async () => {
    const ran = await framecheckBinary(['--scope', 'bogus']);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/^framecheck: [^\n]*scope[^\n]*\n$/);
    expect(ran.stdout).toBe('');
  });

  it('a failing campaign: exit 1 (the port at the small scope)', async () => {
    const paths = campaignPaths(tempDir('framecheck-binary-'));
    const ran = await framecheckBinary(['--allocator', 'port', '--scope', 'small', '--runs', '100', '--seed', '1', '--no-corpus-write', ...pathFlags(paths)]);
    expect(ran.status, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('seed 1');
  });
});
