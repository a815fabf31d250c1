// `framecheck [run]`: the campaign. Replays the regression corpus first, then searches every scope,
// writing each counterexample the moment it is found and the reports after every search, so an
// interrupted campaign leaves valid reports with every counterexample so far. Exit 0 when only
// baselined findings turn up, 1 when a property fails, 2 on bad input.
import { join, resolve } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FrameModel, type ModelPolicy } from '../../models/index.js';
import { findingById } from '../../properties/findings.js';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { acceptedFor, counterexamplePath, readBaseline, type AcceptedFinding, type Baseline } from '../files/baseline.js';
import { counterexampleOf, readCounterexample, writeCounterexample, type LoadedCounterexample } from '../files/counterexample-file.js';
import { inputError } from '../files/input-error.js';
import { sameFailure } from '../findings/identity.js';
import { readMemoryMap } from '../files/memory-map-file.js';
import { examineMachines, renderMachineReport } from '../maps/machine-report.js';
import { addToCorpus, corpusFileName, readCorpus } from '../files/regression-corpus.js';
import { createRunFolder, pointLatest, writeReports } from '../files/report-folder.js';
import { findingRows, judge, reportProperties, reportScope, RESULTS_FORMAT, RESULTS_VERSION, FRAMECHECK_VERSION, type CampaignReport, type FindingRow, type RegressionReplay, type ReportFinding, type ReportScope } from '../reporters/campaign-report.js';
import { runCampaign } from '../runner/campaign.js';
import { renderStatisticsText } from '../statistics/statistics-text.js';
import { replayCounterexample } from '../runner/replay.js';
import { PAGE, type Region } from '../targets/step.js';
import { createTarget, type TargetSpec } from '../targets/target-spec.js';
import { choiceFlag, durationFlag, integerFlag, parseFlags, policyFlag, shardFlag, stepTimeoutFlag, usageError } from './flags.js';
import { createProgress } from './progress.js';
import { resolveAllocator } from './allocator-flag.js';
import { announceRunFolder } from './interrupt-watch.js';
import { campaignObservers } from '../observations/campaign-observers.js';
import { runParallelCommand } from './parallel-command.js';
import { MAX_THREADS, MIN_THREADS } from '../parallel/program.js';

const PROJECT_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const REAL_MAPS_DIR = join(PROJECT_ROOT, 'data', 'memory-maps');

