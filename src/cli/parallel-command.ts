// `framecheck --threads N`: the parallel campaign on a native driver (protocol version 2). Replays
// the parallel regression corpus (<corpus>/parallel/), then per scope generates programs of N
// threads, checks each history's linearizability, and shrinks the first failure; the reports,
// baseline, shards and CI verdict work as for a sequential campaign.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPES, type Scope } from '../../properties/scope.js';
import { acceptedFor, readBaseline } from '../files/baseline.js';
import { loadParallelCounterexample, parallelCounterexampleOf, writeParallelCounterexample, type LoadedParallelCounterexample, type ParallelCounterexampleFile } from '../files/parallel-counterexample.js';
import { createRunFolder, pointLatest, writeReports } from '../files/report-folder.js';
import { noiseStream, runParallelCampaign, failureRate, type ParallelRunner } from '../parallel/campaign.js';
import { createParallelTarget } from '../parallel/parallel-target.js';
import { buildReport, reportProperties, FRAMECHECK_VERSION, type CampaignReport, type RegressionReplay, type ReportFinding, type ReportScope } from '../reporters/campaign-report.js';
import { renderTimelineText } from '../reporters/history-timeline.js';
import { checkHistory } from '../linearizability/checker.js';
import { explainViolation } from '../linearizability/explain.js';
import type { TargetSpec } from '../targets/target-spec.js';
import { createProgress } from './progress.js';
import { signatureOf } from '../findings/identity.js';
import { emptyScopeStatistics } from '../statistics/campaign-statistics.js';
import { shardSeed, type RunOptions } from './run-command.js';

/** Runs of a corpus program before it counts as fixed: a race does not fail every run. */
const CORPUS_REPETITIONS = 50;

export const parallelCorpusDir = (corpusDir: string): string => join(corpusDir, 'parallel');

/** A race's signature: what broke (the history's first impossible call), as the baseline accepts it. */
const raceSignature = (property: string, id: string): string => signatureOf(property, 'parallel', id);

/** `<race id>.<scope>.json`: one file per race and scope. */
const raceFileName = (id: string, scope: string): string => `${id.replace(/[^a-z0-9-]+/gi, '_')}.${scope}.json`;

function readParallelCorpus(dir: string): LoadedParallelCounterexample[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => loadParallelCounterexample(join(dir, name)));
}

function replayCommand(options: RunOptions, threads: number): string {
  const allocator = options.spec.allocator.startsWith('cmd:') ? `--allocator-cmd '${options.spec.allocator.slice(4)}'` : `--allocator ${options.spec.allocator}`;
  const flags = [`--threads ${threads}`, `--seed ${options.seed}`, allocator, `--profile ${options.spec.profile}`];
  if (options.scopes.length === 1) flags.push(`--scope ${options.scopes[0]}`);
  flags.push(`--runs ${options.runs.small}`, `--full-runs ${options.runs.full}`);
  if (options.shard) flags.push(`--shard ${options.shard.index}/${options.shard.count}`);
  return `npx framecheck ${flags.join(' ')}`;
}

/** The failure rate of a recorded program on a runner, and whether it still fails with its finding. */
export function replayParallelProgram(runner: ParallelRunner, loaded: LoadedParallelCounterexample, repetitions: number, seed: number): { failed: number; repetitions: number } {
  return failureRate(runner, loaded.program, loaded.content.finding.id, repetitions, { maxFrames: loaded.content.target.maxFrames, ...(loaded.content.target.policy !== undefined && { policy: loaded.content.target.policy }), noise: noiseStream(seed, 3) });
}

