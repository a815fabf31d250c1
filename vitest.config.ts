import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The mutation-testing suite runs under Stryker (npm run mutation), not with the tests.
    exclude: [...configDefaults.exclude, 'test/mutation/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
