// What an interrupted campaign kept, said in one line. A campaign runs synchronously, so a SIGINT or
// SIGTERM handler in its own process would only run after it ends; instead the framecheck command
// starts a small watcher process beside it that waits for its end (the end of a pipe) and, unless
// the campaign finished normally, prints which report folder was kept and how many counterexamples
// it holds. The state it reads is one small file in the temp dir, removed by whichever side ends.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Plain CommonJS, evaluated by `node -e`: no loader needed, starts in a few tens of milliseconds.
const WATCHER_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const state = process.argv[1];
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.stdin.resume();
process.stdin.on('error', () => undefined);
process.stdin.on('close', () => {
  let folder;
  try { folder = JSON.parse(fs.readFileSync(state, 'utf8')).folder; } catch { process.exit(0); }
  try { fs.rmSync(state, { force: true }); } catch {}
  if (folder === undefined) {
    process.stderr.write('framecheck: interrupted before any report was written; nothing kept\\n');
    process.exit(0);
  }
  let count = 0;
  try { count = fs.readdirSync(path.join(folder, 'counterexamples')).filter((name) => name.endsWith('.json')).length; } catch {}
  process.stderr.write('framecheck: interrupted; kept ' + folder + ' (reports of the runs so far, status "running") with ' + count + ' counterexample' + (count === 1 ? '' : 's') + '\\n');
  process.exit(0);
});
`;

let stateFile: string | undefined;

/** Starts the watcher (the framecheck command only, not in-process callers such as tests). */
export function watchForInterrupt(): void {
  stateFile = join(tmpdir(), `framecheck-interrupt-${process.pid}.json`);
  writeFileSync(stateFile, '{}');
  const watcher = spawn(process.execPath, ['-e', WATCHER_SOURCE, stateFile], { stdio: ['pipe', 'ignore', 'inherit'] });
  watcher.on('error', () => undefined);
  watcher.stdin.on('error', () => undefined);
  // Neither the watcher nor its pipe keeps this process alive: the pipe closes when it exits.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void }).unref?.();
}

/** The run folder a campaign is writing, for the watcher's line. */
export function announceRunFolder(folder: string): void {
  if (stateFile !== undefined) writeFileSync(stateFile, JSON.stringify({ folder }));
}

/** The command ended on its own (whatever its exit code): the watcher says nothing. */
export function endInterruptWatch(): void {
  if (stateFile !== undefined) rmSync(stateFile, { force: true });
  stateFile = undefined;
}
