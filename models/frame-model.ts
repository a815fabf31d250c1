// The reference model: what the seed allocator *promises* — its doc comments, error docs and the
// intent of its design — as sets of frames. It never looks at a bitmap word or a hint-word search.
// Every judgement call is numbered (J1, J2, ...) and argued, with the seed sentence it rests on,
// in models/SPEC.md; the code cites the number.
import { ALLOCATOR_ERRORS, PAGE, PHYS_ADDR_LIMIT, type Outcome, type Region } from '../src/targets/step.js';
import { formatOutcome } from '../src/targets/step-format.js';
import type { ConcreteStep, FrameRange } from '../src/targets/target.js';
import { FrameSet } from './frame-set.js';

/** What a frame is, as far as the allocator's promises go. */
export type FrameStatus = 'free' | 'handed-out' | 'reserved' | 'never-usable' | 'beyond-capacity';

export interface ModelPolicy {
  /**
   * `loose` (default, J7): `allocate` may hand out any free frame. `strict`: the frame the seed's
   * documented search finds — the first free frame from the hint's bitmap word on, else from word 0.
   */
  readonly allocation: 'loose' | 'strict';
  /**
   * `outside-usable-memory` (default, J9): a frame below capacity that no usable region holds is
   * InvalidFrame for allocate_specific and deallocate. `beyond-capacity`: only frames at or past
   * MAX_FRAMES are InvalidFrame; the others are FrameInUse, as a bitmap-only reading would have it.
   */
  readonly invalidFrame: 'outside-usable-memory' | 'beyond-capacity';
  /**
   * `ok` (default, J11): freeing a free frame is `Ok(())` and changes nothing, as the seed's comment
   * says. `invalid-frame`: a double free — freeing a frame again after freeing it, before it is handed
   * out again — is an error the caller hears about (`Err(InvalidFrame)`).
   */
  readonly doubleFree: 'ok' | 'invalid-frame';
  /**
   * `fresh-boot` (default, J1): a second init forgets every handed-out frame and reservation.
   * `keep-handed-out`: frames handed out before a re-init stay handed out wherever its map keeps them usable.
   */
  readonly reinit: 'fresh-boot' | 'keep-handed-out';
  /**
   * `skips-handed-out` (default, J14): a reservation leaves handed-out frames with their owner, and a
   * free returns them to the pool. `outlives-owner`: a handed-out frame in a reservation becomes
   * reserved when its owner frees it.
   */
  readonly reservation: 'skips-handed-out' | 'outlives-owner';
  /**
   * `wiped` (default, J15): a reservation made before init does nothing. `survives-init`: init applies
   * it, so the frames it covers are reserved from the start.
   */
  readonly reserveBeforeInit: 'wiped' | 'survives-init';
}

export type Expectation =
  | { readonly kind: 'exact'; readonly outcome: Outcome }
  | { readonly kind: 'any-free-frame'; readonly free: readonly FrameRange[] };

/** Every policy and its choices, the default first. */
export const POLICY_CHOICES: { readonly [P in keyof ModelPolicy]: readonly ModelPolicy[P][] } = {
  allocation: ['loose', 'strict'],
  invalidFrame: ['outside-usable-memory', 'beyond-capacity'],
  doubleFree: ['ok', 'invalid-frame'],
  reinit: ['fresh-boot', 'keep-handed-out'],
  reservation: ['skips-handed-out', 'outlives-owner'],
  reserveBeforeInit: ['wiped', 'survives-init'],
};

export const DEFAULT_POLICY: ModelPolicy = {
  allocation: 'loose',
  invalidFrame: 'outside-usable-memory',
  doubleFree: 'ok',
  reinit: 'fresh-boot',
  reservation: 'skips-handed-out',
  reserveBeforeInit: 'wiped',
};

const ADDRESS_SPACE_END = 1n << 64n;
const KERNEL_RESERVATION = 16n << 20n;
const LOW_MEMORY_RESERVATION = 1n << 20n;

export interface ModelOptions {
  readonly maxFrames: number;
  readonly policy?: Partial<ModelPolicy>;
}

