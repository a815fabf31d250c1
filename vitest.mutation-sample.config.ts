// The test run Stryker uses for every mutant of the sample in npm test (stryker.sample.config.mjs):
// one campaign of the mutation suite, the cheapest that reaches every sampled line.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutation/sample.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
