// Mutation testing of the corrected allocator and the port code it inherits against the property
// suite alone (vitest.mutation.config.ts: the mutation-sized campaigns and the component properties).
// `npm run mutation`; figures and surviving mutants in docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/corrected/**/*.ts', 'src/allocator/frame-allocator.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (code run when a module loads: module-level constants and arrow functions) are
  // activated too late by the vitest runner and reported as survived with no test run
  // (stryker-js#6144, #6209): ignored, and checked by hand instead (docs/mutation.md).
  ignoreStatic: true,
  concurrency: 2,
  // A mutant gets 1.5x the unmutated (instrumented) run of the tests covering it plus 10 s: the
  // suite is deterministic (fixed seed), so only a mutant that loops forever or much longer is cut off.
  timeoutMS: 10_000,
  timeoutFactor: 1.5,
  incremental: false,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // Nothing the property suite needs: the Rust sources and their build output, built JS, benchmarks.
  ignorePatterns: ['native', 'dist', 'bench', 'scratch', 'coverage', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
