// --step-timeout (docs/protocol.md) reaches native targets from the run and replay commands.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runMain, ROOT, tempDir } from './helpers.js';

afterAll(removeTempDirs);
const HELLO = 'echo "framecheck-driver 1 max_frames=512 profile=debug name=fake"';
/** The port's corpus entry of an unaligned reservation: init and reserve_range, two steps. */
const COUNTEREXAMPLE = join(ROOT, 'reports', 'regressions', readdirSync(join(ROOT, 'reports', 'regressions')).find((name) => /^reserve-misses-last-frame-of-unaligned-range\.[0-9a-f]+\.small\.json$/.test(name)) ?? 'missing');

describe('--step-timeout', () => {
  it('run: a driver silent past it at startup is named with the timeout given', () => {
    const ran = runMain(['--scope', 'small', '--runs', '1', '--allocator-cmd', 'sleep 60', '--step-timeout', '300ms', '--reports', join(tempDir(), 'reports')]);
    expect(ran.status, ran.stderr).toBe(2);
    expect(ran.stderr).toContain('within 300 ms');
  });

  it('replay: a driver that hangs on the second step is a timeout after it (exit 1)', () => {
    const driver = join(tempDir(), 'hangs-on-step-2.sh');
    writeFileSync(driver, `read hello\n${HELLO}\nread reset\necho ok\nread step\necho "free=2 total=2 bit=- ok"\nsleep 60\n`);
    const ran = runMain(['replay', COUNTEREXAMPLE, '--allocator-cmd', `sh ${driver}`, '--step-timeout', '400ms']);
    expect(ran.status, ran.stdout + ran.stderr).toBe(1);
    expect(ran.stdout).toContain('within 400 ms');
  });

  it.each([['0ms'], ['2h'], ['soon']])('a bad value (%s) is exit 2 naming the flag', (value) => {
    for (const args of [['--scope', 'small', '--step-timeout', value], ['replay', COUNTEREXAMPLE, '--step-timeout', value]]) {
      const ran = runMain(args);
      expect(ran.status).toBe(2);
      expect(ran.stderr).toMatch(/^framecheck: --step-timeout [^\n]+\n$/);
    }
  });
});
