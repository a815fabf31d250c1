// The bitmap's own next-free hint and its search, run directly on the port and on the corrected
// allocator (no model): white-box invariants, as Hypothesis' @invariant checks internal state.
//
// - Every frame below the hint is in use, after every call. init sets the hint to 0, allocate to
//   just past the lowest free frame from the hint's word on, deallocate lowers it to the frame it
//   frees; reservations and allocate_specific only mark frames used. So the search from the hint's
//   word always finds a free frame when there is one, and the seed's wrap-around from word 0 can
//   never find one: it runs only when free_frames claims frames the bitmap does not have.
// - Allocating until an error hands out each free frame of the bitmap exactly once, then says
//   OutOfMemory — even on the port after init double-counted overlapping usable regions, where the
//   counter still claims frames and the wrap-around is what ends the search.
import fc from 'fast-check';
import { FrameAllocator } from '../../src/allocator/frame-allocator.js';
import { Frame, PhysAddr } from '../../src/allocator/phys-addr.js';
import { RustPanic } from '../../src/allocator/rust-int.js';
import { CorrectedFrameAllocator } from '../../src/corrected/corrected-allocator.js';
import { toMemoryMap } from '../../src/targets/in-process-target.js';
import type { BuildProfile, Region } from '../../src/targets/step.js';
import { memoryMap } from '../generators/memory-map.js';
import { frameInCapacity, physAddr, reserveSize } from '../generators/values.js';
import { SMALL_SCOPE } from '../scope.js';
import type { ComponentProperty } from './index.js';

type Call =
  | { readonly op: 'init'; readonly map: Region[] }
  | { readonly op: 'reserve_range'; readonly start: bigint; readonly size: bigint }
  | { readonly op: 'allocate' }
  | { readonly op: 'allocate_specific' | 'deallocate'; readonly frame: number };

const scope = SMALL_SCOPE;
const call: fc.Arbitrary<Call> = fc.oneof(
  { weight: 1, arbitrary: memoryMap(scope).map((map): Call => ({ op: 'init', map })) },
  { weight: 2, arbitrary: fc.record({ start: physAddr(scope), size: reserveSize(scope) }).map((args): Call => ({ op: 'reserve_range', ...args })) },
  { weight: 8, arbitrary: fc.constant<Call>({ op: 'allocate' }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('allocate_specific', 'deallocate' as const), frame: frameInCapacity(scope) }) },
);
const calls = fc.array(call, { maxLength: scope.maxCommands });
const allocatorKind = fc.constantFrom('port', 'corrected');
const profile = fc.constantFrom<BuildProfile>('debug', 'release');

function newAllocator(kind: string, build: BuildProfile): FrameAllocator {
  const options = { maxFrames: scope.maxFrames, profile: build };
  return kind === 'port' ? new FrameAllocator(options) : new CorrectedFrameAllocator(options);
}

/** Makes one call; false when it panicked (a debug build's overflow ends the boot). */
function make(allocator: FrameAllocator, next: Call): boolean {
  try {
    if (next.op === 'init') allocator.init(toMemoryMap(next.map));
    else if (next.op === 'reserve_range') allocator.reserveRange(PhysAddr.new(next.start), next.size);
    else if (next.op === 'allocate') allocator.allocate();
    else if (next.op === 'allocate_specific') allocator.allocateSpecific(Frame.fromNumber(next.frame));
    else allocator.deallocate(Frame.fromNumber(next.frame));
    return true;
  } catch (error) {
    if (error instanceof RustPanic) return false;
    throw error;
  }
}

function framesBelowHintInUse(allocator: FrameAllocator): boolean {
  const { hint } = allocator;
  // The hint is a frame number or one past the last frame (after allocating the last frame).
  if (!Number.isSafeInteger(hint) || hint < 0 || hint > allocator.maxFrames) return false;
  for (let frame = 0; frame < hint; frame++) if (!allocator.isUsed(frame)) return false;
  return true;
}

export const HINT_AND_SEARCH_PROPERTIES: readonly ComponentProperty[] = [
  {
    name: 'frames-below-hint-in-use',
    holds: 'every frame below the next-free hint is in use after every call, so the search from the hint\'s word finds any free frame',
    property: fc.property(allocatorKind, profile, calls, (kind, build, sequence) => {
      const allocator = newAllocator(kind, build);
      for (const next of sequence) {
        if (!make(allocator, next)) return true;
        if (!framesBelowHintInUse(allocator)) return false;
      }
      return true;
    }),
    numRuns: 500,
  },
  {
    name: 'allocate-drains-the-bitmap',
    holds: 'allocating until an error hands out every free frame of the bitmap once, in ascending order, then OutOfMemory',
    property: fc.property(allocatorKind, profile, calls, (kind, build, sequence) => {
      const allocator = newAllocator(kind, build);
      if (!sequence.every((next) => make(allocator, next)) || !allocator.isInitialized) return true;
      const free = allocator.freeRanges().flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i));
      const handedOut: number[] = [];
      let result = allocator.allocate();
      for (; result.ok; result = allocator.allocate()) handedOut.push(Number(result.value.number()));
      return result.error === 'OutOfMemory' && allocator.freeRanges().length === 0 && handedOut.join() === free.join();
    }),
    numRuns: 500,
  },
];
