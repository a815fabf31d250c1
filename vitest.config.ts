import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The mutation-testing suite runs under Stryker (npm run mutation), not with the tests; kept
    // regression tests run against the corrected allocator (vitest.kept.config.ts).
    exclude: [...configDefaults.exclude, 'test/mutation/**', 'test/kept/**'],
    // vitest runs one file less than there are cores: one file at a time on the 2-core project
    // machine, where the tests spend much of their time waiting on children (cargo, drivers, the CLI).
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
