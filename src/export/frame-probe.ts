// The frame whose bitmap bit an exported test checks when the failure is in the bitmap rather than
// in a result or a counter: the frame the diverging step touched, or the first frame where the
// bitmap and the model disagree at the end of the run.
import type { FrameStatus } from '../../models/index.js';
import type { CounterexampleFile } from '../files/counterexample-file.js';
import { firstDisagreement } from '../reporters/report-html.js';

export function frameProbe(content: CounterexampleFile): { frame: number; status: FrameStatus } | undefined {
  if (content.property !== 'frame-state-matches-model' && content.property !== 'bitmap-matches-model') return undefined;
  const map = content.frameMap;
  const frame = content.property === 'frame-state-matches-model' ? map.frame : firstDisagreement(map);
  if (frame === undefined) return undefined;
  const status = map.model.find((run) => frame >= run.start && frame < run.end)?.status ?? 'beyond-capacity';
  return { frame, status };
}
