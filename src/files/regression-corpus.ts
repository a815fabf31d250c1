// The regression corpus (Hypothesis' example database, proptest's regression files): committed
// counterexample files under reports/regressions/, replayed before every campaign. A new finding's
// counterexample is added as <finding>.<scope>.json; one already there is kept (its name and steps
// stay stable across runs).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from './input-error.js';
import { readCounterexample, writeCounterexample, type CounterexampleFile, type LoadedCounterexample } from './counterexample-file.js';

export const corpusFileName = (findingId: string, scope: string): string => `${findingId.replace(/[^a-z0-9-]+/gi, '_')}.${scope}.json`;

export function readCorpus(dir: string): LoadedCounterexample[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw inputError(dir, 'the regression corpus must be a folder of counterexample files, and this is a file (--corpus names a folder)');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readCounterexample(join(dir, name)));
}

/** Adds the counterexample unless the corpus already holds one for the finding at that scope; returns the new file. */
export function addToCorpus(dir: string, content: CounterexampleFile): string | undefined {
  const file = join(dir, corpusFileName(content.finding.id, content.target.scope));
  if (existsSync(file)) return undefined;
  writeCounterexample(file, content);
  return file;
}
