// The frame map of a finding, drawn compactly: one row per 64-frame bitmap word around the frame the
// counterexample touched, one SVG path per colour (not one element per frame), the memory map's
// regions as a strip under each word, and the frames where the bitmap contradicts the model hatched
// and listed in words. A window that would be one colour with nothing to point at is a sentence.
import type { FrameStatus } from '../../models/index.js';
import type { FrameMapSnapshot } from '../runner/search.js';
import type { CounterexampleFile } from '../files/counterexample-file.js';
import { PAGE } from '../targets/step.js';

export const STATUS_COLOURS: Readonly<Record<FrameStatus, string>> = {
  free: '#7bc47f',
  'handed-out': '#4a7fd4',
  reserved: '#e0a040',
  'never-usable': '#8a8a8a',
  'beyond-capacity': '#303030',
};

const REGION_COLOURS: Readonly<Record<string, string>> = { Usable: '#2a7a2a', Reserved: '#b07010', BadMemory: '#b02020' };
const OTHER_REGION_COLOUR = '#6060a0';

const WORD = 64;
const CELL = 9;
const LABEL_WIDTH = 70;
const STRIP = 3;
const ROW = CELL + STRIP + 2;
const SHOWN_WORDS = 16;
const LISTED_DIFFERENCES = 5;

function inRanges(ranges: readonly (readonly [number, number])[], frame: number): boolean {
  return ranges.some(([start, end]) => frame >= start && frame < end);
}

function statusAt(map: FrameMapSnapshot, frame: number): FrameStatus {
  return map.model.find((run) => frame >= run.start && frame < run.end)?.status ?? 'beyond-capacity';
}

/** The frame ranges [start, end) where the bitmap's free/used bit and the model disagree. */
function disagreements(map: FrameMapSnapshot): [number, number][] {
  const cuts = new Set<number>([0, map.maxFrames]);
  for (const run of map.model) cuts.add(run.start).add(run.end);
  for (const [start, end] of map.allocatorFree) cuts.add(start).add(end);
  const points = [...cuts].filter((cut) => cut <= map.maxFrames).sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  points.slice(1).forEach((end, i) => {
    const start = points[i] as number;
    if (inRanges(map.allocatorFree, start) !== (statusAt(map, start) === 'free')) ranges.push([start, end]);
  });
  return ranges;
}

/** The first frame where the bitmap's free/used bit and the model disagree. */
export const firstDisagreement = (map: FrameMapSnapshot): number | undefined => disagreements(map)[0]?.[0];

/**
 * The bitmap words to draw: every word the counterexample touched (its map's regions, the frames not
 * never-usable, the disagreements, the frame it acted on) when they fit in SHOWN_WORDS, else the
 * words around the frame it acted on.
 */
function shownWords(map: FrameMapSnapshot, focus: number, regions: readonly { start: number; end: number }[]): [number, number] {
  const words = map.maxFrames / WORD;
  const touched = [focus];
  for (const [start, end] of disagreements(map)) touched.push(start, end - 1);
  for (const run of map.model) if (run.status !== 'never-usable') touched.push(run.start, run.end - 1);
  for (const region of regions) if (region.start < map.maxFrames && region.end > region.start) touched.push(region.start, Math.min(region.end, map.maxFrames) - 1);
  const [low, high] = [Math.floor(Math.min(...touched) / WORD), Math.floor(Math.max(...touched) / WORD)];
  if (high - low < SHOWN_WORDS) return [low, high + 1];
  const first = Math.max(0, Math.min(words - SHOWN_WORDS, Math.floor(focus / WORD) - SHOWN_WORDS / 2));
  return [first, Math.min(words, first + SHOWN_WORDS)];
}

/** Path data of a run of frames [start, end) inside one word row at height y. */
const runPath = (start: number, end: number, y: number, height: number): string => {
  const x = LABEL_WIDTH + (start % WORD) * CELL;
  return `M${x} ${y}h${(end - start) * CELL - 1}v${height}h${-((end - start) * CELL - 1)}z`;
};

