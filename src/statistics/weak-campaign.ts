// A green campaign is only worth what it exercised: warnings when a scope's runs mostly never hand
// out a frame, when a fifth of the generated steps are never sent, or when runs went far slower
// than this machine's usual (reports/bench.json, written by npm run bench).
import { existsSync, readFileSync } from 'node:fs';
import type { ScopeStatistics } from './campaign-statistics.js';

/** Generated runs per second each scope usually makes on this machine. */
export type UsualRates = Readonly<Record<string, number>>;

const NEVER_ALLOCATE_SHARE = 0.5;
const NOT_SENT_SHARE = 0.2;
/** Slower than this fraction of the usual rate is "far below". */
const SLOW_RATE_FRACTION = 0.25;
/** Too few runs measure JIT warm-up, not the rate. */
const RATE_MIN_RUNS = 1000;

/** The usual rates from a benchmark report (harnessSpeed: ms per generated run, per scope); none if there is none. */
export function usualRates(benchFile: string): UsualRates {
  if (!existsSync(benchFile)) return {};
  try {
    const bench = JSON.parse(readFileSync(benchFile, 'utf8')) as { harnessSpeed?: { scopes?: { scope: string; generation?: { msPerRun?: number } }[] } };
    const rates: Record<string, number> = {};
    for (const scope of bench.harnessSpeed?.scopes ?? []) {
      const msPerRun = scope.generation?.msPerRun;
      if (typeof msPerRun === 'number' && msPerRun > 0) rates[scope.scope] = 1000 / msPerRun;
    }
    return rates;
  } catch {
    return {};
  }
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** Generated runs per second of generation, execution and checking (shrinking is not the generator's speed). */
export function runRate(statistics: ScopeStatistics): number {
  const { generationMs, executionMs, checkingMs } = statistics.time;
  const ms = generationMs + executionMs + checkingMs;
  return ms === 0 ? 0 : (statistics.generatedRuns * 1000) / ms;
}

export interface Warning {
  readonly scope: string;
  readonly message: string;
}

export const warningText = (warning: Warning): string => `${warning.scope} scope: ${warning.message}`;

export function weakCampaignWarnings(scopes: readonly { readonly name: string; readonly statistics: ScopeStatistics }[], usual: UsualRates): Warning[] {
  const warnings: Warning[] = [];
  const warn = (scope: string, message: string): void => {
    warnings.push({ scope, message });
  };
  for (const { name, statistics } of scopes) {
    const runs = statistics.generatedRuns;
    if (runs === 0) continue;
    const neverAllocate = statistics.runsWithoutAllocation / runs;
    if (neverAllocate > NEVER_ALLOCATE_SHARE) warn(name, `${percent(neverAllocate)} of runs never had a frame handed out`);
    const generatedSteps = statistics.sequenceLengths.reduce((total, count, length) => total + count * length, 0);
    const notSent = statistics.notSent.reduce((total, entry) => total + entry.steps, 0);
    if (generatedSteps > 0 && notSent / generatedSteps > NOT_SENT_SHARE) {
      const [largest] = statistics.notSent;
      warn(name, `${percent(notSent / generatedSteps)} of generated steps were not sent, the most for ${largest?.reason ?? ''} (${percent((largest?.steps ?? 0) / generatedSteps)})`);
    }
    const expected = usual[name];
    const rate = runRate(statistics);
    if (expected !== undefined && runs >= RATE_MIN_RUNS && rate < expected * SLOW_RATE_FRACTION) {
      warn(name, `${Math.round(rate)} runs/s, under a quarter of this machine's usual ${Math.round(expected)} (reports/bench.json): a loaded machine or a slow allocator`);
    }
  }
  return warnings;
}
