// After fast-check's shrinking, a second pass over the recorded steps themselves, until nothing
// smaller still shows the same finding: drop steps, drop memory-map entries, and lower every number
// (frame numbers, addresses, sizes) towards its simplest value. fast-check shrinks the generated
// commands, which can leave a step whose value another generator branch could have made smaller, or
// a step that only mattered through a reference; this pass works on the concrete steps a
// counterexample file records, so what is printed is locally minimal: no single removal or
// simplification keeps the failure.
import type { Region, Step } from '../targets/step.js';
import type { ConcreteStep } from '../targets/target.js';

const PAGE = 4096n;

/** Simpler values for a number, simplest first: 0, small, a page, halves, one less. */
function simplerBigints(value: bigint, unit: bigint): bigint[] {
  if (value <= 0n) return [];
  const candidates = [0n, unit, value / 2n - ((value / 2n) % unit), value - unit, value - 1n, value / PAGE * PAGE];
  return [...new Set(candidates)].filter((candidate) => candidate >= 0n && candidate < value);
}

function simplerFrames(value: number | bigint): (number | bigint)[] {
  const big = BigInt(value);
  const candidates = [0n, 1n, 64n, big / 2n, big - 1n];
  return [...new Set(candidates)]
    .filter((candidate) => candidate >= 0n && candidate < big)
    .map((candidate) => (candidate <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(candidate) : candidate));
}

function simplerRegions(region: Region): Region[] {
  return [
    ...simplerBigints(region.base, PAGE).map((base) => ({ ...region, base })),
    ...simplerBigints(region.length, PAGE).map((length) => ({ ...region, length })),
    ...(region.kind !== 'Usable' && region.kind !== 'Reserved' ? [{ ...region, kind: 'Reserved' as const }] : []),
  ];
}

function simplerMaps(map: readonly Region[]): Region[][] {
  const dropOne = map.map((_, i) => [...map.slice(0, i), ...map.slice(i + 1)]);
  const simplerOne = map.flatMap((region, i) => simplerRegions(region).map((simpler) => [...map.slice(0, i), simpler, ...map.slice(i + 1)]));
  return [...dropOne, ...simplerOne];
}

/** Every step one simplification away from `step`. */
export function simplerSteps(step: ConcreteStep): ConcreteStep[] {
  switch (step.op) {
    case 'init':
      return simplerMaps(step.map).map((map) => ({ ...step, map }));
    case 'boot_init':
      return [
        ...simplerMaps(step.map).map((map) => ({ ...step, map })),
        ...simplerBigints(step.kernelPhysicalBase, PAGE).map((kernelPhysicalBase) => ({ ...step, kernelPhysicalBase })),
      ];
    case 'reserve_kernel':
    case 'reserve_range':
      return [
        ...simplerBigints(step.start, PAGE).map((start) => ({ ...step, start })),
        ...simplerBigints(step.size, PAGE).map((size) => ({ ...step, size })),
      ];
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      return simplerFrames(step.frame.number).map((number) => ({ ...step, frame: { number } }));
    case 'allocate_frame_at':
      return simplerBigints(step.addr, PAGE).map((addr) => ({ ...step, addr }));
    default:
      return [];
  }
}

/**
 * Greedy minimisation to a fixed point: first fewer steps (from the end, so that later steps that
 * depend on earlier ones go first), then simpler steps. `stillFails` must be deterministic.
 */
export function minimizeSteps(steps: readonly ConcreteStep[], stillFails: (steps: readonly Step[]) => boolean): ConcreteStep[] {
  let current = [...steps];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const shorter = [...current.slice(0, i), ...current.slice(i + 1)];
      if (stillFails(shorter)) {
        current = shorter;
        changed = true;
      }
    }
    for (let i = 0; i < current.length; i++) {
      for (const simpler of simplerSteps(current[i] as ConcreteStep)) {
        const candidate = [...current.slice(0, i), simpler, ...current.slice(i + 1)];
        if (stillFails(candidate)) {
          current = candidate;
          changed = true;
          break;
        }
      }
    }
  }
  return current;
}
