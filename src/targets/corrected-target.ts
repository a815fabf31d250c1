// The corrected allocator as a target: the same steps, every known finding fixed.
import type { FrameAllocatorOptions } from '../allocator/frame-allocator.js';
import { PhysAddr } from '../allocator/phys-addr.js';
import { CorrectedFrameAllocator, allocateFrameAt, init } from '../corrected/index.js';
import { createInProcessTarget } from './in-process-target.js';
import type { AllocatorTarget } from './target.js';

export const createCorrectedTarget = (options: FrameAllocatorOptions = {}): AllocatorTarget =>
  createInProcessTarget(
    // Addresses reach the corrected allocator unmasked: it refuses those past 52 bits itself.
    { name: 'corrected', newAllocator: (o) => new CorrectedFrameAllocator(o), bootInit: init, allocateFrameAt, physAddr: PhysAddr.newUnchecked },
    options,
  );
