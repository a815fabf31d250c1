// Time to find each known finding on the port (debug profile) at small scope, over many seeds: one
// runCampaign per seed, as `framecheck run --scope small` runs it. The campaign sets findings aside
// one by one and searches again with the same seed, so a finding's time "since start" includes the
// searches of the findings found before it; "own search" is the search that found it alone
// (generation, lockstep runs, fast-check's shrinking and the step minimiser). The shrunk length is
// failure.trace.length, the steps of the minimised counterexample.
import { FrameModel } from '../models/index.js';
import { KNOWN_FINDINGS } from '../properties/findings.js';
import { SMALL_SCOPE } from '../properties/scope.js';
import { runCampaign } from '../src/runner/campaign.js';
import { createTarget } from '../src/targets/target-spec.js';
import { median, now } from './harness.js';

export interface FindingHit {
  readonly seed: number;
  readonly findingId: string;
  /** 1 = first finding of the campaign. */
  readonly order: number;
  readonly sinceStartMs: number;
  readonly ownSearchMs: number;
  /** Generated runs of the search that found it. */
  readonly runs: number;
  readonly shrunkLength: number;
  /** The op of the diverging (last) step of the counterexample. */
  readonly divergingOp: string;
}

export interface SeedCampaign {
  readonly seed: number;
  readonly totalMs: number;
  readonly completed: boolean;
  readonly findings: number;
}

export interface FindingSummary {
  readonly findingId: string;
  readonly foundInSeeds: number;
  readonly seeds: number;
  readonly foundInAll: boolean;
  readonly medianSinceStartMs: number | null;
  readonly worstSinceStartMs: number | null;
  readonly medianOwnSearchMs: number | null;
  readonly worstOwnSearchMs: number | null;
  readonly medianShrunkLength: number | null;
  readonly worstShrunkLength: number | null;
  /** The minimum over seeds: the finding's minimal length as this benchmark derives it. */
  readonly minimalLength: number | null;
  /** Seeds whose counterexample was longer than that minimum. */
  readonly longerThanMinimal: readonly { seed: number; length: number; divergingOp: string }[];
  /** How many seeds gave each length. */
  readonly lengths: Readonly<Record<string, number>>;
}

export interface TimeToFind {
  readonly scope: 'small';
  readonly allocator: 'port';
  readonly profile: 'debug';
  readonly numRuns: number;
  readonly seeds: readonly number[];
  readonly campaigns: readonly SeedCampaign[];
  readonly hits: readonly FindingHit[];
  readonly summary: readonly FindingSummary[];
}

export function measureTimeToFind(seeds: readonly number[], numRuns: number, onSeed?: (campaign: SeedCampaign) => void): TimeToFind {
  const hits: FindingHit[] = [];
  const campaigns: SeedCampaign[] = [];
  for (const seed of seeds) {
    let order = 0;
    const start = now();
    let last = start;
    const result = runCampaign({
      scopes: [SMALL_SCOPE],
      seed,
      numRuns: () => numRuns,
      target: (scope) => createTarget({ allocator: 'port', profile: 'debug' }, scope.maxFrames),
      newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames }),
      onFinding: (_scope, failure, stats) => {
        const t = now();
        hits.push({
          seed,
          findingId: failure.identity.id,
          order: ++order,
          sinceStartMs: Number(t - start) / 1e6,
          ownSearchMs: Number(t - last) / 1e6,
          runs: stats.runs,
          shrunkLength: failure.trace.length,
          divergingOp: failure.trace[failure.trace.length - 1]?.concrete.op ?? '?',
        });
        last = now(); // the search goes on after this callback
      },
    });
    const campaign: SeedCampaign = {
      seed,
      totalMs: Number(now() - start) / 1e6,
      completed: result.scopes.every((scope) => scope.completed),
      findings: order,
    };
    campaigns.push(campaign);
    onSeed?.(campaign);
  }
  return { scope: 'small', allocator: 'port', profile: 'debug', numRuns, seeds, campaigns, hits, summary: summarise(seeds.length, hits) };
}

function summarise(seedCount: number, hits: readonly FindingHit[]): FindingSummary[] {
  // A hang-only finding cannot show on the port (it clips the loops that hang the Rust seed), nor
  // can another policy's under the default one.
  const known = KNOWN_FINDINGS.filter((finding) => finding.onlyAsHang !== true && finding.policy === undefined).map((finding) => finding.id);
  const ids = [...known, ...[...new Set(hits.map((hit) => hit.findingId))].filter((id) => !known.includes(id))];
  return ids.map((findingId) => {
    const mine = hits.filter((hit) => hit.findingId === findingId);
    const seeds = new Set(mine.map((hit) => hit.seed)).size;
    const lengths = mine.map((hit) => hit.shrunkLength);
    const minimal = mine.length === 0 ? null : Math.min(...lengths);
    const stat = (values: number[], f: (v: number[]) => number): number | null => (values.length === 0 ? null : f(values));
    const worst = (values: number[]): number => Math.max(...values);
    const histogram: Record<string, number> = {};
    for (const length of lengths) histogram[length] = (histogram[length] ?? 0) + 1;
    return {
      findingId,
      foundInSeeds: seeds,
      seeds: seedCount,
      foundInAll: seeds === seedCount,
      medianSinceStartMs: stat(mine.map((hit) => hit.sinceStartMs), median),
      worstSinceStartMs: stat(mine.map((hit) => hit.sinceStartMs), worst),
      medianOwnSearchMs: stat(mine.map((hit) => hit.ownSearchMs), median),
      worstOwnSearchMs: stat(mine.map((hit) => hit.ownSearchMs), worst),
      medianShrunkLength: stat(lengths, median),
      worstShrunkLength: stat(lengths, worst),
      minimalLength: minimal,
      longerThanMinimal: mine.filter((hit) => hit.shrunkLength > (minimal ?? 0)).map((hit) => ({ seed: hit.seed, length: hit.shrunkLength, divergingOp: hit.divergingOp })),
      lengths: histogram,
    };
  });
}
