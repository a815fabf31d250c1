// framecheck counterexample reserve-misses-last-frame-of-unaligned-range: reserving from an unaligned start leaves the last frame of the range free
// Found by framecheck 0.1.0 on port (debug), small scope (512 frames), seed 20261125.
// First difference at step 2: counters-match-model — free_count 1, total_count 2; promised 0 and 2
// Guards the debug profile (integer overflow panics), as recorded: the allocator is opened with it.
// Runs on the port by default; FRAMECHECK_ALLOCATOR=corrected runs it on the corrected allocator.
// To keep it: test/kept/ (npm test runs it there against the corrected allocator, see README).
import { expect, test } from 'vitest';
import { openAllocator } from "../../src/testing/index.js";

test("reserve-misses-last-frame-of-unaligned-range: reserving from an unaligned start leaves the last frame of the range free", () => {
  const allocator = openAllocator({ maxFrames: 512, profile: "debug" });
  // step 1: init([0x0+0x2000 Usable])
  expect(allocator.init([{ base: 0x0n, length: 0x2000n, kind: 'Usable' }])).toEqual({"kind":"ok"});
  expect(allocator.counts()).toEqual({ free: 2, total: 2 });
  // step 2 — the first difference (counters-match-model): reserve_range(PhysAddr::new(0x1), 0x1000)
  expect(allocator.reserve_range(0x1n, 0x1000n)).toEqual({"kind":"ok"});
  expect(allocator.counts()).toEqual({ free: 0, total: 2 });
});
