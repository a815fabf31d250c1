// The component properties (properties/components): the port's u64 arithmetic, address and frame
// types, JavaScript boundary, and the bitmap's hint and search, each checked by fast-check against
// its independent statement. Part of the property suite (vitest.coverage.config.ts).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { COMPONENT_PROPERTIES } from '../../properties/components/index.js';

const SEED = 20261125;

describe('component properties', () => {
  it.each(COMPONENT_PROPERTIES.map((entry) => [entry.name, entry] as const))('%s', (name, { holds, property, numRuns }) => {
    console.log(`${name}: ${holds} (seed ${SEED}, ${numRuns} runs)`);
    fc.assert(property, { seed: SEED, numRuns });
  });
});
