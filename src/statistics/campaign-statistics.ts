// What a campaign exercised, per scope: how often each call ran and with which outcome, how long
// the sequences were, how full memory got, which steps were not sent and why, where the time went
// and how many attempts each finding's shrinking took. Gathered by a RunObserver over the generated
// runs (shrink attempts and replays only count towards time and shrink attempts); plain counts, so
// the shards of a campaign add up (mergeStatistics).
import type { ObservedRun, RunObserver } from '../observations/run-observer.js';
import type { StepOp } from '../targets/step.js';
import { countCalls, sequenceLength } from '../observations/run-facts.js';

export interface CallStatistics {
  readonly op: string;
  readonly calls: number;
  /** Outcome name (Ok, OutOfMemory, InvalidFrame, …, panic) → calls. */
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface NotSent {
  /** Why the generated steps were not sent to the allocator. */
  readonly reason: string;
  readonly steps: number;
}

export interface TimeSplit {
  /** fast-check making the runs. */
  readonly generationMs: number;
  /** Inside the allocator's calls. */
  readonly executionMs: number;
  /** The model, the invariants, naming failures. */
  readonly checkingMs: number;
  /** Shrink attempts, the minimisation and the counterexample's replay. */
  readonly shrinkingMs: number;
}

export interface ScopeStatistics {
  readonly generatedRuns: number;
  readonly shrinkAttempts: number;
  readonly calls: readonly CallStatistics[];
  /** Runs by sequence length (index: steps generated, sent or not). */
  readonly sequenceLengths: readonly number[];
  /** Runs by the largest share of usable memory in use at once: index i is [10·i %, 10·i + 10 %), index 10 is 100 %. */
  readonly peakMemoryUsed: readonly number[];
  /** Runs that never had a frame handed out. */
  readonly runsWithoutAllocation: number;
  readonly notSent: readonly NotSent[];
  readonly time: TimeSplit;
  /** Finding → shrink attempts (fast-check's shrink steps and the minimiser's replays). */
  readonly shrinkAttemptsByFinding: Readonly<Record<string, number>>;
}

export interface CorpusStatistics {
  readonly runs: number;
  readonly ms: number;
}

export const NO_HANDED_OUT_FRAME = 'a frame reference with no handed-out frame to refer to';
export const setAsideReason = (findingId: string): string => `triggers ${findingId} (set aside)`;

const PEAK_BUCKETS = 11;
/** One generated run in this many has its allocator calls timed (the split of the others is estimated). */
const TIME_EVERY = 16;

class ScopeTally {
  generatedRuns = 0;
  shrinkAttempts = 0;
  readonly calls = new Map<StepOp, Map<string, number>>();
  readonly sequenceLengths: number[] = [];
  readonly peakMemoryUsed: number[] = new Array<number>(PEAK_BUCKETS).fill(0);
  runsWithoutAllocation = 0;
  skipped = 0;
  /** Finding → steps set aside. */
  readonly setAside = new Map<string, number>();
  generationMs = 0;
  /** Runs whose allocator calls were timed (every TIME_EVERY-th), and the rest, whose split is estimated from them. */
  timedRunMs = 0;
  timedExecutionMs = 0;
  untimedRunMs = 0;
  shrinkingMs = 0;
  readonly shrinkAttemptsByFinding = new Map<string, number>();

  add(run: ObservedRun): void {
    if (run.how !== 'generated') {
      this.shrinkingMs += run.generationMs + run.runMs;
      if (run.how === 'shrunk' && run.shrinking !== undefined) {
        this.shrinkAttempts++;
        this.shrinkAttemptsByFinding.set(run.shrinking, (this.shrinkAttemptsByFinding.get(run.shrinking) ?? 0) + 1);
      }
      return;
    }
    const { result } = run;
    this.generatedRuns++;
    this.generationMs += run.generationMs;
    if (result.executionMs === undefined) this.untimedRunMs += run.runMs;
    else {
      this.timedRunMs += run.runMs;
      this.timedExecutionMs += Math.min(result.executionMs, run.runMs);
    }
    if (!countCalls(result, this.calls)) this.runsWithoutAllocation++;
    const length = sequenceLength(result);
    while (this.sequenceLengths.length <= length) this.sequenceLengths.push(0);
    (this.sequenceLengths[length] as number) += 1;
    (this.peakMemoryUsed[Math.min(PEAK_BUCKETS - 1, Math.floor(result.peakUsedShare * 10 + 1e-9))] as number) += 1;
    this.skipped += result.skipped;
    if (result.setAsideBy !== undefined) for (const [finding, steps] of result.setAsideBy) this.setAside.set(finding, (this.setAside.get(finding) ?? 0) + steps);
  }

