// Planted racy variants of the seed, the proof that parallel campaigns find races: each fixture in
// native/seed-driver/fixtures/racy-<name>.race names one race in the seed's global API (its header
// comment) and gives it as replacements of seed text, so a variant differs from the seed by that
// race alone and follows the seed when it changes (a replaced text no longer found exactly once is
// an error). The variant source is generated from ../shared/seed/frame_allocator.rs into the
// driver's target directory and compiled through FRAMECHECK_ALLOCATOR_SRC.
import fs from 'node:fs';
import path from 'node:path';
import { buildSeedDriver, SEED_DRIVER_DIR, SEED_SOURCE } from './seed-driver.js';
import type { BuildProfile } from './step.js';

export const RACY_FIXTURES_DIR = path.join(SEED_DRIVER_DIR, 'fixtures');
/** Where the generated variant sources go (`<name>.rs`; the driver's hello then says `name=<name>`). */
const VARIANTS_DIR = path.join(SEED_DRIVER_DIR, 'target', 'variants');
const FIXTURE_SUFFIX = '.race';

const SEED_MARK = '<<<<<<< seed';
const RACY_MARK = '=======';
const END_MARK = '>>>>>>> racy';

interface Replacement {
  readonly seedText: string;
  readonly racyText: string;
}

/** The fixtures' names, e.g. `racy-allocate-at-check-then-set`, sorted. */
export function racyVariantNames(): string[] {
  return fs
    .readdirSync(RACY_FIXTURES_DIR)
    .filter((file) => file.endsWith(FIXTURE_SUFFIX))
    .map((file) => file.slice(0, -FIXTURE_SUFFIX.length))
    .sort();
}

/** Splits a fixture into its header comment and its replacements (`<<<<<<< seed` … `=======` … `>>>>>>> racy`). */
function parseFixture(name: string, text: string): { header: string; replacements: Replacement[] } {
  const lines = text.replace(/\n$/, '').split('\n');
  const firstBlock = lines.indexOf(SEED_MARK);
  const header = lines.slice(0, firstBlock === -1 ? lines.length : firstBlock);
  if (header.length === 0 || !header.every((line) => line.startsWith('//'))) {
    throw new Error(`racy fixture ${name}: must open with // comment lines naming its race`);
  }
  const replacements: Replacement[] = [];
  let at = header.length;
  while (at < lines.length) {
    const racyAt = lines.indexOf(RACY_MARK, at);
    const endAt = lines.indexOf(END_MARK, at);
    if (lines[at] !== SEED_MARK || racyAt === -1 || endAt < racyAt) {
      throw new Error(`racy fixture ${name}: line ${at + 1}: expected ${SEED_MARK}, seed text, ${RACY_MARK}, racy text, ${END_MARK}`);
    }
    replacements.push({ seedText: lines.slice(at + 1, racyAt).join('\n'), racyText: lines.slice(racyAt + 1, endAt).join('\n') });
    at = endAt + 1;
  }
  if (replacements.length === 0) throw new Error(`racy fixture ${name}: no ${SEED_MARK} block`);
  return { header: header.join('\n'), replacements };
}

/** The variant's source: the fixture's header comment, then the seed with each replacement made. */
export function racyVariantSource(name: string, seed: string = fs.readFileSync(SEED_SOURCE, 'utf8')): string {
  const file = path.join(RACY_FIXTURES_DIR, `${name}${FIXTURE_SUFFIX}`);
  if (!fs.existsSync(file)) throw new Error(`no racy variant ${JSON.stringify(name)}; known: ${racyVariantNames().join(', ')}`);
  const { header, replacements } = parseFixture(name, fs.readFileSync(file, 'utf8'));
  let source = seed;
  for (const { seedText, racyText } of replacements) {
    const count = source.split(seedText).length - 1;
    if (count !== 1) throw new Error(`racy fixture ${name}: its seed text occurs ${count} times in ${SEED_SOURCE} (expected once):\n${seedText}`);
    source = source.replace(seedText, () => racyText);
  }
  return `${header}\n\n${source}`;
}

/** Writes the variant's source (only when it changed, so cargo's build stays cached) and returns its path. */
export function writeRacyVariant(name: string): string {
  const source = racyVariantSource(name);
  const file = path.join(VARIANTS_DIR, `${name}.rs`);
  fs.mkdirSync(VARIANTS_DIR, { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== source) fs.writeFileSync(file, source);
  return file;
}

/** Builds the seed driver around the racy variant `name` and returns the binary's and the source's paths. */
export function buildRacyDriver(name: string, profile: BuildProfile): { binary: string; source: string } {
  const source = writeRacyVariant(name);
  return { ...buildSeedDriver({ profile, allocatorSrc: source }), source };
}
