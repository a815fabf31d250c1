// Small self-contained SVG charts for report.html: a histogram drawn as one path, and one stacked
// bar per row (each call's outcomes). Every chart names what it shows in its aria-label.
const escapeText = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Vertical bars, one path for all of them; labels under the first, middle and last bar. */
export function histogram(name: string, bars: readonly Bar[], colour = '#4a7fd4'): string {
  const [width, height, bottom] = [320, 90, 14];
  const top = Math.max(1, ...bars.map((bar) => bar.value));
  const step = width / Math.max(1, bars.length);
  const d = bars
    .map((bar, i) => {
      const h = (bar.value / top) * (height - bottom - 4);
      return h <= 0 ? '' : `M${(i * step).toFixed(1)} ${(height - bottom).toFixed(1)}v${(-h).toFixed(1)}h${Math.max(1, step - 1).toFixed(1)}v${h.toFixed(1)}z`;
    })
    .join('');
  const ticks = [0, Math.floor((bars.length - 1) / 2), bars.length - 1]
    .filter((i, at, all) => i >= 0 && all.indexOf(i) === at)
    .map((i) => `<text x="${(i * step).toFixed(1)}" y="${height - 2}"${i === bars.length - 1 && i > 0 ? ` dx="${step.toFixed(1)}" text-anchor="end"` : ''}>${escapeText(bars[i]?.label ?? '')}</text>`);
  return `<svg class="chart" role="img" aria-label="${escapeText(name)}" width="${width}" height="${height}"><path fill="${colour}" d="${d}"/>${ticks.join('')}<text x="${width - 4}" y="10" text-anchor="end">${top.toLocaleString('en-US')} runs</text></svg>`;
}

export const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  Ok: '#7bc47f',
  OutOfMemory: '#e0a040',
  InvalidFrame: '#c05050',
  FrameInUse: '#9060c0',
  NotInitialized: '#a0a0a0',
  panic: '#303030',
};

export interface StackedRow {
  readonly label: string;
  readonly parts: readonly { readonly name: string; readonly value: number }[];
}

/** One horizontal bar per row, split into its parts, each row as wide as its total is large. */
export function stackedBars(name: string, rows: readonly StackedRow[]): string {
  const [labelWidth, barWidth, rowHeight] = [130, 220, 14];
  const largest = Math.max(1, ...rows.map((row) => row.parts.reduce((total, part) => total + part.value, 0)));
  const paths = new Map<string, string>();
  const text: string[] = [];
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    text.push(`<text x="0" y="${y + 10}">${escapeText(row.label)}</text>`);
    let x = labelWidth;
    for (const part of row.parts) {
      const w = (part.value / largest) * barWidth;
      const colour = OUTCOME_COLOURS[part.name] ?? '#4a7fd4';
      paths.set(colour, `${paths.get(colour) ?? ''}M${x.toFixed(1)} ${y + 2}h${w.toFixed(1)}v${rowHeight - 4}h${(-w).toFixed(1)}z`);
      x += w;
    }
  });
  const height = rows.length * rowHeight;
  return `<svg class="chart" role="img" aria-label="${escapeText(name)}" width="${labelWidth + barWidth}" height="${height}">${text.join('')}${[...paths].map(([colour, d]) => `<path fill="${colour}" d="${d}"/>`).join('')}</svg>`;
}

export const outcomeLegend = (): string =>
  Object.entries(OUTCOME_COLOURS)
    .map(([name, colour]) => `<span class="key"><i style="background:${colour}"></i>${name}</span>`)
    .join('');
