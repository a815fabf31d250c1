import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import type { Outcome, Region } from '../../src/targets/step.js';
import type { ConcreteStep } from '../../src/targets/target.js';

// One test per judgement call of models/SPEC.md: the model's promise in the situation the call is about.
const usable = (base: bigint, length: bigint): Region => ({ base, length, kind: 'Usable' });
const reserved = (base: bigint, length: bigint): Region => ({ base, length, kind: 'Reserved' });
const ok: Outcome = { kind: 'ok' };
const err = (error: 'OutOfMemory' | 'FrameInUse' | 'InvalidFrame' | 'NotInitialized'): Outcome => ({ kind: 'err', error });

/** Runs steps whose outcomes the model itself expects (the allocator a model would be). */
function modelAfter(steps: readonly ConcreteStep[], maxFrames = 512): FrameModel {
  const model = new FrameModel({ maxFrames });
  for (const step of steps) {
    const expected = model.expectation(step);
    const outcome = expected.kind === 'exact' ? expected.outcome : { kind: 'ok' as const, value: expected.free[0]?.[0] as number };
    model.apply(step, outcome);
  }
  return model;
}

const init = (...map: Region[]): ConcreteStep => ({ op: 'init', map });
const frameStep = (op: 'allocate_specific' | 'deallocate', number: number | bigint): ConcreteStep => ({ op, frame: { number } });

