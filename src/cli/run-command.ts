// `framecheck [run]`: the campaign. Replays the regression corpus first, then searches every scope,
// writing each counterexample the moment it is found and the reports after every search, so an
// interrupted campaign leaves valid reports with every counterexample so far. Exit 0 when only
// baselined findings turn up, 1 when a property fails, 2 on bad input.
import { join, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FrameModel, type ModelPolicy } from '../../models/index.js';
import { findingById } from '../../properties/findings.js';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { readBaseline } from '../files/baseline.js';
import { counterexampleOf, writeCounterexample } from '../files/counterexample-file.js';
import { readMemoryMap } from '../files/memory-map-file.js';
import { addToCorpus, corpusFileName, readCorpus } from '../files/regression-corpus.js';
import { createRunFolder, pointLatest, writeReports } from '../files/report-folder.js';
import { judge, reportProperties, reportScope, RESULTS_FORMAT, RESULTS_VERSION, FRAMECHECK_VERSION, type CampaignReport, type RegressionReplay, type ReportFinding, type ReportScope } from '../reporters/campaign-report.js';
import { runCampaign } from '../runner/campaign.js';
import { replayCounterexample } from '../runner/replay.js';
import type { Region } from '../targets/step.js';
import { createTarget, type TargetSpec } from '../targets/target-spec.js';
import { choiceFlag, durationFlag, integerFlag, parseFlags, policyFlag, shardFlag, stepTimeoutFlag, usageError } from './flags.js';
import { createProgress } from './progress.js';
import { resolveAllocator } from './allocator-flag.js';
import { announceRunFolder } from './interrupt-watch.js';

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
  'no-corpus-write': { type: 'boolean' },
  corpus: { type: 'string' },
  baseline: { type: 'string' },
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
  --policy LIST         the promises to check, models/SPEC.md: allocation=loose|strict,
                        invalidFrame=outside-usable-memory|beyond-capacity, doubleFree=ok|invalid-frame
  --profile P           debug (overflow panics, default) or release (overflow wraps)
  --scope S             small (512 frames), full (16 GiB), or both (default)
  --runs N              runs at the small scope (default 10000)
  --full-runs N         runs at the full scope (default 1000)
  --time-limit T        stop generating after T (90s, 10m, 1h30m); the runs so far count
  --seed N              fast-check seed (default: random, always printed)
  --shard i/n           run shard i of n: its own seed stream and 1/n of the runs; merge with framecheck merge
  --memory-map FILE     start runs from a real machine's map (dmesg BIOS-e820 lines or JSON); repeatable.
                        Default: the real maps in data/memory-maps
  --reports DIR         reports folder (default reports)
  --corpus DIR          regression corpus replayed first (default reports/regressions)
  --baseline FILE       accepted known findings (default reports/baseline.json)
  --no-corpus-write     do not add new counterexamples to the corpus
  --ci / --no-ci        CI mode (default when CI=true or stdout is not a terminal): plain output, and a
                        baselined finding that no longer reproduces fails the run
  --format F            text (default) or json (results.json on stdout)

