// summary.md: the campaign for a CI job summary ($GITHUB_STEP_SUMMARY) — verdict, findings, coverage.
import { findingRows, propertyResult, type CampaignReport } from './campaign-report.js';
import { renderMemoryMapsMarkdown } from './memory-maps-md.js';
import { renderStatisticsMarkdown } from '../statistics/statistics-text.js';

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function renderSummary(report: CampaignReport): string {
  const lines: string[] = [];
  const mark = report.verdict.exitCode === 0 ? '✅' : '❌';
  lines.push(`# framecheck: ${report.target.name} — ${mark} ${report.verdict.headline}`, '');
  const seed = `Seed \`${report.seed}\`${String(report.fastCheckSeed) === report.seed ? '' : ` (fast-check seed ${report.fastCheckSeed})`}`;
  lines.push(`${seed}${report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : ''}, ${(report.elapsedMs / 1000).toFixed(1)} s${report.status === 'running' ? ' (still running or interrupted)' : ''}. Replay: \`${report.replayCommand}\``, '');
  if (report.partial !== undefined) {
    lines.push(`**Partial report:** merged without shard${report.partial.missingShards.length > 1 ? 's' : ''} ${report.partial.missingShards.join(', ')} of ${report.partial.of} (merge --allow-partial); their runs and findings are not in it.`, '');
  }
  for (const reason of report.verdict.reasons) lines.push(`- ${reason}`);
  if (report.verdict.reasons.length > 0) lines.push('');
  lines.push('| scope | frames | runs | steps | skipped | set aside | repeated failures | time |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const scope of report.scopes) {
    lines.push(`| ${scope.name} | ${scope.maxFrames} | ${scope.runs} of ${scope.plannedRuns}${scope.interrupted ? ' (time limit)' : ''} | ${scope.steps} | ${scope.skippedSteps} | ${scope.setAsideSteps} | ${scope.repeatedFailures} | ${(scope.elapsedMs / 1000).toFixed(1)} s |`);
  }
  lines.push(
    '',
    '*Skipped*: steps that name "a frame handed out earlier" when no frame had been handed out yet; generated, never sent. ' +
      '*Set aside*: steps not sent because they trigger a finding already found in this campaign, so that the defects behind it can be reached. ' +
      '*Repeated failures*: failing runs whose signature was already found; counted, not shrunk again.',
  );
  lines.push(...renderMemoryMapsMarkdown(report.memoryMaps));
  lines.push('', '## Properties', '', '| property | result | findings |', '|---|---|---|');
  for (const property of report.properties) {
    lines.push(`| \`${property.id}\` — ${property.description} | ${property.passed ? 'holds' : `**${propertyResult(property)}**`} | ${property.findings.join(', ')} |`);
  }
  const rows = findingRows(report.findings);
  if (rows.length > 0) {
    lines.push('', '## Findings', '', '| | finding | severity | scopes | steps | signature | counterexample |', '|---|---|---|---|---:|---|---|');
    for (const row of rows) {
      const cell = (text: string): string => text.replaceAll('|', '\\|');
      lines.push(`| ${row.baselined ? 'accepted' : '**NEW**'} | **${row.id}** — ${cell(row.title)} | ${row.severity} | ${row.scopes.join(', ')} | ${row.steps}${row.shrinkCutShort ? ' (shrinking cut short)' : ''} | \`${cell(row.signature)}\` | \`${row.counterexample}\` |`);
    }
  }
  if (report.regressions.length > 0) {
    const reproduced = report.regressions.filter((replay) => replay.reproduces).length;
    lines.push('', `## Regression corpus`, '', `${report.regressions.length} counterexamples (the corpus and the baseline's) replayed first; ${reproduced} still fail.`);
  }
  lines.push('', '## Scenario coverage', '', '| scope | scenario | runs | share | required |', '|---|---|---:|---:|---:|');
  for (const scope of report.scopes) {
    for (const check of scope.coverage) {
      lines.push(`| ${scope.name} | ${check.label} — ${check.description} | ${check.runs} | ${percent(check.share)} | ${check.required > 0 ? `${percent(check.required)}${check.met ? '' : ' ❌'}` : '—'} |`);
    }
  }
  return `${lines.join('\n')}\n\n${renderStatisticsMarkdown(report)}`;
}
