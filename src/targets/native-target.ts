// A native allocator as a target: a driver program speaking the framecheck line protocol
// (docs/protocol.md) on its stdin/stdout. `AllocatorTarget.execute` is synchronous, so the child's
// stdio are two FIFOs read and written with blocking fs calls. A watchdog worker thread sharing an
// Int32Array with this thread kills the child (its whole process group) when one request takes
// longer than the step timeout; the blocked read then sees end-of-file and the step is reported as
// a `timeout` fault.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { History, ParallelProgram } from '../parallel/program.js';
import { decodeHistory, decodeOutcome, encodeParallelRequest, historyLength, type Noise } from '../parallel/protocol.js';
import type { BuildProfile, Region } from './step.js';
import { TargetFault, type AllocatorTarget, type ConcreteStep, type FrameRange, type StepReport } from './target.js';

export interface NativeTargetOptions {
  /** The driver's argv: program and arguments. */
  readonly command: readonly string[];
  /** How long one request may take before the driver counts as hung (default 10 s). */
  readonly stepTimeoutMs?: number;
  /** Shown in reports; default `native (<driver name> <profile>)`. */
  readonly name?: string;
}

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 1_000;
const EXIT_STATUS_WAIT_MS = 500;
const STDERR_TAIL_LINES = 10;

// ---------------------------------------------------------------- the watchdog

// Slots of the shared Int32Array.
const GEN = 0; // bumped at every arm/disarm/stop; the worker waits on it
const ARMED = 1; // 1 while a request is outstanding
const PID = 2; // the child's pid (its process group id: it is spawned detached)
const TIMEOUT = 3; // ms
const FIRED = 4; // set by the worker when it killed the child
const STOP = 5; // set by close()
const SLOTS = 6;

