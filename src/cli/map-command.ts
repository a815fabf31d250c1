// `framecheck map FILE`: what a machine's memory map means for the seed's allocator, and which known
// findings this machine triggers, each with a counterexample file replayable by `framecheck replay`.
// Exit 1 if the machine is affected by any finding, 0 if by none, 2 on bad input.
import { join } from 'node:path';
import { DEFAULT_AFFECTED_DEPTH } from '../maps/affected.js';
import { examineMachine, mapName, renderMachineReport } from '../maps/machine-report.js';
import { choiceFlag, integerFlag, parseFlags, usageError } from './flags.js';

export const MAP_HELP = `framecheck map FILE [flags]   what does my map mean, and which findings does this machine trigger?

  FILE                    a dmesg / journalctl -k boot log (BIOS-e820 lines) or a framecheck memory-map JSON file
  --kernel-base ADDR      the kernel's physical load address (default: the file's "kernelBase", else 0x100000)
  --out DIR               where the counterexample files go (default reports/maps/<name of FILE>)
  --allocator A           port (default) or corrected
  --profile P             debug (default) or release: Rust overflow behaviour
  --depth N               steps searched after init(boot_info) (default ${DEFAULT_AFFECTED_DEPTH})

Every sequence starts with init(boot_info) on this map; the steps after it are drawn from the map (its
entries' first and last frames, its holes, the VGA hole, the kernel's frames, addresses above 2^52).
Exit status: 0 no finding triggered, 1 this machine triggers at least one, 2 bad input.`;

/** A u64 address: 0x hex or decimal. */
function addressFlag(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(value) || BigInt(value) >= 1n << 64n) throw usageError(`--${flag} must be an address (0x100000 or 1048576) below 2^64, got "${value}"`);
  return BigInt(value);
}

export function mapCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(
    args,
    { help: { type: 'boolean', short: 'h' }, 'kernel-base': { type: 'string' }, out: { type: 'string' }, allocator: { type: 'string' }, profile: { type: 'string' }, depth: { type: 'string' } },
    'map',
  );
  if (values.help === true) {
    out(`${MAP_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw usageError('map: give exactly one memory-map file (see framecheck map --help)');
  const file = positionals[0] as string;
  const kernelBase = addressFlag('kernel-base', values['kernel-base']);
  const report = examineMachine(file, {
    allocator: { allocator: choiceFlag('allocator', values.allocator, ['port', 'corrected'] as const, 'port'), profile: choiceFlag('profile', values.profile, ['debug', 'release'] as const, 'debug') },
    ...(kernelBase !== undefined && { kernelBase }),
    maxDepth: integerFlag('depth', values.depth, DEFAULT_AFFECTED_DEPTH, 0, 4),
    outDir: values.out ?? join('reports', 'maps', mapName(file)),
  });
  out(renderMachineReport(report));
  return report.affected.answers.some((answer) => answer.status === 'affected' || answer.status === 'hang') ? 1 : 0;
}
