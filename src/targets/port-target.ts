// The real bitmap allocator (the faithful port) as a target.
import { FrameAllocator, type FrameAllocatorOptions } from '../allocator/frame-allocator.js';
import { allocateFrameAt, init } from '../allocator/global.js';
import { PhysAddr } from '../allocator/phys-addr.js';
import { createInProcessTarget, type InProcessAllocator } from './in-process-target.js';
import type { AllocatorTarget } from './target.js';

export const PORT_ALLOCATOR: InProcessAllocator = { name: 'port', newAllocator: (options) => new FrameAllocator(options), bootInit: init, allocateFrameAt, physAddr: PhysAddr.new };

export const createPortTarget = (options: FrameAllocatorOptions = {}): AllocatorTarget => createInProcessTarget(PORT_ALLOCATOR, options);
