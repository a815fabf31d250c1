// Shared helpers of the command-line tests: the project root, temp folders that are removed after
// the file's tests, the real binary spawned as a user runs it, and main() called in-process with
// stdout/stderr captured.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { RunOptions } from '../../src/cli/run-command.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'framecheck.js');

const made: string[] = [];

/** A fresh folder under the OS temp dir; removeTempDirs() deletes every one made so far. */
export function tempDir(prefix = 'framecheck-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a child framecheck: CI mode, and nothing of the vitest worker running us. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'TEST' && key !== 'FRAMECHECK_ALLOCATOR') env[key] = value;
  }
  return { ...env, CI: 'true', NO_COLOR: '1', ...extra };
}

/** Spawns a node script (by default bin/framecheck.js) and resolves with its exit status and output. */
export function runNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; script?: string } = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [options.script ?? BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/** The real framecheck command, spawned as a user runs it (test/cli/binary.test.ts: the binary's own path). */
export const framecheckBinary = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran> => runNode(args, env === undefined ? {} : { env });

/**
 * framecheck's main() in-process, as the binary calls it, with a child's environment (childEnv).
 * Spawning the binary costs about a second of CPU per call (node and tsx's loader compiling every
 * source), a hundred calls a third of the unit tests' time; main() turns every error into an exit
 * code itself, so in-process it shows the same exit status, stdout and stderr.
 */
export const framecheck = (args: readonly string[], env: NodeJS.ProcessEnv = childEnv()): Promise<Ran> => Promise.resolve(runMain(args, env));

/** main() in-process, as in CI (CI=true, no terminal), with stdout and stderr captured. */
export function runMain(args: readonly string[], env: NodeJS.ProcessEnv = { CI: 'true' }, isTTY = false): Ran {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  try {
    const status = main(args, env, isTTY);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The folders and files of one campaign, all inside `dir`. */
export interface CampaignPaths {
  readonly reports: string;
  readonly corpus: string;
  readonly baseline: string;
}

/** A campaign's own folder: an empty corpus and a baseline that accepts nothing, both named on the command line. */
export function campaignPaths(dir: string, name = 'campaign'): CampaignPaths {
  const base = join(dir, name);
  const paths = { reports: join(base, 'reports'), corpus: join(base, 'corpus'), baseline: join(base, 'baseline.json') };
  mkdirSync(paths.corpus, { recursive: true });
  writeBaseline(paths.baseline, {});
  return paths;
}

export const pathFlags = (paths: CampaignPaths): string[] => ['--reports', paths.reports, '--corpus', paths.corpus, '--baseline', paths.baseline];

/** A finding to accept: its signature and the counterexample that shows it (a path inside the baseline's folder). */
export interface Accepted {
  readonly id: string;
  readonly signature: string;
  readonly counterexample: string;
  readonly profile?: 'debug' | 'release';
}

export function writeBaseline(file: string, accepted: Record<string, readonly Accepted[]>): void {
  const entry = (allocator: string, finding: Accepted) => ({
    id: finding.id,
    signature: finding.signature,
    profile: finding.profile ?? 'debug',
    counterexample: relative(dirname(file), finding.counterexample),
    reason: `accepted by test/cli for ${allocator}`,
  });
  const json = {
    format: 'framecheck-baseline',
    version: 2,
    accepted: Object.fromEntries(Object.entries(accepted).map(([allocator, findings]) => [allocator, findings.map((finding) => entry(allocator, finding))])),
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** The findings of a campaign's report folder, to accept. */
export const acceptedFrom = (folder: string, report: CampaignReport): Accepted[] =>
  report.findings.map((finding) => ({ id: finding.id, signature: finding.signature, counterexample: join(folder, finding.counterexample), profile: report.target.profile as 'debug' | 'release' }));

/** The options of an in-process campaign of both scopes, seed 1, CI mode, all its files inside `reportsDir`. */
export function campaignOptions(allocator: string, reportsDir: string, runs: RunOptions['runs'], extra: Partial<RunOptions> = {}): RunOptions {
  return {
    seed: '1',
    fastCheckSeed: 1,
    runs,
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
    ...extra,
  };
}
