// Parallel programs that race where races matter, and that never trigger one of the seed's
// sequential defects (docs/parallel.md explains why): the prefix boots a map of page-aligned,
// non-overlapping regions and hands out a few frames; the threads allocate, claim the same few
// addresses, free frames they or the prefix were handed (never a literal frame number, never a
// reserved one), and read memory_stats while the others allocate. A small usable region makes
// allocate_frame calls collide on the same free frame and run out of memory.
import fc from 'fast-check';
import { PAGE, type Region } from '../targets/step.js';
import type { ParallelCall, ParallelFrameArg, ParallelProgram } from './program.js';

export interface ProgramShape {
  /** The driver's bitmap capacity in frames. */
  readonly maxFrames: number;
  /** Thread programs per program (2–8). */
  readonly threads: number;
  /** Most calls per thread (default 6). */
  readonly maxCalls?: number;
  /** Fewest calls per thread (default 1). */
  readonly minCalls?: number;
  /** Whether threads call memory_stats (default true; without it the checker can split by frame). */
  readonly memoryStats?: boolean;
}

/** A thread call before its frame reference is chosen: `pick` selects among the frames handed out so far. */
type CallPlan = { readonly op: 'allocate_frame' | 'memory_stats' | 'init' } | { readonly op: 'allocate_frame_at'; readonly pick: number } | { readonly op: 'deallocate_frame'; readonly pick: number };

const callPlan = (memoryStats: boolean): fc.Arbitrary<CallPlan> =>
  fc.oneof(
    { weight: 32, arbitrary: fc.constant({ op: 'allocate_frame' as const }) },
    { weight: 16, arbitrary: fc.nat(15).map((pick) => ({ op: 'allocate_frame_at' as const, pick })) },
    { weight: 24, arbitrary: fc.nat(15).map((pick) => ({ op: 'deallocate_frame' as const, pick })) },
    { weight: memoryStats ? 8 : 0, arbitrary: fc.constant({ op: 'memory_stats' as const }) },
    // A re-boot while the others call (in about one program in five): a statistics read across it
    // has to be one moment's. Rare, because it ties every frame together for the checker.
    { weight: memoryStats ? 1 : 0, arbitrary: fc.constant({ op: 'init' as const }) },
  );

interface Layout {
  readonly map: Region[];
  readonly kernelBase: bigint;
  /** Frames of usable regions: the addresses allocate_frame_at may claim (also the reserved ones among them). */
  readonly usableFrames: number[];
  /**
   * The map a thread re-boots from: the same regions and one more usable region above them, so that
   * the total changes while every frame usable before stays usable (no frame of the old map becomes
   * reserved or unusable, where freeing it would trigger the seed's sequential defects).
   */
  readonly grownMap: Region[] | undefined;
}

/** One or two usable regions (with a reserved one between), the kernel image beyond the bitmap or over the top of the region. */
function layout(maxFrames: number): fc.Arbitrary<Layout> {
  const firstMax = Math.max(257, maxFrames - 16);
  return fc
    .record({
      start: fc.integer({ min: 240, max: Math.min(firstMax, 300) }),
      length: fc.integer({ min: 2, max: 24 }),
      gap: fc.option(fc.record({ reserved: fc.integer({ min: 1, max: 4 }), length: fc.integer({ min: 1, max: 8 }) }), { nil: undefined }),
      kernelInside: fc.option(fc.nat(24), { nil: undefined }),
    })
    .map(({ start, length, gap, kernelInside }) => {
      const clip = (frame: number): number => Math.min(frame, maxFrames);
      const usable: [number, number][] = [[start, clip(start + length)]];
      const map: Region[] = [{ base: BigInt(start) * PAGE, length: BigInt(clip(start + length) - start) * PAGE, kind: 'Usable' }];
      if (gap !== undefined && start + length + gap.reserved < maxFrames) {
        const reservedStart = start + length;
        const secondStart = reservedStart + gap.reserved;
        map.push({ base: BigInt(reservedStart) * PAGE, length: BigInt(gap.reserved) * PAGE, kind: 'Reserved' });
        map.push({ base: BigInt(secondStart) * PAGE, length: BigInt(clip(secondStart + gap.length) - secondStart) * PAGE, kind: 'Usable' });
        usable.push([secondStart, clip(secondStart + gap.length)]);
      }
      const usableFrames = usable.flatMap(([from, to]) => Array.from({ length: to - from }, (_, i) => from + i));
      const end = Math.max(...usable.map(([, to]) => to), start + length + (gap?.reserved ?? 0));
      const grownMap = end + 3 <= maxFrames ? [...map, { base: BigInt(end + 1) * PAGE, length: 2n * PAGE, kind: 'Usable' as const }] : undefined;
      // The kernel's 16 MiB: beyond the bitmap, or from a frame near the end of the usable memory.
      const kernelFrame = kernelInside === undefined ? maxFrames : start + Math.max(1, length - (kernelInside % 4) - 1);
      return { map, kernelBase: BigInt(kernelFrame) * PAGE, usableFrames, grownMap };
    });
}

/** A parallel program generator for this shape. */
export function parallelProgram(shape: ProgramShape): fc.Arbitrary<ParallelProgram> {
  const maxCalls = shape.maxCalls ?? 6;
  return fc
    .record({
      layout: layout(shape.maxFrames),
      // A few addresses every thread's allocate_frame_at chooses from, so that two threads claim the same one.
      contested: fc.array(fc.nat(1023), { minLength: 1, maxLength: 3 }),
      prefix: fc.array(fc.oneof(fc.constant<'allocate_frame'>('allocate_frame'), fc.nat(1023)), { maxLength: 4 }),
      threads: fc.array(fc.array(callPlan(shape.memoryStats ?? true), { minLength: shape.minCalls ?? 1, maxLength: maxCalls }), { minLength: shape.threads, maxLength: shape.threads }),
    })
    .map(({ layout: { map, kernelBase, usableFrames, grownMap }, contested, prefix, threads }) => {
      const address = (pick: number): bigint => BigInt(usableFrames[pick % usableFrames.length] as number) * PAGE;
      const addresses = contested.map(address);
      const prefixCalls: ParallelCall[] = [{ op: 'init', kernelBase, map }, ...prefix.map((call): ParallelCall => (call === 'allocate_frame' ? { op: call } : { op: 'allocate_frame_at', addr: address(call) }))];
      const prefixFrames: ParallelFrameArg[] = prefixCalls.flatMap((call, i) => (call.op === 'init' ? [] : [{ prefixCall: i }]));
      const threadCalls = threads.map((plans) => {
        const own: ParallelFrameArg[] = [];
        return plans.map((plan, index): ParallelCall => {
          let call: ParallelCall;
          if (plan.op === 'allocate_frame_at') call = { op: plan.op, addr: addresses[plan.pick % addresses.length] as bigint };
          else if (plan.op === 'init') call = grownMap === undefined ? { op: 'memory_stats' } : { op: 'init', kernelBase, map: grownMap };
          else if (plan.op === 'deallocate_frame') {
            const frames = [...prefixFrames, ...own];
            call = frames.length === 0 ? { op: 'allocate_frame' } : { op: plan.op, frame: frames[plan.pick % frames.length] as ParallelFrameArg };
          } else call = { op: plan.op };
          if (call.op === 'allocate_frame' || call.op === 'allocate_frame_at') own.push({ ownCall: index });
          return call;
        });
      });
      return { prefix: prefixCalls, threads: threadCalls };
    });
}
