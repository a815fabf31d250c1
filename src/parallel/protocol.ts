// Protocol version 2's parallel request and its `history` answer (docs/protocol.md, "Parallel
// requests"): the request line for a program, the program back from a request line (the fake
// driver and counterexample files read it), and the strict decoding of an answer. A driver that
// answers anything but a well-formed history of exactly the calls it was sent is at fault.
import { ALLOCATOR_ERRORS, REGION_KINDS, type AllocatorErrorName, type Outcome, type Region, type RegionKind } from '../targets/step.js';
import { TargetFault } from '../targets/target.js';
import { bySegment, callCount, MAX_THREADS, MIN_THREADS, resolveFrame, segmentCalls, type History, type HistoryCall, type ParallelCall, type ParallelFrameArg, type ParallelProgram } from './program.js';

const hex = (value: bigint): string => `0x${value.toString(16)}`;
const DECIMAL = /^\d+$/;
const HEX = /^0x[0-9a-f]+$/i;

/** `off`, or the seed of the driver's schedule noise. */
export type Noise = 'off' | bigint;

function encodeFrameArg(arg: ParallelFrameArg): string {
  if ('number' in arg) return String(arg.number);
  return 'prefixCall' in arg ? `@p${arg.prefixCall}` : `@${arg.ownCall}`;
}

export function encodeCall(call: ParallelCall): string {
  switch (call.op) {
    case 'init':
      return `init ${hex(call.kernelBase)}${call.map.map((r) => ` ${hex(r.base)}+${hex(r.length)}:${r.kind}`).join('')}`;
    case 'allocate_frame_at':
      return `allocate_frame_at ${hex(call.addr)}`;
    case 'deallocate_frame':
      return `deallocate_frame ${encodeFrameArg(call.frame)}`;
    default:
      return call.op;
  }
}

/** The program as the request writes it after the noise: `<prefix> | <thread 1> | …` (`| <thread 1> | …` with no prefix). */
export const encodeProgram = (program: ParallelProgram): string =>
  [program.prefix, ...program.threads].map((calls) => calls.map(encodeCall).join(' ; ')).join(' | ').trimStart();

export const encodeParallelRequest = (program: ParallelProgram, noise: Noise): string => `parallel ${noise === 'off' ? 'off' : noise.toString(10)} ${encodeProgram(program)}`;

class Malformed extends Error {}

function decodeU64(text: string, what: string): bigint {
  if (!HEX.test(text)) throw new Malformed(`${what} ${JSON.stringify(text)} is not a hex number`);
  const value = BigInt(text);
  if (value >= 1n << 64n) throw new Malformed(`${what} ${text} does not fit in a u64`);
  return value;
}

function decodeRegion(text: string): Region {
  const match = /^([^+]+)\+([^:]+):(.+)$/.exec(text);
  if (match === null) throw new Malformed(`region ${JSON.stringify(text)} is not <base>+<length>:<Kind>`);
  const [, base = '', length = '', kind = ''] = match;
  if (!(REGION_KINDS as readonly string[]).includes(kind)) throw new Malformed(`unknown region kind ${JSON.stringify(kind)}`);
  return { base: decodeU64(base, 'region base'), length: decodeU64(length, 'region length'), kind: kind as RegionKind };
}

function decodeFrameArg(text: string, segment: number, index: number, prefixLength: number): ParallelFrameArg {
  const own = /^@(\d+)$/.exec(text);
  const prefix = /^@p(\d+)$/.exec(text);
  if (own !== null) {
    const ownCall = Number(own[1]);
    if (segment === 0 || ownCall >= index) throw new Malformed(`@${ownCall} does not name an earlier call of the same thread`);
    return { ownCall };
  }
  if (prefix !== null) {
    const prefixCall = Number(prefix[1]);
    if (prefixCall >= (segment === 0 ? index : prefixLength)) throw new Malformed(`@p${prefixCall} does not name an earlier call of the prefix`);
    return { prefixCall };
  }
  if (!DECIMAL.test(text) || !Number.isSafeInteger(Number(text))) throw new Malformed(`frame ${JSON.stringify(text)} is not a frame number or a reference`);
  return { number: Number(text) };
}

