export { CorrectedFrameAllocator, PHYS_ADDR_LIMIT } from './corrected-allocator.js';
export { allocateFrameAt, init } from './global.js';