// Plain CommonJS, evaluated: no loader (tsx, vitest) has to know about it.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.buffer);
const [GEN, ARMED, PID, TIMEOUT, FIRED, STOP] = [${GEN}, ${ARMED}, ${PID}, ${TIMEOUT}, ${FIRED}, ${STOP}];
for (;;) {
  const seen = Atomics.load(ctrl, GEN);
  if (Atomics.load(ctrl, STOP) !== 0) break;
  if (Atomics.load(ctrl, ARMED) === 0) {
    Atomics.wait(ctrl, GEN, seen);
    continue;
  }
  const result = Atomics.wait(ctrl, GEN, seen, Atomics.load(ctrl, TIMEOUT));
  if (result === 'timed-out' && Atomics.load(ctrl, GEN) === seen && Atomics.load(ctrl, ARMED) !== 0) {
    Atomics.store(ctrl, FIRED, 1);
    const pid = Atomics.load(ctrl, PID);
    try { process.kill(-pid, 'SIGKILL'); } catch {}
    // Wait for the main thread to notice (it disarms or stops).
    Atomics.wait(ctrl, GEN, seen);
  }
}
`;

class Watchdog {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;

  constructor(timeoutMs: number) {
    Atomics.store(this.ctrl, TIMEOUT, Math.max(1, Math.min(Math.round(timeoutMs), 2 ** 31 - 1)));
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer: this.ctrl.buffer } });
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  setPid(pid: number): void {
    Atomics.store(this.ctrl, PID, pid);
  }

  get fired(): boolean {
    return Atomics.load(this.ctrl, FIRED) !== 0;
  }

  arm(timeoutMs?: number): void {
    if (timeoutMs !== undefined) Atomics.store(this.ctrl, TIMEOUT, Math.max(1, Math.round(timeoutMs)));
    Atomics.store(this.ctrl, ARMED, 1);
    this.bump();
  }

  disarm(): void {
    Atomics.store(this.ctrl, ARMED, 0);
    this.bump();
  }

  stop(): void {
    Atomics.store(this.ctrl, ARMED, 0);
    Atomics.store(this.ctrl, STOP, 1);
    this.bump();
    void this.worker.terminate().catch(() => undefined);
  }

  private bump(): void {
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
  }
}

// ---------------------------------------------------------------- encoding and decoding

const hex = (value: bigint | number): string => `0x${BigInt(value).toString(16)}`;

function decimal(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`frame number ${value} is not an exact integer: pass a bigint`);
  }
  if (BigInt(value) < 0n) throw new RangeError(`frame number ${value} is negative`);
  return BigInt(value).toString(10);
}

const encodeRegion = (region: Region): string => `${hex(region.base)}+${hex(region.length)}:${region.kind}`;
const encodeMap = (map: readonly Region[]): string => map.map((r) => ` ${encodeRegion(r)}`).join('');

/** The request line for a step (without the newline). */
export function encodeStep(step: ConcreteStep): string {
  switch (step.op) {
    case 'init':
      return `init${encodeMap(step.map)}`;
    case 'boot_init':
      return `boot_init ${hex(step.kernelPhysicalBase)}${encodeMap(step.map)}`;
    case 'reserve_kernel':
    case 'reserve_range':
      return `${step.op} ${hex(step.start)} ${hex(step.size)}`;
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      return `${step.op} ${decimal(step.frame.number)}`;
    case 'allocate_frame_at':
      return `allocate_frame_at ${hex(step.addr)}`;
    case 'allocate':
    case 'allocate_frame':
    case 'free_count':
    case 'total_count':
    case 'free_memory':
    case 'total_memory':
    case 'memory_stats':
      return step.op;
  }
}

const STEP_ANSWER = /^free=(\d+) total=(\d+) bit=([01-]) ((?:ok|err|panic)(?: .*)?)$/;
const NUMBER = /^\d+$/;

/** The StepReport for a step's answer line; throws a `protocol` fault when it does not parse. */
export function decodeStepAnswer(line: string, request: string): StepReport {
  if (line.startsWith('error')) throw new TargetFault('protocol', `the driver refused ${JSON.stringify(request)}: ${line}`);
  const match = STEP_ANSWER.exec(line);
  const bad = (why: string): TargetFault =>
    new TargetFault('protocol', `unexpected answer to ${JSON.stringify(request)}: ${JSON.stringify(line)} (${why})`);
  if (match === null) throw bad('not `free=<n> total=<n> bit=<0|1|-> <outcome>`');
  const [, free = '', total = '', bit = '', outcomeText = ''] = match;
  const outcome = decodeOutcome(outcomeText);
  if ('malformed' in outcome) throw bad(outcome.malformed);
  return {
    outcome,
    free: Number(free),
    total: Number(total),
    ...(bit !== '-' && { frameUsed: bit === '1' }),
  };
}

/** `ranges <a>-<b> ...` → ranges; throws a `protocol` fault when it does not parse. */
export function decodeRanges(line: string): FrameRange[] {
  const [head, ...runs] = line.split(' ');
  if (head !== 'ranges') throw new TargetFault('protocol', `unexpected answer to "free_ranges": ${JSON.stringify(line)}`);
  return runs.map((run): FrameRange => {
    const m = /^(\d+)-(\d+)$/.exec(run);
    if (m === null) throw new TargetFault('protocol', `unexpected run ${JSON.stringify(run)} in the answer to "free_ranges": ${JSON.stringify(line)}`);
    return [Number(m[1]), Number(m[2])];
  });
}

interface Hello {
  /** 1, or 2 for a driver that also runs parallel requests. */
  readonly version: 1 | 2;
  /** The most thread programs a version-2 driver accepts; 0 for version 1. */
  readonly threads: number;
  readonly maxFrames: number;
  readonly profile: BuildProfile;
  readonly name: string;
}

function parseHello(line: string): Hello {
  const [magic, version, ...fields] = line.split(' ');
  // Version 2 adds parallel requests and keeps every version-1 request: both serve sequential campaigns.
  if (magic !== 'framecheck-driver' || (version !== '1' && version !== '2')) {
    throw new TargetFault('start', `the driver's hello is not \`framecheck-driver 1 ...\` or \`framecheck-driver 2 ...\`: ${JSON.stringify(line)}`);
  }
  const values = new Map(fields.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as const));
  const maxFrames = Number(values.get('max_frames'));
  const profile = values.get('profile');
  if (!Number.isSafeInteger(maxFrames) || maxFrames <= 0 || !NUMBER.test(values.get('max_frames') ?? '')) {
    throw new TargetFault('start', `the driver's hello has no valid max_frames: ${JSON.stringify(line)}`);
  }
  if (profile !== 'debug' && profile !== 'release') {
    throw new TargetFault('start', `the driver's hello has no valid profile: ${JSON.stringify(line)}`);
  }
  const threads = version === '2' ? Number(values.get('threads')) : 0;
  if (version === '2' && (!NUMBER.test(values.get('threads') ?? '') || threads < 2)) {
    throw new TargetFault('start', `the driver's hello has no valid threads (2 or more): ${JSON.stringify(line)}`);
  }
  return { version: version === '2' ? 2 : 1, threads, maxFrames, profile, name: values.get('name') || 'driver' };
}