export function runParallelCommand(options: RunOptions, threads: number, out: (text: string) => void): number {
  const started = Date.now();
  const baseline = readBaseline(options.baselineFile, options.baselineNamed);
  const accepted = new Set(acceptedFor(baseline, options.spec.allocator, options.spec.profile).map((entry) => entry.signature));
  const corpusDir = parallelCorpusDir(options.corpusDir);
  const corpus = readParallelCorpus(corpusDir);
  const seed = shardSeed(options.fastCheckSeed, options.shard);
  const deadline = options.timeLimitMs === undefined ? undefined : started + options.timeLimitMs;
  const progress = createProgress(!options.ci, deadline);
  // Every scope's driver must start, speak version 2 and take N threads before anything is written.
  const targets = new Map(options.scopes.map((name) => [name, createParallelTarget(options.spec, SCOPES[name].maxFrames, threads)] as const));
  try {
    const folder = createRunFolder(options.reportsDir, options.seed, options.shard);
    const command = replayCommand(options, threads);
    const first = targets.values().next().value;
    let targetName = first?.name ?? options.spec.allocator;
    progress.line(`framecheck ${FRAMECHECK_VERSION}: checking ${options.spec.allocator} (${options.spec.profile}) on ${threads} threads, seed ${options.seed}${options.shard ? ` shard ${options.shard.index}/${options.shard.count} (seed ${seed})` : ''}`);
    progress.line(`  reproduce this campaign: ${command}`);

    const regressions: RegressionReplay[] = corpus.map((entry) => {
      const scope = Object.values(SCOPES).find((candidate) => candidate.maxFrames === entry.content.target.maxFrames);
      const target = scope === undefined ? undefined : targets.get(scope.name);
      const findingId = entry.content.finding.id;
      const signature = raceSignature(entry.content.property, findingId);
      if (target === undefined) return { file: entry.file, findingId, signature, reproduces: false, outcome: 'not replayed: its scope is not checked in this campaign', baselined: accepted.has(signature) };
      const rate = replayParallelProgram(target, entry, CORPUS_REPETITIONS, seed);
      return { file: entry.file, findingId, signature, reproduces: rate.failed > 0, outcome: rate.failed > 0 ? `fails in ${rate.failed} of ${rate.repetitions} runs` : `passes ${rate.repetitions} runs`, baselined: accepted.has(signature) };
    });
    if (corpus.length > 0) progress.line(`  parallel regression corpus: ${corpus.length} replayed, ${regressions.filter((replay) => replay.reproduces).length} still fail`);

    const scopes: ReportScope[] = [];
    const findings: ReportFinding<ParallelCounterexampleFile>[] = [];
    const build = (status: CampaignReport['status']): CampaignReport => {
      const broken = [...findings, ...regressions.filter((replay) => replay.reproduces).map((replay) => ({ id: replay.findingId, property: corpus.find((entry) => entry.file === replay.file)?.content.property ?? 'linearizable', baselined: replay.baselined }))];
      const run = { started, seed: options.seed, fastCheckSeed: options.fastCheckSeed, shard: options.shard, replayCommand: command, target: { allocator: options.spec.allocator, name: targetName, profile: options.spec.profile }, ci: options.ci, baselineFile: options.baselineFile, accepted };
      return buildReport(run, status, { scopes, findings, regressions, properties: reportProperties(false, broken, true), statistics: { corpusReplay: { runs: regressions.length, ms: 0 }, warnings: [] } });
    };
    writeReports(folder, build('running'));
    pointLatest(options.reportsDir, folder);

    for (const name of options.scopes) {
      const scope: Scope = SCOPES[name];
      const target = targets.get(name) as ReturnType<typeof createParallelTarget>;
      targetName = target.name;
      const runs = Math.ceil(options.runs[name] / (options.shard?.count ?? 1));
      const timeLeft = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      const result = runParallelCampaign(target, {
        maxFrames: scope.maxFrames,
        policy: options.policy,
        seed,
        runs,
        threads,
        ...(timeLeft !== undefined && { timeLimitMs: timeLeft }),
        onRun: (stats) => progress.run(name, { runs: stats.runs, steps: stats.calls, skipped: 0, setAside: stats.inconclusive, repeats: 0, labelRuns: new Map() }, runs, findings.length),
      });
      scopes.push({
        name,
        maxFrames: scope.maxFrames,
        maxCommands: threads,
        plannedRuns: runs,
        runs: result.stats.runs,
        steps: result.stats.calls,
        skippedSteps: 0,
        setAsideSteps: result.stats.inconclusive,
        repeatedFailures: 0,
        elapsedMs: result.elapsedMs,
        completed: !result.interrupted,
        interrupted: result.interrupted,
        coverage: [],
        statistics: emptyScopeStatistics(result.stats.runs),
      });
      if (result.failure !== undefined) {
        const { failure } = result;
        const content = parallelCounterexampleOf(failure, { allocator: options.spec.allocator, profile: options.spec.profile, maxFrames: scope.maxFrames }, seed, options.policy);
        const relative = join('counterexamples', raceFileName(failure.violation.id, name));
        writeParallelCounterexample(join(folder, relative), content);
        const corpusFile = join(corpusDir, raceFileName(failure.violation.id, name));
        if (options.writeCorpus && !existsSync(corpusFile)) writeParallelCounterexample(corpusFile, content);
        const signature = raceSignature(failure.violation.property, failure.violation.id);
        const baselined = accepted.has(signature);
        findings.push({ id: failure.violation.id, signature, title: failure.violation.title, severity: content.finding.severity, known: false, scope: name, property: failure.violation.property, message: failure.violation.message, counterexample: relative, baselined, occurrences: 1, shrinkCutShort: false, content });
        progress.line(`  ${name}: ${baselined ? 'baselined finding' : 'FINDING'} ${failure.violation.id} after ${result.stats.runs} runs: ${failure.violation.message}`);
        progress.line(`  shrunk to ${failure.program.threads.length} threads and ${failure.program.threads.reduce((sum, calls) => sum + calls.length, 0)} thread calls (${failure.shrinkSteps} steps, ${failure.shrinkRequests} runs); it fails in ${failure.failureRate.failed} of ${failure.failureRate.repetitions} runs → ${join(folder, relative)}`);
        if (failure.history.length > 0) progress.line(renderTimelineText(failure.program, failure.history, failure.violation.conflicting).trimEnd());
      } else {
        progress.line(`  ${name}: ${result.stats.runs} parallel runs, ${result.stats.calls} calls${result.stats.inconclusive > 0 ? ` (${result.stats.inconclusive} histories too large to decide)` : ''} — every history linearizable`);
      }
      writeReports(folder, build('running'));
    }
    const report = build('complete');
    writeReports(folder, report);
    progress.done();
    if (options.format === 'json') out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const reason of report.verdict.reasons) out(`  ✗ ${reason}\n`);
      out(`framecheck: ${report.verdict.headline} — seed ${options.seed}; reports in ${folder}\n`);
    }
    return report.verdict.exitCode;
  } finally {
    for (const target of targets.values()) target.close();
  }
}

