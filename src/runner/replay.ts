// Replaying recorded steps exactly — a counterexample file or a regression-corpus entry — on any
// allocator: no fast-check, no generation, the steps alone. The same lockstep executor as a
// campaign, so a replay judges every step by the same invariants.
import { FrameModel } from '../../models/index.js';
import type { LoadedCounterexample } from '../files/counterexample-file.js';
import { createTarget, type TargetSpec } from '../targets/target-spec.js';
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

export function replayCounterexample(loaded: LoadedCounterexample, spec: TargetSpec): ReplayOutcome {
  const { maxFrames } = loaded.content.target;
  const target = createTarget(spec, maxFrames);
  const against = loaded.content.target.against;
  const reference = against === undefined ? undefined : createTarget({ ...spec, allocator: against }, maxFrames);
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
