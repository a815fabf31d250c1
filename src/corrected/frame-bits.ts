// One bit per frame below capacity: the corrected allocator's record of which frames usable memory
// holds and which it has handed out — what the seed's single bitmap cannot tell apart.
export class FrameBits {
  private readonly bits: Uint32Array;

  constructor(readonly frames: number) {
    this.bits = new Uint32Array(Math.ceil(frames / 32));
  }

  has(frame: number): boolean {
    return (((this.bits[frame >>> 5] as number) >>> (frame & 31)) & 1) === 1;
  }

  set(frame: number, on: boolean): void {
    const index = frame >>> 5;
    const bit = 1 << (frame & 31);
    this.bits[index] = on ? (this.bits[index] as number) | bit : (this.bits[index] as number) & ~bit;
  }

  /** Sets frames [start, end), a 32-frame chunk at a time where it can. */
  addRange(start: number, end: number): void {
    let frame = start;
    for (; frame < end && (frame & 31) !== 0; frame++) this.set(frame, true);
    for (; frame + 32 <= end; frame += 32) this.bits[frame >>> 5] = 0xffff_ffff;
    for (; frame < end; frame++) this.set(frame, true);
  }

  clear(): void {
    this.bits.fill(0);
  }
}