export const RUN_FLAGS = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  'full-runs': { type: 'string' },
  'time-limit': { type: 'string' },
  scope: { type: 'string' },
  profile: { type: 'string' },
  allocator: { type: 'string' },
  'allocator-cmd': { type: 'string' },
  'step-timeout': { type: 'string' },
  against: { type: 'string' },
  policy: { type: 'string' },
  reports: { type: 'string' },
  format: { type: 'string' },
  'memory-map': { type: 'string', multiple: true },
  shard: { type: 'string' },
  ci: { type: 'boolean' },
  'no-ci': { type: 'boolean' },
  observe: { type: 'boolean' },
  'no-corpus-write': { type: 'boolean' },
  corpus: { type: 'string' },
  baseline: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const RUN_HELP = `framecheck [run] [flags] — check the allocator's invariants with a property-based campaign

  --allocator NAME      port (the real bitmap allocator, default), corrected (every finding fixed), or seed
                        (the Rust seed itself, built by native/seed-driver for each scope and profile)
  --allocator-cmd CMD   a native allocator driver speaking docs/protocol.md; {max_frames} and {profile} in CMD
                        are filled in per scope
  --step-timeout T      how long a native driver may take over one request before it counts as hung
                        (500ms, 5s, 2m; default 5s): a timeout finding, docs/protocol.md
  --against NAME        differential mode: judge the allocator by a second one (port, corrected, seed or
                        cmd:<command>) instead of the model; the first step where they differ is the finding
  --threads N           parallel campaign (docs/parallel.md): programs of N threads (2-8) on a native driver
                        speaking protocol version 2, each history checked for linearizability
  --policy LIST         the promises to check, models/SPEC.md (default first): allocation=loose|strict,
                        invalidFrame=outside-usable-memory|beyond-capacity, doubleFree=ok|invalid-frame,
                        reinit=fresh-boot|keep-handed-out, reservation=skips-handed-out|outlives-owner,
                        reserveBeforeInit=wiped|survives-init
  --profile P           debug (overflow panics, default) or release (overflow wraps)
  --scope S             small (512 frames), full (16 GiB), or both (default)
  --runs N              runs at the small scope (default 10000)
  --full-runs N         runs at the full scope (default 1000)
  --time-limit T        end the whole campaign within T (90s, 10m, 1h30m), shrinking and corpus replay
                        included; the scopes share it, and a scope cut short before it could be judged fails
  --seed S              any whole number up to 2^64-1 or any text (e.g. a CI run id); fast-check's seed
                        is derived from it, and both are printed (default: random)
  --shard i/n           run shard i of n: its own seed stream and 1/n of the runs; merge with framecheck merge
  --memory-map FILE     start runs from a real machine's map (dmesg, journalctl -k or JSON); repeatable. First
                        says what it means and which findings the machine triggers (as framecheck map does).
                        Default: the real maps in data/memory-maps
  --reports DIR         where each run's report folder goes (default reports: reports/runs/…, reports/latest)
  --corpus DIR          regression corpus replayed first (default reports/regressions, whatever --reports says)
  --baseline FILE       accepted findings, by signature (default reports/baseline.json, whatever --reports says)
  --no-corpus-write     do not add new counterexamples to the corpus
  --ci / --no-ci        CI mode (default when CI=true or stdout is not a terminal): plain output, and a
                        baselined finding that no longer reproduces fails the run
  --format F            text (default) or json (results.json on stdout)
  --observe             one line per run for the Tyche visualiser in <report folder>/observed/ (OpenPBTStats
                        format, docs/observations.md): about 4 KB per run, so off unless asked for

Exit codes: 0 every property holds (or every finding is accepted by the baseline), 1 a new finding, an
unmet coverage requirement or a scope the time limit cut short, 2 bad usage or bad input, 3 internal error,
4 a report could not be written whole (disk full, read-only, permissions; the previous version of each
file is kept).`;

export interface RunOptions {
  /** The seed as given (or drawn), and fast-check's seed derived from it. */
  readonly seed: string;
  readonly fastCheckSeed: number;
  readonly runs: Readonly<Record<Scope['name'], number>>;
  readonly timeLimitMs: number | undefined;
  readonly scopes: readonly Scope['name'][];
  readonly spec: TargetSpec;
  /** Model policies that differ from the defaults. */
  readonly policy: Partial<ModelPolicy>;
  /** Differential mode: the allocator that judges `spec` instead of the model. */
  readonly against?: string;
  readonly reportsDir: string;
  readonly corpusDir: string;
  readonly baselineFile: string;
  /** The baseline and corpus were named on the command line: they must exist. */
  readonly baselineNamed: boolean;
  readonly corpusNamed: boolean;
  readonly format: 'text' | 'json';
  readonly memoryMapFiles: readonly string[];
  readonly shard: { index: number; count: number } | null;
  readonly ci: boolean;
  readonly writeCorpus: boolean;
  /** Write observation lines for Tyche (--observe). */
  readonly observe?: boolean;
  /** Parallel mode: thread programs per parallel program (src/cli/parallel-command.ts). */
  readonly threads?: number;
}

