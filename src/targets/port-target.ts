// The real bitmap allocator (the faithful port) as a target.
import { FrameAllocator, type FrameAllocatorOptions } from '../allocator/frame-allocator.js';
import { allocateFrameAt, init } from '../allocator/global.js';
import { PhysAddr } from '../allocator/phys-addr.js';
import type { AllocatorTarget } from './target.js';
import { createInProcessTarget } from './in-process-target.js';

export const createPortTarget = (options: FrameAllocatorOptions = {}): AllocatorTarget =>
  createInProcessTarget(
    { name: 'port', newAllocator: (o) => new FrameAllocator(o), bootInit: init, allocateFrameAt, physAddr: PhysAddr.new },
    options,
  );
