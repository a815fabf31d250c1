// The same recorded steps on the in-process port and on the Rust seed behind the line protocol,
// side by side in one run: steps per second of the raw target (execute only) and of the whole
// lockstep harness (model and every invariant), at the small scope, both build profiles.
// Usage: npx tsx bench/native-target.ts   (needs cargo and ../shared; builds the driver first)
import fc from 'fast-check';
import os from 'node:os';
import { FrameModel } from '../models/index.js';
import { generatedRun } from '../properties/commands/index.js';
import { SMALL_SCOPE } from '../properties/scope.js';
import { runGenerated, runSteps } from '../src/runner/lockstep.js';
import { seedDriverUnavailable } from '../src/targets/seed-driver.js';
import type { BuildProfile } from '../src/targets/step.js';
import type { AllocatorTarget, ConcreteStep } from '../src/targets/target.js';
import { createTarget } from '../src/targets/target-spec.js';

const RUNS = 1_000;
const SEED = 1;

const unavailable = seedDriverUnavailable();
if (unavailable !== undefined) {
  process.stderr.write(`bench/native-target: ${unavailable}\n`);
  process.exit(2);
}

const newModel = (): FrameModel => new FrameModel({ maxFrames: SMALL_SCOPE.maxFrames });
const time = (work: () => void): number => {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

console.log(`native target vs in-process port: ${RUNS} small-scope runs (seed ${SEED}), node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
console.log('profile  target                      raw steps/s  harness steps/s');
for (const profile of ['debug', 'release'] as BuildProfile[]) {
  const targets: AllocatorTarget[] = [createTarget({ allocator: 'port', profile }, SMALL_SCOPE.maxFrames), createTarget({ allocator: 'seed', profile }, SMALL_SCOPE.maxFrames)];
  // The steps the port executes for the generated runs, replayed exactly on both targets.
  const runs = fc.sample(generatedRun(SMALL_SCOPE), { seed: SEED, numRuns: RUNS });
  const recorded: ConcreteStep[][] = runs.map((run) => runGenerated({ target: targets[0] as AllocatorTarget, newModel, setAside: [], trace: false }, run).executedSteps.map(({ concrete }) => concrete));
  const steps = recorded.reduce((sum, run) => sum + run.length, 0);
  for (const target of targets) {
    const raw = time(() => {
      for (const run of recorded) {
        target.reset();
        for (const step of run) target.execute(step);
      }
    });
    const harness = time(() => {
      for (const run of recorded) runSteps({ target, newModel, setAside: [], trace: false }, run);
    });
    console.log(`${profile.padEnd(8)} ${target.name.padEnd(27)} ${Math.round(steps / raw).toLocaleString('en-US').padStart(11)}  ${Math.round(steps / harness).toLocaleString('en-US').padStart(15)}`);
    target.close?.();
  }
}
