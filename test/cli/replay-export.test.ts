// Counterexamples of a real campaign, replayed and exported: replay still fails on the port and
// passes on the corrected allocator; an exported vitest test fails on the port and passes with
// FRAMECHECK_ALLOCATOR=corrected when vitest runs it; a Rust export has the seed's test shape.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounterexample, type LoadedCounterexample } from '../../src/files/counterexample-file.js';
import { campaignPaths, childEnv, framecheck, framecheckBinary, pathFlags, removeTempDirs, ROOT, runMain, runNode, tempDir } from './helpers.js';

let dir: string;
let counterexamples: LoadedCounterexample[];

beforeAll(() => {
  dir = tempDir('framecheck-replay-export-');
  const paths = campaignPaths(dir);
  const ran = runMain(['--scope', 'small', '--runs', '300', '--seed', '1', '--allocator', 'port', ...pathFlags(paths)]);
  expect(ran.status).toBe(1);
  const folder = join(paths.reports, 'latest', 'counterexamples');
  counterexamples = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readCounterexample(join(folder, name)));
  expect(counterexamples.length).toBeGreaterThanOrEqual(3);
});

afterAll(removeTempDirs);

const byDivergingStep = (): LoadedCounterexample => {
  const found = counterexamples.find((loaded) => loaded.content.divergingStep !== null && loaded.steps.length >= 2) ?? counterexamples.find((loaded) => loaded.content.divergingStep !== null);
  if (found === undefined) throw new Error('no counterexample with a diverging step');
  return found;
};