export function parseRunOptions(args: readonly string[], env: NodeJS.ProcessEnv, isTTY: boolean): RunOptions | 'help' {
  const { values, positionals } = parseFlags(args, RUN_FLAGS, 'run');
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw usageError(`run: unexpected argument "${positionals[0]}" (see framecheck --help)`);
  if (values.ci === true && values['no-ci'] === true) throw usageError('--ci and --no-ci contradict each other');
  const reportsDir = values.reports ?? 'reports';
  const scope = choiceFlag('scope', values.scope, ['small', 'full', 'both'] as const, 'both');
  const seed = seedFlag(values.seed);
  return {
    seed,
    fastCheckSeed: fastCheckSeedOf(seed),
    runs: { small: integerFlag('runs', values.runs, 10_000, 1), full: integerFlag('full-runs', values['full-runs'], 1_000, 1) },
    timeLimitMs: durationFlag('time-limit', values['time-limit']),
    scopes: scope === 'both' ? ['small', 'full'] : [scope],
    spec: { allocator: resolveAllocator(values.allocator, values['allocator-cmd']), profile: choiceFlag('profile', values.profile, ['debug', 'release'] as const, 'debug'), ...stepTimeout(values['step-timeout']) },
    policy: policyFlag(values.policy),
    ...(values.against !== undefined && { against: resolveAgainst(values.against) }),
    reportsDir,
    corpusDir: values.corpus ?? DEFAULT_CORPUS,
    baselineFile: values.baseline ?? DEFAULT_BASELINE,
    baselineNamed: values.baseline !== undefined,
    corpusNamed: values.corpus !== undefined,
    format: choiceFlag('format', values.format, ['text', 'json'] as const, 'text'),
    memoryMapFiles: values['memory-map'] ?? [],
    shard: shardFlag(values.shard),
    ci: values.ci === true || (values['no-ci'] !== true && (env.CI === 'true' || !isTTY)),
    writeCorpus: values['no-corpus-write'] !== true,
    ...(values.observe === true && { observe: true }),
    ...(values.threads !== undefined && { threads: threadsFlag(values.threads, values.against) }),
  };
}

const stepTimeout = (value: string | undefined): { stepTimeoutMs?: number } => {
  const ms = stepTimeoutFlag(value);
  return ms === undefined ? {} : { stepTimeoutMs: ms };
};
function threadsFlag(value: string, against: string | undefined): number {
  if (against !== undefined) throw usageError('--threads and --against: a parallel campaign judges by the model, not by a second allocator');
  return integerFlag('threads', value, 2, MIN_THREADS, MAX_THREADS);
}

function resolveAgainst(name: string): string {
  return name.startsWith('cmd:') ? name : resolveAllocator(name, undefined);
}

export const DEFAULT_CORPUS = join('reports', 'regressions');
export const DEFAULT_BASELINE = join('reports', 'baseline.json');

/** The most characters a seed may have: a CI run id, a branch name and a commit hash fit easily. */
const SEED_MAX_LENGTH = 200;

