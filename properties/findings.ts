// The catalogue of known findings: each defect of the seed the property suite has found, with a
// stable id, its root cause, the seed lines responsible, its severity for a kernel, the fix the
// Rust seed needs, and a trigger — the situation that exposes it, judged from the step and the
// model's state. Triggers name a failure (the finding whose trigger fires at the first diverging
// step; the catalogue is in precedence order, the most specific cause first) and let a campaign set a finding aside to search for the defects behind it. A failure that
// no trigger explains is reported as a new finding.
import type { FrameModel, FrameSet, ModelPolicy } from '../models/index.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX, type Region } from '../src/targets/step.js';
import type { ConcreteStep } from '../src/targets/target.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface KnownFinding {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** The root cause in one sentence. */
  readonly rootCause: string;
  /** The seed lines responsible, quoted. */
  readonly seedLines: readonly string[];
  /** What the Rust seed should change, in one sentence. */
  readonly fix: string;
  /** Does this step, sent to an allocator in the model's state, expose the defect? */
  triggeredBy(step: ConcreteStep, model: FrameModel): boolean;
  /**
   * How the defect shows, as `<property>: <shape>` (src/findings/identity.ts): a failure at a step
   * that triggers this finding is this finding only when it diverges in one of these ways.
   */
  readonly divergences: readonly string[];
  /** Shows only as a target that stops answering (a hang): names only such failures. */
  readonly onlyAsHang?: boolean;
  /**
   * Exists only under this model policy (`name=choice`, models/SPEC.md): the seed's behaviour that a
   * judgement call accepts, for a kernel team that reads the seed the other way (`--policy`).
   */
  readonly policy?: string;
}

const KERNEL_RESERVATION = 16n << 20n;
const PHYS_ADDR_MASK = PHYS_ADDR_LIMIT - 1n;
/** 2^28 frames: a frame-by-frame loop this long stalls boot for a second; 2^40 frames, for hours. */
const STALLING_FRAMES = 1n << 28n;

const mapOf = (step: ConcreteStep): readonly Region[] =>
  step.op === 'init' || step.op === 'boot_init' ? step.map : [];
const usableRegions = (step: ConcreteStep): Region[] => mapOf(step).filter((region) => region.kind === 'Usable');

/** Frames [first, last) that lie wholly inside a region, in exact arithmetic, clipped to capacity. */
function completeFrames(region: Region, maxFrames: number): [bigint, bigint] {
  const end = region.base + region.length;
  const first = (region.base + PAGE - 1n) / PAGE;
  const last = (end > U64_MAX ? U64_MAX + 1n : end) / PAGE;
  const cap = BigInt(maxFrames);
  return [first < cap ? first : cap, last < cap ? last : cap];
}

/** Frames [first, last) that a region touches at all, clipped to capacity. */
function touchedFrames(region: Region, maxFrames: number): [bigint, bigint] {
  const end = region.base + region.length;
  const cap = BigInt(maxFrames);
  const first = region.base / PAGE;
  const last = region.length === 0n ? first : (end + PAGE - 1n) / PAGE;
  return [first < cap ? first : cap, last < cap ? last : cap];
}

const overlap = ([a0, a1]: [bigint, bigint], [b0, b1]: [bigint, bigint]): boolean => a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;

/** Reservations a step makes, as (start, size) pairs: reserve_* directly, boot_init through the global init. */
function reservations(step: ConcreteStep): [bigint, bigint][] {
  if (step.op === 'reserve_kernel' || step.op === 'reserve_range') return [[step.start, step.size]];
  if (step.op === 'boot_init') return [[step.kernelPhysicalBase, KERNEL_RESERVATION], [0n, 1n << 20n]];
  return [];
}

const frameOf = (step: ConcreteStep): number | bigint | undefined => {
  if ('frame' in step) return step.frame.number;
  if (step.op === 'allocate_frame_at' && step.addr < PHYS_ADDR_LIMIT) return step.addr / PAGE;
  return undefined;
};