/** Memory-map regions as frame ranges, by kind (hex strings as a counterexample file holds them). */
function regionFrames(memoryMap: CounterexampleFile['memoryMap']): { kind: string; start: number; end: number }[] {
  return memoryMap.map((region) => {
    const base = BigInt(region.base ?? '0');
    const end = base + BigInt(region.length ?? '0');
    const clamp = (frames: bigint): number => Number(frames > 1n << 40n ? 1n << 40n : frames);
    return { kind: region.kind ?? 'Reserved', start: clamp(base / PAGE), end: clamp((end + PAGE - 1n) / PAGE) };
  });
}

export function renderFrameMap(map: FrameMapSnapshot, memoryMap: CounterexampleFile['memoryMap'] = []): string {
  const focus = map.frame ?? firstDisagreement(map) ?? 0;
  const words = map.maxFrames / WORD;
  const regions = regionFrames(memoryMap);
  const [firstWord, lastWord] = shownWords(map, focus, regions);
  const [first, end] = [firstWord * WORD, lastWord * WORD];

  const differences: { frame: number; status: FrameStatus; bitmapFree: boolean }[] = [];
  for (let frame = first; frame < end; frame++) {
    const status = statusAt(map, frame);
    const bitmapFree = inRanges(map.allocatorFree, frame);
    if (bitmapFree !== (status === 'free')) differences.push({ frame, status, bitmapFree });
  }
  const statuses = new Set(map.model.filter((run) => run.end > first && run.start < end).map((run) => run.status));
  if (statuses.size <= 1 && differences.length === 0) {
    const [status = 'beyond-capacity'] = statuses;
    return `<p class="frame-map one-colour">Frame map: every frame of Frame(${first})–Frame(${end - 1}) is ${status} in the model and the bitmap agrees${map.frame !== undefined ? `; the step acted on Frame(${map.frame})` : ''} — nothing to draw.</p>`;
  }

  const paths = new Map<string, string[]>();
  const add = (colour: string, d: string): void => {
    const list = paths.get(colour);
    if (list === undefined) paths.set(colour, [d]);
    else list.push(d);
  };
  const labels: string[] = [];
  for (let word = firstWord; word < lastWord; word++) {
    const y = (word - firstWord) * ROW;
    const [rowStart, rowEnd] = [word * WORD, word * WORD + WORD];
    labels.push(`<text x="0" y="${y + CELL - 1}">${rowStart}</text>`);
    for (const run of map.model) {
      const [start, stop] = [Math.max(run.start, rowStart), Math.min(run.end, rowEnd)];
      if (start < stop) add(STATUS_COLOURS[run.status], runPath(start, stop, y, CELL - 1));
    }
    if (map.maxFrames < rowEnd) add(STATUS_COLOURS['beyond-capacity'], runPath(Math.max(map.maxFrames, rowStart), rowEnd, y, CELL - 1));
    for (const region of regions) {
      const [start, stop] = [Math.max(region.start, rowStart), Math.min(region.end, rowEnd)];
      if (start < stop) add(REGION_COLOURS[region.kind] ?? OTHER_REGION_COLOUR, runPath(start, stop, y + CELL + 1, STRIP - 1));
    }
  }
  const rowOf = (frame: number): number => (Math.floor(frame / WORD) - firstWord) * ROW;
  const hatched = differences.map(({ frame }) => runPath(frame, frame + 1, rowOf(frame), CELL - 1)).join('');
  const touched = map.frame !== undefined && map.frame >= first && map.frame < end ? `<path class="touched" d="${runPath(map.frame, map.frame + 1, rowOf(map.frame), CELL - 1)}"/>` : '';
  const width = LABEL_WIDTH + WORD * CELL;
  const height = (lastWord - firstWord) * ROW;
  const legend = [
    ...Object.entries(STATUS_COLOURS).map(([status, colour]) => `<span class="key"><i style="background:${colour}"></i>${status}</span>`),
    ...Object.entries(REGION_COLOURS).map(([kind, colour]) => `<span class="key"><i class="strip" style="background:${colour}"></i>${kind} region</span>`),
    `<span class="key"><i class="strip" style="background:${OTHER_REGION_COLOUR}"></i>other region</span>`,
  ].join('');
  const listed = differences
    .slice(0, LISTED_DIFFERENCES)
    .map(({ frame, status, bitmapFree }) => `Frame(${frame}): model ${status}, bitmap ${bitmapFree ? 'free' : 'used'}`)
    .join('; ');
  const differenceText =
    differences.length === 0
      ? 'The bitmap agrees with the model on every frame shown.'
      : `<span class="differs">${differences.length} frame${differences.length === 1 ? '' : 's'} where the bitmap says the opposite of the model (hatched): ${listed}${differences.length > LISTED_DIFFERENCES ? '; …' : ''}.</span>`;
  return `<figure class="frame-map"><svg role="img" aria-label="frame map" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse"><path d="M0 4L4 0" stroke="#d00" stroke-width="1.2"/></pattern></defs><g class="words">${labels.join('')}</g>${[...paths].map(([colour, d]) => `<path fill="${colour}" d="${d.join('')}"/>`).join('')}${hatched === '' ? '' : `<path class="differs" fill="url(#hatch)" stroke="#d00" d="${hatched}"/>`}${touched}</svg>
<figcaption>Bitmap words ${firstWord}–${lastWord - 1} of ${words} (one row per 64-frame word, its first frame on the left; under it, the memory map's regions). Colour: what the model says the frame is.${map.frame !== undefined ? ` Outlined: Frame(${map.frame}), where the diverging step acted.` : ''} ${differenceText}<br>${legend}</figcaption></figure>`;
}

