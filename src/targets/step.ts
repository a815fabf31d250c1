// The vocabulary every part of framecheck shares: one step is one call of the seed's public API,
// named after the seed's own function, with its arguments in the seed's units (u64 addresses and
// sizes as bigint, frame numbers as usize). Steps are plain data so that a counterexample file
// replays from the recorded steps alone, without fast-check regenerating anything.

/** The units of the seed's API, for everything that reasons about steps: a 4 KiB page, the u64 range, 52-bit physical addresses. */
export const PAGE = 4096n;
export const U64_MAX = (1n << 64n) - 1n;
export const PHYS_ADDR_LIMIT = 1n << 52n;

/** The firmware kinds of a memory-map entry (E820 types plus the kinds a Rust kernel's boot info carries). */
export const REGION_KINDS = [
  'Usable',
  'Reserved',
  'AcpiReclaimable',
  'AcpiNvs',
  'BadMemory',
  'Bootloader',
  'KernelImage',
  'FrameBuffer',
] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

/** One memory-map entry: `map.add(base, length, kind)`. */
export interface Region {
  readonly base: bigint;
  readonly length: bigint;
  readonly kind: RegionKind;
}

/** The seed's `FrameAllocatorError` variants. */
export const ALLOCATOR_ERRORS = ['OutOfMemory', 'FrameInUse', 'InvalidFrame', 'NotInitialized'] as const;
export type AllocatorErrorName = (typeof ALLOCATOR_ERRORS)[number];

/**
 * A frame argument: a literal frame number (usize, so up to 2^64 - 1: bigint beyond 2^53), or a
 * reference to a frame an earlier step handed out (Hypothesis' bundles). `back: j` names the j-th
 * most recent frame still in the handed-out bundle, counted modulo its size, so that the reference
 * stays meaningful when shrinking removes unrelated steps.
 */
export type FrameArg = { readonly number: number | bigint } | { readonly handedOut: { readonly back: number } };

/** One call of the seed's public API. `op` is the seed's function name. */
export type Step =
  // FrameAllocator methods, on the allocator under test
  | { readonly op: 'init'; readonly map: readonly Region[] }
  | { readonly op: 'reserve_kernel'; readonly start: bigint; readonly size: bigint }
  | { readonly op: 'reserve_range'; readonly start: bigint; readonly size: bigint }
  | { readonly op: 'allocate' }
  | { readonly op: 'allocate_specific'; readonly frame: FrameArg }
  | { readonly op: 'deallocate'; readonly frame: FrameArg }
  | { readonly op: 'free_count' }
  | { readonly op: 'total_count' }
  | { readonly op: 'free_memory' }
  | { readonly op: 'total_memory' }
  // The module-level functions on the global FRAME_ALLOCATOR (same instance in a run)
  | { readonly op: 'boot_init'; readonly map: readonly Region[]; readonly kernelPhysicalBase: bigint }
  | { readonly op: 'allocate_frame' }
  | { readonly op: 'allocate_frame_at'; readonly addr: bigint }
  | { readonly op: 'deallocate_frame'; readonly frame: FrameArg }
  | { readonly op: 'memory_stats' };

export type StepOp = Step['op'];

/** What one step did, as the allocator's caller sees it. */
export type Outcome =
  /** `Ok(..)` or a plain return. `value`: the frame number, the count, the byte figure, or [free, total] bytes. */
  | { readonly kind: 'ok'; readonly value?: number | readonly [number, number] }
  | { readonly kind: 'err'; readonly error: AllocatorErrorName }
  /** A Rust panic (debug-profile overflow, index out of bounds, ...), with the panic message. */
  | { readonly kind: 'panic'; readonly message: string }
  /** A `handedOut` reference with an empty bundle: the step could not be made and was not sent. */
  | { readonly kind: 'skipped' };

/** Rust arithmetic profile: `debug` panics on integer overflow, `release` wraps. */
export type BuildProfile = 'debug' | 'release';
