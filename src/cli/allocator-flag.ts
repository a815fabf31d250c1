// --allocator and --allocator-cmd to the allocator name a TargetSpec carries.
import { resolve } from 'node:path';
import { BUILT_IN_ALLOCATORS } from '../targets/target-spec.js';
import { usageError } from './flags.js';

export function resolveAllocator(allocator: string | undefined, command: string | undefined): string {
  if (allocator !== undefined && command !== undefined) throw usageError('--allocator and --allocator-cmd name two allocators: give one');
  if (command !== undefined) {
    if (command.trim() === '') throw usageError('--allocator-cmd needs a command line');
    return `cmd:${command}`;
  }
  if (allocator === undefined) return 'port';
  if ((BUILT_IN_ALLOCATORS as readonly string[]).includes(allocator) || allocator.startsWith('module:') || allocator.startsWith('cmd:')) return allocator;
  // A path names a user's module (docs/allocator-interface.md).
  if (/^[./]/.test(allocator) || /\.(ts|mts|js|mjs|cjs)$/.test(allocator)) return `module:${resolve(allocator)}`;
  throw usageError(`--allocator must be ${BUILT_IN_ALLOCATORS.join(', ')} or a module path (./my-allocator.ts), got "${allocator}"`);
}
