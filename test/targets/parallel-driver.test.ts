// Protocol version 2 on the Rust seed driver: the `parallel` request's wire format (every outcome,
// frame references, skips, malformed requests), its times (monotone, overlapping across threads,
// the prefix before the threads), and the proof of power — each planted racy variant of the seed
// (native/seed-driver/fixtures) shows its race's symptom in the raw histories of noisy requests,
// while the unmodified seed never does. The symptoms are checked directly on the histories (a
// frame handed out twice, a memory_stats figure out of reach, a pair of figures no moment had),
// not through the linearizability checker. Skipped with the reason where cargo or ../shared is
// missing, except in CI (CI=true), where that fails.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNativeTarget } from '../../src/targets/native-target.js';
import { buildRacyDriver, racyVariantNames, racyVariantSource } from '../../src/targets/racy-variants.js';
import { buildSeedDriver, seedDriverUnavailable } from '../../src/targets/seed-driver.js';

const unavailable = seedDriverUnavailable();
const inCi = process.env.CI === 'true';
const skip = unavailable !== undefined && !inCi;

/** A call of a history: where it ran, its times and outcome, and the call text the test sent. */
interface CallRecord {
  readonly segment: string;
  readonly index: number;
  readonly invoked: bigint;
  readonly returned: bigint;
  readonly outcome: string;
  readonly call: string;
}

/** One parallel program: the prefix's calls and each thread's calls. */
interface Program {
  readonly prefix: readonly string[];
  readonly threads: readonly (readonly string[])[];
}

const encode = (noise: string, { prefix, threads }: Program): string =>
  `parallel ${noise} ${[prefix, ...threads].map((calls) => calls.join(' ; ')).join(' | ')}`;