/**
 * `framecheck replay` of a parallel counterexample: re-checks the recorded history (deterministic:
 * the same verdict every time), then re-runs the program `runs` times on the target and reports how
 * often it fails. Exit 1 while it still fails on the target, 0 when every run passes.
 */
export function replayParallelCommand(file: string, json: unknown, spec: TargetSpec | undefined, runs: number, out: (text: string) => void): number {
  const loaded = loadParallelCounterexample(file, json);
  const { content, program, history } = loaded;
  const target = spec ?? { allocator: content.target.allocator, profile: content.target.profile as 'debug' | 'release' };
  out(`${content.finding.id} — ${content.finding.title}\n${content.message}\nprogram: ${content.program}\n\n`);
  if (history.length > 0) {
    const check = checkHistory(program, history, { maxFrames: content.target.maxFrames, ...(content.target.policy !== undefined && { policy: content.target.policy }) });
    const verdict = check.verdict === 'not-linearizable' ? `no linearisation: ${explainViolation(program, check).message}` : check.verdict;
    out(`${renderTimelineText(program, history, content.conflicting)}\nrecorded history (${history.length} calls) re-checked: ${verdict}\n`);
  }
  const runner = createParallelTarget(target, content.target.maxFrames, program.threads.length);
  try {
    const rate = replayParallelProgram(runner, loaded, runs, content.replay.seed);
    out(`re-ran the program ${rate.repetitions} times on ${runner.name}: ${rate.failed} failed with ${content.finding.id} (recorded: ${content.failureRate.failed} of ${content.failureRate.repetitions})\n`);
    return rate.failed > 0 ? 1 : 0;
  } finally {
    runner.close();
  }
}
