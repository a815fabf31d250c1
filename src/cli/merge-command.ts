// `framecheck merge DIR... --out DIR`: one report from the folders of a sharded campaign — runs,
// steps and scenario counts summed per scope, findings and counterexamples gathered (the first
// counterexample of each finding and scope kept), the verdict judged again on the whole.
import { join } from 'node:path';
import { writeJsonAtomic } from '../files/atomic-write.js';
import { readCounterexample, readJsonFile, type CounterexampleFile } from '../files/counterexample-file.js';
import { inputError } from '../files/input-error.js';
import { readReportResults, writeReports } from '../files/report-folder.js';
import { judge, reportProperties, type CampaignReport, type AnyReportFinding, type ReportScope } from '../reporters/campaign-report.js';
import { isParallelCounterexample, LINEARIZABLE_PROPERTY, loadParallelCounterexample, type ParallelCounterexampleFile } from '../files/parallel-counterexample.js';
import { parseFlags, usageError } from './flags.js';
import { checkOutFolder, checkShardSet, pathInside } from './merge-checks.js';
import { mergeStatistics } from '../statistics/campaign-statistics.js';
import { weakCampaignWarnings } from '../statistics/weak-campaign.js';

export const MERGE_HELP = `framecheck merge DIR... --out DIR [--ci] [--allow-partial]

Merges the report folders of a sharded campaign (framecheck --shard i/n) into one folder. The folders
must be the shards of one campaign (same seed, allocator, profile, shard count and flags), each exactly
once; --out must be a new folder. --allow-partial merges a set with shards missing and marks the
report partial (results.json "partial", a sentence in summary.md).`;

function readResults(folder: string): CampaignReport {
  const file = join(folder, 'results.json');
  const json = readReportResults(folder) as Partial<CampaignReport>;
  if (!Array.isArray(json.findings) || !Array.isArray(json.scopes) || typeof json.replayCommand !== 'string' || typeof json.target !== 'object' || json.target === null) {
    throw inputError(file, '"findings", "scopes", "target" or "replayCommand" is missing or of the wrong type');
  }
  if (json.shard !== null && (typeof json.shard !== 'object' || !Number.isSafeInteger(json.shard?.index) || !Number.isSafeInteger(json.shard?.count))) throw inputError(file, '"shard" must be null or { index, count }');
  if (json.status !== 'complete') throw inputError(file, 'this shard did not finish (status "running"): rerun it before merging');
  return json as CampaignReport;
}

function mergeScopes(a: ReportScope, b: ReportScope): ReportScope {
  const runs = a.runs + b.runs;
  return {
    ...a,
    plannedRuns: a.plannedRuns + b.plannedRuns,
    runs,
    repeatedFailures: a.repeatedFailures + b.repeatedFailures,
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
  const { values, positionals } = parseFlags(args, { out: { type: 'string' }, ci: { type: 'boolean' }, 'allow-partial': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'merge');
  if (values.help === true) {
    out(`${MERGE_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw usageError('merge: give the report folders of the shards');
  if (values.out === undefined) throw usageError('merge: --out DIR is required');
  checkOutFolder(values.out, positionals);
  const reports = positionals.map((folder) => ({ folder, report: readResults(folder) }));
  const first = reports[0]?.report as CampaignReport;
  const missing = checkShardSet(reports, values['allow-partial'] === true);
  const scopes = new Map<string, ReportScope>();
  const findings: AnyReportFinding[] = [];
  // Every counterexample is read (and so checked) before anything is written.
  const copies: { file: string; content: CounterexampleFile | ParallelCounterexampleFile }[] = [];
  for (const { folder, report } of reports) {
    for (const scope of report.scopes) scopes.set(scope.name, scopes.has(scope.name) ? mergeScopes(scopes.get(scope.name) as ReportScope, scope) : scope);
    for (const [i, finding] of report.findings.entries()) {
      // One finding is its name and its signature: shards can show one name failing different ways.
      if (findings.some((kept) => kept.id === finding.id && kept.signature === finding.signature && kept.scope === finding.scope)) continue;
      const relative = pathInside(folder, finding.counterexample, join(folder, 'results.json'), `findings[${i}].counterexample`);
      const path = join(folder, relative);
      const json = readJsonFile(path);
      const content = typeof json === 'object' && json !== null && isParallelCounterexample(json) ? loadParallelCounterexample(path, json).content : readCounterexample(path).content;
      copies.push({ file: relative, content });
      // The report shows the counterexample file as read and checked, not the copy inside results.json.
      findings.push({ ...finding, counterexample: relative, content });
    }
  }
  for (const { file, content } of copies) writeJsonAtomic(join(values.out, file), content);
  // An accepted signature is fixed only when no shard reproduced it.
  const fixedBaselined = first.fixedBaselined.filter((signature) => reports.every(({ report: shard }) => shard.fixedBaselined.includes(signature)));
  const merged = { scopes: [...scopes.values()], findings, regressions: first.regressions, fixedBaselined };
  const report: CampaignReport = {
    ...first,
    ...merged,
    shard: null,
    replayCommand: first.replayCommand.replace(/ --shard \d+\/\d+/, ''),
    ...(missing.length > 0 && { partial: { missingShards: missing, of: first.shard?.count ?? 1 } }),
    elapsedMs: Math.max(...reports.map(({ report: shard }) => shard.elapsedMs)),
    properties: reportProperties(first.properties.some((property) => property.id === 'targets-agree'), findings, first.properties.some((property) => property.id === LINEARIZABLE_PROPERTY)),
    verdict: judge(merged, values.ci === true),
    statistics: { corpusReplay: first.statistics.corpusReplay, warnings: weakCampaignWarnings(merged.scopes, {}) },
  };
  writeReports(values.out, report);
  const partial = missing.length > 0 ? ` (PARTIAL: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.shard?.count ?? 1} missing)` : '';
  out(`merged ${reports.length} shards into ${values.out}${partial}: ${report.verdict.headline}\n`);
  return report.verdict.exitCode;
}
