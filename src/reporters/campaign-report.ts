// What one campaign found, as every reporter reads it: results.json is this object, and
// summary.md, junit.xml and report.html are views of it. Built again after every search, so an
// interrupted campaign leaves a report of everything found so far.
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { describeProperty, INVARIANTS, type InvariantId, type PropertyId } from '../../properties/invariants.js';
import { MIN_RUNS_TO_JUDGE, type CoverageCheck, type ScopeResult } from '../runner/campaign.js';
import type { CounterexampleFile } from '../files/counterexample-file.js';
import type { MemoryMapReport } from '../maps/machine-report.js';
import { LINEARIZABLE_DESCRIPTION, LINEARIZABLE_PROPERTY, type ParallelCounterexampleFile } from '../files/parallel-counterexample.js';
import { FRAMECHECK_VERSION } from '../files/version.js';
import type { CorpusStatistics, ScopeStatistics } from '../statistics/campaign-statistics.js';
import type { Warning } from '../statistics/weak-campaign.js';

export const RESULTS_FORMAT = 'framecheck-results';
// Version 3: per-scope statistics and the campaign's warnings (docs/results.schema.json).
export const RESULTS_VERSION = 3;

/** One finding at one scope, with its counterexample file. */
export interface ReportFinding<Content extends CounterexampleFile | ParallelCounterexampleFile = CounterexampleFile> {
  readonly id: string;
  /** What went wrong (src/findings/identity.ts): the baseline accepts signatures. */
  readonly signature: string;
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
  /** Failing runs with this signature in the scope's search. */
  readonly occurrences: number;
  /** Shrinking ran out of budget: the counterexample fails but may not be minimal. */
  readonly shrinkCutShort: boolean;
  /** A parallel campaign's findings carry a parallel counterexample (`kind: "parallel"`). */
  readonly content: Content;
}

export type AnyReportFinding = ReportFinding<CounterexampleFile | ParallelCounterexampleFile>;

/** A counterexample's length: its steps, or all the calls of a parallel program. */
const lengthOf = (content: CounterexampleFile | ParallelCounterexampleFile): number =>
  'steps' in content ? content.steps.length : content.program.split(/[|;]/).filter((call) => call.trim() !== '').length;

/** One finding across the scopes it appeared in: what the terminal, summary.md and report.html list. */
export interface FindingRow {
  readonly id: string;
  readonly signature: string;
  readonly title: string;
  readonly severity: string;
  readonly scopes: readonly string[];
  readonly property: string;
  readonly message: string;
  /** The shortest counterexample's length and file (relative to the report folder). */
  readonly steps: number;
  readonly counterexample: string;
  readonly baselined: boolean;
  readonly shrinkCutShort: boolean;
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];
const severityRank = (severity: string): number => {
  const rank = SEVERITY_ORDER.indexOf(severity);
  return rank < 0 ? SEVERITY_ORDER.length : rank;
};

/** The findings one row each (by name and signature), new before accepted, then by severity, then as found. */
export function findingRows(findings: readonly AnyReportFinding[]): FindingRow[] {
  const rows = new Map<string, FindingRow>();
  for (const finding of findings) {
    const key = `${finding.id} ${finding.signature}`;
    const row = rows.get(key);
    const steps = lengthOf(finding.content);
    if (row === undefined) {
      rows.set(key, {
        id: finding.id,
        signature: finding.signature,
        title: finding.title,
        severity: finding.severity,
        scopes: [finding.scope],
        property: finding.property,
        message: finding.message,
        steps,
        counterexample: finding.counterexample,
        baselined: finding.baselined,
        shrinkCutShort: finding.shrinkCutShort,
      });
    } else {
      const shorter = steps < row.steps;
      rows.set(key, {
        ...row,
        scopes: [...row.scopes, finding.scope],
        ...(shorter && { steps, counterexample: finding.counterexample, message: finding.message, shrinkCutShort: finding.shrinkCutShort }),
      });
    }
  }
  const order = [...rows.values()];
  return order
    .map((row, found) => ({ row, found }))
    .sort((a, b) => Number(a.row.baselined) - Number(b.row.baselined) || severityRank(a.row.severity) - severityRank(b.row.severity) || a.found - b.found)
    .map(({ row }) => row);
}

