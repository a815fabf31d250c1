// summary.md: the campaign for a CI job summary ($GITHUB_STEP_SUMMARY) — verdict, findings, coverage.
import type { CampaignReport } from './campaign-report.js';

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function renderSummary(report: CampaignReport): string {
  const lines: string[] = [];
  const verdict = report.verdict.exitCode === 0 ? '✅ all properties hold' : '❌ a property fails';
  const baselined = report.findings.filter((finding) => finding.baselined).length;
  lines.push(`# framecheck: ${report.target.name} — ${verdict}${baselined > 0 ? ` (${baselined} baselined findings)` : ''}`, '');
  lines.push(`Seed \`${report.seed}\`${report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : ''}, ${(report.elapsedMs / 1000).toFixed(1)} s${report.status === 'running' ? ' (still running or interrupted)' : ''}. Replay: \`${report.replayCommand}\``, '');
  if (report.partial !== undefined) {
    lines.push(`**Partial report:** merged without shard${report.partial.missingShards.length > 1 ? 's' : ''} ${report.partial.missingShards.join(', ')} of ${report.partial.of} (merge --allow-partial); their runs and findings are not in it.`, '');
  }
  for (const reason of report.verdict.reasons) lines.push(`- ${reason}`);
  if (report.verdict.reasons.length > 0) lines.push('');
  lines.push('| scope | frames | runs | steps | skipped | set aside | time |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const scope of report.scopes) {
    lines.push(`| ${scope.name} | ${scope.maxFrames} | ${scope.runs} | ${scope.steps} | ${scope.skippedSteps} | ${scope.setAsideSteps} | ${(scope.elapsedMs / 1000).toFixed(1)} s |`);
  }
  lines.push('', '## Properties', '', '| property | result | findings |', '|---|---|---|');
  for (const property of report.properties) {
    lines.push(`| \`${property.id}\` — ${property.description} | ${property.passed ? 'holds' : '**fails**'} | ${property.findings.join(', ')} |`);
  }
  if (report.findings.length > 0) {
    lines.push('', '## Findings', '', '| finding | severity | scope | first divergence | counterexample |', '|---|---|---|---|---|');
    for (const finding of report.findings) {
      lines.push(`| ${finding.baselined ? '(baselined) ' : ''}**${finding.id}** — ${finding.title} | ${finding.severity} | ${finding.scope} | ${finding.message.replaceAll('|', '\\|')} | \`${finding.counterexample}\` |`);
    }
  }
  if (report.regressions.length > 0) {
    const reproduced = report.regressions.filter((replay) => replay.reproduces).length;
    lines.push('', `## Regression corpus`, '', `${report.regressions.length} counterexamples replayed first; ${reproduced} still fail.`);
  }
  lines.push('', '## Scenario coverage', '', '| scope | scenario | runs | share | required |', '|---|---|---:|---:|---:|');
  for (const scope of report.scopes) {
    for (const check of scope.coverage) {
      lines.push(`| ${scope.name} | ${check.label} — ${check.description} | ${check.runs} | ${percent(check.share)} | ${check.required > 0 ? `${percent(check.required)}${check.met ? '' : ' ❌'}` : '—'} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
