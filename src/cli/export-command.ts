// `framecheck export FILE --to vitest|rust [--out PATH]`: a counterexample as a test to keep.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportRust } from '../export/rust-export.js';
import { exportVitest } from '../export/vitest-export.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { readCounterexample, readJsonFile } from '../files/counterexample-file.js';
import { isParallelCounterexample, loadParallelCounterexample } from '../files/parallel-counterexample.js';
import { exportRustParallel } from '../export/rust-parallel-export.js';
import { choiceFlag, parseFlags, usageError } from './flags.js';

const TESTING_MODULE = resolve(fileURLToPath(import.meta.url), '../../testing/index.js');

export const EXPORT_HELP = `framecheck export FILE --to vitest|rust [--out PATH]

Writes a counterexample as a test: --to vitest, a standalone vitest test on the port (or the corrected
allocator with FRAMECHECK_ALLOCATOR=corrected); --to rust, a #[test] module in the style of the seed's
own tests, to paste at the end of frame_allocator.rs. Without --out the test goes to stdout.`;

export function exportCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(args, { to: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'export');
  if (values.help === true) {
    out(`${EXPORT_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw usageError('export: give exactly one counterexample file (see framecheck export --help)');
  if (values.to === undefined) throw usageError('export: --to vitest or --to rust is required');
  const to = choiceFlag('to', values.to, ['vitest', 'rust'] as const, 'vitest');
  const outFile = values.out === undefined ? undefined : resolve(values.out);
  if (outFile !== undefined && existsSync(outFile) && statSync(outFile).isDirectory()) throw usageError(`export: --out ${values.out} is a folder; give the test file to write (e.g. ${join(values.out as string, 'finding.test.ts')})`);
  const json = readJsonFile(positionals[0] as string);
  const parallel = typeof json === 'object' && json !== null && isParallelCounterexample(json);
  if (parallel && to !== 'rust') throw usageError('export: a parallel counterexample exports --to rust only (JavaScript makes one call at a time)');
  let text: string;
  if (parallel) text = exportRustParallel(loadParallelCounterexample(positionals[0] as string, json));
  else if (to === 'rust') text = exportRust(readCounterexample(positionals[0] as string));
  else {
    const from = outFile === undefined ? process.cwd() : dirname(outFile);
    const path = relative(from, TESTING_MODULE).replaceAll('\\', '/');
    text = exportVitest(readCounterexample(positionals[0] as string), path.startsWith('.') ? path : `./${path}`);
  }
  if (outFile === undefined) out(text);
  else {
    writeFileAtomic(outFile, text);
    out(`wrote ${values.out}\n`);
  }
  return 0;
}
