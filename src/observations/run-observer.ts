// The one hook through which a campaign tells what it did, run by run: the search, the shrinker and
// the corpus replay hand every run they make to a RunObserver, which keeps statistics
// (src/statistics/) or writes observation lines for Tyche (observation-log.ts). The runner knows
// nothing else about either.
import type { RunResult } from '../runner/lockstep.js';

/** How a run came about, as Hypothesis' `how_generated` tells them apart. */
export type HowGenerated = 'generated' | 'shrunk' | 'corpus' | 'replayed';

export interface ObservedRun {
  readonly scope: string;
  readonly maxFrames: number;
  readonly how: HowGenerated;
  readonly result: RunResult;
  /** The finding this run shows, when it fails. */
  readonly findingId?: string;
  /** For a shrink attempt: the finding being shrunk. */
  readonly shrinking?: string;
  /** Time fast-check spent making the run (its generation or shrink step), before the run. */
  readonly generationMs: number;
  /** The run itself: the allocator's calls (result.executionMs when timed) and the checking. */
  readonly runMs: number;
}

export interface RunObserver {
  onRun(run: ObservedRun): void;
  /**
   * Time the allocator's calls apart from the checking in one generated run of this many (1: every
   * run). Two clock reads per step cost 10–20 % of a run, so the statistics sample.
   */
  readonly timeEvery?: number;
}

/** Every observer told of every run (the statistics always, the observation log with --observe). */
export const allObservers = (observers: readonly RunObserver[]): RunObserver => ({
  onRun: (run) => {
    for (const observer of observers) observer.onRun(run);
  },
  timeEvery: Math.min(...observers.map((observer) => observer.timeEvery ?? 1)),
});
