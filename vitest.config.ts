import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The mutation-testing suite runs under Stryker (npm run mutation), not with the tests; kept
    // regression tests run against the corrected allocator (vitest.kept.config.ts).
    exclude: [...configDefaults.exclude, 'test/mutation/**', 'test/kept/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
