// The property suite alone, sized for mutation testing (stryker.config.mjs, docs/mutation.md): every
// mutant of the corrected allocator or of the port code it inherits runs these campaigns, and a
// mutant survives only when they all still pass.
//
// - The corrected allocator, both profiles, both scopes, one fixed seed: no finding at all and every
//   scenario-coverage requirement met, judged by the strict model (policy.allocation 'strict': the
//   frame allocate returns must be the one the seed's documented search finds). The strict model
//   checks everything the default (loose) one does and the search order besides, so a loose
//   campaign would add time, not kills.
// - The port (src/allocator/frame-allocator.ts is mutated too, and the port is that class as it is):
//   a short campaign must find exactly the known findings, no more, no fewer. A mutant that changes
//   the port's behaviour changes what it finds.
//
// Sizes: Stryker's instrumentation (a coverage counter on every mutable expression) slows the code
// under test ~10x at the small scope and ~50x at the full scope, whose 4 Mi-frame bitmaps make
// init and the free-range comparison loop over 65,536 words. The sizes below keep one mutant's run
// to a few seconds; with this seed each scope still meets its coverage requirements, and the
// full scope gets few runs (its behaviour differs from the small scope's only in the bitmap's size).
// One scope per test, cheapest and strictest first: Stryker's vitest runner stops at the first failure.
import { describe, expect, it } from 'vitest';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { SCOPES } from '../../properties/scope.js';
import { campaign, expectCorrectedPasses, NATIVE_ONLY, PORT_RUNS } from './campaigns.js';

describe('mutation suite: the corrected allocator passes the property suite (strict model)', () => {
  it.each(['debug', 'release'] as const)('holds every property with coverage met at the small scope (%s)', (profile) => {
    expectCorrectedPasses(profile, SCOPES.small);
  });
});

describe('mutation suite: the port finds exactly the known findings', () => {
  it('finds every known finding (bar the native-only one) at the small scope, and nothing else', () => {
    const result = campaign('port', 'debug', SCOPES.small, PORT_RUNS);
    const expected = KNOWN_FINDINGS.filter((finding) => finding.policy === undefined && !NATIVE_ONLY.has(finding.id)).map((finding) => finding.id).sort();
    expect(result.findings.map((finding) => finding.identity.id).sort()).toEqual(expected);
    expect(result.completed).toBe(true);
    // A panic says which seed expression overflowed, as a kernel developer needs to find it.
    for (const finding of result.findings.filter((candidate) => candidate.violation.property === 'never-panics')) {
      expect(finding.violation.message).toMatch(/^panicked: attempt to add with overflow \(FrameAllocator::(init|reserve_kernel): [a-z_.]+ \+ [A-Z_a-z.]+/);
    }
  });
});

describe('mutation suite: the corrected allocator passes the property suite at the full scope (strict model)', () => {
  it.each(['debug', 'release'] as const)('holds every property with coverage met at the full scope (%s)', (profile) => {
    expectCorrectedPasses(profile, SCOPES.full);
  });
});
