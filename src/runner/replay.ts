// Replaying recorded steps exactly — a counterexample file or a regression-corpus entry — on any
// allocator: no fast-check, no generation, the steps alone. The same lockstep executor as a
// campaign, so a replay judges every step by the same invariants.
import { FrameModel } from '../../models/index.js';
import type { LoadedCounterexample } from '../files/counterexample-file.js';
import { InputError } from '../files/input-error.js';
import { BUILT_IN_ALLOCATORS, createTarget, type TargetSpec } from '../targets/target-spec.js';
import { runSteps, type RunResult } from './lockstep.js';
import { identifyFailure, type FindingIdentity } from '../findings/identity.js';
import { frameMapOf, type FrameMapSnapshot } from './search.js';

export interface ReplayOutcome {
  readonly targetName: string;
  readonly result: RunResult;
  /** The finding the replay shows, when it fails. */
  readonly identity?: FindingIdentity;
  readonly frameMap?: FrameMapSnapshot;
}

/**
 * A file names allocators (`target.against` here) as data: a built-in one is used, a command or a
 * module only when the user said so (`replay --allocator-from-file`), and then without a shell.
 */
export function replayCounterexample(loaded: LoadedCounterexample, spec: TargetSpec, options: { readonly runFileCommands?: boolean } = {}): ReplayOutcome {
  const { maxFrames } = loaded.content.target;
  const against = loaded.content.target.against;
  if (against !== undefined && options.runFileCommands !== true && !(BUILT_IN_ALLOCATORS as readonly string[]).includes(against)) {
    throw new InputError(`${loaded.file}: "target.against" names ${JSON.stringify(against)}, not a built-in allocator; framecheck runs a file's own command or module only with replay --allocator-from-file`);
  }
  const target = createTarget(spec, maxFrames);
  let reference;
  try {
    reference = against === undefined ? undefined : createTarget({ ...spec, allocator: against, withoutShell: true }, maxFrames);
  } catch (error) {
    target.close?.();
    throw error;
  }
  try {
    const newModel = (): FrameModel => new FrameModel({ maxFrames, ...(loaded.content.target.policy !== undefined && { policy: loaded.content.target.policy }) });
    const result = runSteps({ target, newModel, setAside: [], trace: true, ...(reference !== undefined && { reference }) }, loaded.steps);
    if (result.violation === undefined) return { targetName: target.name, result };
    return { targetName: target.name, result, identity: identifyFailure(result, newModel), frameMap: frameMapOf(result, target, newModel) };
  } finally {
    target.close?.();
    reference?.close?.();
  }
}
