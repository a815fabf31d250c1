// `allocate()`, `allocate_specific(frame)` and the global `allocate_frame()` / `allocate_frame_at(addr)`.
import fc from 'fast-check';
import { frameArg, physAddr } from '../generators/values.js';
import type { Scope } from '../scope.js';
import { command, type StepCommand } from './step-command.js';

export const allocate = (): fc.Arbitrary<StepCommand> => fc.constant(command({ op: 'allocate' }));

export const allocateFrame = (): fc.Arbitrary<StepCommand> => fc.constant(command({ op: 'allocate_frame' }));

/** Mostly fresh frame numbers: asking again for a frame already handed out is the rarer case. */
export const allocateSpecific = (scope: Scope): fc.Arbitrary<StepCommand> =>
  frameArg(scope, 1).map((frame) => command({ op: 'allocate_specific', frame }));

export const allocateFrameAt = (scope: Scope): fc.Arbitrary<StepCommand> =>
  physAddr(scope).map((addr) => command({ op: 'allocate_frame_at', addr }));
