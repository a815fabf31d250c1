// The two scopes a campaign checks. Small: a few bitmap words, so that exhaustion, wraparound and
// reuse happen in most runs. Full: the seed's 16 GiB bitmap with realistic and adversarial maps.
import type { Region } from '../src/targets/step.js';

// Sequence lengths are chosen on purpose (fast-check's default size gives at most 10 commands).

export const FULL_SCOPE_FRAMES = 4 * 1024 * 1024; // MAX_FRAMES for 16 GiB of 4 KiB frames

export interface Scope {
  readonly name: 'small' | 'full';
  /** Bitmap capacity in frames (a multiple of 64). */
  readonly maxFrames: number;
  /** Most commands in one generated sequence (after the opening init). */
  readonly maxCommands: number;
  /** Real machines' memory maps (--memory-map, data/memory-maps): runs start from them and from variations of them. */
  readonly startingMaps?: readonly (readonly Region[])[];
}

export const SMALL_SCOPE: Scope = { name: 'small', maxFrames: 512, maxCommands: 80 };
export const FULL_SCOPE: Scope = { name: 'full', maxFrames: FULL_SCOPE_FRAMES, maxCommands: 60 };

export const SCOPES: Readonly<Record<Scope['name'], Scope>> = { small: SMALL_SCOPE, full: FULL_SCOPE };
