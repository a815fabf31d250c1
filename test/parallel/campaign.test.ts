import { describe, expect, it } from 'vitest';
import { failureRate, noiseStream, removeCall, runParallelCampaign, shrinkCandidates, type ParallelRunner } from '../../src/parallel/campaign.js';
import { callCount } from '../../src/parallel/program.js';
import { decodeProgram, encodeProgram } from '../../src/parallel/protocol.js';
import { runInterleaved, type Race } from './fixtures/interleave.js';

const runner = (race?: Race): ParallelRunner => ({ maxFrames: 512, parallel: (program, noise) => runInterleaved({ allocator: 'corrected', maxFrames: 512, race }, program, noise) });
const PROGRAM = 'init 0x200000 0x100000+0x4000:Usable ; allocate_frame ; allocate_frame | allocate_frame ; deallocate_frame @0 ; deallocate_frame @p1 | memory_stats ; allocate_frame_at 0x101000 ; deallocate_frame @1 ; deallocate_frame @p2';

describe('shrinking parallel programs', () => {
  it('removes a call with the frees of its frame, and renumbers the references after it', () => {
    const program = decodeProgram(PROGRAM);
    expect(encodeProgram(removeCall(program, 1, 0))).toBe('init 0x200000 0x100000+0x4000:Usable ; allocate_frame ; allocate_frame | deallocate_frame @p1 | memory_stats ; allocate_frame_at 0x101000 ; deallocate_frame @1 ; deallocate_frame @p2');
    expect(encodeProgram(removeCall(program, 2, 0))).toBe('init 0x200000 0x100000+0x4000:Usable ; allocate_frame ; allocate_frame | allocate_frame ; deallocate_frame @0 ; deallocate_frame @p1 | allocate_frame_at 0x101000 ; deallocate_frame @0 ; deallocate_frame @p2');
    expect(encodeProgram(removeCall(program, 0, 1))).toBe('init 0x200000 0x100000+0x4000:Usable ; allocate_frame | allocate_frame ; deallocate_frame @0 | memory_stats ; allocate_frame_at 0x101000 ; deallocate_frame @1 ; deallocate_frame @p1');
  });

  it('proposes a thread less first, never a thread with no calls or fewer than two threads', () => {
    const three = decodeProgram(`${PROGRAM} | allocate_frame`);
    const candidates = [...shrinkCandidates(three)];
    expect(candidates.slice(0, 3).map((candidate) => candidate.threads.length)).toEqual([2, 2, 2]);
    expect(candidates.every((candidate) => candidate.threads.length >= 2 && candidate.threads.every((calls) => calls.length > 0))).toBe(true);
    // Every call but thread 3's only one can go on its own (prefix calls included).
    expect(candidates.filter((candidate) => candidate.threads.length === 3)).toHaveLength(callCount(three) - 1);
  });

  it('finds the planted race, shrinks it to two threads and reports how often the minimal program fails', () => {
    const result = runParallelCampaign(runner('allocate-twice'), { maxFrames: 512, seed: 1, runs: 100, threads: 6, repetitions: 20, confirmRuns: 30 });
    const failure = result.failure;
    expect(failure?.violation.id).toBe('race:frame-handed-out-twice');
    expect(failure?.program.threads).toHaveLength(2);
    expect(failure?.program.threads.flat().length).toBeLessThanOrEqual(4);
    expect(callCount(failure?.original ?? { prefix: [], threads: [] })).toBeGreaterThan(callCount(failure?.program ?? { prefix: [], threads: [] }));
    expect(failure?.failureRate.repetitions).toBe(30);
    expect(failure?.failureRate.failed).toBeGreaterThan(0);
    // The same seed gives the same campaign.
    const again = runParallelCampaign(runner('allocate-twice'), { maxFrames: 512, seed: 1, runs: 100, threads: 6, repetitions: 20, confirmRuns: 30 });
    expect(encodeProgram(again.failure?.program ?? { prefix: [], threads: [] })).toBe(encodeProgram(failure?.program ?? { prefix: [], threads: [] }));
  });

  it('finds the lost free-count race through memory_stats', () => {
    const result = runParallelCampaign(runner('lost-free-count'), { maxFrames: 512, seed: 2, runs: 200, threads: 4, repetitions: 20, confirmRuns: 10 });
    // A lost update shows in the figures, or as the counter's underflow panicking a later call.
    expect(['race:memory-stats-no-moment', 'race:counters-drift', 'race:panic']).toContain(result.failure?.violation.id);
  });

  it('a program without a race never fails', () => {
    const program = decodeProgram(PROGRAM);
    expect(failureRate(runner(), program, 'race:frame-handed-out-twice', 50, { maxFrames: 512, noise: noiseStream(1, 0) })).toEqual({ failed: 0, repetitions: 50 });
    expect(runParallelCampaign(runner(), { maxFrames: 512, seed: 3, runs: 300, threads: 8 }).failure).toBeUndefined();
  });
});
