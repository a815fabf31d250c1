// report.html: one self-contained page (no scripts, no external files) that shows the campaign at a
// glance — the verdict, one row per finding by severity, the distributions of what the runs did —
// and then each finding in detail: its steps, the counters over them, and the frame map where it
// acted. The page is a list of section functions (REPORT_SECTIONS): adding a section is one line.
import { findingRows, propertyResult, type AnyReportFinding, type CampaignReport, type ReportFinding, type ReportScope } from './campaign-report.js';
import { renderMemoryMapsHtml } from './memory-maps-html.js';
import { histogram, outcomeLegend, stackedBars } from './charts.js';
import { renderCounters, renderFrameMap } from './frame-map-svg.js';
import { peakBucket, statisticsRows } from '../statistics/statistics-text.js';
import { warningText } from '../statistics/weak-campaign.js';
import { isParallelFinding, renderParallelFinding } from './history-timeline.js';

export { firstDisagreement, renderFrameMap, STATUS_COLOURS } from './frame-map-svg.js';

/** One part of the page, from the whole report. */
export type ReportSection = (report: CampaignReport) => string;

export const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Where each finding's detail section is (findings in report order). */
const anchor = (report: CampaignReport, finding: AnyReportFinding): string => `finding-${report.findings.indexOf(finding)}`;

const verdictSection: ReportSection = (report) => {
  const passed = report.verdict.exitCode === 0;
  const reasons = report.verdict.reasons.length > 0 ? `<ul class="reasons">${report.verdict.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>` : '';
  const warnings = report.statistics.warnings.length > 0 ? `<ul class="warnings">${report.statistics.warnings.map((warning) => `<li>⚠ ${escape(warningText(warning))}</li>`).join('')}</ul>` : '';
  return `<header id="verdict"><h1>framecheck — ${escape(report.target.name)}: <span class="${passed ? 'ok' : 'fail'}">${escape(report.verdict.headline)}</span></h1>
<p>Seed <code>${report.seed}</code>${report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : ''} · ${report.scopes.map((scope) => `${scope.name}: ${scope.runs} runs, ${scope.steps} steps`).join(' · ')} · ${(report.elapsedMs / 1000).toFixed(1)} s${report.status === 'running' ? ' · <strong>incomplete</strong>' : ''}<br>Replay this campaign: <code>${escape(report.replayCommand)}</code></p>
${reasons}${warnings}</header>`;
};

/** One row per finding (by signature), new before accepted, the most severe first: where it appeared, how short, how to replay it. */
const findingsOverviewSection: ReportSection = (report) => {
  const rows = findingRows(report.findings).map((row) => {
    const of = report.findings.filter((finding) => finding.id === row.id && finding.signature === row.signature);
    return `<tr class="${row.baselined ? 'accepted' : 'new'}"><td><a href="#${anchor(report, of[0] as AnyReportFinding)}">${escape(row.id)}</a><br><small>${escape(row.title)}</small></td><td>${escape(row.severity)}</td><td>${of.map((finding) => `<a href="#${anchor(report, finding)}">${escape(finding.scope)}</a>`).join(', ')}</td><td>${row.baselined ? 'accepted' : 'NEW'}</td><td>${row.steps}${row.shrinkCutShort ? ' (cut short)' : ''}</td><td><code>npx framecheck replay ${escape(row.counterexample)}</code></td></tr>`;
  });
  return `<section id="overview"><h2>Findings (${report.findings.length})</h2>
${rows.length === 0 ? '<p>None.</p>' : `<table class="overview"><thead><tr><th>finding</th><th>severity</th><th>scopes</th><th>status</th><th>steps</th><th>replay</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}</section>`;
};

function coverageTable(scope: ReportScope): string {
  const rows = scope.coverage.map((check) => {
    const width = Math.round(check.share * 200);
    const required = Math.round(check.required * 200);
    return `<tr${check.met ? '' : ' class="unmet"'}><td title="${escape(check.description)}">${escape(check.label)}</td><td><svg width="204" height="10" role="img" aria-label="${escape(check.label)} ${(check.share * 100).toFixed(1)}%"><rect width="200" height="10" fill="#eee"/><rect width="${width}" height="10" fill="${check.met ? '#4a7fd4' : '#d44a4a'}"/>${check.required > 0 ? `<path d="M${required} 0v10" stroke="#000" stroke-width="2"/>` : ''}</svg></td><td>${(check.share * 100).toFixed(1)}%</td><td>${check.required > 0 ? `${(check.required * 100).toFixed(0)}%` : '—'}</td></tr>`;
  });
  return `<table class="coverage"><thead><tr><th>scenario</th><th>share of runs (mark: required)</th><th>share</th><th>required</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const chart = (name: string, scope: string, title: string, body: string): string => `<figure class="chart" data-chart="${name}" data-scope="${escape(scope)}">${body}<figcaption>${title}</figcaption></figure>`;

