// `framecheck baseline show|accept|prune`: the baseline as a kernel developer manages it — which
// failures the team accepts for each allocator, added from counterexample files or a campaign's
// report folder, and dropped once a replay shows they no longer happen. Every change is written
// whole (atomically) and printed; nothing is written when nothing changes or the input is bad.
import { sameFailure } from '../findings/identity.js';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { counterexamplePath, emptyBaseline, readBaseline, version1Reasons, writeBaseline, type AcceptedFinding, type Baseline } from '../files/baseline.js';
import { readCounterexample, type LoadedCounterexample } from '../files/counterexample-file.js';
import { inputError } from '../files/input-error.js';
import { readReportResults } from '../files/report-folder.js';
import { addToCorpus, corpusFileName } from '../files/regression-corpus.js';
import { findingRows } from '../reporters/campaign-report.js';
import { replayCounterexample } from '../runner/replay.js';
import { resolveAllocator } from './allocator-flag.js';
import { parseFlags, usageError } from './flags.js';
import { DEFAULT_BASELINE } from './run-command.js';

export const BASELINE_HELP = `framecheck baseline show [--baseline FILE]
framecheck baseline accept FILE|DIR... [--baseline FILE] [--reason TEXT] [--allocator NAME]
framecheck baseline prune [--baseline FILE] [--allocator NAME] [--dry-run]

The baseline (default reports/baseline.json) holds the failures accepted for each allocator and
profile, each as a signature with the counterexample that shows it and why it is accepted.

  show     every accepted finding, one line each: id | signature | counterexample | reason
  accept   accept what counterexample files show, for the allocator and profile each was found on
           (--allocator NAME: for another allocator). A report folder (reports/latest) accepts every
           finding its results.json lists, one counterexample per signature (the shortest), and each
           regression-corpus counterexample that still failed in that campaign. A counterexample
           outside the baseline's folder, or in a report folder, is copied to regressions/ beside
           the baseline, so the baseline only points inside its folder. A signature already
           accepted is left as it is. A missing baseline file is created; a version 1 baseline
           (bare ids) is written again as version 2, keeping the reason of each id it accepts a
           counterexample of and naming the ids it drops.
  prune    replay each accepted counterexample on its allocator and profile and remove the entries
           whose signature no longer shows: the run passes now, or fails another way (the new
           signature is printed). --allocator NAME: that allocator's entries only; --dry-run: print,
           write nothing. Counterexample files stay (they are the regression corpus).

Exit codes: 0 done (changed or not), 2 bad usage or bad input (nothing written), 3 internal error.`;