export interface RegressionReplay {
  readonly file: string;
  readonly findingId: string;
  readonly signature: string;
  /** The signature the replay showed, when it failed. */
  readonly observed?: string;
  /** The failure it records still happens (the same signature). */
  readonly reproduces: boolean;
  /** What the replay showed instead, when it does not reproduce. */
  readonly outcome: string;
  readonly baselined: boolean;
}

export interface ReportScope {
  readonly name: string;
  readonly maxFrames: number;
  readonly maxCommands: number;
  /** The runs the scope was to make, and those it made. */
  readonly plannedRuns: number;
  readonly runs: number;
  readonly steps: number;
  readonly skippedSteps: number;
  readonly setAsideSteps: number;
  /** Failing runs whose signature was already found (counted, not shrunk again). */
  readonly repeatedFailures: number;
  readonly elapsedMs: number;
  readonly completed: boolean;
  readonly interrupted: boolean;
  readonly coverage: readonly CoverageCheck[];
  readonly statistics: ScopeStatistics;
}

export interface ReportProperty {
  readonly id: string;
  readonly description: string;
  readonly passed: boolean;
  /** Broken only by findings the baseline accepts. */
  readonly accepted: boolean;
  /** Findings that broke it. */
  readonly findings: readonly string[];
}

export interface Verdict {
  readonly exitCode: 0 | 1;
  /** The verdict in one line, said the same way by every reporter. */
  readonly headline: string;
  /** Distinct findings (by signature) the baseline does not accept, and those it does. */
  readonly newFindings: number;
  readonly acceptedFindings: number;
  readonly reasons: readonly string[];
}

export interface CampaignReport {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly framecheck: string;
  readonly status: 'running' | 'complete';
  readonly startedAt: string;
  readonly elapsedMs: number;
  /** The seed as given, and fast-check's seed derived from it. */
  readonly seed: string;
  readonly fastCheckSeed: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** A merge of a sharded campaign with shards missing (merge --allow-partial): which, of how many. */
  readonly partial?: { readonly missingShards: readonly number[]; readonly of: number };
  readonly replayCommand: string;
  readonly target: { readonly allocator: string; readonly name: string; readonly profile: string };
  readonly scopes: readonly ReportScope[];
  readonly properties: readonly ReportProperty[];
  readonly findings: readonly AnyReportFinding[];
  readonly regressions: readonly RegressionReplay[];
  /** Accepted signatures that reproduced neither from their counterexamples nor in the campaign. */
  readonly fixedBaselined: readonly string[];
  /** --memory-map: what each map means for the bitmap and which findings that machine triggers. */
  readonly memoryMaps?: readonly MemoryMapReport[];
  readonly verdict: Verdict;
  readonly statistics: {
    readonly corpusReplay: CorpusStatistics;
    /** The campaign exercised little (src/statistics/weak-campaign.ts); shown, never failing the run. */
    readonly warnings: readonly Warning[];
  };
}

export const reportScope = (result: ScopeResult, statistics: ScopeStatistics): ReportScope => ({
  name: result.scope.name,
  maxFrames: result.scope.maxFrames,
  maxCommands: result.scope.maxCommands,
  plannedRuns: result.plannedRuns,
  runs: result.stats.runs,
  steps: result.stats.steps,
  skippedSteps: result.stats.skipped,
  setAsideSteps: result.stats.setAside,
  repeatedFailures: result.stats.repeats,
  elapsedMs: result.elapsedMs,
  completed: result.completed,
  interrupted: result.interrupted,
  coverage: result.coverage,
  statistics,
});

/** Every property, passed or broken by the findings (campaign and corpus alike); targets-agree only in differential mode; a parallel campaign checks linearizability and target-responds. */
export function reportProperties(differential: boolean, findings: readonly { property: string; id: string; baselined: boolean }[], parallel = false): ReportProperty[] {
  const ids: (PropertyId | typeof LINEARIZABLE_PROPERTY)[] = parallel ? [LINEARIZABLE_PROPERTY, 'target-responds'] : [...(Object.keys(INVARIANTS) as InvariantId[]), 'target-responds', ...(differential ? (['targets-agree'] as const) : [])];
  return ids.map((id) => {
    const breaking = findings.filter((finding) => finding.property === id);
    const broken = [...new Set(breaking.map((finding) => finding.id))];
    return { id, description: id === LINEARIZABLE_PROPERTY ? LINEARIZABLE_DESCRIPTION : describeProperty(id), passed: broken.length === 0, accepted: broken.length > 0 && breaking.every((finding) => finding.baselined), findings: broken };
  });
}

