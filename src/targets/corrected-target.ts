// The corrected allocator as a target: the same steps, every known finding fixed.
import type { FrameAllocatorOptions } from '../allocator/frame-allocator.js';
import { PhysAddr } from '../allocator/phys-addr.js';
import { CorrectedFrameAllocator, allocateFrameAt, init } from '../corrected/index.js';
import { createInProcessTarget, type InProcessAllocator } from './in-process-target.js';
import type { AllocatorTarget } from './target.js';

export const CORRECTED_ALLOCATOR: InProcessAllocator = {
  name: 'corrected',
  newAllocator: (options) => new CorrectedFrameAllocator(options),
  bootInit: init,
  allocateFrameAt,
  // Addresses reach the corrected allocator unmasked: it refuses those past 52 bits itself.
  physAddr: PhysAddr.newUnchecked,
};

export const createCorrectedTarget = (options: FrameAllocatorOptions = {}): AllocatorTarget => createInProcessTarget(CORRECTED_ALLOCATOR, options);
