// Kept regression tests (test/kept/): counterexamples exported with `framecheck export --to vitest`
// and kept by a kernel team. Each one fails on the port by design (it is a defect of the seed), so
// they run here against the FIXED allocator — FRAMECHECK_ALLOCATOR=corrected — as the last step of
// `npm test`, and the default configs leave them out.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/kept/**/*.test.ts'], env: { FRAMECHECK_ALLOCATOR: 'corrected' }, passWithNoTests: true, testTimeout: 120_000 },
});
