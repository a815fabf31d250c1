// What an exported vitest test drives: an allocator opened at a capacity and profile, with one
// method per seed function (the seed's own names) returning the step's outcome as data, so that a
// panic or an error shows in the test's diff instead of stopping it. The port by default;
// FRAMECHECK_ALLOCATOR=corrected runs the same test on the corrected allocator.
import type { Outcome, Region, BuildProfile } from '../targets/step.js';
import type { ConcreteStep, FrameRange } from '../targets/target.js';
import { createTarget } from '../targets/target-spec.js';

export interface OpenedAllocator {
  readonly name: string;
  init(map: readonly Region[]): Outcome;
  boot_init(map: readonly Region[], kernelPhysicalBase: bigint): Outcome;
  reserve_kernel(start: bigint, size: bigint): Outcome;
  reserve_range(start: bigint, size: bigint): Outcome;
  allocate(): Outcome;
  allocate_frame(): Outcome;
  allocate_specific(frame: number | bigint): Outcome;
  allocate_frame_at(addr: bigint): Outcome;
  deallocate(frame: number | bigint): Outcome;
  deallocate_frame(frame: number | bigint): Outcome;
  free_count(): Outcome;
  total_count(): Outcome;
  free_memory(): Outcome;
  total_memory(): Outcome;
  memory_stats(): Outcome;
  /** free_count() and total_count() right now. */
  counts(): { free: number; total: number };
  /** The bitmap's free frames as runs [start, end). */
  freeRanges(): FrameRange[];
}

export function openAllocator(options: { maxFrames: number; profile: BuildProfile }): OpenedAllocator {
  const target = createTarget({ allocator: process.env.FRAMECHECK_ALLOCATOR ?? 'port', profile: options.profile }, options.maxFrames);
  target.reset();
  let counts = { free: 0, total: 0 };
  const run = (step: ConcreteStep): Outcome => {
    const report = target.execute(step);
    counts = { free: report.free, total: report.total };
    return report.outcome;
  };
  return {
    name: target.name,
    init: (map) => run({ op: 'init', map }),
    boot_init: (map, kernelPhysicalBase) => run({ op: 'boot_init', map, kernelPhysicalBase }),
    reserve_kernel: (start, size) => run({ op: 'reserve_kernel', start, size }),
    reserve_range: (start, size) => run({ op: 'reserve_range', start, size }),
    allocate: () => run({ op: 'allocate' }),
    allocate_frame: () => run({ op: 'allocate_frame' }),
    allocate_specific: (number) => run({ op: 'allocate_specific', frame: { number } }),
    allocate_frame_at: (addr) => run({ op: 'allocate_frame_at', addr }),
    deallocate: (number) => run({ op: 'deallocate', frame: { number } }),
    deallocate_frame: (number) => run({ op: 'deallocate_frame', frame: { number } }),
    free_count: () => run({ op: 'free_count' }),
    total_count: () => run({ op: 'total_count' }),
    free_memory: () => run({ op: 'free_memory' }),
    total_memory: () => run({ op: 'total_memory' }),
    memory_stats: () => run({ op: 'memory_stats' }),
    counts: () => counts,
    freeRanges: () => target.freeRanges(),
  };
}

/** An `allocate` outcome that hands out one of the given free frames. */
export const isFrameFrom = (ranges: readonly FrameRange[]) => (outcome: Outcome): boolean =>
  outcome.kind === 'ok' && typeof outcome.value === 'number' && ranges.some(([start, end]) => (outcome.value as number) >= start && (outcome.value as number) < end);
