// `reserve_kernel(start, size)` and `reserve_range(start, size)`.
import fc from 'fast-check';
import { physAddr, reserveSize } from '../generators/values.js';
import type { Scope } from '../scope.js';
import { command, type StepCommand } from './step-command.js';

export const reserve = (scope: Scope, op: 'reserve_kernel' | 'reserve_range'): fc.Arbitrary<StepCommand> =>
  fc.tuple(physAddr(scope), reserveSize(scope)).map(([start, size]) => command({ op, start, size }));
