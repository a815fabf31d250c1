// Steps as JSON, in the seed's units and readable by a kernel developer: addresses and sizes as
// hex strings ("0x100000"), frame numbers as decimal numbers (or decimal strings past 2^53, where
// a JSON number would lose the frame). Decoding validates every field and names what is wrong.
import { REGION_KINDS, U64_MAX, type FrameArg, type Region, type RegionKind, type Step, type StepOp } from '../targets/step.js';

import { MAX_MEMORY_MAP_ENTRIES } from './input-limits.js';

export type JsonStep = Record<string, unknown> & { op: StepOp };

const hex = (value: bigint): string => `0x${value.toString(16)}`;

const encodeFrameNumber = (number: number | bigint): number | string =>
  typeof number === 'bigint' && number > BigInt(Number.MAX_SAFE_INTEGER) ? number.toString() : Number(number);

const encodeRegion = (region: Region): Record<string, string> => ({ base: hex(region.base), length: hex(region.length), kind: region.kind });

function encodeFrame(frame: FrameArg): unknown {
  return 'number' in frame ? encodeFrameNumber(frame.number) : { handedOut: frame.handedOut.back };
}

export function encodeStep(step: Step): JsonStep {
  switch (step.op) {
    case 'init':
      return { op: step.op, map: step.map.map(encodeRegion) };
    case 'boot_init':
      return { op: step.op, kernelPhysicalBase: hex(step.kernelPhysicalBase), map: step.map.map(encodeRegion) };
    case 'reserve_kernel':
    case 'reserve_range':
      return { op: step.op, start: hex(step.start), size: hex(step.size) };
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      return { op: step.op, frame: encodeFrame(step.frame) };
    case 'allocate_frame_at':
      return { op: step.op, addr: hex(step.addr) };
    default:
      return { op: step.op };
  }
}

const NO_ARGUMENT_OPS = new Set<StepOp>(['allocate', 'allocate_frame', 'free_count', 'total_count', 'free_memory', 'total_memory', 'memory_stats']);
const FRAME_OPS = new Set<StepOp>(['allocate_specific', 'deallocate', 'deallocate_frame']);
export const STEP_OPS: readonly StepOp[] = [
  'init', 'boot_init', 'reserve_kernel', 'reserve_range', 'allocate', 'allocate_specific', 'deallocate',
  'free_count', 'total_count', 'free_memory', 'total_memory', 'allocate_frame', 'allocate_frame_at', 'deallocate_frame', 'memory_stats',
];

/** Decoding failed: `where` names the field, e.g. `steps[3].map[0].base`. */
export class DecodeError extends Error {}

const fail = (where: string, problem: string): never => {
  throw new DecodeError(`${where}: ${problem}`);
};

/** A u64 written as "0x..." hex (or a plain safe integer, as users write small ones). */
export function decodeU64(value: unknown, where: string): bigint {
  let result: bigint | undefined;
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) result = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) result = BigInt(value);
  if (result === undefined) return fail(where, `expected a u64 as a "0x..." hex string, got ${JSON.stringify(value)}`);
  if (result > U64_MAX) return fail(where, `${value as string} does not fit in a u64`);
  return result;
}

function decodeFrameNumber(value: unknown, where: string): number | bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^[0-9]+$/.test(value) && BigInt(value) <= U64_MAX) {
    const big = BigInt(value);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return fail(where, `expected a frame number (a non-negative integer, or a decimal string past 2^53), got ${JSON.stringify(value)}`);
}

function decodeRegion(value: unknown, where: string): Region {
  if (typeof value !== 'object' || value === null) return fail(where, 'expected a region { base, length, kind }');
  const { base, length, kind } = value as Record<string, unknown>;
  if (!REGION_KINDS.includes(kind as RegionKind)) return fail(`${where}.kind`, `expected one of ${REGION_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  return { base: decodeU64(base, `${where}.base`), length: decodeU64(length, `${where}.length`), kind: kind as RegionKind };
}

export function decodeMap(value: unknown, where: string): Region[] {
  if (!Array.isArray(value)) return fail(where, 'expected an array of regions');
  if (value.length > MAX_MEMORY_MAP_ENTRIES) return fail(where, `${value.length} regions, over the limit of ${MAX_MEMORY_MAP_ENTRIES} entries of a memory map (no firmware reports more)`);
  return value.map((region, i) => decodeRegion(region, `${where}[${i}]`));
}

function decodeFrame(value: unknown, where: string): FrameArg {
  if (typeof value === 'object' && value !== null && 'handedOut' in value) {
    const back = (value as { handedOut: unknown }).handedOut;
    if (typeof back !== 'number' || !Number.isSafeInteger(back) || back < 0) return fail(`${where}.handedOut`, 'expected a non-negative integer');
    return { handedOut: { back } };
  }
  return { number: decodeFrameNumber(value, where) };
}

export function decodeStep(value: unknown, where: string): Step {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(where, 'expected a step object with an "op"');
  const json = value as Record<string, unknown>;
  const op = json.op as StepOp;
  if (!STEP_OPS.includes(op)) return fail(`${where}.op`, `unknown step ${JSON.stringify(json.op)} (known: ${STEP_OPS.join(', ')})`);
  if (NO_ARGUMENT_OPS.has(op)) return { op } as Step;
  if (FRAME_OPS.has(op)) return { op, frame: decodeFrame(json.frame, `${where}.frame`) } as Step;
  switch (op) {
    case 'init':
      return { op, map: decodeMap(json.map, `${where}.map`) };
    case 'boot_init':
      return { op, map: decodeMap(json.map, `${where}.map`), kernelPhysicalBase: decodeU64(json.kernelPhysicalBase, `${where}.kernelPhysicalBase`) };
    case 'reserve_kernel':
    case 'reserve_range':
      return { op, start: decodeU64(json.start, `${where}.start`), size: decodeU64(json.size, `${where}.size`) };
    default:
      return { op: 'allocate_frame_at', addr: decodeU64(json.addr, `${where}.addr`) };
  }
}