Exit codes: 0 every property holds (or only baselined findings), 1 a property fails or a coverage
requirement is not met, 2 bad usage or bad input, 3 internal error, 4 a report could not be written
whole (disk full, read-only, permissions; the previous version of each file is kept).`;

export interface RunOptions {
  readonly seed: number;
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
  readonly format: 'text' | 'json';
  readonly memoryMapFiles: readonly string[];
  readonly shard: { index: number; count: number } | null;
  readonly ci: boolean;
  readonly writeCorpus: boolean;
}

export function parseRunOptions(args: readonly string[], env: NodeJS.ProcessEnv, isTTY: boolean): RunOptions | 'help' {
  const { values, positionals } = parseFlags(args, RUN_FLAGS, 'run');
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw usageError(`run: unexpected argument "${positionals[0]}" (see framecheck --help)`);
  if (values.ci === true && values['no-ci'] === true) throw usageError('--ci and --no-ci contradict each other');
  const reportsDir = values.reports ?? 'reports';
  const scope = choiceFlag('scope', values.scope, ['small', 'full', 'both'] as const, 'both');
  return {
    seed: integerFlag('seed', values.seed, Math.floor(Math.random() * 0x7fff_ffff), 0, 0x7fff_ffff),
    runs: { small: integerFlag('runs', values.runs, 10_000, 1), full: integerFlag('full-runs', values['full-runs'], 1_000, 1) },
    timeLimitMs: durationFlag('time-limit', values['time-limit']),
    scopes: scope === 'both' ? ['small', 'full'] : [scope],
    spec: { allocator: resolveAllocator(values.allocator, values['allocator-cmd']), profile: choiceFlag('profile', values.profile, ['debug', 'release'] as const, 'debug'), ...stepTimeout(values['step-timeout']) },
    policy: policyFlag(values.policy),
    ...(values.against !== undefined && { against: resolveAgainst(values.against) }),
    reportsDir,
    corpusDir: values.corpus ?? join(reportsDir, 'regressions'),
    baselineFile: values.baseline ?? join(reportsDir, 'baseline.json'),
    format: choiceFlag('format', values.format, ['text', 'json'] as const, 'text'),
    memoryMapFiles: values['memory-map'] ?? [],
    shard: shardFlag(values.shard),
    ci: values.ci === true || (values['no-ci'] !== true && (env.CI === 'true' || !isTTY)),
    writeCorpus: values['no-corpus-write'] !== true,
  };
}

const stepTimeout = (value: string | undefined): { stepTimeoutMs?: number } => {
  const ms = stepTimeoutFlag(value);
  return ms === undefined ? {} : { stepTimeoutMs: ms };
};

function resolveAgainst(name: string): string {
  return name.startsWith('cmd:') ? name : resolveAllocator(name, undefined);
}

/** The seed of shard i: a distinct, deterministic stream per shard. */
export const shardSeed = (seed: number, shard: { index: number } | null): number =>
  shard === null ? seed : (seed + Math.imul(shard.index - 1, 0x9e37_79b1)) & 0x7fff_ffff;

function replayCommand(options: RunOptions): string {
  const allocator = options.spec.allocator.startsWith('cmd:') ? `--allocator-cmd '${options.spec.allocator.slice(4)}'` : `--allocator ${options.spec.allocator}`;
  const flags = [`--seed ${options.seed}`, allocator, `--profile ${options.spec.profile}`];
  if (options.spec.stepTimeoutMs !== undefined) flags.push(`--step-timeout ${options.spec.stepTimeoutMs}ms`);
  if (options.against !== undefined) flags.push(`--against '${options.against}'`);
  const policy = Object.entries(options.policy).map(([name, choice]) => `${name}=${choice}`);
  if (policy.length > 0) flags.push(`--policy ${policy.join(',')}`);
  if (options.scopes.length === 1) flags.push(`--scope ${options.scopes[0]}`);
  flags.push(`--runs ${options.runs.small}`, `--full-runs ${options.runs.full}`);
  if (options.shard) flags.push(`--shard ${options.shard.index}/${options.shard.count}`);
  for (const file of options.memoryMapFiles) flags.push(`--memory-map ${file}`);
  return `npx framecheck ${flags.join(' ')}`;
}

function startingMaps(files: readonly string[]): Region[][] {
  const chosen = files.length > 0 ? files : readdirSync(REAL_MAPS_DIR).sort().map((name) => join(REAL_MAPS_DIR, name));
  return chosen.map((file) => readMemoryMap(file).regions);
}

/** The findings as a kernel developer scans them: which defect, how bad, where, how short its counterexample. */
function findingsTable(findings: readonly ReportFinding[]): string {
  const rows = findings.map((finding) => [finding.id, finding.severity, finding.scope, String(finding.content.steps.length), finding.property, finding.baselined ? 'baselined' : 'NEW']);
  const header = ['finding', 'severity', 'scope', 'steps', 'property', ''];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`;
  return `\n${line(header)}${line(widths.map((width) => '-'.repeat(width)))}${rows.map(line).join('')}\n`;
}

