// A campaign: one search per scope, each reporting every distinct defect it meets (search.ts).
// A time limit is shared between the scopes: each gets an equal part of what is left when it
// starts, so a slow first scope cannot leave the next one with no runs at all. A scope's scenario
// coverage is judged on the runs it made; a scope stopped by the clock before it made enough runs
// to judge is not passed.
import type { FrameModel } from '../../models/index.js';
import { COVERAGE_REQUIREMENTS, LABELS, type Label } from '../../properties/labels.js';
import type { KnownFinding } from '../../properties/findings.js';
import type { Scope } from '../../properties/scope.js';
import type { AllocatorTarget } from '../targets/target.js';
import { search, type FoundFailure, type SearchStats, type ShrinkProgress } from './search.js';
import type { RunObserver } from '../observations/run-observer.js';

/** Fewer runs than this cannot show a coverage share: such a scope is not judged passed. */
export const MIN_RUNS_TO_JUDGE = 100;

export interface CampaignConfig {
  readonly scopes: readonly Scope[];
  readonly seed: number;
  /** Runs per scope for the final, passing search. */
  readonly numRuns: (scope: Scope) => number;
  readonly target: (scope: Scope) => AllocatorTarget;
  readonly newModel: (scope: Scope) => FrameModel;
  /** Catalogued findings set aside from the start (their triggering steps are never sent). */
  readonly setAside?: readonly KnownFinding[];
  /** Each scope stops at its first finding (SearchConfig.stopAtFirstFinding). */
  readonly stopAtFirstFinding?: boolean;
  /** Differential mode: a second allocator per scope that judges the target instead of the model. */
  readonly reference?: (scope: Scope) => AllocatorTarget;
  /** When the whole campaign must end, shrinking included (a time from `now`). */
  readonly deadline?: number;
  readonly now?: () => number;
  /** Called as each new finding is shrunk, so that its counterexample is written at once. */
  readonly onFinding?: (scope: Scope, failure: FoundFailure, stats: SearchStats) => void;
  /** Called after every generated run with the scope's current search. */
  readonly onRun?: (scope: Scope, stats: SearchStats) => void;
  /** Called while a finding shrinks. */
  readonly onShrink?: (scope: Scope, progress: ShrinkProgress) => void;
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
  readonly stats: SearchStats;
  /** The runs the scope was to make. */
  readonly plannedRuns: number;
  readonly findings: readonly FoundFailure[];
  /** Judged on the runs made; empty when too few were made to judge. */
  readonly coverage: readonly CoverageCheck[];
  /** Every planned run was made. */
  readonly completed: boolean;
  /** The time limit stopped the scope before its planned runs. */
  readonly interrupted: boolean;
  readonly elapsedMs: number;
}

export interface CampaignResult {
  readonly seed: number;
  readonly scopes: readonly ScopeResult[];
}

export function runCampaign(config: CampaignConfig): CampaignResult {
  const now = config.now ?? Date.now;
  const scopes = config.scopes.map((scope, i) => {
    // An equal share of what is left for each scope still to run.
    const deadline = config.deadline === undefined ? undefined : now() + (config.deadline - now()) / (config.scopes.length - i);
    const result = runScope(config, scope, deadline, now);
    config.onScope?.(result);
    return result;
  });
  return { seed: config.seed, scopes };
}

function runScope(config: CampaignConfig, scope: Scope, deadline: number | undefined, now: () => number): ScopeResult {
  const started = now();
  const target = config.target(scope);
  const reference = config.reference?.(scope);
  const plannedRuns = config.numRuns(scope);
  try {
    const result = search({
      scope,
      target,
      newModel: () => config.newModel(scope),
      ...(reference !== undefined && { reference }),
      setAside: config.setAside ?? [],
      ...(config.stopAtFirstFinding === true && { stopAtFirstFinding: true }),
      seed: config.seed,
      numRuns: plannedRuns,
      ...(deadline !== undefined && { deadline }),
      ...(config.now !== undefined && { now }),
      ...(config.onRun !== undefined && { onRun: (stats: SearchStats) => config.onRun?.(scope, stats) }),
      ...(config.onShrink !== undefined && { onShrink: (progress: ShrinkProgress) => config.onShrink?.(scope, progress) }),
      ...(config.observer !== undefined && { observer: config.observer }),
      ...(config.onFinding !== undefined && { onFinding: (failure: FoundFailure, stats: SearchStats) => config.onFinding?.(scope, failure, stats) }),
    });
    return {
      scope,
      stats: result.stats,
      plannedRuns,
      findings: result.failures,
      coverage: result.stats.runs >= Math.min(MIN_RUNS_TO_JUDGE, plannedRuns) ? judgeCoverage(scope, result.stats) : [],
      completed: !result.interrupted,
      interrupted: result.interrupted,
      elapsedMs: now() - started,
    };
  } finally {
    target.close?.();
    reference?.close?.();
  }
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
