// report.html: one self-contained page (no scripts, no external files) with the verdict, each
// finding's step table and a picture of the frame map at its diverging step, and the scenario
// coverage as a bar chart. The frame map draws one row per 64-frame bitmap word, as the seed's
// bitmap holds them; at full scale it shows the words around the disagreement.
import type { FrameMapSnapshot } from '../runner/search.js';
import type { FrameRange } from '../targets/target.js';
import type { FrameStatus } from '../../models/index.js';
import { propertyResult, type CampaignReport, type ReportFinding } from './campaign-report.js';
import { renderMemoryMapsHtml } from './memory-maps-html.js';

export const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);

export const STATUS_COLOURS: Readonly<Record<FrameStatus, string>> = {
  free: '#7bc47f',
  'handed-out': '#4a7fd4',
  reserved: '#e0a040',
  'never-usable': '#8a8a8a',
  'beyond-capacity': '#303030',
};

const WORD = 64;
const CELL = 9;
const SHOWN_WORDS = 16;

function inRanges(ranges: readonly FrameRange[], frame: number): boolean {
  return ranges.some(([start, end]) => frame >= start && frame < end);
}

function statusAt(map: FrameMapSnapshot, frame: number): FrameStatus {
  return map.model.find((run) => frame >= run.start && frame < run.end)?.status ?? 'beyond-capacity';
}

/** The first frame where the bitmap's free/used bit and the model disagree. */
export function firstDisagreement(map: FrameMapSnapshot): number | undefined {
  const cuts = new Set<number>([0]);
  for (const run of map.model) cuts.add(run.start).add(run.end);
  for (const [start, end] of map.allocatorFree) cuts.add(start).add(end);
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut >= map.maxFrames) break;
    if (inRanges(map.allocatorFree, cut) !== (statusAt(map, cut) === 'free')) return cut;
  }
  return undefined;
}

