// The framecheck command line: dispatch, and the one place errors become exit codes. Bad input is
// one line on stderr and exit 2, never a stack trace; an internal error is exit 3 with one line
// (FRAMECHECK_DEBUG=1 shows the stack); a file that cannot be written whole (disk full, read-only)
// is exit 4 with one line, the previous version of the file left in place.
import { WriteError } from '../files/atomic-write.js';
import { InputError } from '../files/input-error.js';
import { FRAMECHECK_VERSION } from '../files/version.js';
import { BASELINE_HELP, baselineCommand } from './baseline-command.js';
import { exhaustiveCommand } from './exhaustive-command.js';
import { exportCommand, EXPORT_HELP } from './export-command.js';
import { listCommand } from './list-command.js';
import { mapCommand, MAP_HELP } from './map-command.js';
import { mergeCommand, MERGE_HELP } from './merge-command.js';
import { replayCommand } from './replay-command.js';
import { parseRunOptions, RUN_HELP, runCampaignCommand } from './run-command.js';

export const EXIT = { ok: 0, propertyFails: 1, badInput: 2, internal: 3, cannotWrite: 4 } as const;

const HELP = `framecheck ${FRAMECHECK_VERSION} — property-based verification of the exokernel's bitmap frame allocator

usage: framecheck [run] [flags]          run a campaign (the default)
       framecheck replay FILE            replay a counterexample exactly
       framecheck export FILE --to T     write a counterexample as a vitest or Rust test
       framecheck list [what]            list properties, known findings, scenarios
       framecheck merge DIR... --out DIR merge the report folders of a sharded campaign
       framecheck exhaustive [flags]     check every short sequence over a fixed alphabet (tiny scope)
       framecheck map FILE               what a machine's memory map means, which findings it triggers
       framecheck baseline ACTION        the accepted findings: show, accept FILE|DIR..., prune
       framecheck <command> --help

${RUN_HELP}

${EXPORT_HELP}

${MERGE_HELP}

${MAP_HELP}

${BASELINE_HELP}

Exit codes of every command: 0 passes, 1 a property fails, 2 bad usage or bad input, 3 internal error,
4 a file could not be written whole (disk full, read-only, permissions; the previous version is kept).`;

export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, isTTY = process.stderr.isTTY === true): number {
  const out = (text: string): void => void process.stdout.write(text);
  const [first, ...rest] = argv;
  try {
    switch (first) {
      case '--help':
      case '-h':
      case 'help':
        out(`${HELP}\n`);
        return EXIT.ok;
      case '--version':
        out(`${FRAMECHECK_VERSION}\n`);
        return EXIT.ok;
      case 'replay':
        return replayCommand(rest, out);
      case 'export':
        return exportCommand(rest, out);
      case 'list':
        return listCommand(rest, out);
      case 'merge':
        return mergeCommand(rest, out);
      case 'exhaustive':
        return exhaustiveCommand(rest, out);
      case 'map':
        return mapCommand(rest, out);
      case 'baseline':
        return baselineCommand(rest, out);
      default: {
        const options = parseRunOptions(first === 'run' ? rest : argv, env, isTTY);
        if (options === 'help') {
          out(`${RUN_HELP}\n`);
          return EXIT.ok;
        }
        return runCampaignCommand(options, out);
      }
    }
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`framecheck: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof WriteError) {
      process.stderr.write(`framecheck: ${error.message}\n`);
      return EXIT.cannotWrite;
    }
    process.stderr.write(`framecheck: internal error: ${(error as Error).message ?? String(error)}\n`);
    if (env.FRAMECHECK_DEBUG === '1') process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return EXIT.internal;
  }
}
