import { describe, expect, it } from 'vitest';
import { decodeProgram, decodeRecordedHistory } from '../../src/parallel/protocol.js';
import { renderTimelineSvg, renderTimelineText } from '../../src/reporters/history-timeline.js';

const program = decodeProgram('init 0x200000 0x100000+0x4000:Usable | allocate_frame ; memory_stats | allocate_frame');
const history = decodeRecordedHistory(['p 0 0 10 ok', '1 0 20 60 ok 256', '1 1 61 70 ok 12288 16384', '2 0 30 50 ok 256'], program);
const conflicting = [
  { segment: 1, index: 0 },
  { segment: 2, index: 0 },
];

describe('history timeline', () => {
  it('prints a lane per thread, a bar per call on one time axis, the conflicting calls marked', () => {
    const text = renderTimelineText(program, history, conflicting);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => line.match(/^(prefix|thread \d):$/)?.[1]).filter(Boolean)).toEqual(['prefix', 'thread 1', 'thread 2']);
    const row = (label: string): string => lines.find((line) => line.includes(label)) as string;
    expect(row('20–60 ns')).toMatch(/^ {2}✗ {2}0 .*allocate_frame → ok 256$/);
    expect(row('61–70 ns')).toMatch(/^ {4} 1 .*memory_stats → ok 12288 16384$/);
    // Thread 2's call lies inside thread 1's first call on the axis: it starts later and ends earlier.
    const bar = (line: string): [number, number] => [line.indexOf('['), line.indexOf(']')];
    const [outerStart, outerEnd] = bar(row('20–60 ns'));
    const [innerStart, innerEnd] = bar(row('30–50 ns'));
    expect(innerStart).toBeGreaterThan(outerStart);
    expect(innerEnd).toBeLessThan(outerEnd);
  });

  it('draws an SVG lane per thread with the conflicting bars highlighted', () => {
    const svg = renderTimelineSvg(program, history, conflicting);
    expect(svg.match(/class="lane"/g)).toHaveLength(3);
    expect(svg.match(/<g class="call conflicting">/g)).toHaveLength(2);
    expect(svg.match(/<g class="call">/g)).toHaveLength(2);
    expect(svg).toContain('thread 1, call 1: memory_stats → ok 12288 16384 (invoked 61 ns, returned 70 ns)');
  });
});
