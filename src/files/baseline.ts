// The baseline (reports/baseline.json): the findings a team accepts for each allocator, each as a
// behavioural signature (src/findings/identity.ts) with the counterexample that shows it and why it
// is accepted. A campaign passes when every failure it meets has an accepted signature; a failure
// with a catalogued name but another signature is new. Each accepted counterexample is replayed
// before the campaign, and in CI mode an accepted signature that no longer reproduces fails the
// run, so fixing a defect forces the baseline to shrink with it.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { writeJsonAtomic } from './atomic-write.js';
import { readJsonFile } from './counterexample-file.js';
import { inputError } from './input-error.js';

export const BASELINE_FORMAT = 'framecheck-baseline';
export const BASELINE_VERSION = 2;

export interface AcceptedFinding {
  readonly id: string;
  readonly signature: string;
  /** The profile the signature shows in (an overflow panics in debug and wraps in release). */
  readonly profile: 'debug' | 'release';
  /** The counterexample that shows it, relative to the baseline's folder. */
  readonly counterexample: string;
  readonly reason: string;
}

export interface Baseline {
  readonly file: string;
  /** allocator name → accepted findings */
  readonly accepted: ReadonlyMap<string, readonly AcceptedFinding[]>;
}

/** A baseline with nothing accepted (no file at the default place). */
export const emptyBaseline = (file: string): Baseline => ({ file, accepted: new Map() });

const PROFILES = ['debug', 'release'];

/** `file` must exist when it was named on the command line; at the default place a missing file is an empty baseline. */
export function readBaseline(file: string, named = false): Baseline {
  if (!existsSync(file)) {
    if (named) throw inputError(file, 'no such baseline file (leave out --baseline to use none)');
    return emptyBaseline(file);
  }
  const json = readJsonFile(file) as { format?: unknown; version?: unknown; accepted?: unknown };
  if (json.format !== BASELINE_FORMAT) throw inputError(file, `not a framecheck baseline (expected "format": "${BASELINE_FORMAT}")`);
  if (json.version === 1) throw inputError(file, 'baseline version 1 accepts bare finding ids, which let a different defect pass under an accepted name; write it again as version 2 with `framecheck baseline accept <counterexample>`');
  if (json.version !== BASELINE_VERSION) throw inputError(file, `baseline version ${JSON.stringify(json.version)}; this framecheck reads version ${BASELINE_VERSION}`);
  if (typeof json.accepted !== 'object' || json.accepted === null || Array.isArray(json.accepted)) throw inputError(file, '"accepted" must map allocator names to lists of findings');
  const accepted = new Map<string, AcceptedFinding[]>();
  for (const [allocator, entries] of Object.entries(json.accepted)) {
    if (!Array.isArray(entries)) throw inputError(file, `"accepted.${allocator}" must be a list of { "id", "signature", "profile", "counterexample", "reason" }`);
    accepted.set(allocator, entries.map((entry: unknown, i) => acceptedFinding(file, entry, `accepted.${allocator}[${i}]`)));
  }
  return { file, accepted };
}

function acceptedFinding(file: string, entry: unknown, where: string): AcceptedFinding {
  const fields = (entry ?? {}) as Record<string, unknown>;
  for (const name of ['id', 'signature', 'counterexample', 'reason']) {
    if (typeof fields[name] !== 'string' || fields[name] === '') throw inputError(file, `"${where}.${name}" must be a non-empty string`);
  }
  if (!PROFILES.includes(fields.profile as string)) throw inputError(file, `"${where}.profile" must be "debug" or "release"`);
  const counterexample = fields.counterexample as string;
  // A path from a file stays inside the file's folder.
  const inside = relative(dirname(resolve(file)), resolve(dirname(file), counterexample));
  if (isAbsolute(counterexample) || inside.startsWith('..')) throw inputError(file, `"${where}.counterexample" must be a path inside the baseline's folder, got ${JSON.stringify(counterexample)}`);
  return fields as unknown as AcceptedFinding;
}

/** The accepted findings of one allocator in one profile. */
export function acceptedFor(baseline: Baseline, allocator: string, profile: string): readonly AcceptedFinding[] {
  return (baseline.accepted.get(allocator) ?? []).filter((entry) => entry.profile === profile);
}

/** Where an accepted finding's counterexample is on disk. */
export const counterexamplePath = (baseline: Baseline, entry: AcceptedFinding): string => join(dirname(baseline.file), entry.counterexample);

/**
 * Writes the baseline whole (atomically), version 2. Every entry passes the same checks as when it
 * is read, so a baseline framecheck writes always reads back; an entry's extra fields are kept.
 */
export function writeBaseline(baseline: Baseline): void {
  const accepted = Object.fromEntries([...baseline.accepted].map(([allocator, entries]) => [allocator, entries.map((entry, i) => acceptedFinding(baseline.file, entry, `accepted.${allocator}[${i}]`))]));
  writeJsonAtomic(baseline.file, { format: BASELINE_FORMAT, version: BASELINE_VERSION, accepted });
}

/**
 * A version 1 baseline's reasons (allocator → finding id → reason), so that `framecheck baseline
 * accept` can write it again as version 2 and keep why each finding was accepted; undefined when
 * the file is not a version 1 baseline.
 */
export function version1Reasons(file: string): Map<string, Map<string, string>> | undefined {
  if (!existsSync(file)) return undefined;
  const json = readJsonFile(file) as { format?: unknown; version?: unknown; accepted?: unknown };
  if (json.format !== BASELINE_FORMAT || json.version !== 1 || typeof json.accepted !== 'object' || json.accepted === null) return undefined;
  return new Map(Object.entries(json.accepted).map(([allocator, entries]) => [
    allocator,
    new Map((Array.isArray(entries) ? entries : []).flatMap((entry: { id?: unknown; reason?: unknown } | null) =>
      typeof entry?.id === 'string' && typeof entry.reason === 'string' && entry.reason !== '' ? [[entry.id, entry.reason] as const] : [])),
  ]));
}
