// `framecheck merge DIR... --out DIR`: one report from the folders of a sharded campaign — runs,
// steps and scenario counts summed per scope, findings and counterexamples gathered (the first
// counterexample of each finding and scope kept), the verdict judged again on the whole.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../files/input-error.js';
import { readReportResults, writeReports } from '../files/report-folder.js';
import { judge, reportProperties, type CampaignReport, type AnyReportFinding, type ReportScope } from '../reporters/campaign-report.js';
import { LINEARIZABLE_PROPERTY } from '../files/parallel-counterexample.js';
import { parseFlags, usageError } from './flags.js';
import { mergeStatistics } from '../statistics/campaign-statistics.js';
import { weakCampaignWarnings } from '../statistics/weak-campaign.js';

export const MERGE_HELP = `framecheck merge DIR... --out DIR [--ci]

Merges the report folders of a sharded campaign (framecheck --shard i/n) into one folder.`;

function readResults(folder: string): CampaignReport {
  const report = readReportResults(folder);
  if (report.status !== 'complete') throw inputError(join(folder, 'results.json'), 'this shard did not finish (status "running"): rerun it before merging');
  return report;
}

function mergeScopes(a: ReportScope, b: ReportScope): ReportScope {
  const runs = a.runs + b.runs;
  return {
    ...a,
    runs,
    steps: a.steps + b.steps,
    skippedSteps: a.skippedSteps + b.skippedSteps,
    setAsideSteps: a.setAsideSteps + b.setAsideSteps,
    elapsedMs: Math.max(a.elapsedMs, b.elapsedMs),
    completed: a.completed && b.completed,
    interrupted: a.interrupted || b.interrupted,
    statistics: mergeStatistics(a.statistics, b.statistics),
    coverage: a.coverage.map((check) => {
      const other = b.coverage.find((candidate) => candidate.label === check.label);
      const labelRuns = check.runs + (other?.runs ?? 0);
      const share = runs === 0 ? 0 : labelRuns / runs;
      return { ...check, runs: labelRuns, share, met: share >= check.required };
    }),
  };
}

export function mergeCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(args, { out: { type: 'string' }, ci: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'merge');
  if (values.help === true) {
    out(`${MERGE_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw usageError('merge: give the report folders of the shards');
  if (values.out === undefined) throw usageError('merge: --out DIR is required');
  const reports = positionals.map((folder) => ({ folder, report: readResults(folder) }));
  const first = reports[0]?.report as CampaignReport;
  for (const { folder, report } of reports) {
    if (report.target.allocator !== first.target.allocator || report.target.profile !== first.target.profile || report.seed !== first.seed) {
      throw inputError(join(folder, 'results.json'), `a shard of another campaign (${report.target.allocator}/${report.target.profile} seed ${report.seed}, expected ${first.target.allocator}/${first.target.profile} seed ${first.seed})`);
    }
  }
  const scopes = new Map<string, ReportScope>();
  const findings: AnyReportFinding[] = [];
  mkdirSync(join(values.out, 'counterexamples'), { recursive: true });
  for (const { folder, report } of reports) {
    for (const scope of report.scopes) scopes.set(scope.name, scopes.has(scope.name) ? mergeScopes(scopes.get(scope.name) as ReportScope, scope) : scope);
    for (const finding of report.findings) {
      if (findings.some((kept) => kept.id === finding.id && kept.scope === finding.scope)) continue;
      copyFileSync(join(folder, finding.counterexample), join(values.out, finding.counterexample));
      findings.push(finding);
    }
  }
  const merged = { scopes: [...scopes.values()], findings, regressions: first.regressions, fixedBaselined: first.fixedBaselined.filter((id) => !findings.some((finding) => finding.id === id)) };
  const report: CampaignReport = {
    ...first,
    ...merged,
    shard: null,
    elapsedMs: Math.max(...reports.map(({ report: shard }) => shard.elapsedMs)),
    properties: reportProperties(first.properties.some((property) => property.id === 'targets-agree'), findings, first.properties.some((property) => property.id === LINEARIZABLE_PROPERTY)),
    verdict: judge(merged, values.ci === true),
    statistics: { corpusReplay: first.statistics.corpusReplay, warnings: weakCampaignWarnings(merged.scopes, {}) },
  };
  writeReports(values.out, report);
  out(`merged ${reports.length} shards into ${values.out}: ${findings.length} findings, ${report.verdict.exitCode === 0 ? 'all properties hold' : 'a property fails'}\n`);
  return report.verdict.exitCode;
}