/** Any text of printable characters is a seed; none given, a random whole number. */
function seedFlag(value: string | undefined): string {
  if (value === undefined) return String(Math.floor(Math.random() * 0x7fff_ffff));
  if (value === '' || value.length > SEED_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw usageError(`--seed must be a whole number or a word of at most ${SEED_MAX_LENGTH} printable characters without spaces, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  if (/^\d+$/.test(value) && BigInt(value) > (1n << 64n) - 1n) throw usageError(`--seed must be at most 2^64-1 as a number, got ${value}`);
  return value;
}

/**
 * fast-check's seed (a 31-bit whole number) for a seed: the number itself when it fits, so that
 * seeds of earlier campaigns replay the same runs; otherwise a hash of the text (FNV-1a).
 */
export function fastCheckSeedOf(seed: string): number {
  if (/^\d+$/.test(seed) && BigInt(seed) <= 0x7fff_ffffn) return Number(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
  return (hash >>> 0) & 0x7fff_ffff;
}

/** The seed of shard i: a distinct, deterministic stream per shard. */
export const shardSeed = (seed: number, shard: { index: number } | null): number =>
  shard === null ? seed : (seed + Math.imul(shard.index - 1, 0x9e37_79b1)) & 0x7fff_ffff;

function replayCommand(options: RunOptions): string {
  const allocator = options.spec.allocator.startsWith('cmd:') ? `--allocator-cmd '${options.spec.allocator.slice(4)}'` : `--allocator ${options.spec.allocator}`;
  const flags = [`--seed ${options.seed}`, allocator, `--profile ${options.spec.profile}`];
  if (options.spec.stepTimeoutMs !== undefined) flags.push(`--step-timeout ${options.spec.stepTimeoutMs}ms`);
  if (options.timeLimitMs !== undefined) flags.push(`--time-limit ${Math.ceil(options.timeLimitMs / 1000)}s`);
  if (options.against !== undefined) flags.push(`--against '${options.against}'`);
  const policy = Object.entries(options.policy).map(([name, choice]) => `${name}=${choice}`);
  if (policy.length > 0) flags.push(`--policy ${policy.join(',')}`);
  if (options.scopes.length === 1) flags.push(`--scope ${options.scopes[0]}`);
  flags.push(`--runs ${options.runs.small}`, `--full-runs ${options.runs.full}`);
  if (options.shard) flags.push(`--shard ${options.shard.index}/${options.shard.count}`);
  for (const file of options.memoryMapFiles) flags.push(`--memory-map ${file}`);
  return `npx framecheck ${flags.join(' ')}`;
}

/**
 * A native driver runs the seed's own init, which walks every frame of a usable region one by one,
 * past the bitmap's end too: a server's map (hundreds of GiB) costs a debug build a third of a second
 * per run. Default maps reaching past this many frames are left out for native targets (named with
 * --memory-map, they are used as given).
 */
const NATIVE_DEFAULT_MAP_FRAMES = 4n * BigInt(SCOPES.full.maxFrames);

function startingMaps(files: readonly string[], native: boolean, say: (text: string) => void): Region[][] {
  if (files.length > 0) return files.map((file) => readMemoryMap(file).regions);
  const maps = readdirSync(REAL_MAPS_DIR).sort().map((name) => ({ name, regions: readMemoryMap(join(REAL_MAPS_DIR, name)).regions }));
  if (!native) return maps.map((map) => map.regions);
  const walks = (regions: readonly Region[]): boolean => regions.some((region) => region.kind === 'Usable' && (region.base + region.length) / PAGE > NATIVE_DEFAULT_MAP_FRAMES);
  for (const map of maps.filter((candidate) => walks(candidate.regions))) {
    say(`  ${map.name} left out for a native target: the seed's init walks its usable RAM frame by frame on every run (pass --memory-map ${join('data', 'memory-maps', map.name)} to use it)`);
  }
  return maps.filter((map) => !walks(map.regions)).map((map) => map.regions);
}

/** The findings as a kernel developer scans them: one row each, new first, by severity, with the scopes that showed it. */
function findingsTable(rows: readonly FindingRow[]): string {
  const cells = rows.map((row) => [row.baselined ? 'accepted' : 'NEW', row.id, row.severity, row.scopes.join('+'), `${row.steps}${row.shrinkCutShort ? ' (shrinking cut short)' : ''}`, row.property]);
  const header = ['', 'finding', 'severity', 'scopes', 'steps', 'property'];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (columns: readonly string[]): string => `  ${columns.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`;
  return `\n${line(header)}${line(widths.map((width) => '-'.repeat(width)))}${cells.map(line).join('')}\n`;
}

/** The corpus and every accepted finding's counterexample (once each), replayed before the campaign. */
function replaysFirst(options: RunOptions, baseline: Baseline, accepted: readonly AcceptedFinding[], differential: boolean): LoadedCounterexample[] {
  if (differential) return [];
  if (options.corpusNamed && !existsSync(options.corpusDir)) throw inputError(options.corpusDir, 'no such corpus folder (leave out --corpus to use the default)');
  const corpus = readCorpus(options.corpusDir);
  const seen = new Set(corpus.map((entry) => resolve(entry.file)));
  const extra = accepted.map((entry) => counterexamplePath(baseline, entry)).filter((file) => !seen.has(resolve(file)) && seen.add(resolve(file)));
  for (const file of extra) {
    if (!existsSync(file)) throw inputError(baseline.file, `the counterexample of an accepted finding is missing: ${file}`);
  }
  return [...corpus, ...extra.map(readCounterexample)];
}

export function runCampaignCommand(options: RunOptions, out: (text: string) => void): number {
  if (options.threads !== undefined) return runParallelCommand(options, options.threads, out);
  const started = Date.now();
  const deadline = options.timeLimitMs === undefined ? undefined : started + options.timeLimitMs;
  const native = options.spec.allocator === 'seed' || options.spec.allocator.startsWith('cmd:');
  const mapNotes: string[] = [];
  const maps = startingMaps(options.memoryMapFiles, native, (text) => mapNotes.push(text));
  const baseline = readBaseline(options.baselineFile, options.baselineNamed);
  const accepted = acceptedFor(baseline, options.spec.allocator, options.spec.profile);
  // A native driver's panic cannot name the expression the port names: the same failure either way.
  const isAccepted = (signature: string): boolean => accepted.some((entry) => sameFailure(entry.signature, signature));
  // The corpus holds model counterexamples: a differential campaign neither replays nor extends it.
  const differential = options.against !== undefined;
  const replayedFirst = replaysFirst(options, baseline, accepted, differential);
  const seed = shardSeed(options.fastCheckSeed, options.shard);
  const progress = createProgress(!options.ci, deadline);
  // The allocator must start before anything is written: a driver that does not is bad input.
  for (const name of options.scopes) {
    createTarget(options.spec, SCOPES[name].maxFrames).close?.();
    if (options.against !== undefined) createTarget({ ...options.spec, allocator: options.against }, SCOPES[name].maxFrames).close?.();
  }
  const folder = createRunFolder(options.reportsDir, options.seed, options.shard);
  announceRunFolder(folder);
  const command = replayCommand(options);
  const seedText = `seed ${options.seed}${String(options.fastCheckSeed) === options.seed ? '' : ` (fast-check seed ${options.fastCheckSeed})`}`;
  progress.line(`framecheck ${FRAMECHECK_VERSION}: checking ${options.spec.allocator} (${options.spec.profile})${differential ? ` against ${options.against}` : ''}, ${seedText}${options.shard ? ` shard ${options.shard.index}/${options.shard.count} (fast-check seed ${seed})` : ''}`);
  progress.line(`  reproduce this campaign: ${command}`);
  for (const note of mapNotes) progress.line(note);
  // A real machine's map: what it means, and which findings it triggers, before the search starts.
  const memoryMaps = examineMachines(options.memoryMapFiles, options.spec, folder);
  for (const map of memoryMaps) progress.line(renderMachineReport(map).trimEnd());

  const observers = campaignObservers(folder, options.observe === true, { runStart: started / 1000, seed: options.seed, target: `${options.spec.allocator} (${options.spec.profile})` });
  const regressions: RegressionReplay[] = replayedFirst.map((entry) => {
    const replay = observers.replay(entry, () => replayCounterexample(entry, options.spec));
    const recorded = entry.content.finding;
    return {
      file: entry.file,
      findingId: recorded.id,
      signature: recorded.signature,
      ...(replay.identity !== undefined && { observed: replay.identity.signature }),
      reproduces: replay.identity !== undefined && sameFailure(replay.identity.signature, recorded.signature),
      outcome: replay.identity === undefined ? 'passes' : `fails with ${replay.identity.id}: ${replay.identity.signature}`,
      baselined: isAccepted(replay.identity?.signature ?? recorded.signature),
    };
  });
  if (regressions.length > 0) progress.line(`  regression corpus and accepted counterexamples: ${regressions.length} replayed, ${regressions.filter((replay) => replay.reproduces).length} still fail`);

  const scopes: ReportScope[] = [];
  const findings: ReportFinding[] = [];
  const build = (status: CampaignReport['status']): CampaignReport => {
    // An accepted signature reproduces when any replay or the search shows it (a native driver's
    // panic reads differently from the port's, so the observed signature counts, not the recorded one).
    const reproduced = new Set([...findings.map((finding) => finding.signature), ...regressions.flatMap((replay) => (replay.observed === undefined ? [] : [replay.observed]))]);
    const fixedBaselined = accepted.map((entry) => entry.signature).filter((signature) => ![...reproduced].some((shown) => sameFailure(shown, signature)));
    const partial = { findings, scopes, regressions, fixedBaselined };
    return {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      framecheck: FRAMECHECK_VERSION,
      status,
      startedAt: new Date(started).toISOString(),
      elapsedMs: Date.now() - started,
      seed: options.seed,
      fastCheckSeed: options.fastCheckSeed,
      shard: options.shard,
      replayCommand: command,
      target: { allocator: options.spec.allocator, name: targetName, profile: options.spec.profile },
      scopes,
      properties: reportProperties(differential, [...findings, ...regressions.filter((replay) => replay.reproduces).map((replay) => ({ id: replay.findingId, property: propertyOfReplay(replay.file), baselined: replay.baselined }))]),
      findings,
      regressions,
      fixedBaselined,
      ...(memoryMaps.length > 0 && { memoryMaps }),
      verdict: judge(partial, options.ci, options.baselineFile),
      statistics: observers.campaignStatistics(scopes),
    };
  };
  const propertyOfReplay = (file: string): string => replayedFirst.find((entry) => entry.file === file)?.content.property ?? 'unknown';
  let targetName = options.spec.allocator;
  writeReports(folder, build('running'));
  pointLatest(options.reportsDir, folder);

  runCampaign({
    scopes: options.scopes.map((name) => ({ ...SCOPES[name], startingMaps: maps })),
    seed,
    numRuns: (scope) => plannedRuns(options, scope.name),
    target: (scope) => {
      const target = createTarget(options.spec, scope.maxFrames);
      targetName = target.name;
      return target;
    },
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames, policy: options.policy }),
    ...(options.against !== undefined && { reference: (scope: Scope) => createTarget({ ...options.spec, allocator: options.against as string }, scope.maxFrames) }),
    ...(deadline !== undefined && { deadline }),
    onRun: (scope, stats) => progress.run(scope.name, stats, plannedRuns(options, scope.name), findings.length),
    onShrink: (scope, shrinking) => progress.shrink(scope.name, shrinking),
    onFinding: (scope, failure, stats) => {
      const content = counterexampleOf(failure, scope, options.spec, options.runs[scope.name], options.against, options.policy);
      const relative = join('counterexamples', corpusFileName(failure.identity, scope.name, options.spec.profile));
      writeCounterexample(join(folder, relative), content);
      const baselined = isAccepted(failure.identity.signature);
      // The corpus keeps new findings: an accepted one already has its counterexample beside the baseline.
      if (options.writeCorpus && !differential && !baselined) addToCorpus(options.corpusDir, content, failure.identity);
      findings.push({
        id: failure.identity.id,
        signature: failure.identity.signature,
        title: content.finding.title,
        severity: content.finding.severity,
        known: findingById(failure.identity.id) !== undefined,
        scope: scope.name,
        property: failure.violation.property,
        message: failure.violation.message,
        counterexample: relative,
        baselined,
        occurrences: failure.occurrences,
        shrinkCutShort: failure.shrinkCutShort,
        content,
      });
      const cut = failure.shrinkCutShort ? ' (shrinking cut short by its budget)' : '';
      const took = failure.shrinkMs === undefined ? '' : ` in ${(failure.shrinkMs / 1000).toFixed(1)} s`;
      progress.line(`  ${scope.name}: ${baselined ? 'accepted finding' : 'NEW FINDING'} ${failure.identity.id} after ${stats.runs} runs, ${failure.trace.length} steps after shrinking${took}${cut} → ${join(folder, relative)}`);
      progress.line(`    ${failure.identity.signature}`);
      writeReports(folder, build('running'));
    },
    onScope: (result) => {
      scopes.push(reportScope(result, observers.statistics.scope(result.scope.name)));
      const { stats } = result;
      const cut = result.interrupted ? ` — the time limit stopped it after ${stats.runs} of ${result.plannedRuns} runs` : '';
      progress.line(`  ${result.scope.name}: ${stats.runs} runs, ${stats.steps} steps, ${result.findings.length} distinct findings, ${stats.repeats} repeated failures counted${cut}`);
      writeReports(folder, build('running'));
    },
    observer: observers.observer,
  });
  // Occurrences grow after a finding is written: the final report counts them all.
  const report = build('complete');
  writeReports(folder, report);
  observers.close(report);
  progress.done();
  if (options.format === 'json') out(`${JSON.stringify(report, null, 2)}\n`);
  else {
    out(renderStatisticsText(report));
    const rows = findingRows(findings);
    if (rows.length > 0) out(findingsTable(rows));
    for (const reason of report.verdict.reasons) out(`  ✗ ${reason}\n`);
    out(`framecheck: ${report.verdict.headline} — ${seedText}; reports in ${folder}\n`);
  }
  return report.verdict.exitCode;
}

const plannedRuns = (options: RunOptions, scope: Scope['name']): number => Math.ceil(options.runs[scope] / (options.shard?.count ?? 1));