const FLAGS = {
  baseline: { type: 'string' },
  allocator: { type: 'string' },
  reason: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Accepted = Map<string, AcceptedFinding[]>;

/** One accepted finding on one line, the same in show, accept and prune. */
const entryLine = (entry: AcceptedFinding): string => `${entry.id} | ${entry.signature} | ${entry.counterexample} | ${entry.reason}`;
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const countOf = (accepted: Baseline['accepted']): number => [...accepted.values()].reduce((sum, entries) => sum + entries.length, 0);

export function baselineCommand(args: readonly string[], out: (text: string) => void): number {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags(rest, FLAGS, `baseline ${action ?? ''}`.trim());
  if (action === '--help' || action === '-h' || values.help === true) {
    out(`${BASELINE_HELP}\n`);
    return 0;
  }
  const notFor = (...flags: (keyof typeof values)[]): void => {
    const given = flags.find((flag) => values[flag] !== undefined);
    if (given !== undefined) throw usageError(`baseline ${action}: --${given} does not apply (see framecheck baseline --help)`);
  };
  const file = values.baseline ?? DEFAULT_BASELINE;
  const allocator = values.allocator === undefined ? undefined : resolveAllocator(values.allocator, undefined);
  switch (action) {
    case 'show':
      notFor('allocator', 'reason', 'dry-run');
      if (positionals.length > 0) throw usageError(`baseline show: unexpected argument "${positionals[0]}"`);
      return show(readBaseline(file, values.baseline !== undefined), out);
    case 'accept':
      notFor('dry-run');
      if (positionals.length === 0) throw usageError('baseline accept: give counterexample files or a report folder (see framecheck baseline --help)');
      if (values.reason !== undefined && values.reason.trim() === '') throw usageError('--reason needs a text');
      return accept(file, positionals, allocator, values.reason, out);
    case 'prune':
      notFor('reason');
      if (positionals.length > 0) throw usageError(`baseline prune: unexpected argument "${positionals[0]}"`);
      return prune(readBaseline(file, values.baseline !== undefined), allocator, values['dry-run'] === true, out);
    default:
      throw usageError(`baseline: ${action === undefined ? 'give' : `unknown action "${action}", give`} show, accept or prune (see framecheck baseline --help)`);
  }
}

function show(baseline: Baseline, out: (text: string) => void): number {
  for (const [allocator, entries] of baseline.accepted) {
    for (const profile of ['debug', 'release']) {
      const inProfile = entries.filter((entry) => entry.profile === profile);
      if (inProfile.length === 0) continue;
      out(`${allocator} (${profile}): ${inProfile.length}\n`);
      for (const entry of inProfile) out(`  ${entryLine(entry)}\n`);
    }
  }
  out(`${baseline.file}: ${plural(countOf(baseline.accepted), 'accepted finding')}\n`);
  return 0;
}

/** The counterexamples a path names: the file itself, or a report folder's findings (see BASELINE_HELP). */
function counterexamplesAt(path: string): LoadedCounterexample[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) return [checkedCounterexample(path)];
  if (!existsSync(join(path, 'results.json'))) throw inputError(path, 'a folder but not a report folder (no results.json); give counterexample files or a report folder such as reports/latest');
  const report = readReportResults(path);
  const rows = findingRows(report.findings);
  const stillFailing = report.regressions.filter((replay) => replay.reproduces && !rows.some((row) => row.signature === replay.signature));
  return [...rows.map((row) => join(path, row.counterexample)), ...stillFailing.map((replay) => replay.file)].map(checkedCounterexample);
}

function checkedCounterexample(file: string): LoadedCounterexample {
  const loaded = readCounterexample(file);
  for (const field of ['id', 'signature'] as const) {
    const value = (loaded.content.finding as Partial<Record<string, unknown>> | undefined)?.[field];
    if (typeof value !== 'string' || value === '') throw inputError(file, `no "finding.${field}": a counterexample written before findings had signatures; run the campaign again to get one`);
  }
  return loaded;
}

/** The file's path inside the baseline's folder: where it is, or a copy in regressions/ beside the baseline. */
function placeInside(baselineFile: string, loaded: LoadedCounterexample): string {
  const folder = dirname(resolve(baselineFile));
  const real = realpathSync(loaded.file);
  const inside = relative(existsSync(folder) ? realpathSync(folder) : folder, real);
  // A report folder's counterexamples go when reports/runs is cleaned: keep a copy instead.
  const reportOutput = basename(dirname(real)) === 'counterexamples' && existsSync(join(dirname(dirname(real)), 'results.json'));
  if (!isAbsolute(inside) && !inside.startsWith('..') && !reportOutput) return inside.split(sep).join('/');
  const { content } = loaded;
  const name = corpusFileName(content.finding, content.target.scope, content.target.profile);
  const copy = join(folder, 'regressions', name);
  if (addToCorpus(dirname(copy), content, content.finding) === undefined && readCounterexample(copy).content.finding?.signature !== content.finding.signature) {
    throw inputError(copy, `already there, with another finding than ${loaded.file}: move it away to accept this one`);
  }
  return `regressions/${name}`;
}

