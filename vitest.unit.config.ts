// `npm test`'s first vitest run: every test except the property suite, which the second run
// (vitest.coverage.config.ts, `npm run coverage`) runs once, under coverage. `npx vitest run <file>`
// still runs any single file with the default config.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';
import { PROPERTY_SUITE } from './vitest.coverage.config.js';

export default mergeConfig(base, defineConfig({ test: { exclude: PROPERTY_SUITE } }));