export function runCampaignCommand(options: RunOptions, out: (text: string) => void): number {
  const started = Date.now();
  const maps = startingMaps(options.memoryMapFiles);
  const baseline = readBaseline(options.baselineFile);
  const accepted = baseline.accepted.get(options.spec.allocator) ?? new Set<string>();
  // The corpus holds model counterexamples: a differential campaign neither replays nor extends it.
  const differential = options.against !== undefined;
  const corpus = differential ? [] : readCorpus(options.corpusDir);
  const seed = shardSeed(options.seed, options.shard);
  const deadline = options.timeLimitMs === undefined ? undefined : started + options.timeLimitMs;
  const progress = createProgress(!options.ci, deadline);
  // The allocator must start before anything is written: a driver that does not is bad input.
  for (const name of options.scopes) {
    createTarget(options.spec, SCOPES[name].maxFrames).close?.();
    if (options.against !== undefined) createTarget({ ...options.spec, allocator: options.against }, SCOPES[name].maxFrames).close?.();
  }
  const folder = createRunFolder(options.reportsDir, options.seed, options.shard);
  announceRunFolder(folder);
  const command = replayCommand(options);
  progress.line(`framecheck ${FRAMECHECK_VERSION}: checking ${options.spec.allocator} (${options.spec.profile})${differential ? ` against ${options.against}` : ''}, seed ${options.seed}${options.shard ? ` shard ${options.shard.index}/${options.shard.count} (seed ${seed})` : ''}`);
  progress.line(`  reproduce this campaign: ${command}`);

  const regressions: RegressionReplay[] = corpus.map((entry) => {
    const replay = replayCounterexample(entry, options.spec);
    const findingId = entry.content.finding.id;
    return {
      file: entry.file,
      findingId,
      reproduces: replay.findingId === findingId,
      outcome: replay.findingId === undefined ? 'passes' : `fails with ${replay.findingId}`,
      baselined: accepted.has(findingId),
    };
  });
  if (corpus.length > 0) progress.line(`  regression corpus: ${corpus.length} replayed, ${regressions.filter((replay) => replay.reproduces).length} still fail`);

  const scopes: ReportScope[] = [];
  const findings: ReportFinding[] = [];
  const build = (status: CampaignReport['status']): CampaignReport => {
    const reproduced = new Set([...findings.map((finding) => finding.id), ...regressions.filter((replay) => replay.reproduces).map((replay) => replay.findingId)]);
    const fixedBaselined = status === 'complete' ? [...accepted].filter((id) => !reproduced.has(id)) : [];
    const partial = { findings, scopes, regressions, fixedBaselined };
    return {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      framecheck: FRAMECHECK_VERSION,
      status,
      startedAt: new Date(started).toISOString(),
      elapsedMs: Date.now() - started,
      seed: options.seed,
      shard: options.shard,
      replayCommand: command,
      target: { allocator: options.spec.allocator, name: targetName, profile: options.spec.profile },
      scopes,
      properties: reportProperties(differential, [...findings, ...regressions.filter((replay) => replay.reproduces).map((replay) => ({ id: replay.findingId, property: propertyOfCorpusEntry(replay.file) }))]),
      findings,
      regressions,
      fixedBaselined,
      verdict: judge(partial, options.ci, options.baselineFile),
    };
  };
  const propertyOfCorpusEntry = (file: string): string => corpus.find((entry) => entry.file === file)?.content.property ?? 'unknown';
  let targetName = options.spec.allocator;
  writeReports(folder, build('running'));
  pointLatest(options.reportsDir, folder);

  runCampaign({
    scopes: options.scopes.map((name) => ({ ...SCOPES[name], startingMaps: maps })),
    seed,
    numRuns: (scope) => Math.ceil(options.runs[scope.name] / (options.shard?.count ?? 1)),
    target: (scope) => {
      const target = createTarget(options.spec, scope.maxFrames);
      targetName = target.name;
      return target;
    },
    newModel: (scope) => new FrameModel({ maxFrames: scope.maxFrames, policy: options.policy }),
    ...(options.against !== undefined && { reference: (scope: Scope) => createTarget({ ...options.spec, allocator: options.against as string }, scope.maxFrames) }),
    ...(options.timeLimitMs !== undefined && { timeLimitMs: options.timeLimitMs }),
    onRun: (scope, stats) => progress.run(scope.name, stats, findings.length),
    onSearch: (scope, stats, failure) => {
      if (failure !== undefined) {
        const content = counterexampleOf(failure, scope, options.spec, options.runs[scope.name], options.against, options.policy);
        const relative = join('counterexamples', corpusFileName(content.finding.id, scope.name));
        writeCounterexample(join(folder, relative), content);
        if (options.writeCorpus && !differential) addToCorpus(options.corpusDir, content);
        const baselined = accepted.has(failure.findingId);
        findings.push({ id: failure.findingId, title: content.finding.title, severity: content.finding.severity, known: findingById(failure.findingId) !== undefined, scope: scope.name, property: failure.violation.property, message: failure.violation.message, counterexample: relative, baselined, content });
        progress.line(`  ${scope.name}: ${baselined ? 'baselined finding' : 'FINDING'} ${failure.findingId} after ${stats.runs} runs, ${failure.trace.length} steps after shrinking → ${join(folder, relative)}`);
      } else {
        progress.line(`  ${scope.name}: ${stats.runs} runs, ${stats.steps} steps (${stats.skipped} skipped, ${stats.setAside} set aside) — no further failure`);
      }
      writeReports(folder, build('running'));
    },
    onScope: (result) => scopes.push(reportScope(result)),
  });

  const report = build('complete');
  writeReports(folder, report);
  progress.done();
  if (options.format === 'json') out(`${JSON.stringify(report, null, 2)}\n`);
  else {
    if (findings.length > 0) out(findingsTable(findings));
    for (const reason of report.verdict.reasons) out(`  ✗ ${reason}\n`);
    const baselined = findings.filter((finding) => finding.baselined).length;
    out(`framecheck: ${report.verdict.exitCode === 0 ? 'all properties hold' : 'a property fails'} — ${findings.length} findings (${baselined} baselined), seed ${options.seed}; reports in ${folder}\n`);
  }
  return report.verdict.exitCode;
}