function scopeDistributions(scope: ReportScope): string {
  const { statistics } = scope;
  const lengths = statistics.sequenceLengths.map((runs, length) => ({ label: String(length), value: runs }));
  const peaks = statistics.peakMemoryUsed.map((runs, bucket) => ({ label: peakBucket(bucket), value: runs }));
  const calls = statistics.calls.map((call) => ({ label: call.op, parts: Object.entries(call.outcomes).map(([name, value]) => ({ name, value })) }));
  return `<h3>${escape(scope.name)} scope — ${scope.runs.toLocaleString('en-US')} runs</h3><div class="charts">
${chart('coverage', scope.name, 'Scenario labels: share of runs that reached each, against its required minimum.', coverageTable(scope))}
${chart('sequence-lengths', scope.name, 'Sequence lengths: runs by steps generated.', histogram(`${scope.name} sequence lengths`, lengths))}
${chart('peak-memory', scope.name, 'Peak memory use: runs by the largest share of usable frames in use at once.', histogram(`${scope.name} peak memory used`, peaks, '#e0a040'))}
${chart('outcomes', scope.name, `Outcomes per call. ${outcomeLegend()}`, stackedBars(`${scope.name} outcomes per call`, calls))}
</div>`;
}

const distributionsSection: ReportSection = (report) =>
  `<section id="distributions"><h2>What the runs did</h2>${report.scopes.map(scopeDistributions).join('\n')}
<details><summary>Statistics (as in summary.md and results.json)</summary><table class="statistics"><tbody>${statisticsRows(report).map((row) => `<tr><td>${escape(row.scope)}</td><td>${escape(row.what)}</td><td>${escape(row.figures)}</td></tr>`).join('')}</tbody></table></details></section>`;

const propertiesSection: ReportSection = (report) =>
  `<section id="properties"><h2>Properties</h2><table><tbody>${report.properties.map((property) => `<tr><td><code>${property.id}</code></td><td>${escape(property.description)}</td><td>${property.passed ? 'holds' : `<strong>${escape(propertyResult(property))}</strong>: ${property.findings.map(escape).join(', ')}`}</td></tr>`).join('')}</tbody></table></section>`;

function renderSteps(finding: ReportFinding): string {
  const rows = finding.content.steps.map((step, i) => {
    const diverging = i === finding.content.divergingStep;
    return `<tr${diverging ? ' class="diverging"' : ''}><td>${i + 1}</td><td><code>${escape(step.call)}</code></td><td><code>${escape(step.returned)}</code></td><td><code>${escape(step.promised)}</code></td><td>${step.freeCount} / ${step.totalCount}</td><td>${step.modelFree} / ${step.modelTotal}</td></tr>`;
  });
  return `<table class="steps"><thead><tr><th>#</th><th>call</th><th>allocator returned</th><th>documentation promises</th><th>free / total (allocator)</th><th>free / total (model)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderFinding(finding: ReportFinding, index: number): string {
  const { content } = finding;
  const diverging = content.divergingStep === null ? 'the end-of-run bitmap check' : `step ${content.divergingStep + 1}`;
  return `<section class="finding" id="finding-${index}">
<h3>${finding.baselined ? '<span class="badge">accepted</span> ' : ''}${escape(finding.id)} <small>${escape(finding.severity)} · ${escape(finding.scope)} scope</small></h3>
<p class="title">${escape(finding.title)}</p>
<p class="signature"><code>${escape(finding.signature)}</code>${finding.shrinkCutShort ? ' · <strong>shrinking cut short by its budget</strong>: the steps fail, a shorter form may exist' : ''}</p>
<p>First difference at ${diverging}: <strong>${escape(content.property)}</strong> — ${escape(content.propertyDescription)}.<br>${escape(finding.message)}</p>
${renderSteps(finding)}
${renderCounters(content)}
${renderFrameMap(content.frameMap, content.memoryMap)}
<p class="replay">Replay: <code>npx framecheck replay ${escape(finding.counterexample)}</code></p>
</section>`;
}

const findingDetailsSection: ReportSection = (report) =>
  report.findings.length === 0 ? '' : `<section id="finding-details"><h2>Each finding</h2>${report.findings.map((finding, i) => (isParallelFinding(finding) ? renderParallelFinding(finding, i) : renderFinding(finding as ReportFinding, i))).join('\n')}</section>`;

const memoryMapsSection: ReportSection = (report) => renderMemoryMapsHtml(report.memoryMaps);

/** The page, top to bottom. */
export const REPORT_SECTIONS: readonly ReportSection[] = [verdictSection, findingsOverviewSection, memoryMapsSection, distributionsSection, propertiesSection, findingDetailsSection];

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1 .ok{color:#2a7a2a}h1 .fail{color:#b02020}code{font:12px ui-monospace,monospace}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
tr.diverging{background:#ffe3e3}tr.unmet{background:#fff0f0}tr.new td:nth-child(4){color:#b02020;font-weight:600}
.badge{background:#888;color:#fff;border-radius:3px;padding:0 4px;font-size:12px}.warnings{color:#8a5a00}
.finding{border-top:2px solid #ccc;margin-top:1.5em}.title{font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{margin:0}.chart figcaption{font-size:12px;max-width:360px}
svg text{font:9px ui-monospace,monospace;fill:#555}.coverage td{padding:1px 4px;font-size:12px}
.frame-map path.touched{fill:none;stroke:#000;stroke-width:2}.differs{color:#b02020}
.key{margin-left:1em;white-space:nowrap}.key i{display:inline-block;width:10px;height:10px;margin-right:3px}.key i.strip{height:4px}`;

export function renderHtml(report: CampaignReport, sections: readonly ReportSection[] = REPORT_SECTIONS): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>framecheck: ${escape(report.target.name)}</title>
<style>
${STYLE}
</style></head><body>
${sections.map((section) => section(report)).join('\n')}
</body></html>
`;
}
