// The mutation run's CI sample (`npm run mutation:sample`, the last part of `npm test`): the same
// setup as stryker.config.mjs over the corrected allocator's own code only — a fixed third of the
// mutants, about two minutes on two cores. The run fails below the `break` score, set a margin under
// the measured score of the sample (docs/mutation.md), so a property-suite change that lets
// mutants through fails CI. The whole set: `npm run mutation`.
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/corrected/**/*.ts'],
  reporters: ['clear-text', 'json'],
  jsonReporter: { fileName: 'reports/mutation/sample.json' },
  thresholds: { high: 90, low: 80, break: 80 },
};
