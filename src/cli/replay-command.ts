// `framecheck replay FILE`: re-execute a counterexample's recorded steps exactly on the allocator
// the user names (the port by default) and print the step table. The file only says what it was
// recorded on: its allocator is data, never a command to run, unless --allocator-from-file says so
// (and even then its command is spawned without a shell). Exit 1 if it still fails, 0 if it now passes.
import { readCounterexample, readJsonFile } from '../files/counterexample-file.js';
import { isParallelCounterexample } from '../files/parallel-counterexample.js';
import { replayParallelCommand } from './parallel-command.js';
import { replayCounterexample } from '../runner/replay.js';
import type { TargetSpec } from '../targets/target-spec.js';
import { resolveAllocator } from './allocator-flag.js';
import { choiceFlag, integerFlag, parseFlags, stepTimeoutFlag, usageError } from './flags.js';
import { renderStepTable } from './step-table.js';

export const REPLAY_HELP = `framecheck replay FILE [--allocator NAME | --allocator-cmd CMD | --allocator-from-file] [--profile debug|release] [--step-timeout T]

Re-executes the steps recorded in a counterexample file — no regeneration, the steps alone — on the
port (or the allocator given), and prints each step with what the allocator returned and what the
documentation promises. The file's own allocator is shown, never run: --allocator-from-file replays on
it, a recorded command spawned as plain words (no shell). --step-timeout T (500ms, 5s) bounds each
request to a native driver. Exit 1 if it still fails, 0 if it now passes, 2 on bad input.
A parallel counterexample (framecheck --threads): its recorded history is re-checked and drawn as a
timeline, then its program re-runs --runs N times (default 100) on the native driver named
(--allocator seed, --allocator-cmd or --allocator-from-file) and the failure rate is printed.`;

export function replayCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(args, {
    allocator: { type: 'string' },
    'allocator-cmd': { type: 'string' },
    'allocator-from-file': { type: 'boolean' },
    profile: { type: 'string' },
    'step-timeout': { type: 'string' },
    runs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, 'replay');
  if (values.help === true) {
    out(`${REPLAY_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw usageError('replay: give exactly one counterexample file (see framecheck replay --help)');
  const fromFile = values['allocator-from-file'] === true;
  if (fromFile && (values.allocator !== undefined || values['allocator-cmd'] !== undefined)) throw usageError('replay: --allocator-from-file and --allocator/--allocator-cmd name two allocators: give one');
  const stepTimeoutMs = stepTimeoutFlag(values['step-timeout']);
  const json = readJsonFile(positionals[0] as string);
  if (typeof json === 'object' && json !== null && isParallelCounterexample(json)) {
    if (!fromFile && values.allocator === undefined && values['allocator-cmd'] === undefined) {
      throw usageError('replay: a parallel counterexample runs on a native driver: give --allocator seed, --allocator-cmd CMD, or --allocator-from-file to use the one it names');
    }
    const profile = choiceFlag('profile', values.profile, ['debug', 'release'] as const, json.target.profile as 'debug' | 'release');
    const spec: TargetSpec = fromFile ? { allocator: json.target.allocator, profile, withoutShell: true } : { allocator: resolveAllocator(values.allocator, values['allocator-cmd']), profile };
    return replayParallelCommand(positionals[0] as string, json, { ...spec, ...(stepTimeoutMs !== undefined && { stepTimeoutMs }) }, integerFlag('runs', values.runs, 100, 1), out);
  }
  const loaded = readCounterexample(positionals[0] as string);
  const recorded = loaded.content.target;
  const profile = choiceFlag('profile', values.profile, ['debug', 'release'] as const, recorded.profile as 'debug' | 'release');
  const spec: TargetSpec = {
    allocator: fromFile ? recorded.allocator : resolveAllocator(values.allocator, values['allocator-cmd']),
    profile,
    ...(fromFile && { withoutShell: true }),
    ...(stepTimeoutMs !== undefined && { stepTimeoutMs }),
  };
  const replay = replayCounterexample(loaded, spec, { runFileCommands: fromFile });
  out(`${loaded.content.finding.id} — ${oneLine(loaded.content.finding.title)}\nrecorded on ${oneLine(recorded.allocator)} (${recorded.profile})\nreplaying ${loaded.steps.length} recorded steps on ${replay.targetName}, ${recorded.maxFrames} frames\n\n`);
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

/** A file's text shown on the terminal: one line, no control characters (no escape sequences). */
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
