// The README's sharded GitHub Actions job, run as written: its `run:` lines are taken from README.md,
// the `${{ … }}` expressions filled in (the run number, each matrix shard), and run by sh in a fresh
// checkout-like folder (the committed baseline and corpus, framecheck as `npx framecheck` finds it);
// upload-artifact and download-artifact are done as GitHub does them (one folder per artifact name).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, removeTempDirs, ROOT, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const yaml = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string).find((block) => block.includes('framecheck merge')) ?? '';
const [shardJob = '', mergeJob = ''] = yaml.split(/\n {2}framecheck-merge:\n/);
const runLines = (job: string): string[] => [...job.matchAll(/^\s*(?:- )?run: (.+)$/gm)].map((match) => match[1] as string).filter((line) => line !== 'npm ci');
const RUN_NUMBER = '42';

describe("the README's sharded GitHub Actions job", () => {
  it('is in the README with a matrix, an upload per shard, a download and a merge', () => {
    expect(shardJob).toMatch(/matrix:\s*\n\s*shard: \[[\d, ]+\]/);
    expect(runLines(shardJob)).toHaveLength(1);
    expect(runLines(mergeJob).some((line) => line.includes('framecheck merge'))).toBe(true);
  });

  it('runs as written: every shard, then the merge, exit 0 with the runs of all shards', () => {
    const checkout = tempDir('framecheck-readme-matrix-');
    mkdirSync(join(checkout, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, join(checkout, 'node_modules', '.bin', 'framecheck'));
    cpSync(join(ROOT, 'reports', 'baseline.json'), join(checkout, 'reports', 'baseline.json'));
    cpSync(join(ROOT, 'reports', 'regressions'), join(checkout, 'reports', 'regressions'), { recursive: true });
    const summary = join(checkout, 'step-summary.md');
    const env = childEnv({ GITHUB_STEP_SUMMARY: summary });
    const sh = (line: string): number | null => {
      const ran = spawnSync('sh', ['-c', line], { cwd: checkout, env, encoding: 'utf8', timeout: 600_000 });
      expect(ran.error).toBeUndefined();
      return ran.status;
    };
    const shards = (/shard: \[([\d, ]+)\]/.exec(shardJob)?.[1] ?? '').split(',').map((value) => value.trim());
    const upload = /name: ([^,]+), path: (\S+) \}/.exec(shardJob);
    expect(upload).not.toBeNull();
    const download = /pattern: (\S+), path: (\S+) \}/.exec(mergeJob);
    expect(download).not.toBeNull();
    mkdirSync(join(checkout, download?.[2] ?? ''), { recursive: true });
    for (const shard of shards) {
      const fill = (text: string): string => text.replaceAll('${{ github.run_number }}', RUN_NUMBER).replaceAll('${{ matrix.shard }}', shard);
      for (const line of runLines(shardJob)) expect(sh(fill(line)), fill(line)).toBe(0);
      // upload-artifact of this shard's folder, then download-artifact into <path>/<artifact name>
      execFileSync('cp', ['-rL', join(checkout, fill(upload?.[2] ?? '')), join(checkout, download?.[2] ?? '', fill(upload?.[1] ?? ''))]);
    }
    for (const line of runLines(mergeJob)) expect(sh(line), line).toBe(0);
    const merged = JSON.parse(readFileSync(join(checkout, 'merged', 'results.json'), 'utf8')) as { seed: string | number; partial?: unknown; scopes: { runs: number }[] };
    expect(String(merged.seed)).toBe(RUN_NUMBER);
    expect(merged.partial).toBeUndefined();
    expect(merged.scopes.map((scope) => scope.runs).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(11_000);
    expect(readFileSync(summary, 'utf8')).toContain('# framecheck');
  }, 600_000);
});
