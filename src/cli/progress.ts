// What a campaign prints while it runs. On a terminal: one live line — runs done of the planned
// runs, the current steps per second (over the last few seconds, not since the start), findings so
// far, an estimate of the time left, or the progress of a finding being shrunk — redrawn at most
// five times a second. In CI or through a pipe: plain lines, one per finding and per scope.
// Progress goes to stderr so `--format json` keeps stdout clean.
import type { SearchStats, ShrinkProgress } from '../runner/search.js';

export interface Progress {
  run(scope: string, stats: SearchStats, plannedRuns: number, findings: number): void;
  shrink(scope: string, progress: ShrinkProgress): void;
  line(text: string): void;
  done(): void;
}

const REDRAW_MS = 200;
/** Steps per second are measured over windows of this length. */
const RATE_WINDOW_MS = 2_000;

const count = (value: number): string => value.toLocaleString('en-US');

export function createProgress(live: boolean, deadline: number | undefined, write: (text: string) => void = (text) => process.stderr.write(text), now: () => number = Date.now): Progress {
  let lastDraw = 0;
  let drawn = false;
  let window = { at: now(), steps: 0, runs: 0, scope: '' };
  let rate = { stepsPerSecond: 0, runsPerSecond: 0 };
  const clear = (): void => {
    if (drawn) write('\r\x1b[2K');
    drawn = false;
  };
  const draw = (text: string): void => {
    clear();
    write(text);
    drawn = true;
  };
  const due = (): boolean => {
    const time = now();
    if (time - lastDraw < REDRAW_MS) return false;
    lastDraw = time;
    return true;
  };
  return {
    run(scope, stats, plannedRuns, findings) {
      if (!live || !due()) return;
      const time = now();
      if (scope !== window.scope || stats.runs < window.runs) window = { at: time, steps: stats.steps, runs: stats.runs, scope };
      else if (time - window.at >= RATE_WINDOW_MS) {
        const seconds = (time - window.at) / 1000;
        rate = { stepsPerSecond: (stats.steps - window.steps) / seconds, runsPerSecond: (stats.runs - window.runs) / seconds };
        window = { at: time, steps: stats.steps, runs: stats.runs, scope };
      }
      const eta = rate.runsPerSecond > 0 ? (plannedRuns - stats.runs) / rate.runsPerSecond : undefined;
      const left = deadline === undefined ? '' : ` · ${Math.max(0, Math.round((deadline - time) / 1000))} s of the time limit left`;
      draw(`  ${scope}: ${count(stats.runs)}/${count(plannedRuns)} runs · ${count(Math.round(rate.stepsPerSecond))} steps/s · ${findings} findings${eta === undefined ? '' : ` · ETA ${Math.ceil(eta)} s`}${left}`);
    },
    shrink(scope, shrinking) {
      if (!live || !due()) return;
      draw(`  ${scope}: shrinking ${shrinking.signature.slice(0, 60)} — ${count(shrinking.probes)} attempts, ${shrinking.steps} steps so far`);
    },
    line(text) {
      clear();
      write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}