describe('replay', () => {
  it('replays a counterexample on the port: exit 1, the diverging step marked ">>", "still fails"', async () => {
    const loaded = byDivergingStep();
    const diverging = loaded.content.divergingStep as number;
    const ran = await framecheck(['replay', loaded.file]);
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain(`${loaded.content.finding.id} — ${loaded.content.finding.title}`);
    expect(ran.stdout).toContain(`replaying ${loaded.steps.length} recorded steps on port (debug), 512 frames`);
    const rows = ran.stdout.split('\n').filter((line) => /^(>>| {2})\d+ /.test(line));
    expect(rows).toHaveLength(loaded.steps.length);
    const marked = rows.filter((row) => row.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^>>${diverging + 1} `));
    expect(marked[0]).toContain(loaded.content.steps[diverging]?.call.slice(0, 40) ?? '');
    expect(ran.stdout).toContain(`first difference at step ${diverging + 1}: ${loaded.content.property}`);
    expect(ran.stdout).toContain(`still fails: ${loaded.content.finding.id}\n`);
  });

  it('replays the same file on the corrected allocator: exit 0, "passes", no step marked', async () => {
    const loaded = byDivergingStep();
    const ran = await framecheck(['replay', loaded.file, '--allocator', 'corrected']);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('on corrected (debug)');
    expect(ran.stdout).toContain('passes: every invariant holds on corrected (debug)');
    expect(ran.stdout).not.toMatch(/^>>/m);
    expect(ran.stdout).not.toContain('still fails');
  });

  it('every counterexample of the campaign still fails on the port and passes on the corrected allocator', () => {
    for (const loaded of counterexamples) {
      const port = runMain(['replay', loaded.file]);
      expect(port.status, loaded.file).toBe(1);
      expect(port.stdout).toContain(`still fails: ${loaded.content.finding.id}\n`);
      const corrected = runMain(['replay', loaded.file, '--allocator', 'corrected']);
      expect(corrected.status, loaded.file).toBe(0);
      expect(corrected.stdout).toContain('passes:');
    }
  });
});

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; status: string; message: string; assertionResults: { status: string; title: string; failureMessages: string[] }[] }[];
}

describe('export --to vitest', () => {
  let exportDir: string;
  let files: { id: string; file: string }[];

  beforeAll(async () => {
    exportDir = join(tempDir('framecheck-exported-'), 'tests');
    files = [];
    for (const [i, loaded] of counterexamples.entries()) {
      const file = join(exportDir, `${loaded.content.finding.id}.test.ts`);
      // the first through the real binary, the rest in-process (the same command)
      const ran = i === 0 ? await framecheckBinary(['export', loaded.file, '--to', 'vitest', '--out', file]) : runMain(['export', loaded.file, '--to', 'vitest', '--out', file]);
      expect(ran.status, ran.stderr).toBe(0);
      expect(ran.stdout).toBe(`wrote ${file}\n`);
      files.push({ id: loaded.content.finding.id, file });
    }
  });

  const runExported = async (env: NodeJS.ProcessEnv, name: string): Promise<VitestJson> => {
    const output = join(dirname(exportDir), `${name}.json`);
    const ran = await runNode(['run', '--root', exportDir, '--reporter=json', `--outputFile=${output}`], { cwd: exportDir, env, script: join(ROOT, 'node_modules', 'vitest', 'vitest.mjs') });
    const json = JSON.parse(readFileSync(output, 'utf8')) as VitestJson;
    expect(json.testResults, ran.stdout + ran.stderr).toHaveLength(files.length);
    return json;
  };

  it('imports the testing module by a relative path that resolves to src/testing', () => {
    for (const { file } of files) {
      const text = readFileSync(file, 'utf8');
      const path = /from "([^"]+)";$/.exec(text.split('\n').find((line) => line.includes('openAllocator }')) ?? '')?.[1];
      expect(path, file).toBeDefined();
      expect(path?.startsWith('.')).toBe(true);
      expect(resolve(dirname(file), path as string)).toBe(join(ROOT, 'src', 'testing', 'index.js'));
      expect(text).toContain("import { expect, test } from 'vitest';");
    }
  });

  it(`each exported test fails on the port, for the finding's reason`, async () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const json = await runExported(childEnv(), 'port');
    expect(json.numFailedTests).toBe(files.length);
    expect(json.numPassedTests).toBe(0);
    for (const result of json.testResults) {
      // the file loaded and its one test ran and failed an assertion (not an import error)
      expect(result.assertionResults, result.name + result.message).toHaveLength(1);
      const [test] = result.assertionResults;
      expect(test?.status).toBe('failed');
      expect(test?.failureMessages.join('\n')).toMatch(/AssertionError|expected/);
      const id = files.find(({ file }) => file === result.name)?.id;
      expect(id, result.name).toBeDefined();
      expect(test?.title.startsWith(`${id}: `)).toBe(true);
    }
  });

  it('each exported test passes with FRAMECHECK_ALLOCATOR=corrected', async () => {
    const json = await runExported(childEnv({ FRAMECHECK_ALLOCATOR: 'corrected' }), 'corrected');
    expect(json.numPassedTests).toBe(files.length);
    expect(json.numFailedTests).toBe(0);
    for (const result of json.testResults) expect(result.assertionResults.map((test) => test.status)).toEqual(['passed']);
  });

  it('without --out the test goes to stdout, importing the testing module relative to the working folder', async () => {
    const loaded = counterexamples[0] as LoadedCounterexample;
    const ran = await framecheck(['export', loaded.file, '--to', 'vitest']);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`// framecheck counterexample ${loaded.content.finding.id}`);
    expect(ran.stdout).toMatch(/^import \{ (isFrameFrom, )?openAllocator \} from "\.\/src\/testing\/index\.js";$/m);
    expect(ran.stdout).toContain(`openAllocator({ maxFrames: 512, profile: "debug" })`);
  });
});

describe('export --to rust', () => {
  it('writes a #[test] in the seed style: MemoryMap::empty(), FrameAllocator::new(), assert_eq!', async () => {
    const loaded = counterexamples.find((candidate) => candidate.steps.some((step) => step.op === 'init'));
    expect(loaded).toBeDefined();
    const ran = await framecheck(['export', (loaded as LoadedCounterexample).file, '--to', 'rust']);
    expect(ran.status).toBe(0);
    const rust = ran.stdout;
    expect(rust).toContain('#[cfg(test)]');
    expect(rust).toContain('#[test]');
    expect(rust).toContain('MemoryMap::empty()');
    expect(rust).toContain('FrameAllocator::new()');
    expect(rust).toContain('assert_eq!');
    expect(rust).toContain('use super::*;');
    expect(rust).toContain(`// framecheck counterexample ${loaded?.content.finding.id}`);
    // balanced braces: a module holding one function
    expect((rust.match(/{/g) ?? []).length).toBe((rust.match(/}/g) ?? []).length);
  });

  it('writes the Rust test to --out', () => {
    const loaded = counterexamples[0] as LoadedCounterexample;
    const out = join(tempDir('framecheck-rust-'), 'nested', 'framecheck_test.rs');
    const ran = runMain(['export', loaded.file, '--to', 'rust', '--out', out]);
    expect(ran.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('#[test]');
    expect(text).toContain(`mod framecheck_`);
  });
});
