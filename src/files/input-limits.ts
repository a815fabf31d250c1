// The limits of what framecheck reads from a file. Each sits far above what a real machine or a
// real campaign produces and far below what would exhaust the heap, so an oversized input is a
// one-line refusal naming its limit (exit 2) instead of a V8 crash.

/** Any input file: a boot log holds a few hundred KiB, a counterexample a few MiB at most. */
export const MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Entries of one memory map: Linux keeps at most E820_MAX_ENTRIES = 3 × MAX_NUMNODES + 128 = 3,200
 * (1,024 NUMA nodes); UEFI maps of large servers hold a few hundred.
 */
export const MAX_MEMORY_MAP_ENTRIES = 4_096;

/** Steps of one counterexample: campaigns generate at most 80 commands, bounded-exhaustive search fewer. */
export const MAX_COUNTEREXAMPLE_STEPS = 10_000;

/** Length of a free-text field of a file (a title, a message with a driver's stderr tail, a signature). */
export const MAX_TEXT_FIELD_LENGTH = 65_536;
