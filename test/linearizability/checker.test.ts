import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/linearizability/checker.js';
import { explainViolation } from '../../src/linearizability/explain.js';
import { parallelProgram } from '../../src/parallel/generate.js';
import type { HistoryCall, ParallelProgram } from '../../src/parallel/program.js';
import { decodeProgram, decodeRecordedHistory } from '../../src/parallel/protocol.js';
import { runInterleaved } from '../parallel/fixtures/interleave.js';

const MAX_FRAMES = 512;
// Frames 256..259 usable and free after init (the kernel image lies beyond the bitmap).
const INIT = 'init 0x200000 0x100000+0x4000:Usable';
const PAGE = 4096;

function check(programText: string, lines: readonly string[], partition = true) {
  const program = decodeProgram(programText);
  const history = decodeRecordedHistory(['p 0 0 1 ok', ...lines], program);
  const result = checkHistory(program, history, { maxFrames: MAX_FRAMES, partition });
  return { result, explain: () => explainViolation(program, result) };
}

describe('linearizability checker', () => {
  it('accepts a memory_stats invoked first that must be ordered after an allocation it overlaps', () => {
    const { result } = check(`${INIT} | memory_stats | allocate_frame`, [`1 0 10 100 ok ${3 * PAGE} ${4 * PAGE}`, '2 0 20 90 ok 256']);
    expect(result.verdict).toBe('linearizable');
    expect(result.partitions).toBe(1);
  });

  it('accepts a FrameInUse that needs the other thread’s overlapping claim first (split by frame)', () => {
    const { result } = check(`${INIT} | allocate_frame_at 0x100000 | allocate_frame`, ['1 0 10 100 err FrameInUse', '2 0 20 50 ok 256']);
    expect(result.verdict).toBe('linearizable');
    expect(result.partitions).toBe(1);
  });

  it('rejects the same FrameInUse when the claim came after it in real time', () => {
    const { result, explain } = check(`${INIT} | allocate_frame_at 0x100000 | allocate_frame`, ['1 0 10 15 err FrameInUse', '2 0 20 50 ok 256']);
    expect(result.verdict).toBe('not-linearizable');
    expect(explain().id).toBe('race:frame-state');
  });

  it('names a frame handed out to two threads, neither freeing it', () => {
    for (const partition of [true, false]) {
      const { result, explain } = check(`${INIT} | allocate_frame | allocate_frame`, ['1 0 10 100 ok 257', '2 0 20 90 ok 257'], partition);
      expect(result.verdict).toBe('not-linearizable');
      expect(explain()).toMatchObject({ id: 'race:frame-handed-out-twice', message: 'Frame(257) handed out to thread 1 and to thread 2, neither freed it', conflicting: [{ segment: 1, index: 0 }, { segment: 2, index: 0 }] });
    }
  });

  it('accepts a frame handed out again after its holder freed it', () => {
    const { result } = check(`${INIT} | allocate_frame ; deallocate_frame @0 | allocate_frame`, ['1 0 10 20 ok 257', '1 1 30 40 ok', '2 0 35 90 ok 257']);
    expect(result.verdict).toBe('linearizable');
  });

  it('names memory_stats figures that no moment of the call had', () => {
    const { result, explain } = check(`${INIT} | allocate_frame | memory_stats`, ['1 0 10 20 ok 256', `2 0 30 40 ok ${4 * PAGE} ${4 * PAGE}`]);
    expect(result.verdict).toBe('not-linearizable');
    expect(explain()).toMatchObject({ id: 'race:memory-stats-no-moment', conflicting: [{ segment: 2, index: 0 }] });
  });

  it('names a free counter that drifts: each figure possible alone, not both in this order', () => {
    const { result, explain } = check(`${INIT} | allocate_frame | memory_stats ; memory_stats`, ['1 0 10 100 ok 256', `2 0 20 30 ok ${3 * PAGE} ${4 * PAGE}`, `2 1 40 50 ok ${4 * PAGE} ${4 * PAGE}`]);
    expect(result.verdict).toBe('not-linearizable');
    expect(explain().id).toBe('race:counters-drift');
  });

  it('names OutOfMemory while a frame was surely free as counter drift', () => {
    const { result, explain } = check(`${INIT} ; allocate_frame ; allocate_frame ; allocate_frame | allocate_frame | memory_stats`, ['p 1 2 3 ok 256', 'p 2 4 5 ok 257', 'p 3 6 7 ok 258', '1 0 10 20 err OutOfMemory', `2 0 30 40 ok ${PAGE} ${4 * PAGE}`]);
    expect(result.verdict).toBe('not-linearizable');
    expect(explain().id).toBe('race:counters-drift');
  });

  it('checks the prefix step by step', () => {
    const { result, explain } = check(`${INIT} ; allocate_frame_at 0x1000 | allocate_frame | allocate_frame`, ['p 1 2 3 ok 1', '1 0 10 20 ok 256', '2 0 30 40 ok 257']);
    expect(result.verdict).toBe('not-linearizable');
    expect(explain().id).toBe('sequential:prefix-disagrees');
  });
});

const shape = { maxFrames: MAX_FRAMES, threads: 4, maxCalls: 8 };
const interleaved = fc.tuple(parallelProgram(shape), fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.constantFrom('port' as const, 'corrected' as const));

describe('checker properties', () => {
  it('histories of a sequential interleaving are linearizable, split by frame or not', () => {
    fc.assert(
      fc.property(interleaved, ([program, noise, allocator]) => {
        const history = runInterleaved({ allocator, maxFrames: MAX_FRAMES }, program, noise);
        for (const partition of [true, false]) expect(checkHistory(program, history, { maxFrames: MAX_FRAMES, partition }).verdict).toBe('linearizable');
      }),
      { numRuns: 150 },
    );
  });

  it('a planted violation is never linearizable, split by frame or not', () => {
    const planted = (program: ParallelProgram, history: readonly HistoryCall[]): HistoryCall[] | undefined => {
      // A reserved frame (frame 0, in the first MiB) handed out by a thread, or a total no moment had.
      const victim = history.find((call) => call.segment > 0 && call.outcome.kind === 'ok' && call.outcome.value !== undefined && program.threads[call.segment - 1]?.[call.index]?.op !== 'allocate_frame_at');
      if (victim === undefined) return undefined;
      const outcome = Array.isArray(victim.outcome.kind === 'ok' && victim.outcome.value) ? { kind: 'ok' as const, value: [0, 1] as const } : { kind: 'ok' as const, value: 0 };
      return history.map((call) => (call === victim ? { ...call, outcome } : call));
    };
    fc.assert(
      fc.property(interleaved, ([program, noise, allocator]) => {
        const history = planted(program, runInterleaved({ allocator, maxFrames: MAX_FRAMES }, program, noise));
        if (history === undefined) return;
        for (const partition of [true, false]) expect(checkHistory(program, history, { maxFrames: MAX_FRAMES, partition }).verdict).toBe('not-linearizable');
      }),
      { numRuns: 150 },
    );
  });
});
