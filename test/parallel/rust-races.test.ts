// Proof of power on the Rust seed driver: each planted racy variant of the seed
// (native/seed-driver/fixtures/*.race, compiled through FRAMECHECK_ALLOCATOR_SRC with
// `--allocator seed`) is found by a parallel campaign and shrunk to two or three threads and a few calls;
// the unmodified seed passes the same campaigns, and a longer one, with no false alarm. Fixed
// seeds and small runs keep it to seconds once cargo has built the drivers (512-frame debug
// builds, shared with `framecheck --threads N --allocator seed --scope small`). Skipped with the
// reason where cargo or ../shared is missing, except in CI mode (CI=true), where that fails
// (test/helpers/tools.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runParallelCampaign, type ParallelCampaignOptions } from '../../src/parallel/campaign.js';
import { createParallelTarget } from '../../src/parallel/parallel-target.js';
import { callCount } from '../../src/parallel/program.js';
import { encodeProgram } from '../../src/parallel/protocol.js';
import type { CampaignReport } from '../../src/reporters/campaign-report.js';
import { racyVariantNames, writeRacyVariant } from '../../src/targets/racy-variants.js';
import { seedDriverUnavailable } from '../../src/targets/seed-driver.js';
import { campaignPaths, pathFlags, removeTempDirs, runMain, tempDir, writeBaseline } from '../cli/helpers.js';
import { skipWithoutTool } from '../helpers/tools.js';

// In CI mode a missing cargo or ../shared throws here and fails the file.
const skipped = skipWithoutTool('cargo', seedDriverUnavailable());

const SMALL_FRAMES = 512;
const SEED = { allocator: 'seed', profile: 'debug' } as const;

/**
 * Each variant and a campaign seed that finds it within a few hundred programs. Which race finding
 * names it varies with the schedule (a frame handed out twice can also show as the free counter's
 * underflow panicking when both holders free it, or as a frame's calls in no order): any `race:`
 * finding counts, since the unmodified seed passes the same campaigns.
 */
const VARIANTS: Record<string, number> = {
  'racy-allocate-at-check-then-set': 1,
  'racy-allocate-mark-after-unlock': 1,
  'racy-allocate-count-lost-update': 1,
  'racy-memory-stats-torn-read': 1,
};

/** Real threads: a race shows in some schedules only, so a campaign may, rarely, shrink less far; it gets two more tries. */
const RACE_RETRIES = 2;

/** Small runs (a variant's race shows within them), shrinking as the command line does (R = 20). */
const campaign = (seed: number): ParallelCampaignOptions => ({ maxFrames: SMALL_FRAMES, seed, runs: 1500, threads: 4, confirmRuns: 50 });

/** A parallel campaign on `--allocator seed`, compiled from the variant's source when one is named. */
function campaignOn(variant: string | undefined, options: ParallelCampaignOptions) {
  if (variant !== undefined) vi.stubEnv('FRAMECHECK_ALLOCATOR_SRC', writeRacyVariant(variant));
  const target = createParallelTarget(SEED, SMALL_FRAMES, options.threads);
  try {
    return { name: target.name, result: runParallelCampaign(target, options) };
  } finally {
    target.close();
  }
}

afterEach(() => vi.unstubAllEnvs());
afterAll(removeTempDirs);

