// After fast-check's shrinking, a second pass over the recorded steps themselves, until nothing
// smaller still shows the same finding: drop steps, drop memory-map entries, plainer region kinds,
// and every number (frame numbers, addresses, sizes) lowered to the smallest value that still fails,
// found by binary search as Hypothesis shrinks integers — one less at a time would take 2^52 tries
// for an address that must stay above 52 bits. fast-check shrinks the generated commands, which can
// leave a value another generator branch could have made smaller, or a step that mattered only
// through a reference; this pass works on the concrete steps a counterexample file records, so
// what is printed is locally minimal: no single removal or lowering keeps the failure.
// Local is not always minimal: `init([])` then `allocate_frame_at(2^52)` shows the masking defect,
// and so does the single `init` of a region at 2^52, but no single change moves the address from
// one call into the other. So the greedy pass is followed by a bounded search for fewer steps
// built from the counterexample's own steps and numbers, and the greedy pass runs again on what
// it finds.
// Numbers that move together — a region's base and a frame inside it, a reservation and the frame
// it covers — cannot be lowered one at a time (each alone breaks the failure), so clusters of
// nearby positions are also shifted down together, by a binary-searched distance. And a simpler
// form can lie above: a base raised to its 64-frame bitmap word boundary is simpler than an odd
// one just below it (simplerValue). All of it runs within a budget of time and predicate runs;
// when that runs out, the smallest counterexample so far is returned and the budget says so.
import { PAGE, U64_MAX, type Region, type Step } from '../targets/step.js';
import { formatStep } from '../targets/step-format.js';
import type { ConcreteStep } from '../targets/target.js';


type Predicate = (steps: readonly Step[]) => boolean;

/** How much a minimisation may spend; `cutShort` is set when it ran out before a fixed point. */
export interface ShrinkBudget {
  readonly deadline: number;
  probesLeft: number;
  readonly now: () => number;
  cutShort: boolean;
}

export const unlimitedBudget = (): ShrinkBudget => ({ deadline: Number.POSITIVE_INFINITY, probesLeft: Number.POSITIVE_INFINITY, now: Date.now, cutShort: false });

/** The predicate within the budget: out of budget, every candidate counts as passing (the current counterexample stays). */
function budgeted(stillFails: Predicate, budget: ShrinkBudget): Predicate {
  return (steps) => {
    if (budget.cutShort || budget.probesLeft <= 0 || budget.now() >= budget.deadline) {
      budget.cutShort = true;
      return false;
    }
    budget.probesLeft--;
    return stillFails(steps);
  };
}

/** One number inside a step: its value, and the step with that number replaced. */
interface NumberSlot {
  readonly value: bigint;
  /** The number's unit: PAGE for bytes, 1 for frame numbers. */
  readonly unit: bigint;
  /** A position in memory (a base, a start, an address, a frame), not a length or size. */
  readonly position: boolean;
  /** The start of a range (a region's base, a reservation's start): simpler on a bitmap word boundary. */
  readonly rangeStart?: boolean;
  with(value: bigint): ConcreteStep;
}

/** Frames in one bitmap word: a position on a word boundary reads simpler than one beside it. */
const WORD_FRAMES = 64n;

/**
 * Is `a` a simpler value than `b` for this slot? Fewer bitmap words (pages, for other numbers)
 * first; within one, the boundary itself; then the smaller value. A total order with nothing
 * below 0, so the greedy pass always ends.
 */
export function simplerValue(a: bigint, b: bigint, slot: Pick<NumberSlot, 'unit' | 'rangeStart'>): boolean {
  const step = slot.rangeStart === true ? slot.unit * WORD_FRAMES : slot.unit;
  const [wordA, wordB] = [(a + step - 1n) / step, (b + step - 1n) / step];
  if (wordA !== wordB) return wordA < wordB;
  const [alignedA, alignedB] = [a % step === 0n, b % step === 0n];
  if (alignedA !== alignedB) return alignedA;
  return a < b;
}

const usize = (value: bigint): number | bigint => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);

function regionSlots(map: readonly Region[], rebuild: (map: Region[]) => ConcreteStep): NumberSlot[] {
  return map.flatMap((region, i) => {
    const replaced = (changed: Region): ConcreteStep => rebuild([...map.slice(0, i), changed, ...map.slice(i + 1)]);
    return [
      { value: region.base, unit: PAGE, position: true, rangeStart: true, with: (base: bigint) => replaced({ ...region, base }) },
      { value: region.length, unit: PAGE, position: false, with: (length: bigint) => replaced({ ...region, length }) },
    ];
  });
}