export function renderFrameMap(map: FrameMapSnapshot): string {
  const focus = map.frame ?? firstDisagreement(map) ?? 0;
  const words = map.maxFrames / WORD;
  const firstWord = Math.max(0, Math.min(words - SHOWN_WORDS, Math.floor(focus / WORD) - SHOWN_WORDS / 2));
  const lastWord = Math.min(words, firstWord + SHOWN_WORDS);
  const cells: string[] = [];
  for (let word = firstWord; word < lastWord; word++) {
    const y = (word - firstWord) * CELL;
    cells.push(`<text x="0" y="${y + CELL - 1}" class="word">${word * WORD}</text>`);
    for (let bit = 0; bit < WORD; bit++) {
      const frame = word * WORD + bit;
      const status = statusAt(map, frame);
      const allocatorFree = inRanges(map.allocatorFree, frame);
      const differs = allocatorFree !== (status === 'free');
      const x = 70 + bit * CELL;
      const title = `Frame(${frame}): model ${status}, bitmap ${allocatorFree ? 'free' : 'used'}`;
      cells.push(
        `<rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${STATUS_COLOURS[status]}" class="${[differs ? 'differs' : '', frame === focus ? 'touched' : ''].join(' ').trim()}"><title>${title}</title></rect>`,
      );
      if (differs) cells.push(`<path d="M${x} ${y}l${CELL - 1} ${CELL - 1}M${x + CELL - 1} ${y}l${-(CELL - 1)} ${CELL - 1}" class="cross"/>`);
    }
  }
  const height = (lastWord - firstWord) * CELL;
  const legend = Object.entries(STATUS_COLOURS)
    .map(([status, colour]) => `<span class="key"><i style="background:${colour}"></i>${status}</span>`)
    .join('');
  return `<figure class="frame-map"><svg role="img" aria-label="frame map" width="${70 + WORD * CELL}" height="${height}" viewBox="0 0 ${70 + WORD * CELL} ${height}">${cells.join('')}</svg>
<figcaption>Bitmap words ${firstWord}–${lastWord - 1} of ${words} (one row per 64-frame word; first frame of the row on the left). Colour: what the model says the frame is. ✕: the bitmap says the opposite (free vs used). Outlined: Frame(${focus}), where the step acted.${legend}</figcaption></figure>`;
}

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
${renderFrameMap(content.frameMap)}
<p class="replay">Replay: <code>npx framecheck replay ${escape(finding.counterexample)}</code></p>
</section>`;
}

function renderCoverage(report: CampaignReport): string {
  const rows = report.scopes.flatMap((scope) =>
    scope.coverage.map((check) => {
      const width = Math.round(check.share * 300);
      const required = Math.round(check.required * 300);
      return `<tr${check.met ? '' : ' class="unmet"'}><td>${scope.name}</td><td title="${escape(check.description)}">${escape(check.label)}</td><td><svg width="310" height="12" role="img" aria-label="${escape(check.label)} ${(check.share * 100).toFixed(1)}%"><rect width="300" height="12" fill="#eee"/><rect width="${width}" height="12" fill="${check.met ? '#4a7fd4' : '#d44a4a'}"/>${check.required > 0 ? `<line x1="${required}" x2="${required}" y1="0" y2="12" stroke="#000" stroke-width="2"/>` : ''}</svg></td><td>${(check.share * 100).toFixed(1)}%</td><td>${check.required > 0 ? `${(check.required * 100).toFixed(0)}%` : '—'}</td></tr>`;
    }),
  );
  return `<table class="coverage"><thead><tr><th>scope</th><th>scenario</th><th>share of runs (bar: required)</th><th>share</th><th>required</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHtml(report: CampaignReport): string {
  const passed = report.verdict.exitCode === 0;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>framecheck: ${escape(report.target.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1 .ok{color:#2a7a2a}h1 .fail{color:#b02020}code{font:12px ui-monospace,monospace}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
tr.diverging{background:#ffe3e3}tr.unmet{background:#fff0f0}.badge{background:#888;color:#fff;border-radius:3px;padding:0 4px;font-size:12px}
.finding{border-top:2px solid #ccc;margin-top:1.5em}.title{font-weight:600}
.frame-map svg text.word{font:8px monospace;fill:#555}.frame-map rect.touched{stroke:#000;stroke-width:2}
.frame-map path.cross{stroke:#d00;stroke-width:1.5}.key{margin-left:1em}.key i{display:inline-block;width:10px;height:10px;margin-right:3px}
</style></head><body>
<h1>framecheck — ${escape(report.target.name)}: <span class="${passed ? 'ok' : 'fail'}">${escape(report.verdict.headline)}</span></h1>
<p>Seed <code>${report.seed}</code>${report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : ''} · ${report.scopes.map((scope) => `${scope.name}: ${scope.runs} runs, ${scope.steps} steps`).join(' · ')} · ${(report.elapsedMs / 1000).toFixed(1)} s${report.status === 'running' ? ' · <strong>incomplete</strong>' : ''}<br>Replay this campaign: <code>${escape(report.replayCommand)}</code></p>
${report.verdict.reasons.length > 0 ? `<ul class="reasons">${report.verdict.reasons.map((reason) => `<li>${escape(reason)}</li>`).join('')}</ul>` : ''}
${renderMemoryMapsHtml(report.memoryMaps)}
<h2>Properties</h2>
<table><tbody>${report.properties.map((property) => `<tr><td><code>${property.id}</code></td><td>${escape(property.description)}</td><td>${property.passed ? 'holds' : `<strong>${escape(propertyResult(property))}</strong>: ${property.findings.map(escape).join(', ')}`}</td></tr>`).join('')}</tbody></table>
<h2>Findings (${report.findings.length})</h2>
${report.findings.map(renderFinding).join('\n') || '<p>None.</p>'}
<h2>Scenario coverage</h2>
${renderCoverage(report)}
</body></html>
`;
}