function accept(file: string, paths: readonly string[], allocatorFlag: string | undefined, reason: string | undefined, out: (text: string) => void): number {
  // A version 1 baseline (bare ids) is written again as version 2: each id's reason is kept for
  // the signature accepted under that id; ids without a counterexample here are dropped, and named.
  const version1 = version1Reasons(file);
  const baseline = version1 === undefined ? readBaseline(file) : emptyBaseline(file);
  // Every file is read and checked before anything is copied or written.
  const candidates = paths.flatMap(counterexamplesAt);
  const accepted: Accepted = new Map([...baseline.accepted].map(([allocator, entries]) => [allocator, [...entries]]));
  let added = 0;
  for (const loaded of candidates) {
    const { finding, target } = loaded.content;
    const allocator = allocatorFlag ?? target.allocator;
    const profile = target.profile as AcceptedFinding['profile'];
    const entries = accepted.get(allocator) ?? [];
    const already = entries.find((entry) => sameFailure(entry.signature, finding.signature) && entry.profile === profile);
    if (already !== undefined) {
      out(`already accepted for ${allocator} (${profile}): ${entryLine(already)}\n`);
      continue;
    }
    const entry: AcceptedFinding = { id: finding.id, signature: finding.signature, profile, counterexample: placeInside(baseline.file, loaded), reason: reason ?? version1?.get(allocator)?.get(finding.id) ?? `${finding.title} (accepted without a reason given)` };
    accepted.set(allocator, [...entries, entry]);
    added++;
    out(`added for ${allocator} (${profile}): ${entryLine(entry)}\n`);
  }
  if (added === 0) {
    out(`${baseline.file}: no change\n`);
    return 0;
  }
  writeBaseline({ file: baseline.file, accepted });
  for (const [allocator, reasons] of version1 ?? []) {
    const dropped = [...reasons.keys()].filter((id) => !accepted.get(allocator)?.some((entry) => entry.id === id));
    if (dropped.length > 0) out(`version 1 entries for ${allocator} not carried over (no counterexample of theirs accepted): ${dropped.join(', ')}\n`);
  }
  out(`${baseline.file}: ${added} added, ${plural(countOf(accepted), 'accepted finding')} in all${version1 === undefined ? '' : ' (written again as version 2)'}\n`);
  return 0;
}

function prune(baseline: Baseline, allocatorFlag: string | undefined, dryRun: boolean, out: (text: string) => void): number {
  const chosen = [...baseline.accepted].filter(([allocator]) => allocatorFlag === undefined || allocator === allocatorFlag);
  // Every counterexample is read before any replay, so a missing one stops the prune before it prints a change.
  const loaded = chosen.map(([allocator, entries]) => ({
    allocator,
    entries: entries.map((entry) => {
      const file = counterexamplePath(baseline, entry);
      if (!existsSync(file)) throw inputError(baseline.file, `the counterexample of accepted finding ${entry.id} (${allocator}) is missing: ${file}`);
      return { entry, counterexample: readCounterexample(file) };
    }),
  }));
  const accepted: Accepted = new Map([...baseline.accepted].map(([allocator, entries]) => [allocator, [...entries]]));
  let removed = 0;
  for (const { allocator, entries } of loaded) {
    const kept = entries.filter(({ entry, counterexample }) => {
      const replay = replayCounterexample(counterexample, { allocator, profile: entry.profile });
      if (replay.identity !== undefined && sameFailure(replay.identity.signature, entry.signature)) return true;
      const why = replay.identity === undefined ? `passes now on ${replay.targetName}` : `fails another way on ${replay.targetName}: ${replay.identity.id} | ${replay.identity.signature}`;
      out(`${dryRun ? 'would remove' : 'removed'} for ${allocator} (${entry.profile}): ${entryLine(entry)}\n  ${why}\n`);
      removed++;
      return false;
    });
    if (kept.length > 0) accepted.set(allocator, kept.map(({ entry }) => entry));
    else accepted.delete(allocator);
  }
  const checked = loaded.reduce((sum, { entries }) => sum + entries.length, 0);
  if (removed === 0) {
    out(`${baseline.file}: no change (${checked} replayed, every one still shows its signature)\n`);
    return 0;
  }
  if (!dryRun) writeBaseline({ file: baseline.file, accepted });
  out(`${baseline.file}: ${removed} ${dryRun ? 'would be ' : ''}removed, ${checked - removed} still shown by their counterexamples${dryRun ? ' (dry run: nothing written)' : ''}\n`);
  return 0;
}