function decodeCall(text: string, segment: number, index: number, prefixLength: number): ParallelCall {
  const [op, ...args] = text.split(' ');
  const arity = (n: number): void => {
    if (args.length !== n) throw new Malformed(`${op} takes ${n} argument${n === 1 ? '' : 's'}, got ${JSON.stringify(text)}`);
  };
  switch (op) {
    case 'init': {
      if (args.length < 1) throw new Malformed('init needs the kernel base');
      const [base = '', ...regions] = args;
      return { op, kernelBase: decodeU64(base, 'kernel base'), map: regions.map(decodeRegion) };
    }
    case 'allocate_frame':
    case 'memory_stats':
      arity(0);
      return { op };
    case 'allocate_frame_at':
      arity(1);
      return { op, addr: decodeU64(args[0] as string, 'address') };
    case 'deallocate_frame':
      arity(1);
      return { op, frame: decodeFrameArg(args[0] as string, segment, index, prefixLength) };
    default:
      throw new Malformed(`unknown call ${JSON.stringify(op)}`);
  }
}

/** A program from `<prefix> | <thread 1> | …`; throws an Error with a one-line reason. */
export function decodeProgram(text: string): ParallelProgram {
  try {
    const segments = text.split('|').map((segment) => segment.trim());
    const [prefixText = '', ...threadTexts] = segments;
    if (threadTexts.length < MIN_THREADS || threadTexts.length > MAX_THREADS) throw new Malformed(`${threadTexts.length} thread programs, expected ${MIN_THREADS} to ${MAX_THREADS}`);
    const calls = (segmentText: string, segment: number, prefixLength: number): ParallelCall[] =>
      segmentText === '' ? [] : segmentText.split(';').map((call, index) => decodeCall(call.trim(), segment, index, prefixLength));
    const prefix = calls(prefixText, 0, 0);
    const threads = threadTexts.map((threadText, i) => {
      const thread = calls(threadText, i + 1, prefix.length);
      if (thread.length === 0) throw new Malformed(`thread ${i + 1} has no calls`);
      return thread;
    });
    return { prefix, threads };
  } catch (error) {
    if (error instanceof Malformed) throw new Error(error.message);
    throw error;
  }
}

/** `parallel <noise> <program>` → noise and program; throws an Error with a one-line reason. */
export function decodeParallelRequest(line: string): { noise: Noise; program: ParallelProgram } {
  const match = /^parallel (off|\d+) (.*)$/.exec(line);
  if (match === null) throw new Error('not `parallel <noise> <prefix> | <thread> | <thread> …`');
  const noiseText = match[1] as string;
  if (noiseText !== 'off' && BigInt(noiseText) >= 1n << 64n) throw new Error(`noise seed ${noiseText} does not fit in a u64`);
  return { noise: noiseText === 'off' ? 'off' : BigInt(noiseText), program: decodeProgram(match[2] as string) };
}

// ---------------------------------------------------------------- outcomes and answers

/** An outcome as the protocol writes it (`ok`, `ok <n>`, `ok <a> <b>`, `err <Variant>`, `panic <message>`), or why it is not one. */
export function decodeOutcome(text: string): Outcome | { readonly malformed: string } {
  const space = text.indexOf(' ');
  const kind = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? undefined : text.slice(space + 1);
  if (kind === 'ok') {
    const values = rest === undefined ? [] : rest.split(' ');
    if (!values.every((v) => DECIMAL.test(v) && Number.isSafeInteger(Number(v)))) return { malformed: 'ok with a value that is not a decimal number' };
    const [a, b] = values.map(Number);
    if (values.length === 0) return { kind: 'ok' };
    if (values.length === 1 && a !== undefined) return { kind: 'ok', value: a };
    if (values.length === 2 && a !== undefined && b !== undefined) return { kind: 'ok', value: [a, b] };
    return { malformed: 'ok with more than two values' };
  }
  if (kind === 'err') {
    if (rest === undefined || !(ALLOCATOR_ERRORS as readonly string[]).includes(rest)) return { malformed: 'unknown error variant' };
    return { kind: 'err', error: rest as AllocatorErrorName };
  }
  if (kind === 'panic') return { kind: 'panic', message: rest ?? '' };
  if (kind === 'skip' && rest === undefined) return { kind: 'skipped' };
  return { malformed: 'not ok, err, panic or skip' };
}

export function encodeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return outcome.value === undefined ? 'ok' : `ok ${typeof outcome.value === 'number' ? outcome.value : outcome.value.join(' ')}`;
    case 'err':
      return `err ${outcome.error}`;
    case 'panic':
      return `panic ${outcome.message}`;
    case 'skipped':
      return 'skip';
  }
}

export const encodeHistoryLine = (call: HistoryCall): string =>
  `${call.segment === 0 ? 'p' : call.segment} ${call.index} ${call.invokedNs} ${call.returnedNs} ${encodeOutcome(call.outcome)}`;

