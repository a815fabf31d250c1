// `deallocate(frame)` and the global `deallocate_frame(frame)`: mostly frames handed out earlier
// (so that reuse and double frees happen), else any frame, reserved and out-of-range ones included.
import type fc from 'fast-check';
import { frameArg } from '../generators/values.js';
import type { Scope } from '../scope.js';
import { command, type StepCommand } from './step-command.js';

export const deallocate = (scope: Scope, op: 'deallocate' | 'deallocate_frame'): fc.Arbitrary<StepCommand> =>
  frameArg(scope, 6).map((frame) => command({ op, frame }));
