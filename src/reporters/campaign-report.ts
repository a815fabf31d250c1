// What one campaign found, as every reporter reads it: results.json is this object, and
// summary.md, junit.xml and report.html are views of it. Built again after every search, so an
// interrupted campaign leaves a report of everything found so far.
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { describeProperty, INVARIANTS, type InvariantId, type PropertyId } from '../../properties/invariants.js';
import type { CoverageCheck, ScopeResult } from '../runner/campaign.js';
import type { CounterexampleFile } from '../files/counterexample-file.js';
import { FRAMECHECK_VERSION } from '../files/version.js';

export const RESULTS_FORMAT = 'framecheck-results';
export const RESULTS_VERSION = 1;

export interface ReportFinding {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly known: boolean;
  readonly scope: string;
  readonly property: string;
  readonly message: string;
  /** Relative to the report folder. */
  readonly counterexample: string;
  /** Accepted in the baseline: reported, not failing the run. */
  readonly baselined: boolean;
  readonly content: CounterexampleFile;
}

export interface RegressionReplay {
  readonly file: string;
  readonly findingId: string;
  /** The failure it records still happens (the same finding). */
  readonly reproduces: boolean;
  /** What the replay showed instead, when it does not reproduce. */
  readonly outcome: string;
  readonly baselined: boolean;
}

export interface ReportScope {
  readonly name: string;
  readonly maxFrames: number;
  readonly maxCommands: number;
  readonly runs: number;
  readonly steps: number;
  readonly skippedSteps: number;
  readonly setAsideSteps: number;
  readonly elapsedMs: number;
  readonly completed: boolean;
  readonly interrupted: boolean;
  readonly coverage: readonly CoverageCheck[];
}

export interface ReportProperty {
  readonly id: string;
  readonly description: string;
  readonly passed: boolean;
  /** Findings that broke it (known ids or new:...). */
  readonly findings: readonly string[];
}

export interface Verdict {
  readonly exitCode: 0 | 1;
  readonly reasons: readonly string[];
}

export interface CampaignReport {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly framecheck: string;
  readonly status: 'running' | 'complete';
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly seed: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** A merge of a sharded campaign with shards missing (merge --allow-partial): which, of how many. */
  readonly partial?: { readonly missingShards: readonly number[]; readonly of: number };
  readonly replayCommand: string;
  readonly target: { readonly allocator: string; readonly name: string; readonly profile: string };
  readonly scopes: readonly ReportScope[];
  readonly properties: readonly ReportProperty[];
  readonly findings: readonly ReportFinding[];
  readonly regressions: readonly RegressionReplay[];
  /** Baselined findings that reproduced neither in the corpus nor in the campaign. */
  readonly fixedBaselined: readonly string[];
  readonly verdict: Verdict;
}

export const reportScope = (result: ScopeResult): ReportScope => ({
  name: result.scope.name,
  maxFrames: result.scope.maxFrames,
  maxCommands: result.scope.maxCommands,
  runs: result.stats.runs,
  steps: result.stats.steps,
  skippedSteps: result.stats.skipped,
  setAsideSteps: result.stats.setAside,
  elapsedMs: result.elapsedMs,
  completed: result.completed,
  interrupted: result.interrupted,
  coverage: result.coverage,
});

/** Every property, passed or broken by the findings (campaign and corpus alike); targets-agree only in differential mode. */
export function reportProperties(differential: boolean, findings: readonly { property: string; id: string }[]): ReportProperty[] {
  const ids: PropertyId[] = [...(Object.keys(INVARIANTS) as InvariantId[]), 'target-responds', ...(differential ? (['targets-agree'] as const) : [])];
  return ids.map((id) => {
    const broken = [...new Set(findings.filter((finding) => finding.property === id).map((finding) => finding.id))];
    return { id, description: describeProperty(id), passed: broken.length === 0, findings: broken };
  });
}

/** The exit code and why: new findings, failed coverage, and (in CI mode) baselined findings now fixed. */
export function judge(report: Pick<CampaignReport, 'findings' | 'scopes' | 'regressions' | 'fixedBaselined'>, ci: boolean, baselineFile = 'reports/baseline.json'): Verdict {
  const reasons: string[] = [];
  for (const finding of report.findings) {
    if (!finding.baselined) reasons.push(`new finding ${finding.id} (${finding.scope} scope): ${finding.message}`);
  }
  for (const replay of report.regressions) {
    if (replay.reproduces && !replay.baselined) reasons.push(`regression ${replay.file} still fails: ${replay.findingId}`);
  }
  for (const scope of report.scopes) {
    for (const check of scope.coverage) {
      if (!check.met) reasons.push(`coverage: ${check.label} reached in ${(check.share * 100).toFixed(1)}% of ${scope.name}-scope runs, ${(check.required * 100).toFixed(0)}% required`);
    }
  }
  if (ci) {
    for (const id of report.fixedBaselined) reasons.push(`baselined finding ${id} no longer reproduces: remove it from ${baselineFile}`);
  }
  return { exitCode: reasons.length === 0 ? 0 : 1, reasons };
}

export const findingTitle = (id: string): string => KNOWN_FINDINGS.find((finding) => finding.id === id)?.title ?? id;

export { FRAMECHECK_VERSION };