/** How a property reads in every report: holds, fails, or fails with only accepted findings. */
export const propertyResult = (property: ReportProperty): string => (property.passed ? 'holds' : property.accepted ? 'fails (accepted by the baseline)' : 'FAILS');

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The exit code and why: new findings, scopes not passed, and (in CI mode) accepted findings now fixed. */
export function judge(report: Pick<CampaignReport, 'findings' | 'scopes' | 'regressions' | 'fixedBaselined'>, ci: boolean, baselineFile = 'reports/baseline.json'): Verdict {
  const reasons: string[] = [];
  const rows = findingRows(report.findings);
  for (const row of rows) {
    if (!row.baselined) reasons.push(`new finding ${row.id} (${row.scopes.join(', ')}): ${row.signature}`);
  }
  const regressionsFailing = report.regressions.filter((replay) => replay.reproduces && !replay.baselined);
  for (const replay of regressionsFailing) reasons.push(`regression ${replay.file} still fails: ${replay.findingId}`);
  for (const scope of report.scopes) {
    if (scope.interrupted && scope.runs < Math.min(MIN_RUNS_TO_JUDGE, scope.plannedRuns)) reasons.push(`${scope.name} scope: ${scope.runs} of ${scope.plannedRuns} runs made, too few to judge (the time limit ran out)`);
    for (const check of scope.coverage) {
      if (!check.met) reasons.push(`coverage: ${check.label} reached in ${(check.share * 100).toFixed(1)}% of ${scope.name}-scope runs, ${(check.required * 100).toFixed(0)}% required`);
    }
  }
  if (ci) {
    for (const signature of report.fixedBaselined) reasons.push(`accepted finding no longer reproduces: ${signature} — remove it from ${baselineFile}`);
  }
  const newRows = rows.filter((row) => !row.baselined);
  const newFindings = newRows.length + new Set(regressionsFailing.filter((replay) => !newRows.some((row) => row.id === replay.findingId && row.signature === replay.signature)).map((replay) => `${replay.findingId} ${replay.signature}`)).size;
  const acceptedFindings = rows.filter((row) => row.baselined).length;
  const accepted = acceptedFindings === 0 ? '' : `${plural(acceptedFindings, 'known finding')} accepted by the baseline`;
  let headline: string;
  if (reasons.length === 0) headline = acceptedFindings === 0 ? 'all properties hold' : `no new finding; ${accepted}`;
  else if (newFindings > 0) headline = `${plural(newFindings, 'new finding')}${accepted === '' ? '' : `; ${accepted}`}`;
  else headline = `failed: ${reasons[0] as string}${reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : ''}`;
  return { exitCode: reasons.length === 0 ? 0 : 1, headline, newFindings, acceptedFindings, reasons };
}

export const findingTitle = (id: string): string => KNOWN_FINDINGS.find((finding) => finding.id === id)?.title ?? id;

export { FRAMECHECK_VERSION };

/** What a campaign knows before its results: who runs it, how, and what the baseline accepts. */
export interface CampaignRun {
  readonly started: number;
  readonly seed: string;
  readonly fastCheckSeed: number;
  readonly shard: CampaignReport['shard'];
  readonly replayCommand: string;
  readonly target: CampaignReport['target'];
  readonly ci: boolean;
  readonly baselineFile: string;
  /** Accepted signatures for this allocator and profile. */
  readonly accepted: ReadonlySet<string>;
}

/** The report so far (sequential and parallel campaigns alike); once complete, baselined findings that did not reproduce count as fixed. */
export function buildReport(run: CampaignRun, status: CampaignReport['status'], results: Pick<CampaignReport, 'scopes' | 'findings' | 'regressions' | 'properties' | 'statistics'>): CampaignReport {
  const reproduced = new Set([...results.findings.map((finding) => finding.signature), ...results.regressions.filter((replay) => replay.reproduces).map((replay) => replay.signature)]);
  const fixedBaselined = status === 'complete' ? [...run.accepted].filter((signature) => !reproduced.has(signature)) : [];
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    framecheck: FRAMECHECK_VERSION,
    status,
    startedAt: new Date(run.started).toISOString(),
    elapsedMs: Date.now() - run.started,
    seed: run.seed,
    fastCheckSeed: run.fastCheckSeed,
    shard: run.shard,
    replayCommand: run.replayCommand,
    target: run.target,
    ...results,
    fixedBaselined,
    verdict: judge({ ...results, fixedBaselined }, run.ci, run.baselineFile),
  };
}
