// report.html's "Memory maps" section: the same content as summary.md's (memory-maps-md.ts), as HTML.
import type { MemoryMapReport } from '../maps/machine-report.js';
import { escape } from './report-html.js';

export function renderMemoryMapsHtml(maps: readonly MemoryMapReport[] | undefined): string {
  if (maps === undefined || maps.length === 0) return '';
  const sections = maps.map((map) => {
    const { affected } = map;
    const rows = affected.answers.map((answer) => {
      const hit = answer.status === 'affected' || answer.status === 'hang';
      return `<tr${hit ? ' class="unmet"' : ''}><td>${escape(answer.id)}</td><td>${escape(answer.severity)}</td><td>${hit ? `<strong>${answer.status}</strong>` : answer.status}</td><td>${escape(answer.steps ?? answer.reason)}</td><td>${answer.counterexample === undefined ? '' : `<code>npx framecheck replay ${escape(answer.counterexample)}</code>`}</td></tr>`;
    });
    return `<section class="memory-map"><h3><code>${escape(map.file)}</code></h3>
<ul>${map.summary.map((sentence) => `<li>${escape(sentence)}</li>`).join('')}</ul>
<p>Is this machine affected? ${escape(affected.allocator)}, kernel at <code>${escape(affected.kernelBase)}</code>, init(boot_info) on this map then up to ${affected.completedDepth} of ${affected.candidateSteps} steps drawn from it:</p>
<table><thead><tr><th>finding</th><th>severity</th><th>this machine</th><th>shortest sequence from init(boot_info)</th><th>counterexample</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
  });
  return `<h2>Memory maps</h2>\n${sections.join('\n')}`;
}