// ---------------------------------------------------------------- the child

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** Sleeps this thread (the event loop too) for `ms`. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A zombie's wait status from /proc (Linux), before Node reaps it: field 52 of /proc/<pid>/stat. */
function procExitStatus(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); field 52 is fields[49].
    if (fields[0] !== 'Z') return undefined;
    const status = Number(fields[49]);
    return Number.isInteger(status) ? status : undefined;
  } catch {
    return undefined;
  }
}

function describeWaitStatus(status: number): string {
  const signal = status & 0x7f;
  if (signal === 0) return `exit status ${(status >> 8) & 0xff}`;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === signal)?.[0];
  return `killed by signal ${name ?? signal}`;
}

/** A native driver: every driver is a target; a version-2 driver also runs parallel programs. */
export interface NativeTarget extends AllocatorTarget {
  readonly protocolVersion: 1 | 2;
  /** The most thread programs the driver accepts (0 for a version-1 driver). */
  readonly threads: number;
  /** Runs a parallel program (protocol version 2) and returns its history, checked against the program. */
  parallel(program: ParallelProgram, noise: Noise): History;
}

export function createNativeTarget(options: NativeTargetOptions): NativeTarget {
  const [program, ...args] = options.command;
  if (program === undefined || program === '') throw new TargetFault('start', 'the driver command is empty');
  const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const commandText = options.command.join(' ');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framecheck-native-'));
  const inPath = path.join(dir, 'in');
  const outPath = path.join(dir, 'out');
  const errPath = path.join(dir, 'stderr');

  let errRead: number | undefined; // our read end of the child's stderr file
  let toChild: number | undefined; // our write end of `in`
  let fromChild: number | undefined; // our read end of `out`
  let child: ChildProcess | undefined;
  let watchdog: Watchdog | undefined;
  let exitStatus: string | undefined; // from the 'exit' event, when the event loop got to run
  let failure: TargetFault | undefined; // once the child is gone, every call fails like this
  let closed = false;
  let pending = '';
  const readBuffer = Buffer.alloc(64 * 1024);

  const stderrLines = (): string[] => {
    try {
      if (errRead === undefined) return [];
      const size = fs.fstatSync(errRead).size;
      const tail = Buffer.alloc(Math.min(size, 64 * 1024));
      fs.readSync(errRead, tail, 0, tail.length, size - tail.length);
      return tail.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-STDERR_TAIL_LINES);
    } catch {
      return [];
    }
  };
  const stderrTail = (lines = stderrLines()): string => (lines.length === 0 ? '' : `; last lines of its stderr:\n${lines.join('\n')}`);

  const childStatus = (): string => {
    const pid = child?.pid;
    for (let waited = 0; exitStatus === undefined && pid !== undefined; waited += 10) {
      const status = procExitStatus(pid);
      if (status !== undefined) return describeWaitStatus(status);
      if (waited >= EXIT_STATUS_WAIT_MS) break;
      sleepSync(10);
    }
    return exitStatus ?? 'exit status unknown';
  };

  const killGroup = (): void => {
    const pid = child?.pid;
    if (pid === undefined) return;
    try {
      // The whole process group (the child was spawned detached, so its pid is the group id):
      // a shell wrapper's children must not keep the FIFO open.
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };

  /**
   * The FIFOs and the stderr file are used through open descriptors only, so their folder goes as
   * soon as the child has them: an interrupted or killed campaign leaves nothing in the temp dir.
   */
  const removeFolder = (): void => {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  };

  const cleanup = (): void => {
    closeQuietly(toChild);
    closeQuietly(fromChild);
    closeQuietly(errRead);
    toChild = undefined;
    fromChild = undefined;
    errRead = undefined;
    watchdog?.stop();
    removeFolder();
  };

  /** The child is gone or unusable: remember why, kill what is left, and throw. */
  const fail = (fault: TargetFault): never => {
    failure ??= fault;
    killGroup();
    throw fault;
  };

  /** Writes a request line and reads its answer — one line, and `more(first)` lines after it — under the watchdog. */
  const exchange = (line: string, phase: 'start' | 'run', more: (first: string) => number): string[] => {
    if (failure !== undefined) throw failure;
    if (closed || toChild === undefined || fromChild === undefined) throw new TargetFault('crash', `the driver ${commandText} is closed`);
    const gone = (what: string): TargetFault => {
      const stderr = stderrLines();
      if (watchdog?.fired) {
        const message = `the driver ${commandText} did not answer ${JSON.stringify(line)} within ${stepTimeoutMs} ms (killed)`;
        return new TargetFault(phase === 'start' ? 'start' : 'timeout', message, { status: `killed after ${stepTimeoutMs} ms without an answer`, stderrTail: stderr });
      }
      const status = childStatus();
      const message = `the driver ${commandText} ${what} on ${JSON.stringify(line)} (${status})${stderrTail(stderr)}`;
      return new TargetFault(phase === 'start' ? 'start' : 'crash', message, { status, stderrTail: stderr });
    };
    watchdog?.arm();
    try {
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      try {
        for (let off = 0; off < bytes.length; ) off += fs.writeSync(toChild, bytes, off, bytes.length - off);
      } catch (error) {
        return fail(gone(`stopped reading (${(error as NodeJS.ErrnoException).code ?? String(error)})`));
      }
      const answer: string[] = [];
      for (;;) {
        const newline = pending.indexOf('\n');
        if (newline >= 0) {
          const text = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          answer.push(text.endsWith('\r') ? text.slice(0, -1) : text);
          if (answer.length === 1 + more(answer[0] as string)) return answer;
          continue;
        }
        let n: number;
        try {
          n = fs.readSync(fromChild, readBuffer, 0, readBuffer.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          return fail(gone(`could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`));
        }
        if (n === 0) return fail(gone(pending === '' ? 'exited' : `exited in the middle of an answer (${JSON.stringify(pending)})`));
        pending += readBuffer.toString('utf8', 0, n);
      }
    } finally {
      watchdog?.disarm();
    }
  };

  const request = (line: string, phase: 'start' | 'run'): string => exchange(line, phase, () => 0)[0] as string;

  const protocolFault = (fault: unknown): never => {
    if (fault instanceof TargetFault && fault.fault === 'protocol') failure ??= fault;
    throw fault;
  };

  // ---- start: FIFOs opened so that nothing blocks (a reader opened non-blocking first lets the
  // writer's open return at once; then a blocking reader is opened beside it and the first closed).
  let hello: Hello;
  try {
    try {
      execFileSync('mkfifo', ['-m', '600', inPath, outPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new TargetFault('start', `cannot create FIFOs with mkfifo: ${(error as Error).message}`);
    }
    let childIn: number | undefined;
    let childOut: number | undefined;
    let errFd: number | undefined;
    try {
      const inProbe = fs.openSync(inPath, O_RDONLY | O_NONBLOCK);
      toChild = fs.openSync(inPath, O_WRONLY);
      childIn = fs.openSync(inPath, O_RDONLY);
      closeQuietly(inProbe);
      const outProbe = fs.openSync(outPath, O_RDONLY | O_NONBLOCK);
      childOut = fs.openSync(outPath, O_WRONLY);
      fromChild = fs.openSync(outPath, O_RDONLY);
      closeQuietly(outProbe);
      errFd = fs.openSync(errPath, 'w');
      errRead = fs.openSync(errPath, 'r');
      watchdog = new Watchdog(stepTimeoutMs);
      child = spawn(program, args, { stdio: [childIn, childOut, errFd], detached: true });
      child.on('error', () => undefined);
      child.on('exit', (code, signal) => {
        exitStatus = signal !== null ? `killed by signal ${signal}` : `exit status ${code}`;
      });
      child.unref();
      removeFolder();
    } catch (error) {
      if (error instanceof TargetFault) throw error;
      throw new TargetFault('start', `cannot start the driver ${commandText}: ${(error as Error).message}`);
    } finally {
      // The child holds its own copies; ours would keep the FIFOs open after it exits.
      closeQuietly(childIn);
      closeQuietly(childOut);
      closeQuietly(errFd);
    }
    if (child.pid === undefined) {
      throw new TargetFault('start', `cannot start the driver ${commandText} (no such program, or not executable)`);
    }
    watchdog.setPid(child.pid);
    let line: string;
    try {
      line = request('hello', 'start');
    } catch (error) {
      if (error instanceof TargetFault) throw new TargetFault('start', error.message);
      throw error;
    }
    hello = parseHello(line);
  } catch (error) {
    killGroup();
    cleanup();
    throw error;
  }

  return {
    name: options.name ?? `native (${hello.name} ${hello.profile})`,
    maxFrames: hello.maxFrames,
    protocolVersion: hello.version,
    threads: hello.threads,
    parallel(program: ParallelProgram, noise: Noise): History {
      const answer = exchange(encodeParallelRequest(program, noise), 'run', historyLength);
      try {
        return decodeHistory(answer, program);
      } catch (fault) {
        return protocolFault(fault);
      }
    },
    reset(): void {
      const answer = request('reset', 'run');
      if (answer !== 'ok') protocolFault(new TargetFault('protocol', `unexpected answer to "reset": ${JSON.stringify(answer)}`));
    },
    execute(step: ConcreteStep): StepReport {
      const line = encodeStep(step);
      const answer = request(line, 'run');
      try {
        return decodeStepAnswer(answer, line);
      } catch (fault) {
        return protocolFault(fault);
      }
    },
    freeRanges(): FrameRange[] {
      const answer = request('free_ranges', 'run');
      try {
        return decodeRanges(answer);
      } catch (fault) {
        return protocolFault(fault);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (failure === undefined && toChild !== undefined && fromChild !== undefined) {
        // `quit`, then wait (briefly, under the watchdog) for end-of-file: the driver has exited.
        let exited = false;
        try {
          fs.writeSync(toChild, 'quit\n');
          closeQuietly(toChild);
          toChild = undefined;
          watchdog?.arm(CLOSE_GRACE_MS);
          for (;;) {
            const n = fs.readSync(fromChild, readBuffer, 0, readBuffer.length, null);
            if (n === 0) {
              exited = !(watchdog?.fired ?? false);
              break;
            }
          }
        } catch {
          /* it is gone or going */
        } finally {
          watchdog?.disarm();
        }
        if (!exited) killGroup();
      } else {
        killGroup();
      }
      cleanup();
    },
  };
}
