// Writes a planted racy variant of the seed (native/seed-driver/fixtures/<name>.race applied to
// ../shared/seed/frame_allocator.rs) and prints its path, for FRAMECHECK_ALLOCATOR_SRC:
//   FRAMECHECK_ALLOCATOR_SRC=$(npm run -s racy-variant racy-allocate-at-check-then-set) npx framecheck --threads 4 --allocator seed
// With no name, lists the variants.
import { racyVariantNames, writeRacyVariant } from '../src/targets/racy-variants.js';

const name = process.argv[2];
if (name === undefined) {
  process.stdout.write(`${racyVariantNames().join('\n')}\n`);
} else if (!racyVariantNames().includes(name)) {
  process.stderr.write(`racy-variant: no racy variant ${JSON.stringify(name)}; known: ${racyVariantNames().join(', ')}\n`);
  process.exit(2);
} else {
  process.stdout.write(`${writeRacyVariant(name)}\n`);
}
