// Scenario labels, as QuickCheck's `label`/`cover`: each run is labelled with the scenarios it
// reached, and a campaign fails when a scenario is reached in fewer runs than its requirement —
// fast-check has no coverage requirements, so a generator that silently stops reaching exhaustion
// or wraparound would otherwise go unnoticed.
import type { FrameModel } from '../models/index.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX, type Outcome, type Region } from '../src/targets/step.js';
import type { ConcreteStep } from '../src/targets/target.js';
import type { Scope } from './scope.js';

export const LABELS = {
  'use-before-init': 'a call before init',
  're-init': 'init on an allocator already initialized',
  'boot-init': 'the global init(boot_info)',
  'overlapping-map': 'a memory map whose entries overlap',
  'unaligned-region': 'a region that starts or ends inside a frame',
  'region-beyond-capacity': 'a region reaching past the bitmap\'s capacity',
  'out-of-memory': 'an allocation with no free frame left',
  'wraparound': 'an allocation with every free frame below the hint (the seed\'s wrap-around loop finds it)',
  'hint-at-top': 'an allocation with the hint in the bitmap\'s last word or past its end',
  'frame-reused': 'a freed frame handed out again',
  'double-free': 'a frame freed while it is free',
  'out-of-range-frame': 'a frame at or beyond MAX_FRAMES',
  'reserved-frame-targeted': 'allocate_specific or deallocate on a reserved or never-usable frame',
  'address-above-52-bits': 'an address with bits above the 52 physical ones',
  'size-rounding-overflow': 'a reservation whose size rounds up past 2^64',
} as const;

export type Label = keyof typeof LABELS;

/** Smallest share of runs that must reach each scenario, per scope. */
export const COVERAGE_REQUIREMENTS: Readonly<Record<Scope['name'], Partial<Record<Label, number>>>> = {
  small: {
    'use-before-init': 0.05,
    're-init': 0.2,
    'boot-init': 0.1,
    'overlapping-map': 0.2,
    'unaligned-region': 0.2,
    'region-beyond-capacity': 0.1,
    'out-of-memory': 0.2,
    // No requirement for 'wraparound': every frame below the hint is in use whenever the counters are
    // right (init sets it to 0, allocate past the frame it takes, deallocate lowers it to the freed
    // frame), so the wrap-around loop only runs after a counting defect. Reported, never required.
    'hint-at-top': 0.01,
    'frame-reused': 0.2,
    'double-free': 0.2,
    'out-of-range-frame': 0.2,
    'reserved-frame-targeted': 0.3,
    'address-above-52-bits': 0.2,
    'size-rounding-overflow': 0.05,
  },
  full: {
    'use-before-init': 0.05,
    're-init': 0.2,
    'overlapping-map': 0.1,
    'region-beyond-capacity': 0.1,
    'double-free': 0.2,
    'out-of-range-frame': 0.2,
    'reserved-frame-targeted': 0.2,
    'address-above-52-bits': 0.2,
  },
};


/** What a run remembers for labelling beyond the model: the frames freed so far. */
export interface LabelMemory {
  readonly freed: Set<number>;
}

/** Labels a step earns, judged by the model as it was before the step and what the step returned. */
export function labelStep(step: ConcreteStep, model: FrameModel, outcome: Outcome, memory: LabelMemory, into: Set<Label>): void {
  switch (step.op) {
    case 'init':
    case 'boot_init':
      if (model.initialized) into.add('re-init');
      if (step.op === 'boot_init') into.add('boot-init');
      labelMap(step.map, model.maxFrames, into);
      if (step.op === 'boot_init' && step.kernelPhysicalBase >= PHYS_ADDR_LIMIT) into.add('address-above-52-bits');
      return;
    case 'allocate':
    case 'allocate_frame':
      if (!model.initialized) into.add('use-before-init');
      else if (model.freeCount() === 0) into.add('out-of-memory');
      else if (model.freeFrames().firstAtOrAfter(model.hint) === undefined) into.add('wraparound');
      if (model.initialized && model.hint >= model.maxFrames - 64) into.add('hint-at-top');
      if (outcome.kind === 'ok' && memory.freed.has(outcome.value as number)) into.add('frame-reused');
      return;
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      labelFrame(step.frame.number, step.op !== 'allocate_specific', model, into);
      return;
    case 'allocate_frame_at':
      if (step.addr >= PHYS_ADDR_LIMIT) into.add('address-above-52-bits');
      else labelFrame(step.addr / PAGE, false, model, into);
      return;
    case 'reserve_kernel':
    case 'reserve_range':
      if (step.start >= PHYS_ADDR_LIMIT) into.add('address-above-52-bits');
      if (step.size > U64_MAX - PAGE + 1n) into.add('size-rounding-overflow');
      return;
    default:
      if (!model.initialized) into.add('use-before-init');
  }
}

function labelFrame(frame: number | bigint, freeing: boolean, model: FrameModel, into: Set<Label>): void {
  if (!model.initialized) into.add('use-before-init');
  if (frame >= model.maxFrames) {
    into.add('out-of-range-frame');
    return;
  }
  const status = model.statusOf(Number(frame));
  if (status === 'reserved' || status === 'never-usable') into.add('reserved-frame-targeted');
  if (freeing && status === 'free' && model.initialized) into.add('double-free');
}

function labelMap(map: readonly Region[], maxFrames: number, into: Set<Label>): void {
  const capacityEnd = BigInt(maxFrames) * PAGE;
  const sorted = [...map].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  sorted.forEach((region, i) => {
    const end = region.base + region.length;
    if (region.base % PAGE !== 0n || end % PAGE !== 0n) into.add('unaligned-region');
    if (end > capacityEnd) into.add('region-beyond-capacity');
    if (region.base >= PHYS_ADDR_LIMIT || end > PHYS_ADDR_LIMIT) into.add('address-above-52-bits');
    const next = sorted[i + 1];
    if (next !== undefined && next.base < end && region.length > 0n && next.length > 0n) into.add('overlapping-map');
  });
}
