// `npm run -s harvest-corpus DIR [allocator] [last seed]`: every signature an allocator's
// catalogued defects show, each with a shrunk counterexample written into DIR (a corpus folder):
// searches with every catalogued finding but one set aside in turn (and none), over seeds 1 to
// the last (FIRST_SEED moves the first), both scopes and both profiles. The committed corpus came
// from it (`npm run -s harvest-corpus DIR port 16`, then one file kept per finding, signature and
// profile, the small scope's first), and the port's baseline accepts what it found
// (`npx framecheck baseline accept DIR/*.json`).
import { readdirSync } from 'node:fs';
import { FrameModel } from '../models/index.js';
import { KNOWN_FINDINGS } from '../properties/findings.js';
import { SCOPES } from '../properties/scope.js';
import { counterexampleOf } from '../src/files/counterexample-file.js';
import { readMemoryMap } from '../src/files/memory-map-file.js';
import { addToCorpus } from '../src/files/regression-corpus.js';
import { search } from '../src/runner/search.js';
import { createTarget } from '../src/targets/target-spec.js';

const [dir, allocator = 'port', seedsArg = '3'] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npm run -s harvest-corpus DIR [allocator] [last seed]');
const maps = readdirSync('data/memory-maps').map((f) => readMemoryMap(`data/memory-maps/${f}`).regions);
let added = 0;
for (const profile of ['debug', 'release'] as const) {
  for (const name of ['small', 'full'] as const) {
    const scope = { ...SCOPES[name], startingMaps: maps };
    const target = createTarget({ allocator, profile }, scope.maxFrames);
    const newModel = () => new FrameModel({ maxFrames: scope.maxFrames });
    for (let seed = Number(process.env.FIRST_SEED ?? 1); seed <= Number(seedsArg); seed++) {
      for (const keep of [undefined, ...KNOWN_FINDINGS.filter((f) => f.onlyAsHang !== true)]) {
        const setAside = keep === undefined ? [] : KNOWN_FINDINGS.filter((f) => f !== keep);
        const result = search({ scope, target, newModel, setAside, seed, numRuns: name === 'small' ? 3000 : 300 });
        for (const failure of result.failures) {
          if (!KNOWN_FINDINGS.some((f) => f.id === failure.identity.id)) console.log('UNCATALOGUED', profile, name, failure.identity.signature);
          const content = counterexampleOf(failure, scope, { allocator, profile }, 10_000);
          if (addToCorpus(dir, content, failure.identity) !== undefined) added++;
        }
      }
      console.log(profile, name, seed, added);
    }
    target.close?.();
  }
}
