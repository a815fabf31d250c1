// The statistics as rows of words and figures — one source for the terminal block, summary.md and
// report.html, so the three always show the same figures as results.json.
import type { CampaignReport } from '../reporters/campaign-report.js';
import type { ScopeStatistics } from './campaign-statistics.js';
import { warningText } from './weak-campaign.js';

export interface StatisticsRow {
  /** A scope's name, or "campaign". */
  readonly scope: string;
  readonly what: string;
  readonly figures: string;
}

export const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const share = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((part / whole) * 100).toFixed(1)}%`;

/** The run at the middle of a histogram (index: the value, entry: how many runs had it). */
export function histogramMedian(histogram: readonly number[]): number | undefined {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value] ?? 0;
    if (seen * 2 >= total) return value;
  }
  return undefined;
}

const firstNonZero = (histogram: readonly number[]): number => histogram.findIndex((runs) => runs > 0);
const lastNonZero = (histogram: readonly number[]): number => histogram.length - 1 - [...histogram].reverse().findIndex((runs) => runs > 0);

/** The peak-memory bucket as a range of shares. */
export const peakBucket = (index: number): string => (index >= 10 ? '100%' : `${index * 10}–${index * 10 + 10}%`);

export function scopeRows(scope: string, statistics: ScopeStatistics): StatisticsRow[] {
  const row = (what: string, figures: string): StatisticsRow => ({ scope, what, figures });
  const runs = statistics.generatedRuns;
  const lengths = statistics.sequenceLengths;
  const median = histogramMedian(lengths);
  const rows = [
    row('runs', `${count(runs)} generated · ${count(statistics.shrinkAttempts)} shrink attempts`),
    row('sequence length', median === undefined ? 'no runs' : `median ${median} · min ${firstNonZero(lengths)} · max ${lastNonZero(lengths)} steps`),
  ];
  for (const call of statistics.calls) {
    rows.push(row(call.op, `${count(call.calls)} calls: ${Object.entries(call.outcomes).sort((a, b) => b[1] - a[1]).map(([outcome, calls]) => `${outcome} ${count(calls)}`).join(' · ')}`));
  }
  rows.push(row('not sent', statistics.notSent.length === 0 ? 'none' : statistics.notSent.map((entry) => `${count(entry.steps)} ${entry.reason}`).join(' · ')));
  const peak = histogramMedian(statistics.peakMemoryUsed);
  rows.push(row('peak memory used', `${peak === undefined ? 'no runs' : `median ${peakBucket(peak)}`} · ${share(statistics.runsWithoutAllocation, runs)} of runs never had a frame handed out`));
  const { time } = statistics;
  rows.push(row('time', `generation ${seconds(time.generationMs)} · execution ${seconds(time.executionMs)} · checking ${seconds(time.checkingMs)} · shrinking ${seconds(time.shrinkingMs)}`));
  const attempts = Object.entries(statistics.shrinkAttemptsByFinding);
  rows.push(row('shrink attempts', attempts.length === 0 ? 'none' : attempts.map(([finding, tries]) => `${finding} ${count(tries)}`).join(' · ')));
  return rows;
}

export function statisticsRows(report: Pick<CampaignReport, 'scopes' | 'statistics'>): StatisticsRow[] {
  const rows = report.scopes.flatMap((scope) => scopeRows(scope.name, scope.statistics));
  const { corpusReplay } = report.statistics;
  rows.push({ scope: 'campaign', what: 'corpus replay', figures: `${count(corpusReplay.runs)} counterexamples in ${seconds(corpusReplay.ms)}` });
  return rows;
}

/** The terminal block. */
export function renderStatisticsText(report: Pick<CampaignReport, 'scopes' | 'statistics'>): string {
  const rows = statisticsRows(report);
  const scopeWidth = Math.max(...rows.map((row) => row.scope.length));
  const whatWidth = Math.max(...rows.map((row) => row.what.length));
  const lines = rows.map((row) => `  ${row.scope.padEnd(scopeWidth)}  ${row.what.padEnd(whatWidth)}  ${row.figures}`);
  const warnings = report.statistics.warnings.map((warning) => `  ⚠ ${warningText(warning)}`);
  return `\nstatistics\n${[...lines, ...warnings].join('\n')}\n`;
}

/** The summary.md section. */
export function renderStatisticsMarkdown(report: Pick<CampaignReport, 'scopes' | 'statistics'>): string {
  const lines = ['## Statistics', ''];
  for (const warning of report.statistics.warnings) lines.push(`- ⚠ ${warningText(warning)}`);
  if (report.statistics.warnings.length > 0) lines.push('');
  lines.push('| scope | what | figures |', '|---|---|---|');
  for (const row of statisticsRows(report)) lines.push(`| ${row.scope} | ${row.what} | ${row.figures.replaceAll('|', '\\|')} |`);
  return `${lines.join('\n')}\n`;
}