/** The numbers of a step, each of which the minimiser tries to lower. */
export function numberSlots(step: ConcreteStep): NumberSlot[] {
  switch (step.op) {
    case 'init':
      return regionSlots(step.map, (map) => ({ ...step, map }));
    case 'boot_init':
      return [
        ...regionSlots(step.map, (map) => ({ ...step, map })),
        { value: step.kernelPhysicalBase, unit: PAGE, position: true, rangeStart: true, with: (kernelPhysicalBase) => ({ ...step, kernelPhysicalBase }) },
      ];
    case 'reserve_kernel':
    case 'reserve_range':
      return [
        { value: step.start, unit: PAGE, position: true, rangeStart: true, with: (start) => ({ ...step, start }) },
        { value: step.size, unit: PAGE, position: false, with: (size) => ({ ...step, size }) },
      ];
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      return [{ value: BigInt(step.frame.number), unit: 1n, position: true, with: (number) => ({ ...step, frame: { number: usize(number) } }) }];
    case 'allocate_frame_at':
      return [{ value: step.addr, unit: PAGE, position: true, with: (addr) => ({ ...step, addr }) }];
    default:
      return [];
  }
}

/** Steps one structural simplification away: boot_init as a plain init, a memory-map entry dropped, a rarer kind made Reserved. */
export function simplerSteps(step: ConcreteStep): ConcreteStep[] {
  if (step.op !== 'init' && step.op !== 'boot_init') return [];
  const { map } = step;
  const dropOne = map.map((_, i) => [...map.slice(0, i), ...map.slice(i + 1)]);
  const plainerKind = map.flatMap((region, i) =>
    region.kind === 'Usable' || region.kind === 'Reserved' ? [] : [[...map.slice(0, i), { ...region, kind: 'Reserved' as const }, ...map.slice(i + 1)]],
  );
  const simpler = [...dropOne, ...plainerKind].map((map): ConcreteStep => ({ ...step, map }));
  // The global init(boot_info) is FrameAllocator::init plus two reservations: try the plain init.
  return step.op === 'boot_init' ? [{ op: 'init', map: step.map }, ...simpler] : simpler;
}

/**
 * The simplest value for which the run still fails: the lowest in [0, slot.value] by binary search
 * (it assumes failing is mostly monotone in the value, and only ever returns a value that was seen
 * failing), then raised to its word boundary or page when that fails as well.
 */
function simplestFailing(slot: NumberSlot, fails: (value: bigint) => boolean): bigint {
  if (slot.value === 0n) return 0n;
  if (fails(0n)) return 0n;
  let passing = 0n;
  let failing = slot.value;
  while (failing - passing > 1n) {
    const mid = passing + (failing - passing) / 2n;
    if (fails(mid)) failing = mid;
    else passing = mid;
  }
  const rounder = [...(slot.rangeStart === true ? [slot.unit * WORD_FRAMES] : []), slot.unit].map((step) => ((failing + step - 1n) / step) * step);
  return rounder.find((value) => simplerValue(value, failing, slot) && simplerValue(value, slot.value, slot) && fails(value)) ?? failing;
}

/** Positions within this many frames of each other move together. */
const CLUSTER_GAP_FRAMES = 1n << 20n;

/** Every position of the steps, as (step, slot) pairs, in clusters of nearby frames. */
function positionClusters(steps: readonly ConcreteStep[]): { step: number; slot: number; frame: bigint }[][] {
  const positions = steps.flatMap((step, i) => numberSlots(step).flatMap((slot, s) => (slot.position ? [{ step: i, slot: s, frame: (slot.value * slot.unit) / PAGE }] : [])));
  positions.sort((a, b) => (a.frame < b.frame ? -1 : a.frame > b.frame ? 1 : 0));
  const clusters: (typeof positions)[] = [];
  for (const position of positions) {
    const last = clusters.at(-1);
    if (last !== undefined && position.frame - (last.at(-1) as (typeof positions)[number]).frame <= CLUSTER_GAP_FRAMES) last.push(position);
    else clusters.push([position]);
  }
  return clusters;
}

/** The steps with every position of a cluster moved down by `frames` frames. */
function shifted(steps: readonly ConcreteStep[], cluster: readonly { step: number; slot: number }[], frames: bigint): ConcreteStep[] {
  const result = [...steps];
  for (const { step, slot } of cluster) {
    const number = numberSlots(result[step] as ConcreteStep)[slot] as NumberSlot;
    const by = number.unit === 1n ? frames : frames * PAGE;
    result[step] = number.with(number.value - by);
  }
  return result;
}

/** Each cluster of positions moved down together as far as the failure allows (binary search on the distance). */
function shiftClustersDown(steps: readonly ConcreteStep[], stillFails: Predicate): ConcreteStep[] | undefined {
  let current = [...steps];
  let moved = false;
  for (const cluster of positionClusters(current)) {
    if (cluster.length < 2) continue;
    const lowest = (cluster[0] as { frame: bigint }).frame;
    if (lowest === 0n) continue;
    let [failing, passing] = [0n, lowest + 1n];
    if (stillFails(shifted(current, cluster, lowest))) failing = lowest;
    else {
      while (passing - failing > 1n) {
        const mid = failing + (passing - failing) / 2n;
        if (stillFails(shifted(current, cluster, mid))) failing = mid;
        else passing = mid;
      }
    }
    if (failing > 0n) {
      current = shifted(current, cluster, failing);
      moved = true;
    }
  }
  return moved ? current : undefined;
}