export class FrameModel {
  readonly maxFrames: number;
  readonly policy: ModelPolicy;
  private isInitialized = false;
  /** Frames some usable region holds completely, none other touches, below capacity (J2–J5). */
  private usable = new FrameSet();
  private free = new FrameSet();
  private handedOut = new FrameSet();
  /** Free frames freed since they were last handed out (filled only under `doubleFree: invalid-frame`). */
  private freedSinceHandedOut = new FrameSet();
  /** Handed-out frames a re-init kept, until freed (only under `reinit: keep-handed-out`). */
  private heldThroughReinit = new FrameSet();
  /** Handed-out frames a reservation covers, reserved once freed (filled only under `reservation: outlives-owner`). */
  private reservedOnceFreed = new FrameSet();
  /** Reservations made before init, as (start, size) (kept only under `reserveBeforeInit: survives-init`). */
  private reservationsBeforeInit: [bigint, bigint][] = [];
  /** Where the next search starts: 0 after init, just past the last frame handed out, lowered by a free (J8). */
  private nextFreeHint = 0;

  constructor(options: ModelOptions) {
    this.maxFrames = options.maxFrames;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
  }

  get initialized(): boolean {
    return this.isInitialized;
  }

  get hint(): number {
    return this.nextFreeHint;
  }

  /** The status of a frame below capacity (callers handle frames at or past MAX_FRAMES first). */
  statusOf(frame: number): FrameStatus {
    if (!this.usable.has(frame)) return 'never-usable';
    if (this.free.has(frame)) return 'free';
    return this.handedOut.has(frame) ? 'handed-out' : 'reserved';
  }

  freeCount(): number {
    return this.free.size;
  }

  /** J6: total_count is the usable memory; reservations do not shrink it. */
  totalCount(): number {
    return this.usable.size;
  }

  freeFrames(): FrameSet {
    return this.free;
  }

  // What the policy findings (properties/findings.ts) ask of the model's state, read-only.
  handedOutFrames(): FrameSet {
    return this.handedOut;
  }

  /** Frames handed out before a re-init and still held (`reinit: keep-handed-out`). */
  framesHeldThroughReinit(): FrameSet {
    return this.heldThroughReinit;
  }

  /** Handed-out frames that become reserved, not free, when freed (`reservation: outlives-owner`). */
  framesReservedOnceFreed(): FrameSet {
    return this.reservedOnceFreed;
  }

  /** Reservations made before init, as (start, size), that the next init applies (`reserveBeforeInit: survives-init`). */
  reservationsMadeBeforeInit(): readonly (readonly [bigint, bigint])[] {
    return this.reservationsBeforeInit;
  }

  /**
   * Every frame below capacity in exactly one run of one status, ascending. Neighbouring runs never
   * share a status: each cut is the edge of the usable, free or handed-out set, which changes it.
   */
  statusRuns(): { start: number; end: number; status: FrameStatus }[] {
    const cuts = new Set<number>([0, this.maxFrames]);
    for (const set of [this.usable, this.free, this.handedOut]) {
      for (const [start, end] of set.ranges()) cuts.add(start).add(end);
    }
    const points = [...cuts].filter((cut) => cut <= this.maxFrames).sort((a, b) => a - b);
    return points.slice(1).map((end, i) => {
      const start = points[i] as number;
      return { start, end, status: this.statusOf(start) };
    });
  }

  /** Two models with the same key promise the same for every future step (bounded-exhaustive dedup). */
  stateKey(): string {
    // Before init only the reservations an init would apply matter (`start,size` pairs).
    if (!this.isInitialized) return `uninitialized ${this.reservationsBeforeInit.join(' ')}`;
    return `${this.usable}|${this.free}|${this.handedOut}|${this.freedSinceHandedOut}|${this.reservedOnceFreed}@${this.nextFreeHint}`;
  }

  /** The outcomes the documentation allows for this step, in the model's current state. */
  accepts(step: ConcreteStep, outcome: Outcome): boolean {
    const expected = this.expect(step);
    if (expected.kind === 'any-free-frame') {
      return outcome.kind === 'ok' && typeof outcome.value === 'number' && this.free.has(outcome.value);
    }
    return sameOutcome(expected.outcome, outcome);
  }

  /** What the documentation promises for this step: one outcome, or any of the free frames. */
  expectation(step: ConcreteStep): Expectation {
    const expected = this.expect(step);
    return expected.kind === 'exact' ? expected : { kind: 'any-free-frame', free: this.free.ranges() };
  }

  describeExpectation(step: ConcreteStep): string {
    const expected = this.expect(step);
    if (expected.kind === 'any-free-frame') return `Ok(Frame(n)) for any of the ${this.free.size} free frames ${this.free}`;
    return formatOutcome(expected.outcome, step.op);
  }