/** How many lines follow a `history <m>` header; 0 for anything else (decodeHistory then says why). */
export function historyLength(header: string): number {
  const match = /^history (\d+)$/.exec(header);
  return match === null ? 0 : Math.min(Number(match[1]), 1 << 20);
}

const HISTORY_LINE = /^(p|[1-8]) (\d+) (\d+) (\d+) (.+)$/;

/**
 * The history in a driver's answer — the header and its m lines — checked against the program it
 * was sent: exactly one line per call, times that go forward, outcomes that fit the call, `skip`
 * exactly where a frame reference names a call that returned no frame. Anything else is a
 * `protocol` fault naming the first problem.
 */
export function decodeHistory(lines: readonly string[], program: ParallelProgram): HistoryCall[] {
  const [header = '', ...rest] = lines;
  const fault = (why: string): TargetFault => new TargetFault('protocol', `unexpected answer to a parallel request: ${why}`);
  if (header.startsWith('error')) throw new TargetFault('protocol', `the driver refused a parallel request: ${header}`);
  if (!/^history \d+$/.test(header)) throw fault(`${JSON.stringify(header)} is not \`history <m>\``);
  const expected = callCount(program);
  if (historyLength(header) !== expected) throw fault(`${JSON.stringify(header)} for ${expected} calls`);
  const seen = new Set<string>();
  const calls: HistoryCall[] = [];
  for (const line of rest) {
    const match = HISTORY_LINE.exec(line);
    if (match === null) throw fault(`${JSON.stringify(line)} is not \`<segment> <index> <invoked_ns> <returned_ns> <outcome>\``);
    const [, segmentText = '', indexText = '', invokedText = '', returnedText = '', outcomeText = ''] = match;
    const segment = segmentText === 'p' ? 0 : Number(segmentText);
    const index = Number(indexText);
    const invokedNs = Number(invokedText);
    const returnedNs = Number(returnedText);
    if (segment > program.threads.length || index >= segmentCalls(program, segment).length) throw fault(`${JSON.stringify(line)} names no call of the program`);
    if (seen.has(`${segment} ${index}`)) throw fault(`${JSON.stringify(line)}: a second line for the same call`);
    seen.add(`${segment} ${index}`);
    if (!Number.isSafeInteger(invokedNs) || !Number.isSafeInteger(returnedNs) || returnedNs < invokedNs) throw fault(`${JSON.stringify(line)}: returned before it was invoked`);
    const outcome = decodeOutcome(outcomeText);
    if ('malformed' in outcome) throw fault(`${JSON.stringify(line)}: ${outcome.malformed}`);
    calls.push({ segment, index, invokedNs, returnedNs, outcome });
  }
  calls.sort((a, b) => a.segment - b.segment || a.index - b.index);
  const segments = bySegment(calls);
  for (const call of calls) {
    const made = segmentCalls(program, call.segment)[call.index] as ParallelCall;
    const previous = segments.get(call.segment)?.[call.index - 1];
    const where = `${call.segment === 0 ? 'p' : call.segment} ${call.index}`;
    if (previous !== undefined && call.invokedNs < previous.returnedNs) throw fault(`call ${where} was invoked before the call before it in its segment returned`);
    if (call.segment > 0 && call.invokedNs < Math.max(0, ...(segments.get(0) ?? []).map((p) => p.returnedNs))) throw fault(`call ${where} was invoked before the prefix ended`);
    const unresolved = made.op === 'deallocate_frame' && resolveFrame(made.frame, call.segment, segments) === undefined;
    if (unresolved !== (call.outcome.kind === 'skipped')) throw fault(`call ${where} (${encodeCall(made)}) ${unresolved ? 'names no frame and must be skipped' : 'was skipped'}`);
    const value = call.outcome.kind === 'ok' ? call.outcome.value : undefined;
    const shape = made.op === 'memory_stats' ? 'pair' : made.op === 'allocate_frame' || made.op === 'allocate_frame_at' ? 'frame' : 'none';
    const fits = shape === 'pair' ? Array.isArray(value) : shape === 'frame' ? typeof value === 'number' : value === undefined;
    if (call.outcome.kind === 'ok' && !fits) throw fault(`call ${where} (${encodeCall(made)}) returned ${encodeOutcome(call.outcome)}`);
  }
  return calls;
}

/** A recorded history back from its protocol lines (counterexample files), checked as a driver's answer is. */
export const decodeRecordedHistory = (lines: readonly string[], program: ParallelProgram): History => decodeHistory([`history ${lines.length}`, ...lines], program);
