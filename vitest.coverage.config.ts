// Code coverage of the allocator code, the corrected allocator and the model by the property suite
// alone (no unit tests): `npm run coverage`. Every line, branch, function and statement must be
// reached by generated runs, file by file. See docs/mutation.md (Coverage).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/properties/suite.test.ts', 'test/mutation/property-suite.test.ts'],
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
