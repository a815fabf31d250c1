// `framecheck replay FILE`: re-execute a counterexample's recorded steps exactly, on the allocator
// it was found on (or another, with --allocator), and print the step table. Exit 1 if it still
// fails, 0 if it now passes.
import { readCounterexample, readJsonFile } from '../files/counterexample-file.js';
import { isParallelCounterexample } from '../files/parallel-counterexample.js';
import { replayParallelCommand } from './parallel-command.js';
import { replayCounterexample } from '../runner/replay.js';
import { resolveAllocator } from './allocator-flag.js';
import { choiceFlag, integerFlag, parseFlags, usageError } from './flags.js';
import { renderStepTable } from './step-table.js';

export const REPLAY_HELP = `framecheck replay FILE [--allocator NAME | --allocator-cmd CMD] [--profile debug|release]

Re-executes the steps recorded in a counterexample file — no regeneration, the steps alone — on the
allocator it was found on (or the one given), and prints each step with what the allocator returned
and what the documentation promises. Exit 1 if it still fails, 0 if it now passes, 2 on bad input.
A parallel counterexample (framecheck --threads): its recorded history is re-checked and drawn as a
timeline, then its program re-runs --runs N times (default 100) and the failure rate is printed.`;

export function replayCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(args, { allocator: { type: 'string' }, 'allocator-cmd': { type: 'string' }, profile: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'replay');
  if (values.help === true) {
    out(`${REPLAY_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw usageError('replay: give exactly one counterexample file (see framecheck replay --help)');
  const json = readJsonFile(positionals[0] as string);
  if (typeof json === 'object' && json !== null && isParallelCounterexample(json)) {
    const chosen = values.allocator === undefined && values['allocator-cmd'] === undefined ? undefined : resolveAllocator(values.allocator, values['allocator-cmd']);
    const spec = chosen === undefined ? undefined : { allocator: chosen, profile: choiceFlag('profile', values.profile, ['debug', 'release'] as const, json.target.profile as 'debug' | 'release') };
    return replayParallelCommand(positionals[0] as string, json, spec, integerFlag('runs', values.runs, 100, 1), out);
  }
  const loaded = readCounterexample(positionals[0] as string);
  const recorded = loaded.content.target;
  const allocator = values.allocator === undefined && values['allocator-cmd'] === undefined ? recorded.allocator : resolveAllocator(values.allocator, values['allocator-cmd']);
  const profile = choiceFlag('profile', values.profile, ['debug', 'release'] as const, recorded.profile as 'debug' | 'release');
  const replay = replayCounterexample(loaded, { allocator, profile });
  out(`${loaded.content.finding.id} — ${loaded.content.finding.title}\nreplaying ${loaded.steps.length} recorded steps on ${replay.targetName}, ${recorded.maxFrames} frames\n\n`);
  out(renderStepTable(replay.result));
  if (replay.identity === undefined) {
    out(`\npasses: every invariant holds on ${replay.targetName}\n`);
    return 0;
  }
  const recordedAs = loaded.content.finding;
  const same = replay.identity.signature === recordedAs.signature;
  out(`\nstill fails: ${replay.identity.id}\n  ${replay.identity.signature}${same ? '' : `\n  recorded as ${recordedAs.id}: ${recordedAs.signature}`}\n`);
  return 1;
}
