// `FrameAllocator::init(&memory_map)` and the global `init(boot_info)`.
import fc from 'fast-check';
import { memoryMap } from '../generators/memory-map.js';
import { physAddr } from '../generators/values.js';
import type { Scope } from '../scope.js';
import { command, type StepCommand } from './step-command.js';

export const init = (scope: Scope): fc.Arbitrary<StepCommand> =>
  memoryMap(scope).map((map) => command({ op: 'init', map }));

/** The kernel usually sits at 1 MiB; any address, unaligned or beyond 52 bits, is fair game too. */
export const bootInit = (scope: Scope): fc.Arbitrary<StepCommand> =>
  fc
    .tuple(memoryMap(scope), fc.oneof({ weight: 2, arbitrary: fc.constant(1n << 20n) }, { weight: 3, arbitrary: physAddr(scope) }))
    .map(([map, kernelPhysicalBase]) => command({ op: 'boot_init', map, kernelPhysicalBase }));