  /** Take a step the allocator took with an outcome `accepts` allowed. */
  apply(step: ConcreteStep, outcome: Outcome): void {
    if (outcome.kind !== 'ok') return;
    switch (step.op) {
      case 'init':
        this.boot(step.map);
        return;
      case 'boot_init':
        this.boot(step.map);
        this.reserve(step.kernelPhysicalBase, KERNEL_RESERVATION);
        this.reserve(0n, LOW_MEMORY_RESERVATION);
        return;
      case 'reserve_kernel':
      case 'reserve_range':
        this.reserve(step.start, step.size);
        return;
      case 'allocate':
      case 'allocate_frame':
        this.handOut(outcome.value as number);
        this.nextFreeHint = (outcome.value as number) + 1;
        return;
      case 'allocate_specific':
        this.handOut(Number(step.frame.number));
        return;
      case 'allocate_frame_at':
        this.handOut(outcome.value as number);
        return;
      case 'deallocate':
      case 'deallocate_frame':
        this.release(Number(step.frame.number));
        return;
      default:
        return;
    }
  }

  private expect(step: ConcreteStep): ExactExpectation | { readonly kind: 'any-free-frame' } {
    switch (step.op) {
      case 'init':
      case 'boot_init':
      case 'reserve_kernel':
      case 'reserve_range':
        return ok();
      case 'free_count':
        return ok(this.freeCount());
      case 'total_count':
        return ok(this.totalCount());
      case 'free_memory':
        return ok(this.freeCount() * Number(PAGE));
      case 'total_memory':
        return ok(this.totalCount() * Number(PAGE));
      case 'memory_stats':
        return ok([this.freeCount() * Number(PAGE), this.totalCount() * Number(PAGE)]);
      case 'allocate':
      case 'allocate_frame': {
        if (!this.isInitialized) return err('NotInitialized');
        if (this.free.size === 0) return err('OutOfMemory');
        if (this.policy.allocation === 'loose') return ANY_FREE_FRAME;
        return ok(this.searchFromHint());
      }
      case 'allocate_specific': {
        const refusal = this.refuseSpecific(step.frame.number);
        return refusal === undefined ? ok() : err(refusal);
      }
      case 'allocate_frame_at': {
        // J10: an address beyond 52 bits is outside physical memory, not an alias of a low frame.
        if (!this.isInitialized) return err('NotInitialized');
        if (step.addr >= PHYS_ADDR_LIMIT) return err('InvalidFrame');
        const frame = step.addr / PAGE;
        const refusal = this.refuseSpecific(frame);
        return refusal === undefined ? ok(Number(frame)) : err(refusal);
      }
      case 'deallocate':
      case 'deallocate_frame': {
        const refusal = this.refuseFree(step.frame.number);
        return refusal === undefined ? ok() : err(refusal);
      }
    }
  }

  /** J9: NotInitialized first; then out-of-range and outside-usable-memory; then in use. */
  private refuseSpecific(frame: number | bigint): 'NotInitialized' | 'InvalidFrame' | 'FrameInUse' | undefined {
    if (!this.isInitialized) return 'NotInitialized';
    if (frame >= this.maxFrames) return 'InvalidFrame';
    const status = this.statusOf(Number(frame));
    if (status === 'free') return undefined;
    if (status === 'never-usable' && this.policy.invalidFrame === 'outside-usable-memory') return 'InvalidFrame';
    return 'FrameInUse';
  }

  /** J11–J12: freeing a frame not handed out changes nothing; outside usable memory it is InvalidFrame. */
  private refuseFree(frame: number | bigint): 'NotInitialized' | 'InvalidFrame' | undefined {
    if (!this.isInitialized) return 'NotInitialized';
    if (frame >= this.maxFrames) return 'InvalidFrame';
    const status = this.statusOf(Number(frame));
    if (status === 'never-usable' && this.policy.invalidFrame === 'outside-usable-memory') return 'InvalidFrame';
    // A true double free (only `doubleFree: invalid-frame` records frees); a frame never handed out is not one.
    if (status === 'free' && this.freedSinceHandedOut.has(Number(frame))) return 'InvalidFrame';
    return undefined;
  }

  /** The strict policy's frame: the first free frame from the hint's 64-frame word, else from frame 0. */
  private searchFromHint(): number {
    const fromHintWord = this.free.firstAtOrAfter(Math.floor(this.nextFreeHint / 64) * 64);
    // The wrap-around from frame 0: never needed while every frame below the hint is in use, which
    // init, allocate and deallocate all keep true (`frames-below-hint-in-use` in
    // properties/components/hint-and-search.ts checks it after every call).
    /* v8 ignore else */
    if (fromHintWord !== undefined) return fromHintWord;
    /* v8 ignore next */
    return this.free.firstAtOrAfter(0) as number;
  }