/**
 * Greedy minimisation to a fixed point: first fewer steps (from the end, so that later steps that
 * depend on earlier ones go first), then structurally simpler steps, then lower numbers.
 */
function locallyMinimal(steps: readonly ConcreteStep[], stillFails: Predicate): ConcreteStep[] {
  let current = [...steps];
  const replaced = (i: number, step: ConcreteStep): ConcreteStep[] => [...current.slice(0, i), step, ...current.slice(i + 1)];
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
      const simpler = simplerSteps(current[i] as ConcreteStep).find((candidate) => stillFails(replaced(i, candidate)));
      if (simpler !== undefined) {
        current = replaced(i, simpler);
        changed = true;
      }
    }
    for (let i = 0; i < current.length; i++) {
      // Slots are re-read after each lowering: lowering a region's base changes the step.
      for (let s = 0; s < numberSlots(current[i] as ConcreteStep).length; s++) {
        const slot = numberSlots(current[i] as ConcreteStep)[s] as NumberSlot;
        const simplest = simplestFailing(slot, (value) => stillFails(replaced(i, slot.with(value))));
        if (simplerValue(simplest, slot.value, slot)) {
          current = replaced(i, slot.with(simplest));
          changed = true;
        }
      }
    }
    const together = shiftClustersDown(current, stillFails);
    if (together !== undefined) {
      current = together;
      changed = true;
    }
  }
  return current;
}

/**
 * Runs of the predicate the search for fewer steps may spend in one minimisation. A full-scope run
 * takes about 0.1 ms when it starts with init and 1.3 ms when it does not (the end-of-run bitmap
 * check walks 4 Mi free frames), so this keeps the search under a second. Two-step counterexamples
 * have alphabets of 8 to 25 steps; for a three-step one it covers every pair of up to 31.
 */
export const SHORTER_FORM_PROBES = 1_000;

/** The addresses a counterexample's numbers stand for (a frame number as its frame's address), and each aligned down to its page. */
function addressesOf(steps: readonly ConcreteStep[]): bigint[] {
  // Frame numbers are the slots lowered one at a time (unit 1): every other number is in bytes.
  const addresses = steps.flatMap(numberSlots).map((slot) => (slot.unit === 1n ? slot.value * PAGE : slot.value));
  return [...new Set(addresses.flatMap((address) => [address, address - (address % PAGE)]))].filter((address) => address <= U64_MAX);
}

/** The calls that change the allocator's state, each made with one address. */
function singleStepForms(address: bigint): ConcreteStep[] {
  const frame = { number: usize(address / PAGE) };
  return [
    { op: 'init', map: [{ base: address, length: PAGE, kind: 'Usable' }] },
    { op: 'init', map: [{ base: address, length: PAGE, kind: 'Reserved' }] },
    { op: 'reserve_range', start: address, size: PAGE },
    { op: 'allocate_frame_at', addr: address },
    { op: 'allocate_specific', frame },
    { op: 'deallocate', frame },
  ];
}

/** What shorter sequences are built from: the counterexample's own steps first, then single-step forms of its numbers, and allocate. */
export function shorterFormAlphabet(steps: readonly ConcreteStep[]): ConcreteStep[] {
  const candidates: ConcreteStep[] = [...steps, ...addressesOf(steps).flatMap(singleStepForms), { op: 'allocate' }];
  return [...new Map(candidates.map((step) => [formatStep(step), step])).values()];
}

function* sequencesOf(alphabet: readonly ConcreteStep[], length: number): Generator<ConcreteStep[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const prefix of sequencesOf(alphabet, length - 1)) for (const step of alphabet) yield [...prefix, step];
}

/** The first failing sequence over the alphabet with fewer steps, shortest first, within the probes left. */
function shorterForm(steps: readonly ConcreteStep[], stillFails: Predicate, budget: { probesLeft: number }): ConcreteStep[] | undefined {
  const alphabet = shorterFormAlphabet(steps);
  for (let length = 1; length < steps.length; length++) {
    for (const sequence of sequencesOf(alphabet, length)) {
      if (budget.probesLeft === 0) return undefined;
      budget.probesLeft--;
      if (stillFails(sequence)) return sequence;
    }
  }
  return undefined;
}

/**
 * A counterexample that is a fixed point of the greedy pass and of the search for fewer steps (as
 * far as its probes reached), or the smallest reached when the budget ran out (`budget.cutShort`).
 * `stillFails` must be deterministic.
 */
export function minimizeSteps(steps: readonly ConcreteStep[], stillFails: Predicate, budget: ShrinkBudget = unlimitedBudget()): ConcreteStep[] {
  const fails = budgeted(stillFails, budget);
  const shorterBudget = { probesLeft: SHORTER_FORM_PROBES };
  let current = locallyMinimal(steps, fails);
  for (;;) {
    const shorter = shorterForm(current, fails, shorterBudget);
    if (shorter === undefined) return current;
    current = locallyMinimal(shorter, fails);
  }
}