  snapshot(): ScopeStatistics {
    const executionShare = this.timedRunMs === 0 ? 0 : this.timedExecutionMs / this.timedRunMs;
    const executionMs = this.timedExecutionMs + this.untimedRunMs * executionShare;
    return {
      generatedRuns: this.generatedRuns,
      shrinkAttempts: this.shrinkAttempts,
      calls: [...this.calls].map(([op, outcomes]) => ({ op, calls: sum(outcomes.values()), outcomes: Object.fromEntries(outcomes) })).sort((a, b) => b.calls - a.calls || a.op.localeCompare(b.op)),
      sequenceLengths: [...this.sequenceLengths],
      peakMemoryUsed: [...this.peakMemoryUsed],
      runsWithoutAllocation: this.runsWithoutAllocation,
      notSent: [...(this.skipped > 0 ? [{ reason: NO_HANDED_OUT_FRAME, steps: this.skipped }] : []), ...[...this.setAside].map(([finding, steps]) => ({ reason: setAsideReason(finding), steps }))].sort((a, b) => b.steps - a.steps),
      time: { generationMs: this.generationMs, executionMs, checkingMs: Math.max(0, this.timedRunMs + this.untimedRunMs - executionMs), shrinkingMs: this.shrinkingMs },
      shrinkAttemptsByFinding: Object.fromEntries(this.shrinkAttemptsByFinding),
    };
  }
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

/** The statistics of a campaign as it runs: one tally per scope, and the corpus replay. */
export class StatisticsCollector implements RunObserver {
  readonly timeEvery = TIME_EVERY;
  private readonly scopes = new Map<string, ScopeTally>();
  private corpusRuns = 0;
  private corpusMs = 0;

  onRun(run: ObservedRun): void {
    if (run.how === 'corpus') {
      this.corpusRuns++;
      this.corpusMs += run.runMs;
      return;
    }
    let tally = this.scopes.get(run.scope);
    if (tally === undefined) this.scopes.set(run.scope, (tally = new ScopeTally()));
    tally.add(run);
  }

  scope(name: string): ScopeStatistics {
    return (this.scopes.get(name) ?? new ScopeTally()).snapshot();
  }

  corpus(): CorpusStatistics {
    return { runs: this.corpusRuns, ms: this.corpusMs };
  }
}

const addRecords = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> => {
  const into: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) into[key] = (into[key] ?? 0) + value;
  return into;
};

const addArrays = (a: readonly number[], b: readonly number[]): number[] => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));

/** Two shards' statistics of one scope, added up. */
export function mergeStatistics(a: ScopeStatistics, b: ScopeStatistics): ScopeStatistics {
  const ops = [...new Set([...a.calls, ...b.calls].map((call) => call.op))];
  const calls = ops.map((op) => {
    const [x, y] = [a.calls.find((call) => call.op === op), b.calls.find((call) => call.op === op)];
    return { op, calls: (x?.calls ?? 0) + (y?.calls ?? 0), outcomes: addRecords(x?.outcomes ?? {}, y?.outcomes ?? {}) };
  });
  const notSent = addRecords(Object.fromEntries(a.notSent.map((entry) => [entry.reason, entry.steps])), Object.fromEntries(b.notSent.map((entry) => [entry.reason, entry.steps])));
  return {
    generatedRuns: a.generatedRuns + b.generatedRuns,
    shrinkAttempts: a.shrinkAttempts + b.shrinkAttempts,
    calls: calls.sort((x, y) => y.calls - x.calls || x.op.localeCompare(y.op)),
    sequenceLengths: addArrays(a.sequenceLengths, b.sequenceLengths),
    peakMemoryUsed: addArrays(a.peakMemoryUsed, b.peakMemoryUsed),
    runsWithoutAllocation: a.runsWithoutAllocation + b.runsWithoutAllocation,
    notSent: Object.entries(notSent).map(([reason, steps]) => ({ reason, steps })).sort((x, y) => y.steps - x.steps),
    time: {
      generationMs: a.time.generationMs + b.time.generationMs,
      executionMs: a.time.executionMs + b.time.executionMs,
      checkingMs: a.time.checkingMs + b.time.checkingMs,
      shrinkingMs: a.time.shrinkingMs + b.time.shrinkingMs,
    },
    shrinkAttemptsByFinding: addRecords(a.shrinkAttemptsByFinding, b.shrinkAttemptsByFinding),
  };
}

/** A scope whose runs are not sequences of steps (a parallel campaign's): its run count, nothing else to distribute. */
export const emptyScopeStatistics = (generatedRuns: number): ScopeStatistics => ({
  generatedRuns,
  shrinkAttempts: 0,
  calls: [],
  sequenceLengths: [],
  peakMemoryUsed: [],
  runsWithoutAllocation: 0,
  notSent: [],
  time: { generationMs: 0, executionMs: 0, checkingMs: 0, shrinkingMs: 0 },
  shrinkAttemptsByFinding: {},
});
