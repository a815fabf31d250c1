// Mutation testing of the corrected allocator and the port code it inherits against the property
// suite alone (vitest.mutation.config.ts → test/mutation/property-suite.test.ts). `npm run mutation`;
// figures and surviving mutants in docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/corrected/**/*.ts', 'src/allocator/frame-allocator.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // A campaign takes a few seconds; a mutant that makes it loop forever is cut off after this much
  // more than the unmutated run took (times timeoutFactor).
  timeoutMS: 30_000,
  timeoutFactor: 2,
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
