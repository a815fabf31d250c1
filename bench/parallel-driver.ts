// Parallel requests per second on the Rust seed driver (protocol version 2): an 8-thread × 30-call
// program (after a prefix that inits a 127 MiB map), pipelined to one driver process, in both build
// profiles, with schedule noise off and on (a different noise seed per request).
// Usage: npm run bench:parallel-driver [-- <requests per row>]   (needs cargo and ../shared)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { buildSeedDriver, seedDriverUnavailable } from '../src/targets/seed-driver.js';
import type { BuildProfile } from '../src/targets/step.js';

const THREADS = 8;
const CALLS_PER_THREAD = 30;
const DEFAULT_REQUESTS = 300;

/** Bad setup or arguments: one line, exit status 2. */
function usageError(message: string): never {
  process.stderr.write(`bench/parallel-driver: ${message}\n`);
  process.exit(2);
}

const unavailable = seedDriverUnavailable();
if (unavailable !== undefined) usageError(unavailable);
const requestsArg = process.argv[2];
const requests = requestsArg === undefined ? DEFAULT_REQUESTS : Number(requestsArg);
if (!Number.isSafeInteger(requests) || requests <= 0) usageError(`the request count must be a positive integer, got ${JSON.stringify(requestsArg)}`);

// Each thread: ten rounds of allocate, read the statistics, free what it allocated; every thread
// also asks for one shared address, so threads contend for the lock and for a frame.
const ROUNDS = (CALLS_PER_THREAD - 3) / 3;
const thread = [
  'allocate_frame_at 0x2000000',
  ...Array.from({ length: ROUNDS }, (_, round) => ['allocate_frame', 'memory_stats', `deallocate_frame @${1 + round * 3}`]).flat(),
  'memory_stats',
  'deallocate_frame @0',
].join(' ; ');
const program = `init 0x100000 0x100000+0x7f00000:Usable | ${Array.from({ length: THREADS }, () => thread).join(' | ')}`;
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`parallel requests: ${THREADS} threads × ${CALLS_PER_THREAD} calls, ${requests} requests per row, node ${process.version}, ${os.cpus().length} cpus, load ${load()}`);
console.log('profile  noise  requests/s  calls/s   ms/request');
for (const profile of ['debug', 'release'] as BuildProfile[]) {
  const { binary } = buildSeedDriver({ profile });
  for (const noisy of [false, true]) {
    const lines = Array.from({ length: requests }, (_, i) => `parallel ${noisy ? String(i + 1) : 'off'} ${program}`);
    const start = process.hrtime.bigint();
    const run = spawnSync(binary, { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const histories = run.stdout.split('\n').filter((line) => line === `history ${THREADS * CALLS_PER_THREAD + 1}`).length;
    if (run.status !== 0 || histories !== requests) {
      process.stderr.write(`bench/parallel-driver: ${binary} answered ${histories} of ${requests} requests with a full history (status ${run.status}): ${run.stdout.split('\n')[0]} ${run.stderr}\n`);
      process.exit(1);
    }
    const perSecond = requests / seconds;
    console.log(
      `${profile.padEnd(8)} ${(noisy ? 'on' : 'off').padEnd(5)} ${perSecond.toFixed(0).padStart(11)} ${(perSecond * THREADS * CALLS_PER_THREAD).toFixed(0).padStart(8)} ${((seconds * 1000) / requests).toFixed(2).padStart(12)}`,
    );
  }
}
console.log(`load ${load()}`);
