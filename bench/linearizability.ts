// The linearizability checker's cost: histories checked per second against history length, split
// by frame and not, at the median over generated histories. Histories come from the fake driver's
// interleaving of generated programs on the corrected allocator (linearizable, with overlapping
// calls: each thread queues for its next call as soon as the last one returned), the worst case
// for a checker, which must find an order for every call. The goal: 8 threads x 30 calls in
// 10 ms or less at the median.
// Usage: npx tsx bench/linearizability.ts [--quick]
import fc from 'fast-check';
import os from 'node:os';
import { checkHistory } from '../src/linearizability/checker.js';
import { parallelProgram } from '../src/parallel/generate.js';
import { runInterleaved } from '../test/parallel/fixtures/interleave.js';

const MAX_FRAMES = 512;
const quick = process.argv.includes('--quick');
const HISTORIES = quick ? 20 : 100;
const SHAPES: readonly [threads: number, calls: number][] = [
  [2, 5],
  [4, 10],
  [8, 10],
  [8, 20],
  [8, 30],
];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const [load1, load5] = os.loadavg();
console.log(`linearizability checker — ${HISTORIES} histories per row, median; load average ${load1?.toFixed(2)} ${load5?.toFixed(2)} (${os.cpus().length} cores)`);
console.log('threads x calls  memory_stats  split by frame: median ms  histories/s  |  whole history: median ms  histories/s');
for (const memoryStats of [false, true]) {
  for (const [threads, calls] of SHAPES) {
    const programs = fc.sample(parallelProgram({ maxFrames: MAX_FRAMES, threads, minCalls: calls, maxCalls: calls, memoryStats }), { seed: threads * 100 + calls, numRuns: HISTORIES });
    const histories = programs.map((program, i) => ({ program, history: runInterleaved({ allocator: 'corrected', maxFrames: MAX_FRAMES }, program, BigInt(i + 1)) }));
    const cells = [true, false].map((partition) => {
      const times = histories.map(({ program, history }) => {
        const start = process.hrtime.bigint();
        const { verdict } = checkHistory(program, history, { maxFrames: MAX_FRAMES, partition });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (verdict !== 'linearizable') throw new Error(`a linearizable history came out ${verdict}`);
        return ms;
      });
      const ms = median(times);
      return `${ms.toFixed(3).padStart(9)}  ${Math.round(1000 / ms).toString().padStart(11)}`;
    });
    console.log(`${`${threads} x ${calls}`.padEnd(15)}  ${(memoryStats ? 'yes' : 'no').padEnd(12)}  ${cells[0]}              |  ${cells[1]}`);
  }
}