function frameIs(step: ConcreteStep, model: FrameModel, ops: readonly ConcreteStep['op'][], statuses: readonly string[]): boolean {
  if (!model.initialized || !ops.includes(step.op)) return false;
  const frame = frameOf(step);
  return frame !== undefined && frame < model.maxFrames && statuses.includes(model.statusOf(Number(frame)));
}

/** A finding that exists only under one policy choice: it triggers only when the model checks that choice. */
function policyFinding<P extends keyof ModelPolicy>(name: P, choice: ModelPolicy[P], finding: Omit<KnownFinding, 'policy'>): KnownFinding {
  return { ...finding, policy: `${name}=${choice}`, triggeredBy: (step, model) => model.policy[name] === choice && finding.triggeredBy(step, model) };
}

/** Whether the set holds a frame in [first, last). */
function holdsFrameIn(frames: FrameSet, [first, last]: [bigint, bigint]): boolean {
  const found = frames.firstAtOrAfter(Number(first));
  return found !== undefined && found < last;
}

const isInit = (step: ConcreteStep): boolean => step.op === 'init' || step.op === 'boot_init';
const DEALLOCATE_OPS: readonly ConcreteStep['op'][] = ['deallocate', 'deallocate_frame'];

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  // First in precedence: the seed behaviours models/SPEC.md accepts (J1, J11, J14, J15), each a
  // finding only under the policy that reads the seed the other way. A user who chose the policy
  // asked for them, and two of them first show at an init, where the seed's init findings (named by
  // the map's shape alone) would otherwise take the failure.
  policyFinding('reinit', 'keep-handed-out', {
    id: 'reinit-forgets-handed-out-frames',
    title: 'a second init frees the frames handed out before it, so they are handed out twice',
    severity: 'critical',
    rootCause: 'init marks every frame used and then frees every usable region, whatever was handed out before, so the frames their owners still hold are free again.',
    seedLines: ['*word = !0u64;', 'self.mark_free(frame_num);', 'self.free_frames += 1;'],
    fix: 'Refuse a second init, or keep a handed-out bitmap and leave those frames used when init frees the usable regions.',
    divergences: [
      // At the re-init, which frees the kept frames ...
      'counters-match-model: free_count above, total_count equal',
      // ... or later, when boot_init's own reservations hid them from the counters.
      'frame-state-matches-model: bit used, frame free',
      'no-frame-handed-out-twice: handed out a handed-out frame',
    ],
    // At the re-init, if it keeps a handed-out frame usable; later, at any step on a frame it kept
    // (its boot reservations can hide the forgotten frame from the counters until it is freed).
    triggeredBy: (step, model) => {
      if (isInit(step)) return model.initialized && usableRegions(step).some((region) => holdsFrameIn(model.handedOutFrames(), completeFrames(region, model.maxFrames)));
      const held = model.framesHeldThroughReinit();
      if (step.op === 'allocate' || step.op === 'allocate_frame') return held.size > 0;
      const frame = frameOf(step);
      return frame !== undefined && frame < model.maxFrames && held.has(Number(frame));
    },
  }),
  policyFinding('reserveBeforeInit', 'survives-init', {
    id: 'init-wipes-reservations-made-before-it',
    title: 'init silently frees the frames reserved before it',
    severity: 'high',
    rootCause: 'reserve_kernel before init marks frames in the zeroed bitmap, and init then marks every frame used and frees the usable regions, reservations included, without a word.',
    seedLines: ['for word in self.bitmap.iter_mut() {', '*word = !0u64;', 'self.mark_free(frame_num);'],
    fix: 'Keep reservations made before init and re-apply them once init has freed the usable regions (or refuse them before init).',
    divergences: ['counters-match-model: free_count above, total_count equal'],
    triggeredBy: (step, model) =>
      isInit(step) &&
      !model.initialized &&
      usableRegions(step).some((region) => model.reservationsMadeBeforeInit().some(([start, size]) => overlap(completeFrames(region, model.maxFrames), touchedFrames({ base: start, length: size, kind: 'Reserved' }, model.maxFrames)))),
  }),
  policyFinding('doubleFree', 'invalid-frame', {
    id: 'deallocate-ignores-double-free',
    title: 'freeing a frame a second time returns Ok(()), so the caller never hears of its double free',
    severity: 'medium',
    rootCause: 'deallocate returns Ok(()) when the frame\'s bit is already clear, so a second free of the same frame looks like the first.',
    seedLines: ['if !self.is_allocated(frame_num) {', '// Double-free is a bug, but we\'ll just ignore it', 'return Ok(());'],
    fix: 'Return Err(FrameAllocatorError::InvalidFrame) when the frame is already free.',
    divergences: ['result-matches-model: returned Ok(()), promised Err(InvalidFrame)'],
    // The model promises InvalidFrame for a free frame only after a free of it (a true double free).
    triggeredBy: (step, model) => {
      if (!frameIs(step, model, DEALLOCATE_OPS, ['free'])) return false;
      const expected = model.expectation(step);
      return expected.kind === 'exact' && expected.outcome.kind === 'err' && expected.outcome.error === 'InvalidFrame';
    },
  }),
  policyFinding('reservation', 'outlives-owner', {
    id: 'reservation-ends-when-owner-frees-frame',
    title: 'a reservation over a handed-out frame does not keep it: freeing the frame returns it to the pool',
    severity: 'high',
    rootCause: 'reserve_kernel skips frames that are already allocated, and the bitmap cannot tell later that one of them was reserved, so deallocate frees it into the pool.',
    seedLines: ['if frame_num < MAX_FRAMES && !self.is_allocated(frame_num) {', 'self.mark_free(frame_num);', 'self.free_frames += 1;'],
    fix: 'Record reservations apart from handed-out frames (a reserved bitmap) and leave a reserved frame used when its owner frees it.',
    divergences: ['frame-state-matches-model: bit free, frame reserved'],
    triggeredBy: (step, model) => frameIs(step, model, DEALLOCATE_OPS, ['handed-out']) && model.framesReservedOnceFreed().has(Number(frameOf(step))),
  }),

  {
    id: 'init-double-counts-overlapping-usable-regions',
    divergences: [
      'counters-match-model: free_count above, total_count above',
      'counters-match-model: free_count below, total_count above',
    ],
    title: 'init counts a frame once per usable region that contains it',
    severity: 'medium',
    rootCause: 'init adds to total_frames and free_frames for every frame of every usable region, whether or not an earlier region already freed it.',
    seedLines: ['self.mark_free(frame_num);', 'self.total_frames += 1;', 'self.free_frames += 1;'],
    fix: 'In init, count a frame only when mark_free turns it from used to free (check is_allocated first).',
    triggeredBy: (step, model) => {
      const ranges = usableRegions(step).map((region) => completeFrames(region, model.maxFrames));
      return ranges.some((a, i) => ranges.slice(i + 1).some((b) => overlap(a, b)));
    },
  },
  {
    id: 'init-frees-frames-of-reserved-regions',
    divergences: [
      'counters-match-model: free_count above, total_count above',
      'counters-match-model: free_count below, total_count above',
      'counters-match-model: free_count equal, total_count above',
    ],
    title: 'a usable entry frees frames that a reserved entry of the same map covers',
    severity: 'critical',
    rootCause: 'init frees every usable region and never re-marks the non-usable ones, so where entries overlap the usable one wins and firmware or MMIO frames are handed out.',
    seedLines: ['if region.region_type == MemoryRegionType::Usable {', 'self.mark_free(frame_num);'],
    fix: 'After freeing the usable regions, mark every frame touched by a non-usable region as used again (rounding outwards).',
    triggeredBy: (step, model) => {
      const map = mapOf(step);
      const reserved = map.filter((region) => region.kind !== 'Usable').map((region) => touchedFrames(region, model.maxFrames));
      return usableRegions(step).some((region) => reserved.some((frames) => overlap(completeFrames(region, model.maxFrames), frames)));
    },
  },
  {
    id: 'init-region-end-overflows',
    divergences: [
      'never-panics: panic: attempt to add with overflow (FrameAllocator::init: region.base + region.length)',
      'counters-match-model: free_count below, total_count below',
      'counters-match-model: free_count above, total_count above',
      'counters-match-model: free_count below, total_count equal',
      'counters-match-model: free_count equal, total_count above',
    ],
    title: 'a usable region ending past 2^64 panics (debug) or is dropped (release)',
    severity: 'high',
    rootCause: 'init computes region.base + region.length in u64 without checking, which panics in a debug build and wraps to a tiny end address in a release build.',
    seedLines: ['let end_addr = region.base + region.length;'],
    fix: 'Compute the end with region.base.saturating_add(region.length).',
    triggeredBy: (step) => usableRegions(step).some((region) => region.base + region.length > U64_MAX),
  },  {
    id: 'reserve-size-rounding-overflows',
    divergences: [
      'never-panics: panic: attempt to add with overflow (FrameAllocator::reserve_kernel: kernel_size + PAGE_SIZE - 1)',
      // Release, size 2^64 - 4096: the sum wraps to 0 and `- 1` to u64::MAX, so the Rust seed walks 2^52 frames (the port clips the walk).
      'target-responds: fault: timeout',
      'counters-match-model: free_count above, total_count equal',
    ],
    title: 'reserving a size within a page of 2^64 panics (debug) or reserves nothing (release)',
    severity: 'high',
    rootCause: 'reserve_kernel rounds the size up with kernel_size + PAGE_SIZE - 1 in usize, evaluated left to right, which overflows for sizes of 2^64 - PAGE_SIZE and above.',
    seedLines: ['let num_frames = (kernel_size + PAGE_SIZE - 1) / PAGE_SIZE;'],
    fix: 'Round up without overflow: kernel_size / PAGE_SIZE + (kernel_size % PAGE_SIZE != 0) as usize, or saturate the end address.',
    triggeredBy: (step) => reservations(step).some(([, size]) => size > U64_MAX - PAGE),
  },  {
    id: 'reserve-and-init-loop-over-every-frame-requested',
    divergences: [
      'target-responds: fault: timeout',
    ],
    onlyAsHang: true,
    title: 'a huge reservation or usable region makes init or reserve_kernel loop for hours',
    severity: 'high',
    rootCause: 'reserve_kernel and init walk every frame of the request one by one and test `frame_num < MAX_FRAMES` inside the loop, so a request of 2^28 frames stalls boot for a second and one of 2^40 frames spins for hours in the kernel (the port clips the loop; the Rust seed hangs).',
    seedLines: ['for i in 0..num_frames {', 'if frame_num < MAX_FRAMES && !self.is_allocated(frame_num) {', 'for frame_num in first_frame..last_frame {'],
    fix: 'Clip the loop bounds to MAX_FRAMES before looping: for frame_num in start_frame..min(start_frame + num_frames, MAX_FRAMES).',
    triggeredBy: (step) =>
      reservations(step).some(([, size]) => size <= U64_MAX - PAGE && (size + PAGE - 1n) / PAGE > STALLING_FRAMES) ||
      usableRegions(step).some((region) => {
        const end = region.base + region.length;
        if (end > U64_MAX) return false;
        const first = (region.base & PHYS_ADDR_MASK) / PAGE;
        return (end & PHYS_ADDR_MASK) / PAGE - first > STALLING_FRAMES;
      }),
  },
  {
    id: 'phys-addr-masking-aliases-high-addresses',
    divergences: [
      'counters-match-model: free_count above, total_count above',
      'counters-match-model: free_count below, total_count above',
      'counters-match-model: free_count below, total_count equal',
      'counters-match-model: free_count equal, total_count above',
      'result-matches-model: returned Err(FrameInUse), promised Err(InvalidFrame)',
      'result-matches-model: returned Ok(Frame), promised Err(InvalidFrame)',
    ],
    title: 'addresses above 52 bits are masked onto low frames',
    severity: 'critical',
    rootCause: 'PhysAddr::new silently drops address bits above 52, so a region, reservation or requested address beyond physical memory lands on a low frame (or loses its end).',
    seedLines: ['Self(addr & 0x000F_FFFF_FFFF_FFFF)', 'let start_frame = Frame::containing_address(PhysAddr::new(region.base));', 'let end_frame = Frame::containing_address(PhysAddr::new(end_addr));'],
    fix: 'Refuse (or clip) addresses at or above 2^52 instead of masking them: skip such regions in init and return InvalidFrame from allocate_frame_at.',
    triggeredBy: (step) =>
      usableRegions(step).some((region) => region.base >= PHYS_ADDR_LIMIT || (region.base + region.length > PHYS_ADDR_LIMIT && region.base + region.length <= U64_MAX)) ||
      reservations(step).some(([start]) => start >= PHYS_ADDR_LIMIT) ||
      (step.op === 'allocate_frame_at' && step.addr >= PHYS_ADDR_LIMIT),
  },

  {
    id: 'deallocate-frees-frames-not-handed-out',
    divergences: [
      'result-matches-model: returned Ok(()), promised Err(InvalidFrame)',
      'frame-state-matches-model: bit free, frame never-usable',
      'frame-state-matches-model: bit free, frame reserved',
    ],
    title: 'deallocate frees reserved and never-usable frames into the free pool',
    severity: 'critical',
    rootCause: 'deallocate frees any frame whose bit is set, and the bitmap cannot tell a handed-out frame from a reserved or never-usable one.',
    seedLines: ['if !self.is_allocated(frame_num) {', 'self.mark_free(frame_num);', 'self.free_frames += 1;'],
    fix: 'Track reserved and never-usable frames apart from handed-out ones (a second bitmap) and refuse to free them.',
    triggeredBy: (step, model) => frameIs(step, model, ['deallocate', 'deallocate_frame'], ['reserved', 'never-usable']),
  },
  {
    id: 'reserve-misses-last-frame-of-unaligned-range',
    divergences: [
      'counters-match-model: free_count above, total_count equal',
    ],
    title: 'reserving from an unaligned start leaves the last frame of the range free',
    severity: 'high',
    rootCause: 'reserve_kernel reserves ceil(size / PAGE_SIZE) frames from the frame containing start, which is one frame short whenever the range starts inside a frame and crosses one more boundary.',
    seedLines: ['let start_frame = kernel_start.containing_frame().number();', 'let num_frames = (kernel_size + PAGE_SIZE - 1) / PAGE_SIZE;'],
    fix: 'Reserve from align_down(start) to align_up(start + size) instead of counting frames from the size alone.',
    triggeredBy: (step) =>
      reservations(step).some(([start, size]) => {
        if (start >= PHYS_ADDR_LIMIT || size > U64_MAX - PAGE) return false;
        const spanned = (start % PAGE + size + PAGE - 1n) / PAGE;
        return spanned > (size + PAGE - 1n) / PAGE;
      }),
  },

  {
    id: 'allocate-specific-reports-frame-in-use-outside-usable-memory',
    divergences: [
      'result-matches-model: returned Err(FrameInUse), promised Err(InvalidFrame)',
    ],
    title: 'allocate_specific answers FrameInUse for a frame outside usable memory',
    severity: 'low',
    rootCause: 'allocate_specific only range-checks against MAX_FRAMES, and a never-usable frame below it looks like any used bit, so the caller is told FrameInUse where the error docs promise InvalidFrame.',
    seedLines: ['if frame_num >= MAX_FRAMES {', 'return Err(FrameAllocatorError::FrameInUse);'],
    fix: 'Return InvalidFrame for frames outside the usable regions (keep the usable set, or a second bitmap).',
    triggeredBy: (step, model) => frameIs(step, model, ['allocate_specific', 'allocate_frame_at'], ['never-usable']),
  },

];

export const findingById = (id: string): KnownFinding | undefined => KNOWN_FINDINGS.find((finding) => finding.id === id);

/** The known finding a step triggers, if any: how a failure at that step is named. */
export const classify = (step: ConcreteStep, model: FrameModel, targetHung = false): KnownFinding | undefined =>
  KNOWN_FINDINGS.find((finding) => (targetHung || finding.onlyAsHang !== true) && finding.triggeredBy(step, model));
