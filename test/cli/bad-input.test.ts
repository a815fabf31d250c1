// Bad input to the real binary: every case exits 2 with exactly one line on stderr that starts with
// "framecheck: " and names the flag or file and what is wrong — no stack trace, no internal error,
// and no half-written reports folder or output file.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPaths, framecheck, pathFlags, removeTempDirs, runMain, tempDir, type CampaignPaths, type Ran } from './helpers.js';

let dir: string;
/** A real counterexample file, written by a small campaign. */
let counterexample: string;
/** The report folder of that campaign. */
let reportFolder: string;

beforeAll(() => {
  dir = tempDir('framecheck-bad-input-');
  const paths = campaignPaths(dir, 'fixture');
  const ran = runMain(['--scope', 'small', '--runs', '100', '--seed', '1', '--no-corpus-write', ...pathFlags(paths)]);
  expect(ran.status).toBe(1);
  reportFolder = join(paths.reports, 'latest');
  const files = readdirSync(join(reportFolder, 'counterexamples')).filter((name) => name.endsWith('.json')).sort();
  expect(files.length).toBeGreaterThan(0);
  counterexample = join(reportFolder, 'counterexamples', files[0] as string);
});

afterAll(removeTempDirs);

function expectBadInput(ran: Ran, ...mentions: (string | RegExp)[]): void {
  expect(ran.stderr.endsWith('\n'), `stderr ends in a newline: ${JSON.stringify(ran.stderr)}`).toBe(true);
  const lines = ran.stderr.slice(0, -1).split('\n');
  expect(lines, `exactly one line on stderr: ${JSON.stringify(ran.stderr)}`).toHaveLength(1);
  const line = lines[0] as string;
  expect(line).toMatch(/^framecheck: \S/);
  expect(line).not.toContain('internal error');
  expect(ran.stderr).not.toMatch(/^\s+at /m);
  for (const mention of mentions) {
    if (typeof mention === 'string') expect(line).toContain(mention);
    else expect(line).toMatch(mention);
  }
  expect(ran.status, `exit status (stderr: ${ran.stderr})`).toBe(2);
  expect(ran.stdout).toBe('');
}