  /** J1–J5: a (re-)init is a fresh boot from this map. */
  private boot(map: readonly Region[]): void {
    const usable = new FrameSet();
    const touchedByOthers = new FrameSet();
    for (const region of map) {
      const end = min(region.base + region.length, ADDRESS_SPACE_END);
      if (region.kind === 'Usable') usable.addRange(...this.clip(ceilDiv(region.base, PAGE), end / PAGE));
      else if (region.length > 0n) touchedByOthers.addRange(...this.clip(region.base / PAGE, ceilDiv(end, PAGE)));
    }
    this.usable = usable.minus(touchedByOthers);
    // J1: a fresh boot forgets every owner; `reinit: keep-handed-out` keeps those the new map still holds.
    this.handedOut = this.policy.reinit === 'keep-handed-out' ? this.handedOut.intersect(this.usable) : new FrameSet();
    this.free = this.usable.minus(this.handedOut);
    this.heldThroughReinit = this.handedOut.clone();
    this.freedSinceHandedOut = new FrameSet();
    this.reservedOnceFreed = new FrameSet();
    this.isInitialized = true;
    this.nextFreeHint = 0;
    // J15: `reserveBeforeInit: survives-init` applies the reservations made before this first init.
    const before = this.reservationsBeforeInit;
    this.reservationsBeforeInit = [];
    for (const [start, size] of before) this.reserve(start, size);
  }

  /** J13–J15: every frame the byte range touches that is free becomes reserved; handed-out frames stay with their owner. */
  private reserve(start: bigint, size: bigint): void {
    if (size === 0n || start >= PHYS_ADDR_LIMIT) return;
    if (!this.isInitialized) {
      if (this.policy.reserveBeforeInit === 'survives-init') this.reservationsBeforeInit.push([start, size]);
      return;
    }
    const end = min(start + size, ADDRESS_SPACE_END);
    const [first, last] = this.clip(start / PAGE, ceilDiv(end, PAGE));
    this.free.deleteRange(first, last);
    // J14: `reservation: outlives-owner` reserves the handed-out frames of the range once their owner frees them.
    if (this.policy.reservation === 'outlives-owner') this.reservedOnceFreed.addAll(this.handedOut.intersect(new FrameSet().addRange(first, last)));
  }

  private handOut(frame: number): void {
    this.free.delete(frame);
    this.handedOut.add(frame);
    this.freedSinceHandedOut.delete(frame);
  }

  private release(frame: number): void {
    if (!this.handedOut.has(frame)) return;
    this.handedOut.delete(frame);
    this.heldThroughReinit.delete(frame);
    if (this.reservedOnceFreed.has(frame)) {
      this.reservedOnceFreed.delete(frame);
      return;
    }
    this.free.add(frame);
    if (this.policy.doubleFree === 'invalid-frame') this.freedSinceHandedOut.add(frame);
    if (frame < this.nextFreeHint) this.nextFreeHint = frame;
  }

  /** Frame numbers [first, last) in exact arithmetic, clipped to the bitmap's capacity. */
  private clip(first: bigint, last: bigint): [number, number] {
    const cap = BigInt(this.maxFrames);
    return [Number(min(first, cap)), Number(min(last, cap))];
  }
}

type ExactExpectation = { readonly kind: 'exact'; readonly outcome: Outcome };
type OkValue = Extract<Outcome, { kind: 'ok' }>['value'];
type ErrorName = Extract<Outcome, { kind: 'err' }>['error'];
// Module-level, not closures inside expect(): expect() runs for every step of every run. The
// outcomes without a value are shared frozen objects, built once; only a value needs a new one.
const OK: ExactExpectation = Object.freeze({ kind: 'exact', outcome: Object.freeze({ kind: 'ok' }) });
const ERR = Object.fromEntries(
  ALLOCATOR_ERRORS.map((error) => [error, Object.freeze({ kind: 'exact', outcome: Object.freeze({ kind: 'err', error }) })]),
) as { readonly [E in ErrorName]: ExactExpectation };
const ANY_FREE_FRAME: { readonly kind: 'any-free-frame' } = Object.freeze({ kind: 'any-free-frame' });
function ok(value?: OkValue): ExactExpectation {
  return value === undefined ? OK : { kind: 'exact', outcome: { kind: 'ok', value } };
}
function err(error: ErrorName): ExactExpectation {
  return ERR[error];
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind === 'ok' && b.kind === 'ok') {
    const x = a.value;
    const y = b.value;
    if (Array.isArray(x) && Array.isArray(y)) return x[0] === y[0] && x[1] === y[1];
    return x === y;
  }
  return a.kind === 'err' && b.kind === 'err' && a.error === b.error;
}
