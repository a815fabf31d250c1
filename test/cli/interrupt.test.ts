// Ctrl-C (SIGINT) or SIGTERM in the middle of a native campaign: one line says which report folder
// was kept and how many counterexamples it holds, and nothing is left in the temp dir — no
// framecheck-native-* folder of the driver's FIFOs, no state file of the watcher.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, campaignPaths, childEnv, pathFlags, removeTempDirs, ROOT, tempDir, writeBaseline } from './helpers.js';

afterAll(removeTempDirs);

/** Runs framecheck with its own temp dir, sends `signal` after its first line on stderr, resolves with its stderr. */
function interrupted(args: readonly string[], tmp: string, signal: NodeJS.Signals): Promise<{ stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv({ TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!sent && stderr.includes('\n')) {
        sent = true;
        // The campaign is past its start: the driver is running and waiting on its step.
        setTimeout(() => child.kill(signal), 1_500);
      }
    });
    child.on('error', reject);
    let exitSignal: NodeJS.Signals | null = null;
    child.on('exit', (_code, killedBy) => {
      exitSignal = killedBy;
    });
    child.on('close', () => resolvePromise({ stderr, signal: exitSignal }));
  });
}

describe('an interrupted native campaign', () => {
  it.each([['SIGINT' as const], ['SIGTERM' as const]])('%s: one line naming the kept folder and its counterexamples; nothing left in the temp dir', async (signal) => {
    const dir = tempDir('framecheck-interrupt-');
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    // A driver that starts, then takes 20 s over its first step: the campaign is inside it when interrupted.
    const driver = join(dir, 'slow-driver.sh');
    writeFileSync(driver, 'read hello\necho "framecheck-driver 1 max_frames=512 profile=debug name=slow"\nread command\nif [ "$command" = quit ]; then exit 0; fi\necho ok\nread step\nexec sleep 20\n');
    const paths = campaignPaths(dir);
    mkdirSync(paths.corpus, { recursive: true });
    writeBaseline(paths.baseline, {});
    const ran = await interrupted(['--scope', 'small', '--runs', '10', '--seed', '1', '--allocator-cmd', `sh ${driver}`, '--step-timeout', '60s', ...pathFlags(paths)], tmp, signal);
    expect(ran.signal).toBe(signal);
    const last = ran.stderr.trimEnd().split('\n').at(-1);
    const runs = readdirSync(join(paths.reports, 'runs'));
    expect(runs).toHaveLength(1);
    expect(last).toBe(`framecheck: interrupted; kept ${join(paths.reports, 'runs', runs[0] as string)} (reports of the runs so far, status "running") with 0 counterexamples`);
    // (tsx keeps its compile cache there too: not ours)
    expect(readdirSync(tmp).filter((name) => name.startsWith('framecheck'))).toEqual([]);
  }, 60_000);
});
