export { CorrectedFrameAllocator } from './corrected-allocator.js';
export { allocateFrameAt, init } from './global.js';
