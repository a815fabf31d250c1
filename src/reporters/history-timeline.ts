// A parallel history drawn as a timeline: a lane per thread (the prefix first), a bar per call from
// its invocation to its response, the conflicting calls marked. The time axis is by order of
// events, not to scale: what matters is which calls overlap, and nanosecond gaps vary by orders of
// magnitude. As text for the terminal, as an SVG fragment for report.html.
import { isParallelCounterexample, type ParallelCounterexampleFile } from '../files/parallel-counterexample.js';
import type { CallRef } from '../linearizability/explain.js';
import { segmentCalls, segmentName, type History, type HistoryCall, type ParallelCall, type ParallelProgram } from '../parallel/program.js';
import { decodeProgram, decodeRecordedHistory, encodeCall, encodeOutcome } from '../parallel/protocol.js';
import type { AnyReportFinding, ReportFinding } from './campaign-report.js';

interface Bar {
  readonly call: HistoryCall;
  readonly label: string;
  readonly conflicting: boolean;
  /** Ranks of its invocation and response among all event times. */
  readonly from: number;
  readonly to: number;
}

function bars(program: ParallelProgram, history: History, conflicting: readonly CallRef[]): { bars: Bar[]; ticks: number } {
  const times = [...new Set(history.flatMap((call) => [call.invokedNs, call.returnedNs]))].sort((a, b) => a - b);
  const rank = new Map(times.map((time, i) => [time, i]));
  const marked = new Set(conflicting.map((ref) => `${ref.segment} ${ref.index}`));
  return {
    ticks: Math.max(1, times.length - 1),
    bars: history.map((call) => ({
      call,
      label: `${encodeCall(segmentCalls(program, call.segment)[call.index] as ParallelCall)} → ${encodeOutcome(call.outcome)}`,
      conflicting: marked.has(`${call.segment} ${call.index}`),
      from: rank.get(call.invokedNs) as number,
      to: rank.get(call.returnedNs) as number,
    })),
  };
}

const WIDTH = 48;

/** The history as text: per thread, one row per call with its bar, times and result; `✗` marks a conflicting call. */
export function renderTimelineText(program: ParallelProgram, history: History, conflicting: readonly CallRef[]): string {
  const { bars: all, ticks } = bars(program, history, conflicting);
  const column = (rank: number): number => Math.round((rank / ticks) * (WIDTH - 1));
  const lines: string[] = [`time → (by order of events, not to scale)`];
  for (let segment = 0; segment <= program.threads.length; segment++) {
    const lane = all.filter((bar) => bar.call.segment === segment);
    if (lane.length === 0) continue;
    lines.push(`${segmentName(segment)}:`);
    for (const bar of lane) {
      const from = column(bar.from);
      const to = Math.max(from, column(bar.to));
      const drawing = `${' '.repeat(from)}${to === from ? '|' : `[${'='.repeat(Math.max(0, to - from - 1))}]`}`.padEnd(WIDTH);
      lines.push(`  ${bar.conflicting ? '✗' : ' '} ${String(bar.call.index).padStart(2)} ${drawing} ${bar.call.invokedNs}–${bar.call.returnedNs} ns  ${bar.label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The history as an SVG timeline with a caption (an HTML fragment for report.html). */
export function renderTimelineSvg(program: ParallelProgram, history: History, conflicting: readonly CallRef[]): string {
  const { bars: all, ticks } = bars(program, history, conflicting);
  const LABEL = 80;
  const PLOT = 900;
  const LANE = 28;
  const segments = [...new Set(all.map((bar) => bar.call.segment))].sort((a, b) => a - b);
  const x = (rank: number): number => LABEL + (rank / ticks) * PLOT;
  const shapes = segments.flatMap((segment, lane) => {
    const y = 6 + lane * LANE;
    return [
      `<text x="4" y="${y + 15}" class="lane">${segmentName(segment)}</text>`,
      ...all
        .filter((bar) => bar.call.segment === segment)
        .map((bar) => {
          const width = Math.max(3, x(bar.to) - x(bar.from));
          const title = `${segmentName(segment)}, call ${bar.call.index}: ${bar.label} (invoked ${bar.call.invokedNs} ns, returned ${bar.call.returnedNs} ns)`;
          return `<g class="call${bar.conflicting ? ' conflicting' : ''}"><rect x="${x(bar.from).toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="20" rx="3"><title>${escape(title)}</title></rect><text x="${(x(bar.from) + 3).toFixed(1)}" y="${y + 14}">${escape(bar.label)}</text></g>`;
        }),
    ];
  });
  const height = 12 + segments.length * LANE;
  return `<figure class="timeline"><svg role="img" aria-label="history timeline" width="${LABEL + PLOT + 20}" height="${height}" viewBox="0 0 ${LABEL + PLOT + 20} ${height}">
<style>.timeline rect{fill:#9db8e8;stroke:#4a7fd4}.timeline .conflicting rect{fill:#f2a0a0;stroke:#c01818;stroke-width:2}.timeline text{font:10px ui-monospace,monospace;fill:#222}.timeline text.lane{font-weight:600}</style>
${shapes.join('\n')}</svg>
<figcaption>A lane per thread, a bar per call from its invocation to its response (time by order of events, not to scale). Red: the calls that conflict.</figcaption></figure>`;
}

export const isParallelFinding = (finding: AnyReportFinding): finding is ReportFinding<ParallelCounterexampleFile> => isParallelCounterexample(finding.content);

/** A parallel finding's section of report.html: what broke, how often, the timeline, how to replay. */
export function renderParallelFinding(finding: ReportFinding<ParallelCounterexampleFile>, index: number): string {
  const { content } = finding;
  let timeline = '';
  try {
    const program = decodeProgram(content.program);
    timeline = content.history.length === 0 ? '<p>The driver failed the request: no history.</p>' : renderTimelineSvg(program, decodeRecordedHistory(content.history, program), content.conflicting);
  } catch (error) {
    timeline = `<p>The recorded history does not decode: ${escape((error as Error).message)}</p>`;
  }
  const { failed, repetitions } = content.failureRate;
  return `<section class="finding" id="finding-${index}">
<h3>${finding.baselined ? '<span class="badge">baselined</span> ' : ''}${escape(finding.id)} <small>${escape(finding.severity)} · ${escape(finding.scope)} scope · ${content.target.threads} threads</small></h3>
<p class="title">${escape(finding.title)}</p>
<p><strong>${escape(content.property)}</strong> — ${escape(content.propertyDescription)}.<br>${escape(finding.message)}</p>
<p>The minimal program failed in ${failed} of ${repetitions} runs: <code>${escape(content.program)}</code></p>
${timeline}
<p class="replay">Replay: <code>npx framecheck replay ${escape(finding.counterexample)}</code></p>
</section>`;
}
