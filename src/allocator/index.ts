// The real bitmap allocator: the seed's public items, ported.
export * from './boot-info.js';
export * from './frame-allocator.js';
export * from './global.js';
export * from './phys-addr.js';
export { RustPanic, U64_MAX, type Usize } from './rust-int.js';
