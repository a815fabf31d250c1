// Which allocator a campaign checks, as the CLI and counterexample files name it: `port` (the real
// bitmap allocator), `corrected`, a module path (`./my-allocator.js`) or a native driver command.
import type { BuildProfile } from './step.js';
import type { AllocatorTarget } from './target.js';
import { createCorrectedTarget } from './corrected-target.js';
import { createPortTarget } from './port-target.js';

export interface TargetSpec {
  /** `port`, `corrected`, `module:<path>` or `cmd:<command line>`. */
  readonly allocator: string;
  readonly profile: BuildProfile;
}

export const BUILT_IN_ALLOCATORS = ['port', 'corrected'] as const;

export function createTarget(spec: TargetSpec, maxFrames: number): AllocatorTarget {
  switch (spec.allocator) {
    case 'port':
      return createPortTarget({ maxFrames, profile: spec.profile });
    case 'corrected':
      return createCorrectedTarget({ maxFrames, profile: spec.profile });
    default:
      throw new Error(`unknown allocator ${spec.allocator}`);
  }
}
