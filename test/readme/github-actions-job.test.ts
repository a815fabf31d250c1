// The README's GitHub Actions job, run as written: every `run:` step that calls framecheck or reads
// its reports is taken from README.md and executed in the project folder, with GitHub's expressions
// replaced by values of the same form (a run id is an 11-digit number). A recipe that only works
// with a flag the README does not show is a broken recipe.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, ROOT } from '../cli/helpers.js';

/** The `run:` lines of the README's first GitHub Actions job that use framecheck or its reports. */
function jobSteps(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const job = /```yaml\n(jobs:\n  framecheck:[\s\S]*?)```/.exec(readme)?.[1];
  if (job === undefined) throw new Error('README.md has no GitHub Actions job `jobs: framecheck:`');
  return [...job.matchAll(/^\s+(?:- )?run: (.+)$/gm)].map((match) => match[1] as string).filter((line) => /framecheck|reports\//.test(line));
}

/** GitHub's expressions, as GitHub fills them in. */
const expand = (line: string): string => line.replaceAll('${{ github.run_id }}', '12093845521').replaceAll('"$GITHUB_STEP_SUMMARY"', '"$STEP_SUMMARY"');

describe("the README's GitHub Actions job, as written", () => {
  it('runs every framecheck step with exit 0 on the port and writes the step summary', () => {
    const steps = jobSteps();
    expect(steps.some((line) => line.includes('--seed ${{ github.run_id }}'))).toBe(true);
    const summary = join(ROOT, 'reports', 'tmp', `step-summary-${process.pid}.md`);
    execFileSync('mkdir', ['-p', join(ROOT, 'reports', 'tmp')]);
    for (const line of steps) {
      const ran = spawnSync('sh', ['-c', expand(line)], { cwd: ROOT, env: childEnv({ STEP_SUMMARY: summary }), encoding: 'utf8' });
      expect(ran.status, `${line}\n${ran.stdout.slice(-2000)}\n${ran.stderr.slice(-2000)}`).toBe(0);
    }
    const written = readFileSync(summary, 'utf8');
    expect(written).toMatch(/^# framecheck: port \(debug\) — ✅ no new finding; \d+ known findings accepted by the baseline/);
    expect(written).toContain('Seed `12093845521` (fast-check seed ');
  });
});