/** Sends the requests to a fresh driver process; returns each answer's lines (`history m` takes m more). */
function ask(binary: string, requests: readonly string[]): string[][] {
  const run = spawnSync(binary, { input: `${requests.join('\n')}\n`, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${binary} exited with ${run.status}: ${run.stderr}`);
  const lines = run.stdout.split('\n');
  const answers: string[][] = [];
  for (let at = 0; answers.length < requests.length; ) {
    const head = lines[at] ?? '';
    const m = /^history (\d+)$/.exec(head);
    const size = m === null ? 1 : 1 + Number(m[1]);
    answers.push(lines.slice(at, at + size));
    at += size;
  }
  return answers;
}

/** Parses an answer to a parallel request (`history m` and m call lines) against its program. */
function history(answer: readonly string[], program: Program): CallRecord[] {
  expect(answer[0]).toMatch(/^history \d+$/);
  return answer.slice(1).map((line) => {
    const m = /^(p|[1-8]) (\d+) (\d+) (\d+) (ok(?: \d+){0,2}|err [A-Za-z]+|panic .+|skip)$/.exec(line);
    if (m === null) throw new Error(`not a history line: ${JSON.stringify(line)}`);
    const [, segment, index, invoked, returned, outcome] = m as unknown as [string, string, string, string, string, string];
    const calls = segment === 'p' ? program.prefix : program.threads[Number(segment) - 1];
    const call = calls?.[Number(index)];
    if (call === undefined) throw new Error(`history line ${JSON.stringify(line)} names no call of the program`);
    return { segment, index: Number(index), invoked: BigInt(invoked), returned: BigInt(returned), outcome, call };
  });
}

const runProgram = (binary: string, program: Program, noise = 'off'): CallRecord[] => {
  const [answer] = ask(binary, [encode(noise, program)]);
  return history(answer as string[], program);
};

/** `segment index outcome` per call, in the driver's order (prefix, then thread 1, 2, …). */
const outcomes = (records: readonly CallRecord[]): string[] => records.map((r) => `${r.segment} ${r.index} ${r.outcome}`);

// 1 MiB–128 MiB usable, kernel at 1 MiB (init reserves 16 MiB from there, and the first 1 MiB).
const INIT_A = 'init 0x100000 0x100000+0x7f00000:Usable';
// A second map with other figures, for init racing memory_stats.
const INIT_B = 'init 0x100000 0x100000+0xff00000:Usable';
const PAGE = 4096n;

// ---------------------------------------------------------------- symptoms of the planted races

const frameOf = (r: CallRecord): bigint | undefined => (/^allocate_frame/.test(r.call) && /^ok \d+$/.test(r.outcome) ? BigInt(r.outcome.slice(3)) : undefined);

/** Frames handed out by two calls (the programs checked this way free nothing). */
function handedOutTwice(records: readonly CallRecord[]): bigint[] {
  const seen = new Set<bigint>();
  const twice: bigint[] = [];
  for (const frame of records.map(frameOf)) {
    if (frame === undefined) continue;
    if (seen.has(frame)) twice.push(frame);
    seen.add(frame);
  }
  return twice;
}

/**
 * memory_stats calls whose free figure no order of the calls explains: with allocations only, the
 * free count at the call's moment lies between the initial count less every allocation invoked
 * before the call returned, and the initial count less every allocation that returned before it was
 * invoked.
 */
function statsOutOfReach(records: readonly CallRecord[], initialFree: bigint): CallRecord[] {
  const allocations = records.filter((r) => r.segment !== 'p' && frameOf(r) !== undefined);
  return records.filter((stats) => {
    if (stats.segment === 'p' || stats.call !== 'memory_stats' || !stats.outcome.startsWith('ok ')) return false;
    const free = BigInt(stats.outcome.split(' ')[1] as string) / PAGE;
    const before = BigInt(allocations.filter((a) => a.returned < stats.invoked).length);
    const possibly = BigInt(allocations.filter((a) => a.invoked < stats.returned).length);
    return free > initialFree - before || free < initialFree - possibly;
  });
}

/** memory_stats answers that are neither the figures before nor after the concurrent init. */
const tornStats = (records: readonly CallRecord[], moments: ReadonlySet<string>): CallRecord[] =>
  records.filter((r) => r.segment !== 'p' && r.call === 'memory_stats' && !moments.has(r.outcome));

const repeat = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => item);

/** The racy-prone programs, one per symptom, and the check that finds the symptom in a history. */
interface RaceCheck {
  readonly program: Program;
  readonly symptoms: (records: readonly CallRecord[]) => unknown[];
}

function raceChecks(seedBinary: string): Record<string, RaceCheck> {
  const fourAddresses = ['allocate_frame_at 0x2000000', 'allocate_frame_at 0x2001000', 'allocate_frame_at 0x2002000', 'allocate_frame_at 0x2003000'];
  // The figures before and after INIT_B, from the seed run sequentially.
  const stats = (init: string): string => outcomes(runProgram(seedBinary, { prefix: [init, 'memory_stats'], threads: [[], []] }))[1]?.replace(/^p 1 /, '') ?? '';
  const [statsA, statsB] = [stats(INIT_A), stats(INIT_B)];
  const initialFree = BigInt(statsA.split(' ')[1] as string) / PAGE;
  return {
    'same address from every thread': {
      program: { prefix: [INIT_A], threads: repeat(4, fourAddresses) },
      symptoms: handedOutTwice,
    },
    'allocate_frame from every thread': {
      program: { prefix: [INIT_A], threads: repeat(4, repeat(6, 'allocate_frame')) },
      symptoms: handedOutTwice,
    },
    'memory_stats during allocations': {
      program: { prefix: [INIT_A], threads: repeat(4, ['allocate_frame', 'memory_stats', 'allocate_frame', 'memory_stats', 'allocate_frame', 'memory_stats']) },
      symptoms: (records) => statsOutOfReach(records, initialFree),
    },
    'memory_stats during init': {
      program: { prefix: [INIT_A], threads: [[INIT_B], ...repeat(3, repeat(6, 'memory_stats'))] },
      symptoms: (records) => tornStats(records, new Set([statsA, statsB])),
    },
  };
}

/** Which race check each planted variant must fail. */
const VARIANT_CHECK: Record<string, string> = {
  'racy-allocate-at-check-then-set': 'same address from every thread',
  'racy-allocate-mark-after-unlock': 'allocate_frame from every thread',
  'racy-allocate-count-lost-update': 'memory_stats during allocations',
  'racy-memory-stats-torn-read': 'memory_stats during init',
};

const REQUESTS_PER_VARIANT = 50;
const SEED_REQUESTS_PER_CHECK = 150;
const NOISE_SEED = 20261201n;

/** How many of `n` noisy requests of `check`'s program show its symptom. */
function requestsWithSymptom(binary: string, check: RaceCheck, n: number): number {
  const requests = Array.from({ length: n }, (_, i) => encode(String(NOISE_SEED + BigInt(i)), check.program));
  return ask(binary, requests).filter((answer) => check.symptoms(history(answer, check.program)).length > 0).length;
}

describe.skipIf(skip)(`parallel requests on the Rust seed driver${skip ? ` (skipped: ${unavailable})` : ''}`, () => {
  let seed = '';
  beforeAll(() => {
    if (unavailable !== undefined) throw new Error(`CI=true and ${unavailable}`);
    seed = buildSeedDriver({ profile: 'debug' }).binary;
  });

  it('says version 2 and its thread limit in hello; version-1 requests answer as before', () => {
    const [hello, reset, init, allocate] = ask(seed, ['hello', 'reset', 'init 0x100000+0x7f00000:Usable', 'allocate']);
    expect(hello).toEqual(['framecheck-driver 2 max_frames=4194304 profile=debug name=seed threads=8']);
    expect([reset, init, allocate]).toEqual([['ok'], ['free=32512 total=32512 bit=- ok'], ['free=32511 total=32512 bit=1 ok 256']]);
  });

  it('serves a sequential campaign\'s native target as a version-1 driver would', () => {
    const target = createNativeTarget({ command: [seed] });
    try {
      target.reset();
      target.execute({ op: 'init', map: [{ base: 0x100000n, length: 0x7f00000n, kind: 'Usable' }] });
      expect(target.execute({ op: 'allocate_frame' })).toEqual({ outcome: { kind: 'ok', value: 256 }, free: 32511, total: 32512, frameUsed: true });
    } finally {
      target.close?.();
    }
  });

  it('answers every outcome kind, resolves @p<i> and @<i> references, and skips a reference to no frame', () => {
    const program: Program = {
      prefix: [INIT_A, 'allocate_frame', 'allocate_frame_at 0x2000000', 'deallocate_frame @p1', 'allocate_frame'],
      threads: [
        ['allocate_frame_at 0x2000000', 'deallocate_frame @p2', 'memory_stats'],
        ['allocate_frame_at 0x0', 'deallocate_frame @0', 'allocate_frame_at 0x4000000', 'deallocate_frame @2', 'deallocate_frame @2'],
      ],
    };
    const got = outcomes(runProgram(seed, program));
    // Thread 1's memory_stats: 28416 frames free after init, less the prefix's 4352, less thread 2's
    // 16384 if it holds it at that moment; 32512 frames in all.
    expect(got[7]).toMatch(/^1 2 ok (116387840|116383744) 133169152$/);
    expect(got.filter((_, i) => i !== 7)).toEqual([
      'p 0 ok',
      'p 1 ok 4352',
      'p 2 ok 8192',
      'p 3 ok',
      'p 4 ok 4352',
      '1 0 err FrameInUse',
      '1 1 ok',
      '2 0 err FrameInUse',
      '2 1 skip',
      '2 2 ok 16384',
      '2 3 ok',
      '2 4 ok',
    ]);
    expect(outcomes(runProgram(seed, { prefix: [], threads: [['allocate_frame'], ['memory_stats']] }))).toEqual(['1 0 err NotInitialized', '2 0 ok 0 0']);
    // init's region end overflows u64: debug panics inside the lock, and the other thread still runs.
    const panicked = outcomes(runProgram(seed, { prefix: [], threads: [['init 0x0 0xfffffffffffff000+0x2000:Usable'], ['allocate_frame_at 0x1000', 'memory_stats']] }));
    expect(panicked[0]).toBe('1 0 panic attempt to add with overflow');
    expect(panicked).toHaveLength(3);
  });

  it('answers a malformed request with one error line and keeps serving', () => {
    const malformed = [
      'parallel',
      'parallel off',
      'parallel off | allocate_frame',
      `parallel off ${repeat(9, '| allocate_frame').join(' ')}`,
      'parallel loud | allocate_frame | allocate_frame',
      'parallel 18446744073709551616 | allocate_frame | allocate_frame',
      'parallel off | free_count | allocate_frame',
      'parallel off | allocate_frame ; ; allocate_frame | allocate_frame',
      'parallel off | allocate_frame_at 4096 | allocate_frame',
      'parallel off | allocate_frame 1 | allocate_frame',
      'parallel off | deallocate_frame @0 | allocate_frame',
      'parallel off allocate_frame | deallocate_frame @p1 | allocate_frame',
      'parallel off allocate_frame ; deallocate_frame @p1 | allocate_frame | allocate_frame',
      'parallel off | deallocate_frame @x | allocate_frame',
      'parallel off | deallocate_frame -1 | allocate_frame',
      'parallel off init 0x100000 0x100000+0x1000:Ram | allocate_frame | allocate_frame',
    ];
    const answers = ask(seed, [...malformed, 'parallel off | allocate_frame | allocate_frame']);
    for (const [i, answer] of answers.slice(0, -1).entries()) {
      expect(answer, malformed[i]).toHaveLength(1);
      expect(answer[0], malformed[i]).toMatch(/^error \S/);
    }
    expect(answers.at(-1)?.[0]).toBe('history 2');
  });

  it('runs the prefix before the threads, times each call from one origin, and overlaps the threads', () => {
    const program: Program = { prefix: [INIT_A, 'allocate_frame', 'allocate_frame'], threads: repeat(8, repeat(30, 'allocate_frame')) };
    const answers = ask(seed, Array.from({ length: 40 }, (_, i) => encode(String(i), program)));
    let overlapping = 0;
    for (const answer of answers) {
      const records = history(answer, program);
      expect(records).toHaveLength(3 + 8 * 30);
      const prefix = records.filter((r) => r.segment === 'p');
      const threads = records.filter((r) => r.segment !== 'p');
      for (const r of records) expect(r.invoked <= r.returned).toBe(true);
      // Each segment's calls run in order; the prefix returns before any thread call starts.
      for (const [a, b] of records.slice(1).map((r, i) => [records[i] as CallRecord, r] as const)) {
        if (a.segment === b.segment) expect(a.returned <= b.invoked).toBe(true);
      }
      const prefixEnd = prefix.reduce((end, r) => (r.returned > end ? r.returned : end), 0n);
      for (const r of threads) expect(r.invoked >= prefixEnd).toBe(true);
      // The prefix's two frames are taken before the threads allocate: 242 distinct frames.
      expect(threads.every((r) => /^ok \d+$/.test(r.outcome))).toBe(true);
      expect(handedOutTwice(records)).toEqual([]);
      overlapping += threads.filter((a) => threads.some((b) => a.segment !== b.segment && a.invoked < b.returned && b.invoked < a.returned)).length > 0 ? 1 : 0;
    }
    expect(overlapping).toBeGreaterThan(0);
  });

  describe('planted racy variants', () => {
    it('every variant is generated from the seed by its fixture, with its race named in its header', () => {
      expect(racyVariantNames()).toEqual(Object.keys(VARIANT_CHECK).sort());
      for (const name of racyVariantNames()) {
        const source = racyVariantSource(name);
        expect(source).toMatch(/^\/\/ Planted race: /);
        expect(source).toContain('crate::schedule_noise();');
      }
      expect(() => racyVariantSource('racy-allocate-at-check-then-set', '// a seed without the function\n')).toThrow(/occurs 0 times/);
      expect(() => racyVariantSource('racy-nothing')).toThrow(/no racy variant "racy-nothing"; known: racy-allocate-at-check-then-set/);
    });

    it.each(Object.entries(VARIANT_CHECK))('%s: the race shows in noisy histories, and sequentially it answers as the seed', (name, checkName) => {
      const { binary } = buildRacyDriver(name, 'debug');
      const check = raceChecks(seed)[checkName] as RaceCheck;
      const found = requestsWithSymptom(binary, check, REQUESTS_PER_VARIANT);
      console.log(`${name}: ${found} of ${REQUESTS_PER_VARIANT} requests show "${checkName}"`);
      expect(found).toBeGreaterThan(0);
      // The same calls one at a time (all in the prefix): no difference from the seed.
      const sequential: Program = { prefix: [...check.program.prefix, ...check.program.threads.flat(), 'memory_stats'], threads: [[], []] };
      expect(outcomes(runProgram(binary, sequential))).toEqual(outcomes(runProgram(seed, sequential)));
    });

    it('the unmodified seed shows none of the symptoms', () => {
      for (const [checkName, check] of Object.entries(raceChecks(seed))) {
        expect(requestsWithSymptom(seed, check, SEED_REQUESTS_PER_CHECK), checkName).toBe(0);
      }
    });
  });
});
