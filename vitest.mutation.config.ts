// The test run Stryker uses for every mutant (stryker.config.mjs): the property suite alone, sized
// for mutation testing (test/mutation/property-suite.test.ts). No unit tests: the question is what
// the property suite, not the unit tests, would notice. See docs/mutation.md.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/property-suite.test.ts', 'test/properties/components.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
