// The regression corpus (Hypothesis' example database, proptest's regression files): committed
// counterexample files under reports/regressions/, replayed before every campaign. A new finding's
// counterexample is added as <finding>.<scope>.json; one already there is kept (its name and steps
// stay stable across runs).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findingById } from '../../properties/findings.js';
import { signatureHash, type FindingIdentity } from '../findings/identity.js';
import { inputError } from './input-error.js';
import { readCounterexample, writeCounterexample, type CounterexampleFile, type LoadedCounterexample } from './counterexample-file.js';

/**
 * `<finding>.<signature hash>.<scope>[.release].json`: one file per signature and profile, since a
 * catalogued finding can show in more than one way (a panic in debug, wrong counters in release).
 * New findings' ids already end in their hash.
 */
export function corpusFileName(identity: FindingIdentity, scope: string, profile: string): string {
  const stem = identity.id.replace(/[^a-z0-9-]+/gi, '_');
  return `${findingById(identity.id) === undefined ? stem : `${stem}.${signatureHash(identity.signature)}`}.${scope}${profile === 'debug' ? '' : `.${profile}`}.json`;
}

export function readCorpus(dir: string): LoadedCounterexample[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw inputError(dir, 'the regression corpus must be a folder of counterexample files, and this is a file (--corpus names a folder)');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readCounterexample(join(dir, name)));
}

/** Adds the counterexample unless the corpus already holds one for the signature at that scope; returns the new file. */
export function addToCorpus(dir: string, content: CounterexampleFile, identity: FindingIdentity): string | undefined {
  const file = join(dir, corpusFileName(identity, content.target.scope, content.target.profile));
  if (existsSync(file)) return undefined;
  writeCounterexample(file, content);
  return file;
}