describe('FrameModel', () => {
  it('J1: a second init is a fresh boot', () => {
    const model = modelAfter([init(usable(0n, 0x4000n)), { op: 'allocate' }, { op: 'reserve_range', start: 0x1000n, size: 0x1000n }, init(usable(0n, 0x4000n))]);
    expect(model.freeCount()).toBe(4);
    expect(model.hint).toBe(0);
  });

  it('J2: only complete frames of a usable region are usable', () => {
    const model = modelAfter([init(usable(0x1800n, 0x3000n))]);
    expect(model.freeFrames().ranges()).toEqual([[2, 4]]);
    expect(model.statusOf(1)).toBe('never-usable');
    expect(model.statusOf(4)).toBe('never-usable');
  });

  it('J3: a reserved entry wins over a usable one, rounded outwards', () => {
    const model = modelAfter([init(usable(0n, 0x8000n), reserved(0x2800n, 0x1000n))]);
    expect(model.freeFrames().ranges()).toEqual([[0, 2], [4, 8]]);
    expect(model.totalCount()).toBe(6);
  });

  it('J4: overlapping usable regions count each frame once', () => {
    const model = modelAfter([init(usable(0n, 0x4000n), usable(0x2000n, 0x4000n))]);
    expect(model.totalCount()).toBe(6);
    expect(model.freeCount()).toBe(6);
  });

  it('J5: frames at or past 2^52 are not memory, and a region ending past 2^64 keeps its frames', () => {
    expect(modelAfter([init(usable(1n << 52n, 0x4000n))]).totalCount()).toBe(0);
    expect(modelAfter([init(usable(0n, (1n << 64n) + 0x1000n))]).totalCount()).toBe(512);
  });

  it('J6: reservations leave total_count alone', () => {
    const model = modelAfter([init(usable(0n, 0x4000n)), { op: 'reserve_kernel', start: 0n, size: 0x2000n }]);
    expect(model.totalCount()).toBe(4);
    expect(model.freeCount()).toBe(2);
  });

  it('J7: allocate accepts any free frame and nothing else; OutOfMemory only when none is free', () => {
    const model = modelAfter([init(usable(0x2000n, 0x2000n))]);
    expect(model.accepts({ op: 'allocate' }, { kind: 'ok', value: 3 })).toBe(true);
    expect(model.accepts({ op: 'allocate' }, { kind: 'ok', value: 4 })).toBe(false);
    expect(model.accepts({ op: 'allocate' }, err('OutOfMemory'))).toBe(false);
    const empty = modelAfter([init()]);
    expect(empty.accepts({ op: 'allocate' }, err('OutOfMemory'))).toBe(true);
  });

  it('J7 strict policy: the first free frame from the hint\'s 64-frame word', () => {
    const model = new FrameModel({ maxFrames: 512, policy: { allocation: 'strict' } });
    model.apply(init(usable(0n, 0x200000n)), ok);
    model.apply({ op: 'allocate' }, { kind: 'ok', value: 0 });
    model.apply({ op: 'allocate' }, { kind: 'ok', value: 1 });
    expect(model.accepts({ op: 'allocate' }, { kind: 'ok', value: 2 })).toBe(true);
    expect(model.accepts({ op: 'allocate' }, { kind: 'ok', value: 5 })).toBe(false);
  });

  it('J8: the hint follows allocate and a free below it', () => {
    const model = modelAfter([init(usable(0n, 0x10000n)), { op: 'allocate' }, { op: 'allocate' }, { op: 'allocate' }]);
    expect(model.hint).toBe(3);
    model.apply(frameStep('deallocate', 1), ok);
    expect(model.hint).toBe(1);
  });

  it('J9: InvalidFrame outside usable memory and past capacity; FrameInUse for reserved and handed-out frames', () => {
    const model = modelAfter([init(usable(0x1000n, 0x3000n)), { op: 'reserve_range', start: 0x1000n, size: 0x1000n }, frameStep('allocate_specific', 2)]);
    expect(model.describeExpectation(frameStep('allocate_specific', 0))).toBe('Err(InvalidFrame)');
    expect(model.describeExpectation(frameStep('allocate_specific', 512))).toBe('Err(InvalidFrame)');
    expect(model.describeExpectation(frameStep('allocate_specific', 1n << 63n))).toBe('Err(InvalidFrame)');
    expect(model.describeExpectation(frameStep('allocate_specific', 1))).toBe('Err(FrameInUse)');
    expect(model.describeExpectation(frameStep('allocate_specific', 2))).toBe('Err(FrameInUse)');
    expect(model.describeExpectation(frameStep('allocate_specific', 3))).toBe('Ok(())');
    const lenient = new FrameModel({ maxFrames: 512, policy: { invalidFrame: 'beyond-capacity' } });
    lenient.apply(init(), ok);
    expect(lenient.describeExpectation(frameStep('allocate_specific', 0))).toBe('Err(FrameInUse)');
  });

  it('J9: NotInitialized comes first', () => {
    const model = new FrameModel({ maxFrames: 512 });
    for (const step of [frameStep('allocate_specific', 1n << 63n), frameStep('deallocate', 0), { op: 'allocate' } as const, { op: 'allocate_frame_at', addr: 1n << 60n } as const]) {
      expect(model.describeExpectation(step)).toBe('Err(NotInitialized)');
    }
  });

  it('J10: allocate_frame_at beyond 52 bits is InvalidFrame, below it the frame itself', () => {
    const model = modelAfter([init(usable(0n, 0x4000n))]);
    expect(model.describeExpectation({ op: 'allocate_frame_at', addr: 1n << 52n })).toBe('Err(InvalidFrame)');
    expect(model.describeExpectation({ op: 'allocate_frame_at', addr: 0x2fffn })).toBe('Ok(Frame(2))');
  });

  it('J11/J12: freeing a free or reserved frame is Ok and changes nothing; a handed-out one comes back', () => {
    const model = modelAfter([init(usable(0n, 0x4000n)), { op: 'reserve_range', start: 0n, size: 0x1000n }, frameStep('allocate_specific', 2)]);
    for (const frame of [0, 3]) {
      expect(model.describeExpectation(frameStep('deallocate', frame))).toBe('Ok(())');
      model.apply(frameStep('deallocate', frame), ok);
    }
    expect(model.statusOf(0)).toBe('reserved');
    expect(model.statusOf(3)).toBe('free');
    model.apply(frameStep('deallocate', 2), ok);
    expect(model.statusOf(2)).toBe('free');
    expect(model.freeCount()).toBe(3);
  });

  it('J11 policy: a double free — a free after a free, before the frame is handed out again — can be made an error', () => {
    const strict = new FrameModel({ maxFrames: 512, policy: { doubleFree: 'invalid-frame' } });
    strict.apply(init(usable(0n, 0x4000n)), ok);
    // Never handed out: not a double free.
    expect(strict.describeExpectation(frameStep('deallocate', 1))).toBe('Ok(())');
    strict.apply(frameStep('allocate_specific', 1), ok);
    expect(strict.describeExpectation(frameStep('deallocate', 1))).toBe('Ok(())');
    strict.apply(frameStep('deallocate', 1), ok);
    expect(strict.describeExpectation(frameStep('deallocate', 1))).toBe('Err(InvalidFrame)');
    // Handed out again, it may be freed again; a re-init forgets the first free.
    strict.apply(frameStep('allocate_specific', 1), ok);
    expect(strict.describeExpectation(frameStep('deallocate', 1))).toBe('Ok(())');
    strict.apply(frameStep('deallocate', 1), ok);
    strict.apply(init(usable(0n, 0x4000n)), ok);
    expect(strict.describeExpectation(frameStep('deallocate', 1))).toBe('Ok(())');
  });

  it('J1 policy: a re-init can keep the frames handed out that its map keeps usable', () => {
    const keeping = new FrameModel({ maxFrames: 512, policy: { reinit: 'keep-handed-out' } });
    keeping.apply(init(usable(0n, 0x4000n)), ok);
    keeping.apply(frameStep('allocate_specific', 1), ok);
    keeping.apply(frameStep('allocate_specific', 3), ok);
    keeping.apply(init(usable(0n, 0x3000n)), ok);
    expect([keeping.statusOf(1), keeping.statusOf(3)]).toEqual(['handed-out', 'never-usable']);
    expect(keeping.freeCount()).toBe(2);
    expect(keeping.framesHeldThroughReinit().ranges()).toEqual([[1, 2]]);
    keeping.apply(frameStep('deallocate', 1), ok);
    expect([keeping.statusOf(1), keeping.framesHeldThroughReinit().size]).toEqual(['free', 0]);
    // The default forgets them.
    const fresh = modelAfter([init(usable(0n, 0x4000n)), frameStep('allocate_specific', 1), init(usable(0n, 0x4000n))]);
    expect([fresh.statusOf(1), fresh.freeCount()]).toEqual(['free', 4]);
  });

  it('J14 policy: a reservation can outlive the owner of a handed-out frame', () => {
    const outliving = new FrameModel({ maxFrames: 512, policy: { reservation: 'outlives-owner' } });
    outliving.apply(init(usable(0n, 0x4000n)), ok);
    outliving.apply(frameStep('allocate_specific', 1), ok);
    outliving.apply({ op: 'reserve_range', start: 0n, size: 0x2000n }, ok);
    expect([outliving.statusOf(0), outliving.statusOf(1)]).toEqual(['reserved', 'handed-out']);
    expect(outliving.framesReservedOnceFreed().ranges()).toEqual([[1, 2]]);
    outliving.apply(frameStep('deallocate', 1), ok);
    expect([outliving.statusOf(1), outliving.freeCount()]).toEqual(['reserved', 2]);
    // The default returns it to the pool.
    const skipping = modelAfter([init(usable(0n, 0x4000n)), frameStep('allocate_specific', 1), { op: 'reserve_range', start: 0n, size: 0x2000n }, frameStep('deallocate', 1)]);
    expect(skipping.statusOf(1)).toBe('free');
  });

  it('J15 policy: reservations made before init can survive it', () => {
    const surviving = new FrameModel({ maxFrames: 512, policy: { reserveBeforeInit: 'survives-init' } });
    surviving.apply({ op: 'reserve_kernel', start: 0x1000n, size: 0x1000n }, ok);
    surviving.apply({ op: 'reserve_kernel', start: 1n << 52n, size: 0x1000n }, ok);
    expect(surviving.reservationsMadeBeforeInit()).toEqual([[0x1000n, 0x1000n]]);
    expect(surviving.stateKey()).not.toBe(new FrameModel({ maxFrames: 512 }).stateKey());
    surviving.apply(init(usable(0n, 0x4000n)), ok);
    expect([surviving.statusOf(1), surviving.freeCount(), surviving.reservationsMadeBeforeInit()]).toEqual(['reserved', 3, []]);
    // The default wipes them.
    expect(modelAfter([{ op: 'reserve_kernel', start: 0x1000n, size: 0x1000n }, init(usable(0n, 0x4000n))]).freeCount()).toBe(4);
  });

  it('J13: a reservation covers every frame its byte range touches, and nothing from 2^52 up', () => {
    const touched = modelAfter([init(usable(0n, 0x8000n)), { op: 'reserve_kernel', start: 0x1001n, size: 0x1000n }]);
    expect(touched.freeFrames().ranges()).toEqual([[0, 1], [3, 8]]);
    const huge = modelAfter([init(usable(0n, 0x8000n)), { op: 'reserve_range', start: 0x7000n, size: (1n << 64n) - 1n }]);
    expect(huge.freeCount()).toBe(7);
    const high = modelAfter([init(usable(0n, 0x8000n)), { op: 'reserve_range', start: 1n << 52n, size: 0x1000n }]);
    expect(high.freeCount()).toBe(8);
  });

  it('J14: reserving leaves handed-out frames with their owner', () => {
    const model = modelAfter([init(usable(0n, 0x4000n)), frameStep('allocate_specific', 1), { op: 'reserve_range', start: 0n, size: 0x4000n }]);
    expect(model.statusOf(1)).toBe('handed-out');
    expect(model.statusOf(2)).toBe('reserved');
  });

  it('J15: before init everything is NotInitialized and reservations do nothing', () => {
    const model = modelAfter([{ op: 'reserve_range', start: 0n, size: 0x4000n }, init(usable(0n, 0x4000n))]);
    expect(model.freeCount()).toBe(4);
  });

  it('J16: the statistics are the counters times PAGE_SIZE; boot init reserves 16 MiB at the kernel and the first 1 MiB', () => {
    const model = modelAfter([{ op: 'boot_init', map: [usable(0n, 0x2000000n)], kernelPhysicalBase: 0x1000000n }], 16384);
    expect(model.freeCount()).toBe(8192 - 256 - 4096);
    expect(model.describeExpectation({ op: 'memory_stats' })).toBe(`Ok((${(8192 - 256 - 4096) * 4096}, ${8192 * 4096}))`);
  });

  it('lays every frame out in exactly one run of one status for the frame map', () => {
    const model = modelAfter([init(usable(0x1000n, 0x3000n)), frameStep('allocate_specific', 2)], 64);
    expect(model.statusRuns()).toEqual([
      { start: 0, end: 1, status: 'never-usable' },
      { start: 1, end: 2, status: 'free' },
      { start: 2, end: 3, status: 'handed-out' },
      { start: 3, end: 4, status: 'free' },
      { start: 4, end: 64, status: 'never-usable' },
    ]);
  });

  it('keys different states differently and equal states equally', () => {
    const model = modelAfter([init(usable(0n, 0x4000n))]);
    const other = modelAfter([init(usable(0n, 0x4000n)), frameStep('allocate_specific', 0)]);
    expect(model.freeCount()).toBe(4);
    expect(other.freeCount()).toBe(3);
    expect(model.stateKey()).not.toBe(other.stateKey());
    expect(modelAfter([init(usable(0n, 0x4000n))]).stateKey()).toBe(model.stateKey());
  });
});
