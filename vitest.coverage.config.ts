// Code coverage of the allocator code, the corrected allocator and the model by the property suite
// alone (no unit tests): `npm run coverage`, part of `npm test`. Every line, branch, function and
// statement must be reached, file by file. See docs/mutation.md (Coverage).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The property suite: the stateful campaigns (with the policies and a planted defect), the component
 * properties, the bounded-exhaustive search, and the mutation-testing campaigns. `npm test` runs
 * these only here, under coverage; vitest.config.ts runs everything else.
 */
export const PROPERTY_SUITE = ['test/properties/suite.test.ts', 'test/properties/components.test.ts', 'test/runner/exhaustive.test.ts', 'test/mutation/property-suite.test.ts'];

export default defineConfig({
  test: {
    include: PROPERTY_SUITE,
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 300_000,
    hookTimeout: 300_000,
    coverage: {
      provider: 'v8',
      include: ['src/allocator/**/*.ts', 'src/corrected/**/*.ts', 'models/**/*.ts'],
      reporter: ['text', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 100, branches: 100, functions: 100, statements: 100, perFile: true },
    },
  },
});