/** free_count and total_count after every step, the allocator's against the model's. */
export function renderCounters(content: CounterexampleFile): string {
  const steps = content.steps;
  if (steps.length === 0) return '';
  const values = steps.flatMap((step) => [step.freeCount, step.totalCount, step.modelFree, step.modelTotal]).filter((value) => value >= 0);
  const top = Math.max(1, ...values);
  const [width, height, pad] = [Math.max(160, steps.length * 40), 90, 12];
  const x = (i: number): number => pad + (steps.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (steps.length - 1));
  const y = (value: number): number => height - pad - (Math.max(0, value) / top) * (height - 2 * pad);
  const series: { name: string; pick: (step: (typeof steps)[number]) => number; colour: string; dash: string }[] = [
    { name: 'free_count (allocator)', pick: (step) => step.freeCount, colour: '#d44a4a', dash: '' },
    { name: 'free_count (model)', pick: (step) => step.modelFree, colour: '#d44a4a', dash: '4 3' },
    { name: 'total_count (allocator)', pick: (step) => step.totalCount, colour: '#4a7fd4', dash: '' },
    { name: 'total_count (model)', pick: (step) => step.modelTotal, colour: '#4a7fd4', dash: '4 3' },
  ];
  const lines = series.map(({ pick, colour, dash }) => {
    const points = steps.map((step, i) => `${x(i).toFixed(1)},${y(pick(step)).toFixed(1)}`);
    const marks = steps.map((step, i) => `M${x(i).toFixed(1)} ${y(pick(step)).toFixed(1)}h0.01`).join('');
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.5"${dash === '' ? '' : ` stroke-dasharray="${dash}"`} points="${points.join(' ')}"/><path stroke="${colour}" stroke-width="5" stroke-linecap="round" d="${marks}"/>`;
  });
  const diverging = content.divergingStep === null ? '' : `<line x1="${x(content.divergingStep)}" x2="${x(content.divergingStep)}" y1="0" y2="${height}" stroke="#000" stroke-dasharray="2 2"/>`;
  return `<figure class="counters"><svg role="img" aria-label="counters over the steps" width="${width}" height="${height}">${diverging}${lines.join('')}<text x="0" y="10">${top}</text><text x="0" y="${height - 2}">0</text></svg><figcaption>free_count and total_count after each step: the allocator's (solid) and the model's (dashed); the dotted line is the diverging step. ${series.map(({ name, colour, dash }) => `<span class="key"><i style="background:${colour}${dash === '' ? '' : ';opacity:.5'}"></i>${name}</span>`).join('')}</figcaption></figure>`;
}
