// `framecheck exhaustive`: every sequence up to a depth over a small fixed alphabet, in a tiny scope
// (src/runner/exhaustive.ts). Exit 1 if any sequence breaks an invariant, 0 if none does.
import { exhaustive, EXHAUSTIVE_DEFAULT_FRAMES, type ExhaustiveResult, type LevelStats } from '../runner/exhaustive.js';
import type { BuildProfile } from '../targets/step.js';
import { formatOutcome, formatStep } from '../targets/step-format.js';
import { choiceFlag, durationFlag, integerFlag, parseFlags, usageError } from './flags.js';

export const EXHAUSTIVE_HELP = `framecheck exhaustive [flags]   check every sequence up to a depth over a fixed alphabet

  --depth N               longest sequence (default 3; with --time-limit and no --depth: as deep as time allows)
  --time-limit T          stop after T (90s, 10m, 1h); the depth reported is the deepest level completed
  --allocator A           port (default) or corrected
  --profile P             debug (default) or release: Rust overflow behaviour
  --frames N              bitmap capacity, a multiple of 64 (default ${EXHAUSTIVE_DEFAULT_FRAMES})

Sequences that reach the same state (model, bitmap, counters) are explored once. A completed depth d
means no counterexample of d steps or fewer exists in this scope over this alphabet.
Exit status: 0 no violation, 1 a violation was found, 2 bad input.`;

/** Depth when only a time limit bounds the search. */
const UNBOUNDED_DEPTH = 1000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function levelRow(level: LevelStats): string {
  return `  ${String(level.depth).padStart(5)}  ${String(level.sequences).padStart(10)}  ${String(level.newStates).padStart(10)}  ${String(level.failing).padStart(8)}  ${seconds(level.elapsedMs).padStart(10)}\n`;
}

export function exhaustiveCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(
    args,
    {
      help: { type: 'boolean', short: 'h' },
      depth: { type: 'string' },
      'time-limit': { type: 'string' },
      allocator: { type: 'string' },
      profile: { type: 'string' },
      frames: { type: 'string' },
    },
    'exhaustive',
  );
  if (values.help === true) {
    out(`${EXHAUSTIVE_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`exhaustive: unexpected argument "${positionals[0]}" (see framecheck exhaustive --help)`);
  const timeLimitMs = durationFlag('time-limit', values['time-limit']);
  const maxDepth = integerFlag('depth', values.depth, timeLimitMs === undefined ? 3 : UNBOUNDED_DEPTH, 1, UNBOUNDED_DEPTH);
  const allocator = choiceFlag('allocator', values.allocator, ['port', 'corrected'] as const, 'port');
  const profile = choiceFlag<BuildProfile>('profile', values.profile, ['debug', 'release'], 'debug');
  const maxFrames = integerFlag('frames', values.frames, EXHAUSTIVE_DEFAULT_FRAMES, 64, 1 << 22);
  if (maxFrames % 64 !== 0) throw usageError(`--frames must be a multiple of 64, got ${maxFrames}`);

  out(`framecheck exhaustive: ${allocator} (${profile}), ${maxFrames} frames, depth ${maxDepth === UNBOUNDED_DEPTH ? 'unbounded' : maxDepth}${timeLimitMs === undefined ? '' : `, time limit ${seconds(timeLimitMs)}`}\n\n`);
  out('  depth   sequences  new states   failing        time\n');
  const result = exhaustive({
    allocator: { allocator, profile },
    maxFrames,
    maxDepth,
    ...(timeLimitMs !== undefined && { timeLimitMs }),
    onLevel: (level) => out(levelRow(level)),
  });
  out(summary(result));
  return result.findings.length > 0 ? 1 : 0;
}

function summary(result: ExhaustiveResult): string {
  const lines: string[] = [''];
  lines.push(`target            ${result.targetName}, ${result.maxFrames} frames, alphabet of ${result.alphabetSize} steps`);
  lines.push(`depth completed   ${result.completedDepth}${result.interrupted ? ` (time limit reached inside depth ${result.completedDepth + 1})` : ''}${result.exhausted ? ' (state space exhausted: no new state at the last level)' : ''}`);
  lines.push(`distinct states   ${result.states}`);
  lines.push(`sequences         ${result.sequences} (${result.steps} steps sent, replays included)`);
  lines.push(`time              ${seconds(result.elapsedMs)}`);
  lines.push('');
  if (result.findings.length === 0) {
    const bound = result.exhausted ? 'of any length' : `of ${result.completedDepth} steps or fewer`;
    lines.push(`No violation: no counterexample ${bound} exists in this scope over this alphabet.`);
  } else {
    lines.push(`${result.findings.length} finding(s), each with its shortest counterexample over the alphabet:`);
    for (const finding of result.findings) {
      lines.push('');
      lines.push(`  ${finding.findingId}  (${finding.steps.length} step${finding.steps.length === 1 ? '' : 's'}; ${finding.occurrences} failing sequence${finding.occurrences === 1 ? '' : 's'})`);
      lines.push(`    ${finding.violation.property}: ${finding.violation.message}`);
      finding.steps.forEach((step, i) => {
        const outcome = finding.outcomes[i];
        lines.push(`    ${i + 1}. ${formatStep(step)}${outcome === undefined ? '' : `  → ${formatOutcome(outcome, step.op)}`}`);
      });
    }
  }
  return `${lines.join('\n')}\n`;
}
