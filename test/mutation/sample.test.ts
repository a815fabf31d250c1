// The test run of the mutation sample in npm test (stryker.sample.config.mjs): the mutation suite's
// small-scope campaign of the corrected allocator (debug, strict model), which reaches every sampled
// line. The whole mutation suite, over every mutant: test/mutation/property-suite.test.ts
// (`npm run mutation`).
import { describe, it } from 'vitest';
import { SCOPES } from '../../properties/scope.js';
import { expectCorrectedPasses } from './campaigns.js';

describe('mutation sample: the corrected allocator passes the property suite (strict model)', () => {
  it('holds every property with coverage met at the small scope (debug)', () => {
    expectCorrectedPasses('debug', SCOPES.small);
  });
});