describe.skipIf(skipped !== undefined)(`parallel campaigns on the Rust seed and its planted races${skipped === undefined ? '' : ` (skipped: ${skipped})`}`, () => {
  beforeAll(() => {
    // Build every driver up front (cargo, cold: minutes on a loaded machine), outside the tests' time.
    for (const variant of [undefined, ...racyVariantNames()]) {
      if (variant !== undefined) vi.stubEnv('FRAMECHECK_ALLOCATOR_SRC', writeRacyVariant(variant));
      createParallelTarget(SEED, SMALL_FRAMES, 2).close();
      vi.unstubAllEnvs();
    }
  }, 600_000);

  it('covers every planted variant', () => {
    expect(Object.keys(VARIANTS).sort()).toEqual(racyVariantNames());
  });

  it.each(Object.entries(VARIANTS))('%s: found as a race and shrunk to a few threads and calls', { retry: RACE_RETRIES, timeout: 60_000 }, (variant, seed) => {
    const { name, result } = campaignOn(variant, campaign(seed));
    expect(name).toBe(`rust ${variant} (debug)`);
    const failure = result.failure;
    expect(failure, `${variant}: no race in ${result.stats.runs} programs`).toBeDefined();
    if (failure === undefined) return;
    console.log(`${variant}: ${failure.violation.id} after ${result.stats.runs} programs; shrunk to ${encodeProgram(failure.program)}: ${failure.program.threads.length} threads, ${failure.program.threads.flat().length} thread calls and ${failure.program.prefix.length} prefix calls; fails in ${failure.failureRate.failed} of ${failure.failureRate.repetitions}`);
    expect(failure.violation.id).toMatch(/^race:/);
    // Real threads' schedules differ from run to run, and a shrink step is kept only when it still
    // fails in some of its R repetitions: most runs end at 2 threads (40 of 40 campaigns in
    // `npm run bench:races`), but a run can stop one thread early. The bound here holds for every run.
    expect(failure.program.threads.length).toBeLessThanOrEqual(3);
    expect(failure.program.threads.flat().length).toBeLessThanOrEqual(12);
    expect(callCount(failure.program)).toBeLessThan(callCount(failure.original));
    expect(failure.failureRate.failed).toBeGreaterThan(0);
  });

  it('the unmodified seed passes the same campaigns, and 8 threads over many more calls, with no false alarm', () => {
    for (const seed of new Set(Object.values(VARIANTS))) {
      const { result } = campaignOn(undefined, campaign(seed));
      expect(result.failure?.violation.message).toBeUndefined();
      expect(result.stats.runs).toBe(1500);
    }
    const { result } = campaignOn(undefined, { maxFrames: SMALL_FRAMES, seed: 11, runs: 1000, threads: 8 });
    console.log(`unmodified seed: ${result.stats.runs} 8-thread programs, ${result.stats.calls} calls, every history linearizable`);
    expect(result.failure?.violation.message).toBeUndefined();
    expect(result.stats.inconclusive).toBe(0);
    expect(result.stats.calls).toBeGreaterThan(20_000);
  }, 60_000);

  it('framecheck --threads on a variant through FRAMECHECK_ALLOCATOR_SRC reports the race; on the seed, in CI mode, the baseline\'s sequential findings do not count', () => {
    const paths = campaignPaths(tempDir('framecheck-rust-races-'));
    const source = writeRacyVariant('racy-allocate-mark-after-unlock');
    vi.stubEnv('FRAMECHECK_ALLOCATOR_SRC', source);
    const racy = runMain(['--threads', '4', '--allocator', 'seed', '--scope', 'small', '--runs', '300', '--seed', '1', ...pathFlags(paths)]);
    expect(racy.status, racy.stderr).toBe(1);
    expect(racy.stdout).toMatch(/new finding race:[a-z-]+ \(small\)/);
    expect(racy.stderr).toContain(`reproduce this campaign: FRAMECHECK_ALLOCATOR_SRC='${source}' npx framecheck --threads 4`);
    const report = JSON.parse(readFileSync(join(paths.reports, 'latest', 'results.json'), 'utf8')) as CampaignReport;
    expect(report.target.name).toBe('rust racy-allocate-mark-after-unlock (debug)');
    vi.unstubAllEnvs();

    // The seed's baseline accepts its sequential defects; a parallel campaign neither shows nor fixes them.
    const clean = campaignPaths(tempDir('framecheck-rust-races-'));
    const sequential = { id: 'deallocate-frees-frames-not-handed-out', signature: 'result-matches-model @ deallocate: returned Ok(()), promised Err(InvalidFrame)', counterexample: join(clean.corpus, 'unused.json') };
    writeBaseline(clean.baseline, { seed: [sequential] });
    const seed = runMain(['--threads', '4', '--allocator', 'seed', '--scope', 'small', '--runs', '200', '--seed', '1', ...pathFlags(clean)]);
    expect(seed.stdout).toContain('framecheck: all properties hold');
    expect(seed.status, seed.stdout).toBe(0);
  }, 60_000);
});