/** A copy of the fixture counterexample, changed by `edit`. */
function editedCounterexample(name: string, edit: (json: Record<string, unknown> & { steps: Record<string, unknown>[] }) => unknown): string {
  const json = JSON.parse(readFileSync(counterexample, 'utf8')) as Record<string, unknown> & { steps: Record<string, unknown>[] };
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(edit(json) ?? json, null, 2)}\n`);
  return file;
}

function writeText(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe.concurrent('run: bad flags exit 2 with one line and write no reports', () => {
  const cases: [string, string[], (string | RegExp)[]][] = [
    ['an unknown flag', ['--bogus'], ["Unknown option '--bogus'", 'run --help']],
    ['a positional argument', ['run', 'stray'], ['unexpected argument "stray"']],
    ['--runs -5 (a negative value, taken as a flag by the parser)', ['--runs', '-5'], ['--runs']],
    ['--runs=-5', ['--runs=-5'], ['--runs must be a whole number, got "-5"']],
    ['--runs 1.5', ['--runs', '1.5'], ['--runs must be a whole number, got "1.5"']],
    ['--runs abc', ['--runs', 'abc'], ['--runs must be a whole number, got "abc"']],
    ['--runs 0', ['--runs', '0'], ['--runs must be between 1 and']],
    ['--full-runs x', ['--full-runs', 'x'], ['--full-runs must be a whole number, got "x"']],
    ['--seed 2^64', ['--seed', '18446744073709551616'], ['--seed must be at most 2^64-1 as a number, got 18446744073709551616']],
    ['--seed with a space', ['--seed', 'run 42'], ['--seed must be a whole number or a word', 'got "run 42"']],
    ['--seed empty', ['--seed', ''], ['--seed must be a whole number or a word']],
    ['--scope bogus', ['--scope', 'bogus'], ['--scope must be one of small, full, both, got "bogus"']],
    ['--profile x', ['--profile', 'x'], ['--profile must be one of debug, release, got "x"']],
    ['--format xml', ['--format', 'xml'], ['--format must be one of text, json, got "xml"']],
    ['--time-limit 0', ['--time-limit', '0'], ['--time-limit must be longer than zero']],
    ['--time-limit banana', ['--time-limit', 'banana'], ['--time-limit must be a duration', 'got "banana"']],
    ['--shard 3/2', ['--shard', '3/2'], ['--shard must be i/n', 'got "3/2"']],
    ['--shard 0/2', ['--shard', '0/2'], ['--shard must be i/n', 'got "0/2"']],
    ['--shard x', ['--shard', 'x'], ['--shard must be i/n', 'got "x"']],
    ['--ci with --no-ci', ['--ci', '--no-ci'], ['--ci and --no-ci contradict each other']],
    ['--allocator with --allocator-cmd', ['--allocator', 'port', '--allocator-cmd', './driver'], ['--allocator and --allocator-cmd']],
    ['--allocator bogus', ['--allocator', 'bogus'], ['--allocator must be', 'got "bogus"']],
  ];
  for (const [name, args, mentions] of cases) {
    it(name, async () => {
      const paths = campaignPaths(dir, `run-${name.replace(/[^a-z0-9]+/gi, '_')}`);
      const ran = await framecheck([...args, ...pathFlags(paths)]);
      expectBadInput(ran, ...mentions);
      expect(existsSync(paths.reports), 'no reports folder for an argument error').toBe(false);
      expect(readdirSync(paths.corpus)).toEqual([]);
    });
  }
});

describe.concurrent('run: bad memory maps and baselines exit 2 naming the file', () => {
  const campaign = async (extra: string[]): Promise<{ ran: Ran; paths: CampaignPaths }> => {
    const paths = campaignPaths(dir, `map-${extra.join('_').replace(/[^a-z0-9]+/gi, '_')}`);
    const ran = await framecheck(['--scope', 'small', '--runs', '10', '--seed', '1', ...extra, ...pathFlags(paths)]);
    return { ran, paths };
  };

  it('a missing --memory-map file', async () => {
    const file = join(dir, 'no-such-map.txt');
    const { ran, paths } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}: no such file`);
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('a dmesg file whose BIOS-e820 line is garbage names the line number', async () => {
    const file = writeText(
      'garbage.e820.txt',
      [
        '# a boot log',
        '[    0.000000] e820: BIOS-provided physical RAM map:',
        '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
        '[    0.000000] BIOS-e820: [mem 0xGARBAGE] reserved',
        '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable',
        '',
      ].join('\n'),
    );
    const { ran, paths } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}:4: `, 'BIOS-e820', '0xGARBAGE');
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('an e820 line with an unknown type names the line and the type', async () => {
    const file = writeText('unknown-type.e820.txt', 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\nBIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] haunted\n');
    const { ran } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}:2: `, 'unknown e820 type "haunted"');
  });

  it('an e820 region whose end is below its start names the line', async () => {
    const file = writeText('backwards.e820.txt', 'BIOS-e820: [mem 0x0000000000200000-0x00000000000fffff] usable\n');
    const { ran } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}:1: `, 'below its start');
  });

  it('a text file with no e820 lines', async () => {
    const file = writeText('not-a-map.txt', 'hello\nthis is not a boot log\n');
    const { ran, paths } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}: `, 'no "BIOS-e820: [mem ...]" lines');
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('a JSON memory map with the wrong format field', async () => {
    const file = writeText('wrong-format.json', `${JSON.stringify({ format: 'something-else', regions: [{ base: '0x0', length: '0x1000', kind: 'Usable' }] })}\n`);
    const { ran, paths } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}: `, '"format": "framecheck-memory-map"');
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('a JSON memory map with a bad region names the field', async () => {
    const file = writeText('bad-region.json', `${JSON.stringify({ format: 'framecheck-memory-map', regions: [{ base: '0x0', length: '0x1000', kind: 'Usable' }, { base: 'zero', length: '0x1000', kind: 'Usable' }] })}\n`);
    const { ran } = await campaign(['--memory-map', file]);
    expectBadInput(ran, `${file}: `, 'regions[1].base');
  });

  it('a baseline that is not a framecheck baseline', async () => {
    const paths = campaignPaths(dir, 'bad-baseline');
    writeFileSync(paths.baseline, '{"format": "something", "version": 1, "accepted": {}}\n');
    const ran = await framecheck(['--scope', 'small', '--runs', '10', ...pathFlags(paths)]);
    expectBadInput(ran, `${paths.baseline}: not a framecheck baseline`);
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('a baseline entry without an id names the entry', async () => {
    const paths = campaignPaths(dir, 'bad-baseline-entry');
    writeFileSync(paths.baseline, JSON.stringify({ format: 'framecheck-baseline', version: 2, accepted: { port: [{ reason: 'no id' }] } }));
    const ran = await framecheck(['--scope', 'small', '--runs', '10', ...pathFlags(paths)]);
    expectBadInput(ran, `${paths.baseline}: `, '"accepted.port[0].id" must be a non-empty string');
    expect(existsSync(paths.reports)).toBe(false);
  });

  it('a corrupt file in the regression corpus names the file', async () => {
    const paths = campaignPaths(dir, 'bad-corpus');
    mkdirSync(paths.corpus, { recursive: true });
    const file = join(paths.corpus, 'broken.small.json');
    writeFileSync(file, '');
    const ran = await framecheck(['--scope', 'small', '--runs', '10', ...pathFlags(paths)]);
    expectBadInput(ran, `${file}: empty file`);
    expect(existsSync(paths.reports)).toBe(false);
  });
});

describe.concurrent('replay: bad counterexample files exit 2 naming the file and the problem', () => {
  it('a missing file', async () => {
    const file = join(dir, 'missing.json');
    expectBadInput(await framecheck(['replay', file]), `${file}: no such file`);
  });

  it('a folder', async () => {
    expectBadInput(await framecheck(['replay', dir]), `${dir}: is a folder, not a file`);
  });

  it('an empty file', async () => {
    const file = writeText('empty.json', '');
    expectBadInput(await framecheck(['replay', file]), `${file}: empty file, expected JSON`);
  });

  it('truncated JSON reports the line it stops on', async () => {
    const file = writeText('truncated.json', '{\n  "format": "framecheck-counterexample",\n  "vers');
    expectBadInput(await framecheck(['replay', file]), `${file}:3: malformed or truncated JSON`);
  });

  it('JSON cut off inside an object reports the line', async () => {
    const file = writeText('cut.json', '{\n  "format": "framecheck-counterexample",\n  "version": 1,\n  "steps": [{"step": {"op": "init"');
    expectBadInput(await framecheck(['replay', file]), `${file}:4: malformed or truncated JSON`);
  });

  // Node 20's JSON.parse gives no position for these two errors: the line comes from the excerpt.
  it('JSON truncated right after a bracket reports the line', async () => {
    const file = writeText('truncated-bracket.json', '{\n  "format": "framecheck-counterexample",\n  "version": 1,\n  "steps": [\n');
    const ran = await framecheck(['replay', file]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(new RegExp(`^framecheck: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: malformed or truncated JSON`));
  });

  it('JSON with an unexpected token reports the line', async () => {
    const file = writeText('unexpected-token.json', '{\n  "format": "framecheck-counterexample",\n  "version": 1,\n  "steps": [}\n}\n');
    const ran = await framecheck(['replay', file]);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain(`${file}:4: `);
  });

  it('a JSON file with an unexpected token still exits 2 with one line', async () => {
    const file = writeText('unexpected-token-2.json', '{\n  "format": "framecheck-counterexample",\n  "version": 1,\n  "steps": [}\n}\n');
    expectBadInput(await framecheck(['replay', file]), file, 'malformed or truncated JSON');
  });

  it('valid JSON that is not a counterexample', async () => {
    const file = writeText('not-a-counterexample.json', '{"hello": "world"}\n');
    expectBadInput(await framecheck(['replay', file]), `${file}: not a framecheck counterexample`);
  });

  it('a JSON array', async () => {
    const file = writeText('array.json', '[1, 2, 3]\n');
    expectBadInput(await framecheck(['replay', file]), `${file}: not a framecheck counterexample`);
  });

  it('a counterexample of format version 99 names the version', async () => {
    const file = editedCounterexample('version-99.json', (json) => ({ ...json, version: 99 }));
    expectBadInput(await framecheck(['replay', file]), `${file}: `, 'version 99', 'reads version 1');
  });

  it('a step with an unknown op names steps[i] and the op', async () => {
    const file = editedCounterexample('unknown-op.json', (json) => {
      const last = json.steps.length - 1;
      json.steps[last] = { ...json.steps[last], step: { op: 'frobnicate' } };
    });
    const last = (JSON.parse(readFileSync(file, 'utf8')) as { steps: unknown[] }).steps.length - 1;
    expectBadInput(await framecheck(['replay', file]), `${file}: `, `steps[${last}].step.op`, '"frobnicate"');
  });

  it('a step with a bad address names the field and the value', async () => {
    const file = editedCounterexample('bad-address.json', (json) => {
      json.steps.push({ ...json.steps[0], step: { op: 'reserve_range', start: '0xzz', size: '0x1000' } });
    });
    const index = (JSON.parse(readFileSync(file, 'utf8')) as { steps: unknown[] }).steps.length - 1;
    expectBadInput(await framecheck(['replay', file]), `${file}: `, `steps[${index}].step.start`, '"0xzz"');
  });

  it('a step that is not an object', async () => {
    const file = editedCounterexample('step-null.json', (json) => {
      json.steps[0] = { ...json.steps[0], step: null };
    });
    expectBadInput(await framecheck(['replay', file]), `${file}: `, 'steps[0].step');
  });

  it('steps that are not an array', async () => {
    const file = editedCounterexample('steps-object.json', (json) => ({ ...json, steps: { op: 'init' } }));
    expectBadInput(await framecheck(['replay', file]), `${file}: `, '"steps"');
  });

  it('a bitmap capacity that is not a multiple of 64', async () => {
    const file = editedCounterexample('bad-frames.json', (json) => ({ ...json, target: { ...(json.target as object), maxFrames: 100 } }));
    expectBadInput(await framecheck(['replay', file]), `${file}: `, '"target.maxFrames"');
  });

  it('no file', async () => {
    expectBadInput(await framecheck(['replay']), 'replay: give exactly one counterexample file');
  });

  it('two files', async () => {
    expectBadInput(await framecheck(['replay', counterexample, counterexample]), 'replay: give exactly one counterexample file');
  });

  it('an unknown flag', async () => {
    expectBadInput(await framecheck(['replay', counterexample, '--bogus']), 'replay: ', "'--bogus'");
  });

  it('--allocator bogus', async () => {
    expectBadInput(await framecheck(['replay', counterexample, '--allocator', 'bogus']), '--allocator must be', '"bogus"');
  });

  it('--profile x', async () => {
    expectBadInput(await framecheck(['replay', counterexample, '--profile', 'x']), '--profile must be one of debug, release, got "x"');
  });
});

describe.concurrent('export, list and merge: bad usage exits 2', () => {
  it('export without --to writes nothing', async () => {
    const out = join(dir, 'export-no-to.test.ts');
    expectBadInput(await framecheck(['export', counterexample, '--out', out]), 'export: --to vitest or --to rust is required');
    expect(existsSync(out)).toBe(false);
  });

  it('export --to cobol writes nothing', async () => {
    const out = join(dir, 'export-cobol.txt');
    expectBadInput(await framecheck(['export', counterexample, '--to', 'cobol', '--out', out]), '--to must be one of vitest, rust, got "cobol"');
    expect(existsSync(out)).toBe(false);
  });

  it('export without a file', async () => {
    expectBadInput(await framecheck(['export', '--to', 'rust']), 'export: give exactly one counterexample file');
  });

  it('export of a missing file writes nothing', async () => {
    const file = join(dir, 'missing-export.json');
    const out = join(dir, 'export-missing.rs');
    expectBadInput(await framecheck(['export', file, '--to', 'rust', '--out', out]), `${file}: no such file`);
    expect(existsSync(out)).toBe(false);
  });

  it('list bogus', async () => {
    expectBadInput(await framecheck(['list', 'bogus']), 'list: expected properties, findings or scenarios, got "bogus"');
  });

  it('merge without --out', async () => {
    expectBadInput(await framecheck(['merge', reportFolder]), 'merge: --out DIR is required');
  });

  it('merge without folders', async () => {
    expectBadInput(await framecheck(['merge', '--out', join(dir, 'merged-none')]), 'merge: give the report folders of the shards');
    expect(existsSync(join(dir, 'merged-none'))).toBe(false);
  });

  it('merge of a folder without results.json creates nothing', async () => {
    const empty = join(dir, 'empty-shard');
    mkdirSync(empty, { recursive: true });
    const out = join(dir, 'merged-empty');
    expectBadInput(await framecheck(['merge', empty, '--out', out]), `${join(empty, 'results.json')}: no such file`);
    expect(existsSync(out)).toBe(false);
  });

  it('merge of a shard that did not finish', async () => {
    const shard = join(dir, 'unfinished-shard');
    cpSync(reportFolder, shard, { recursive: true, dereference: true });
    const results = JSON.parse(readFileSync(join(shard, 'results.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(shard, 'results.json'), JSON.stringify({ ...results, status: 'running' }));
    const out = join(dir, 'merged-unfinished');
    expectBadInput(await framecheck(['merge', shard, '--out', out]), `${join(shard, 'results.json')}: `, 'did not finish');
    expect(existsSync(out)).toBe(false);
  });
});

describe.concurrent('run: an --allocator-cmd driver that does not start', () => {
  const driver = '/nonexistent/framecheck-driver';

  it('exits 2 naming --allocator-cmd, without a stack trace', async () => {
    const paths = campaignPaths(dir, 'driver-exit');
    const ran = await framecheck(['--allocator-cmd', driver, '--scope', 'small', '--runs', '10', '--seed', '1', ...pathFlags(paths)]);
    expect(ran.status).toBe(2);
    const last = ran.stderr.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^framecheck: --allocator-cmd: the driver did not start: /);
    expect(last).toContain(driver);
    expect(ran.stderr).not.toMatch(/^\s+at /m);
  });

  // The allocator is started before anything is written.
  it('writes no reports folder', async () => {
    const paths = campaignPaths(dir, 'driver-no-reports');
    const ran = await framecheck(['--allocator-cmd', driver, '--scope', 'small', '--runs', '10', '--seed', '1', ...pathFlags(paths)]);
    expect(ran.status).toBe(2);
    expect(existsSync(paths.reports)).toBe(false);
  });

});

