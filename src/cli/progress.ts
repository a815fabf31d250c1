// What a campaign prints while it runs. On a terminal: one live line (runs, steps per second,
// findings so far, time left), redrawn at most five times a second. In CI or through a pipe: plain
// lines, one per finished search. Progress goes to stderr so `--format json` keeps stdout clean.
import type { SearchStats } from '../runner/search.js';

export interface Progress {
  run(scope: string, stats: SearchStats, findings: number): void;
  line(text: string): void;
  done(): void;
}

export function createProgress(live: boolean, deadline: number | undefined, write: (text: string) => void = (text) => process.stderr.write(text)): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  const clear = (): void => {
    if (drawn) write('\r\x1b[2K');
    drawn = false;
  };
  return {
    run(scope, stats, findings) {
      if (!live) return;
      const now = Date.now();
      if (now - lastDraw < 200) return;
      lastDraw = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const left = deadline === undefined ? '' : ` · ${Math.max(0, Math.round((deadline - now) / 1000))} s left`;
      clear();
      write(`  ${scope}: ${stats.runs} runs · ${Math.round(stats.steps / seconds)} steps/s · ${findings} findings${left}`);
      drawn = true;
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
