// The observers of one campaign: the statistics always, the observation log (Tyche) when asked
// for. The corpus replay is timed and observed here too, so run-command only hands runs over.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedCounterexample } from '../files/counterexample-file.js';
import type { CampaignReport, ReportScope } from '../reporters/campaign-report.js';
import type { ReplayOutcome } from '../runner/replay.js';
import { StatisticsCollector } from '../statistics/campaign-statistics.js';
import { scopeRows } from '../statistics/statistics-text.js';
import { usualRates, weakCampaignWarnings } from '../statistics/weak-campaign.js';
import { ObservationLog, type ObservationContext } from './observation-log.js';
import { allObservers, type RunObserver } from './run-observer.js';

const BENCH_FILE = resolve(fileURLToPath(import.meta.url), '../../../reports/bench.json');

/** Where a campaign's observation lines go, inside its report folder. */
export const OBSERVATIONS_FILE = join('observed', 'framecheck_testcases.jsonl');

export interface CampaignObservers {
  readonly statistics: StatisticsCollector;
  readonly observer: RunObserver;
  readonly log?: ObservationLog;
  /** Runs a corpus entry's replay, timed and observed. */
  replay(entry: LoadedCounterexample, run: () => ReplayOutcome): ReplayOutcome;
  campaignStatistics(scopes: readonly ReportScope[]): CampaignReport['statistics'];
  /** Ends the log with each scope's statistics (info) and the warnings (alert). */
  close(report: CampaignReport): void;
}

export function campaignObservers(folder: string, observe: boolean, context: ObservationContext): CampaignObservers {
  const statistics = new StatisticsCollector();
  let log: ObservationLog | undefined;
  if (observe) {
    mkdirSync(join(folder, 'observed'), { recursive: true });
    log = new ObservationLog(join(folder, OBSERVATIONS_FILE), context);
  }
  const observer = log === undefined ? statistics : allObservers([statistics, log]);
  const usual = usualRates(BENCH_FILE);
  return {
    statistics,
    observer,
    ...(log !== undefined && { log }),
    replay(entry, run) {
      const begun = performance.now();
      const outcome = run();
      const { target } = entry.content;
      observer.onRun({ scope: target.scope, maxFrames: target.maxFrames, how: 'corpus', result: outcome.result, ...(outcome.identity !== undefined && { findingId: outcome.identity.id }), generationMs: 0, runMs: performance.now() - begun });
      return outcome;
    },
    campaignStatistics: (scopes) => ({ corpusReplay: statistics.corpus(), warnings: weakCampaignWarnings(scopes, usual) }),
    close(report) {
      if (log === undefined) return;
      for (const scope of report.scopes) {
        const rows = scopeRows(scope.name, scope.statistics).map((row) => `- **${row.what}**: ${row.figures}`);
        log.message('info', scope.name, 'framecheck statistics', rows.join('\n'));
        for (const check of scope.coverage.filter((candidate) => !candidate.met)) {
          log.message('alert', scope.name, 'coverage requirement not met', `${check.label} reached in ${(check.share * 100).toFixed(1)}% of runs, ${(check.required * 100).toFixed(0)}% required`);
        }
      }
      for (const warning of report.statistics.warnings) log.message('alert', warning.scope, 'weak campaign', warning.message);
      log.close();
    },
  };
}
