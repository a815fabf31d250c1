// A campaign: every scope searched until it passes. When a search finds a known finding, the finding
// is set aside (its triggering steps are no longer sent) and the search starts again with the same
// seed, so that defects hidden behind a first one are found too. A scope's scenario coverage is
// judged on its last search, the one that ran all its runs.
import type { FrameModel } from '../../models/index.js';
import { findingById, type KnownFinding } from '../../properties/findings.js';
import { COVERAGE_REQUIREMENTS, LABELS, type Label } from '../../properties/labels.js';
import type { Scope } from '../../properties/scope.js';
import type { AllocatorTarget } from '../targets/target.js';
import { search, type FoundFailure, type SearchStats } from './search.js';
import type { RunObserver } from '../observations/run-observer.js';

export interface CampaignConfig {
  readonly scopes: readonly Scope[];
  readonly seed: number;
  /** Runs per scope for the final, passing search. */
  readonly numRuns: (scope: Scope) => number;
  readonly target: (scope: Scope) => AllocatorTarget;
  readonly newModel: (scope: Scope) => FrameModel;
  /** Differential mode: a second allocator per scope that judges the target instead of the model. */
  readonly reference?: (scope: Scope) => AllocatorTarget;
  /** Wall-clock budget for the whole campaign (searches stop generating when it runs out). */
  readonly timeLimitMs?: number;
  /** Called as each scope's searches finish, for progress output. */
  readonly onSearch?: (scope: Scope, stats: SearchStats, failure: FoundFailure | undefined) => void;
  /** Called after every generated run with the scope's current search. */
  readonly onRun?: (scope: Scope, stats: SearchStats) => void;
  /** Called as each scope finishes. */
  readonly onScope?: (result: ScopeResult) => void;
  /** Told of every run of every search (src/observations/run-observer.ts). */
  readonly observer?: RunObserver;
}

export interface CoverageCheck {
  readonly label: Label;
  readonly description: string;
  readonly runs: number;
  readonly share: number;
  readonly required: number;
  readonly met: boolean;
}

export interface ScopeResult {
  readonly scope: Scope;
  /** Every search of the scope, summed. */
  readonly stats: SearchStats;
  readonly findings: readonly FoundFailure[];
  /** Judged on the last search; empty when it did not complete (a new finding stopped it). */
  readonly coverage: readonly CoverageCheck[];
  /** The last search ran all its runs without a failure. */
  readonly completed: boolean;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
}

export interface CampaignResult {
  readonly seed: number;
  readonly scopes: readonly ScopeResult[];
}

export function runCampaign(config: CampaignConfig): CampaignResult {
  const deadline = config.timeLimitMs === undefined ? undefined : Date.now() + config.timeLimitMs;
  const scopes = config.scopes.map((scope) => {
    const result = runScope(config, scope, deadline);
    config.onScope?.(result);
    return result;
  });
  return { seed: config.seed, scopes };
}

function runScope(config: CampaignConfig, scope: Scope, deadline: number | undefined): ScopeResult {
  const started = Date.now();
  const target = config.target(scope);
  const reference = config.reference?.(scope);
  const total: SearchStats = { runs: 0, steps: 0, skipped: 0, setAside: 0, labelRuns: new Map() };
  const findings: FoundFailure[] = [];
  const setAside: KnownFinding[] = [];
  try {
    for (;;) {
      const timeLimitMs = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
      const result = search({
        scope,
        target,
        newModel: () => config.newModel(scope),
        ...(reference !== undefined && { reference }),
        setAside,
        seed: config.seed,
        numRuns: config.numRuns(scope),
        ...(timeLimitMs !== undefined && { timeLimitMs }),
        ...(config.onRun !== undefined && { onRun: (stats: SearchStats) => config.onRun?.(scope, stats) }),
        ...(config.observer !== undefined && { observer: config.observer }),
      });
      addStats(total, result.stats);
      config.onSearch?.(scope, result.stats, result.failure);
      const known = result.failure === undefined ? undefined : findingById(result.failure.findingId);
      if (result.failure !== undefined) findings.push(result.failure);
      if (result.failure === undefined || known === undefined || result.interrupted) {
        const completed = result.failure === undefined && !result.interrupted;
        return {
          scope,
          stats: total,
          findings,
          coverage: completed ? judgeCoverage(scope, result.stats) : [],
          completed,
          interrupted: result.interrupted,
          elapsedMs: Date.now() - started,
        };
      }
      setAside.push(known);
    }
  } finally {
    target.close?.();
    reference?.close?.();
  }
}

function addStats(into: SearchStats, stats: SearchStats): void {
  into.runs += stats.runs;
  into.steps += stats.steps;
  into.skipped += stats.skipped;
  into.setAside += stats.setAside;
  for (const [label, runs] of stats.labelRuns) into.labelRuns.set(label, (into.labelRuns.get(label) ?? 0) + runs);
}

/** QuickCheck's `cover`: every scenario with a requirement must be reached in at least that share of runs. */
export function judgeCoverage(scope: Scope, stats: SearchStats): CoverageCheck[] {
  const requirements = COVERAGE_REQUIREMENTS[scope.name];
  return (Object.keys(LABELS) as Label[]).map((label) => {
    const runs = stats.labelRuns.get(label) ?? 0;
    const share = stats.runs === 0 ? 0 : runs / stats.runs;
    const required = requirements[label] ?? 0;
    return { label, description: LABELS[label], runs, share, required, met: share >= required };
  });
}
