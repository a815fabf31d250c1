// The Set model's state during a linearizability search, kept small: the model as it stood after the
// prefix (or after the last init a thread ran) — a FrameModel, never changed — and the frames whose
// status the calls linearised since have flipped between free and handed-out. Two search nodes with
// the same epoch and the same flipped frames promise the same for every later call (the canonical
// key). The promises per call are the model's (models/SPEC.md J7, J9, J11, J12, J16).
import { FrameModel, type FrameStatus, type ModelPolicy } from '../../models/index.js';
import { PAGE, PHYS_ADDR_LIMIT, type Outcome } from '../targets/step.js';

/** A call of the history with its frame argument resolved, as the search applies it. */
export type ResolvedCall =
  | { readonly op: 'init'; readonly epoch: number }
  | { readonly op: 'allocate_frame' }
  | { readonly op: 'allocate_frame_at'; readonly addr: bigint }
  | { readonly op: 'deallocate_frame'; readonly frame: number }
  | { readonly op: 'memory_stats' };

const PAGE_BYTES = Number(PAGE);

interface Undo {
  readonly flipped?: number;
  readonly epoch?: { readonly epoch: number; readonly flips: Set<number>; readonly freeDelta: number };
}

export class FrameState {
  private epoch = 0;
  private flips = new Set<number>();
  /** free_count now minus free_count of the epoch's model. */
  private freeDelta = 0;
  private readonly undos: Undo[] = [];

  /** `epochs[0]`: the model after the prefix; `epochs[i]`: a fresh boot by the i-th init of the threads. */
  constructor(
    private readonly epochs: readonly FrameModel[],
    private readonly policy: ModelPolicy,
  ) {}

  private get model(): FrameModel {
    return this.epochs[this.epoch] as FrameModel;
  }

  status(frame: number): FrameStatus {
    if (frame >= this.model.maxFrames) return 'beyond-capacity';
    const status = this.model.statusOf(frame);
    if (!this.flips.has(frame)) return status;
    return status === 'free' ? 'handed-out' : 'free';
  }

  freeCount(): number {
    return this.model.freeCount() + this.freeDelta;
  }

  key(): string {
    return this.flips.size === 0 ? String(this.epoch) : `${this.epoch}:${[...this.flips].sort((a, b) => a - b).join(',')}`;
  }

  /** Linearise `call` here if the model allows `outcome` for it now; false (and no change) if not. */
  step(call: ResolvedCall, outcome: Outcome): boolean {
    const initialized = this.model.initialized;
    switch (call.op) {
      case 'init':
        if (outcome.kind !== 'ok' || outcome.value !== undefined) return false;
        this.undos.push({ epoch: { epoch: this.epoch, flips: this.flips, freeDelta: this.freeDelta } });
        this.epoch = call.epoch;
        this.flips = new Set();
        this.freeDelta = 0;
        return true;
      case 'memory_stats': {
        const value = outcome.kind === 'ok' ? outcome.value : undefined;
        if (!Array.isArray(value) || value[0] !== this.freeCount() * PAGE_BYTES || value[1] !== this.model.totalCount() * PAGE_BYTES) return false;
        return this.unchanged();
      }
      case 'allocate_frame': {
        if (!initialized) return isError(outcome, 'NotInitialized') && this.unchanged();
        if (this.freeCount() === 0) return isError(outcome, 'OutOfMemory') && this.unchanged();
        return outcome.kind === 'ok' && typeof outcome.value === 'number' && this.status(outcome.value) === 'free' && this.flip(outcome.value, -1);
      }
      case 'allocate_frame_at': {
        if (!initialized) return isError(outcome, 'NotInitialized') && this.unchanged();
        if (call.addr >= PHYS_ADDR_LIMIT) return isError(outcome, 'InvalidFrame') && this.unchanged();
        const frame = Number(call.addr / PAGE);
        const status = this.status(frame);
        if (status === 'free') return outcome.kind === 'ok' && outcome.value === frame && this.flip(frame, -1);
        return isError(outcome, this.invalid(status) ? 'InvalidFrame' : 'FrameInUse') && this.unchanged();
      }
      case 'deallocate_frame': {
        if (!initialized) return isError(outcome, 'NotInitialized') && this.unchanged();
        const status = this.status(call.frame);
        if (this.invalid(status) || (status === 'free' && this.policy.doubleFree === 'invalid-frame')) return isError(outcome, 'InvalidFrame') && this.unchanged();
        if (outcome.kind !== 'ok' || outcome.value !== undefined) return false;
        return status === 'handed-out' ? this.flip(call.frame, 1) : this.unchanged();
      }
    }
  }

  /** Take back the last step. */
  undo(): void {
    const undo = this.undos.pop() as Undo;
    if (undo.flipped !== undefined) {
      const frame = undo.flipped;
      this.freeDelta += this.status(frame) === 'free' ? -1 : 1;
      if (!this.flips.delete(frame)) this.flips.add(frame);
    } else if (undo.epoch !== undefined) {
      ({ epoch: this.epoch, flips: this.flips, freeDelta: this.freeDelta } = undo.epoch);
    }
  }

  private invalid(status: FrameStatus): boolean {
    return status === 'beyond-capacity' || (status === 'never-usable' && this.policy.invalidFrame === 'outside-usable-memory');
  }

  private flip(frame: number, freeChange: number): true {
    if (!this.flips.delete(frame)) this.flips.add(frame);
    this.freeDelta += freeChange;
    this.undos.push({ flipped: frame });
    return true;
  }

  private unchanged(): true {
    this.undos.push({});
    return true;
  }
}

const isError = (outcome: Outcome, error: string): boolean => outcome.kind === 'err' && outcome.error === error;
