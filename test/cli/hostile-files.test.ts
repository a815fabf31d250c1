// Files that travel (bug reports, other branches' CI artifacts) are data, never code. Every field of
// a counterexample that reaches an exported test is tried with hostile text: it is either refused
// (exit 2, one line naming the field) or exported so that the generated code is exactly the code of
// a benign file — the hostile text only inside comments and escaped string literals. Replay never
// runs a command or module a file names unless asked, and then without a shell.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COUNTEREXAMPLE_STEPS, MAX_INPUT_FILE_BYTES, MAX_MEMORY_MAP_ENTRIES } from '../../src/files/input-limits.js';
import { commandWords } from '../../src/targets/command-words.js';
import { campaignPaths, pathFlags, ROOT, removeTempDirs, runMain, tempDir, writeBaseline, type Ran } from './helpers.js';

type Json = Record<string, any>;
/** The port's corpus entry of an unaligned reservation: init and reserve_range, two steps. */
const BASE = join(ROOT, 'reports', 'regressions', readdirSync(join(ROOT, 'reports', 'regressions')).find((name) => /^reserve-misses-last-frame-of-unaligned-range\.[0-9a-f]+\.small\.json$/.test(name)) ?? 'missing');

let dir: string;
let base: Json;

beforeAll(() => {
  dir = tempDir('framecheck-hostile-');
  base = JSON.parse(readFileSync(BASE, 'utf8')) as Json;
  // A third step whose promise is "any of these free frames": the export's other assertion form.
  base.steps.push({ ...base.steps[1], step: { op: 'allocate' }, call: 'allocate()', expected: { anyFreeFrame: [[0, 1]] } });
});
afterAll(removeTempDirs);

let written = 0;
function fileWith(edit: (json: Json) => void): string {
  const json = structuredClone(base);
  edit(json);
  const file = join(dir, `cx-${written++}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

/** Sets a field by path ("steps.0.call"), creating nothing: the path must exist in the base file except its last key. */
function set(json: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const holder = keys.reduce((at: Json, key) => at[key], json);
  if (value === undefined) delete holder[last];
  else holder[last] = value;
}

function expectOneLineExit2(ran: Ran, ...mentions: string[]): void {
  expect(ran.status, ran.stderr).toBe(2);
  expect(ran.stderr).toMatch(/^framecheck: [^\n]+\n$/);
  expect(ran.stderr).not.toContain('internal error');
  for (const mention of mentions) expect(ran.stderr).toContain(mention);
}

/**
 * The code of a generated source with every comment removed and every string literal emptied —
 * after checking each literal is a well-formed, escaped literal of its language. Module and test
 * function names (made of the finding id) are normalised.
 */
function skeleton(source: string, language: 'ts' | 'rust'): string {
  const lineEnd = language === 'ts' ? /[\n\r\u2028\u2029]/ : /\n/;
  let out = '';
  for (let i = 0; i < source.length; ) {
    const c = source[i] as string;
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && !lineEnd.test(source[i] as string)) i++;
    } else if (c === '"' || (c === "'" && language === 'ts')) {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      const literal = source.slice(i, j + 1);
      expect(literal, 'a literal may not run over a line').not.toMatch(/[\n\r\u2028\u2029]/);
      if (language === 'rust') expect(literal.replace(/\\(["\\nrt]|u\{[0-9a-f]{1,6}\})/g, ''), literal).not.toContain('\\');
      else if (c === '"') expect(() => JSON.parse(literal), literal).not.toThrow();
      out += `${c}${c}`;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/framecheck_[a-z0-9_]+/g, 'framecheck_NAME').replace(/fn [a-z0-9_]+\(/g, 'fn NAME(');
}

const exported = (file: string, to: 'vitest' | 'rust'): Ran => runMain(['export', file, '--to', to]);

const MULTI_LINE = 'x\n}); process.exit(7); /* */ \u2028 \u202e {} {:?} \\ \' ` ${1} "\n#[test] fn evil() {}';
const ONE_LINE = 'x */ "); process.exit(7); // \' ` ${1} {} \u202e \\u{0}';

describe('export: text from the file stays in comments and escaped literals', () => {
  const cases: [string, string][] = [
    ['finding.title', MULTI_LINE],
    ['message', MULTI_LINE],
    ['steps.0.call', MULTI_LINE],
    ['steps.2.call', MULTI_LINE],
    ['finding.id', ONE_LINE],
    ['target.allocator', ONE_LINE],
    ['framecheck', ONE_LINE],
    ['replay.seed', ONE_LINE],
  ];
  it.each(cases)('%s', (field) => {
    const payload = cases.find(([name]) => name === field)?.[1] as string;
    const benign = fileWith(() => undefined);
    const hostile = fileWith((json) => set(json, field, payload));
    for (const to of ['vitest', 'rust'] as const) {
      const good = exported(benign, to);
      const bad = exported(hostile, to);
      expect(bad.status, bad.stderr).toBe(0);
      expect(skeleton(bad.stdout, to === 'vitest' ? 'ts' : 'rust')).toBe(skeleton(good.stdout, to === 'vitest' ? 'ts' : 'rust'));
      // and the hostile text did arrive (in a comment or a literal), so the check above had something to check
      expect(bad.stdout).toContain('process.exit(7)');
    }
  });
});

describe('export: numbers, names and kinds are validated (exit 2 naming the field)', () => {
  const cases: [string, unknown, string][] = [
    ['finding.id', 'a\nb', 'finding.id'],
    ['finding', undefined, 'finding'],
    ['finding.title', 42, 'finding.title'],
    ['target.allocator', 'port\n#', 'target.allocator'],
    ['target.scope', 'small_x");', 'target.scope'],
    ['target.maxFrames', 2 ** 40, 'target.maxFrames'],
    ['target.profile', "debug' })", 'target.profile'],
    ['property', 'never-panics */', 'property'],
    ['replay.seed', { toString: 1 }, 'replay.seed'],
    ['divergingStep', 7, 'divergingStep'],
    ['steps.1.modelFree', '1); process.exit(7); (', 'steps[1].modelFree'],
    ['steps.1.totalCount', -1, 'steps[1].totalCount'],
    ['steps.1.expected', undefined, 'steps[1].expected'],
    ['steps.1.expected.outcome', { kind: 'err', error: 'OutOfMemory) }); process.exit(7' }, 'steps[1].expected.outcome.error'],
    ['steps.1.expected.outcome', { kind: 'ok', value: '1); process.exit(7' }, 'steps[1].expected.outcome.value'],
    ['steps.1.expected.outcome', { kind: 'exit' }, 'steps[1].expected.outcome.kind'],
    ['steps.2.expected.anyFreeFrame', [['0); process.exit(7', 1]], 'steps[2].expected.anyFreeFrame[0][0]'],
    ['steps.0.step.map.0.kind', "Usable' }]); process.exit(7); ([", 'steps[0].step.map[0].kind'],
    ['steps.1.step.op', 'exit', 'steps[1].step.op'],
    ['steps.1.step.start', '0x1); process.exit(7', 'steps[1].step.start'],
    ['frameMap.model.0.status', 'free */', 'frameMap.model[0].status'],
    ['frameMap.maxFrames', '512', 'frameMap.maxFrames'],
    ['finding.signature', 'a'.repeat(70_000), 'finding.signature'],
  ];
  it.each(cases)('%s = %j', (field, value, named) => {
    const file = fileWith((json) => set(json, field, value));
    for (const to of ['vitest', 'rust'] as const) expectOneLineExit2(exported(file, to), file, named);
  });

  it('accepts a bounded finding.signature', () => {
    const file = fileWith((json) => set(json, 'finding.signature', 'counters-match-model/init/free-above'));
    expect(exported(file, 'vitest').status).toBe(0);
  });
});

describe('replay: the file\'s allocator is shown, not run', () => {
  const marker = (): string => join(dir, `ran-${written}`);

  it('a cmd: allocator in the file is not run without --allocator-from-file: the port replays it', () => {
    const touched = marker();
    const file = fileWith((json) => set(json, 'target.allocator', `cmd:touch ${touched}`));
    const ran = runMain(['replay', file]);
    expect(ran.status, ran.stderr).toBe(1);
    expect(ran.stdout).toContain(`recorded on cmd:touch ${touched}`);
    expect(ran.stdout).toContain('steps on port (debug)');
    expect(existsSync(touched)).toBe(false);
  });

  it('a module: allocator in the file is not loaded without --allocator-from-file', () => {
    const module = join(dir, 'evil-module.mjs');
    const touched = marker();
    writeFileSync(module, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(touched)}, 'x'); export default {};\n`);
    const file = fileWith((json) => set(json, 'target.allocator', `module:${module}`));
    expect(runMain(['replay', file]).status).toBe(1);
    expect(existsSync(touched)).toBe(false);
  });

  it('a command in "target.against" is refused (exit 2) without --allocator-from-file', () => {
    const touched = marker();
    const file = fileWith((json) => set(json, 'target.against', `cmd:touch ${touched}`));
    expectOneLineExit2(runMain(['replay', file]), 'target.against', '--allocator-from-file');
    expect(existsSync(touched)).toBe(false);
  });

  it('with --allocator-from-file a recorded command runs without a shell: shell syntax is refused', () => {
    const touched = marker();
    for (const command of [`true; touch ${touched}`, `true $(touch ${touched})`, `true \`touch ${touched}\``, `true | touch ${touched}`, `true && touch ${touched}`, `true > ${touched}`]) {
      const file = fileWith((json) => set(json, 'target.allocator', `cmd:${command}`));
      expectOneLineExit2(runMain(['replay', file, '--allocator-from-file']), 'without a shell');
    }
    expect(existsSync(touched)).toBe(false);
  });

  it('command words: quotes group, nothing expands', () => {
    expect(commandWords(`./driver --frames {max_frames} 'a b' "c d" e\\ f`)).toEqual(['./driver', '--frames', '{max_frames}', 'a b', 'c d', 'e f']);
    expect(commandWords(`'$(x)' '; y'`)).toEqual(['$(x)', '; y']);
  });

  it('--allocator-from-file with --allocator names two allocators (exit 2)', () => {
    expectOneLineExit2(runMain(['replay', fileWith(() => undefined), '--allocator-from-file', '--allocator', 'port']), '--allocator-from-file');
  });
});

describe('merge: shards of one campaign, each once; paths stay inside their folders', () => {
  /** A shard's report folder (reports/latest resolved), from a small in-process campaign. */
  function shard(name: string, flags: string[]): string {
    const paths = campaignPaths(dir, name);
    mkdirSync(paths.corpus, { recursive: true });
    writeBaseline(paths.baseline, {});
    const ran = runMain(['--scope', 'small', '--runs', '40', '--seed', '5', '--no-corpus-write', ...flags, ...pathFlags(paths)]);
    expect(ran.status, ran.stderr).toBeLessThan(2);
    return realpathSync(join(paths.reports, 'latest'));
  }
  let one: string;
  let two: string;
  beforeAll(() => {
    one = shard('shard-1', ['--shard', '1/2']);
    two = shard('shard-2', ['--shard', '2/2']);
  });
  const results = (folder: string): Json => JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as Json;
  /** A copy of a shard folder with its results.json edited. */
  function editedShard(folder: string, edit: (json: Json) => void): string {
    const copy = join(dir, `edited-shard-${written++}`);
    cpSync(folder, copy, { recursive: true });
    const json = results(copy);
    edit(json);
    writeFileSync(join(copy, 'results.json'), JSON.stringify(json));
    return copy;
  }
  const freshOut = (): string => join(dir, `merged-${written++}`);

  it('the two shards merge (exit 0 or 1), not partial', () => {
    const out = freshOut();
    expect(runMain(['merge', one, two, '--out', out]).status).toBeLessThan(2);
    expect(results(out).partial).toBeUndefined();
  });

  it('a counterexample path leading outside the shard (../../x) is exit 2, and nothing is written', () => {
    expect(results(one).findings.length).toBeGreaterThan(0);
    for (const path of ['../../x.json', '/etc/passwd', 'counterexamples/../../../x.json']) {
      const evil = editedShard(one, (json) => set(json, 'findings.0.counterexample', path));
      const out = freshOut();
      expectOneLineExit2(runMain(['merge', evil, two, '--out', out]), 'findings[0].counterexample');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a missing counterexample file is exit 2 naming it (not an internal error)', () => {
    const evil = editedShard(one, (json) => set(json, 'findings.0.counterexample', 'counterexamples/gone.json'));
    expectOneLineExit2(runMain(['merge', evil, two, '--out', freshOut()]), 'gone.json', 'no such file');
  });

  it('--out naming an input shard is exit 2, and the shard is left as it was', () => {
    const before = readFileSync(join(one, 'results.json'), 'utf8');
    expectOneLineExit2(runMain(['merge', one, two, '--out', one]), '--out', 'overwrite');
    expectOneLineExit2(runMain(['merge', one, two, '--out', join(one, 'counterexamples')]), '--out');
    expect(readFileSync(join(one, 'results.json'), 'utf8')).toBe(before);
  });

  it('the same shard twice is exit 2 (it would double the runs)', () => {
    expectOneLineExit2(runMain(['merge', one, one, '--out', freshOut()]), 'shard 1/2 is given twice');
  });

  it('a missing shard is exit 2; --allow-partial merges and marks the report partial', () => {
    expectOneLineExit2(runMain(['merge', two, '--out', freshOut()]), 'shard 1/2', 'missing', '--allow-partial');
    const out = freshOut();
    const ran = runMain(['merge', two, '--out', out, '--allow-partial']);
    expect(ran.status).toBeLessThan(2);
    expect(ran.stdout).toContain('PARTIAL');
    expect(results(out).partial).toEqual({ missingShards: [1], of: 2 });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('**Partial report:** merged without shard 1 of 2');
  });

  it('a shard of a campaign with other flags (a policy, a shard count) is exit 2', () => {
    const policy = shard('shard-policy', ['--shard', '2/2', '--policy', 'allocation=strict']);
    expectOneLineExit2(runMain(['merge', one, policy, '--out', freshOut()]), 'a shard of another campaign', 'allocation=strict');
    const three = editedShard(two, (json) => set(json, 'shard', { index: 2, count: 3 }));
    expectOneLineExit2(runMain(['merge', one, three, '--out', freshOut()]), 'a shard of another campaign', 'one of 3 shards');
  });
});

describe('inputs have types and limits: exit 2 with one line naming the limit, never exit 3', () => {
  it('a memory map or counterexample that is not a regular file (/dev/zero, a FIFO)', () => {
    const fifo = join(dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    for (const special of ['/dev/zero', fifo]) {
      expectOneLineExit2(runMain(['replay', special]), special, 'not a regular file');
      expectOneLineExit2(runMain(['export', special, '--to', 'rust']), special, 'not a regular file');
      expectOneLineExit2(runMain(['--scope', 'small', '--runs', '1', '--memory-map', special, '--reports', join(dir, 'never')]), special, 'not a regular file');
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it(`a file over ${MAX_INPUT_FILE_BYTES} bytes is refused before it is read`, () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_FILE_BYTES + 1);
    expectOneLineExit2(runMain(['replay', big]), big, `over the ${MAX_INPUT_FILE_BYTES}-byte limit`);
  });

  it(`a memory map with more than ${MAX_MEMORY_MAP_ENTRIES} entries, in dmesg or JSON form`, () => {
    const lines = Array.from({ length: MAX_MEMORY_MAP_ENTRIES + 1 }, (_, i) => `BIOS-e820: [mem 0x${(i * 0x1000).toString(16)}-0x${(i * 0x1000 + 0xfff).toString(16)}] usable`);
    const dmesg = join(dir, 'huge.e820.txt');
    writeFileSync(dmesg, `${lines.join('\n')}\n`);
    expectOneLineExit2(runMain(['--scope', 'small', '--runs', '1', '--memory-map', dmesg, '--reports', join(dir, 'never')]), dmesg, `more than ${MAX_MEMORY_MAP_ENTRIES}`);
    const json = join(dir, 'huge-map.json');
    writeFileSync(json, JSON.stringify({ format: 'framecheck-memory-map', regions: Array.from({ length: MAX_MEMORY_MAP_ENTRIES + 1 }, (_, i) => ({ base: `0x${(i * 0x1000).toString(16)}`, length: '0x1000', kind: 'Usable' })) }));
    expectOneLineExit2(runMain(['--scope', 'small', '--runs', '1', '--memory-map', json, '--reports', join(dir, 'never')]), json, `limit of ${MAX_MEMORY_MAP_ENTRIES}`);
  });

  it(`a counterexample with more than ${MAX_COUNTEREXAMPLE_STEPS} steps`, () => {
    const file = fileWith((json) => {
      json.steps = Array.from({ length: MAX_COUNTEREXAMPLE_STEPS + 1 }, () => json.steps[1]);
    });
    expectOneLineExit2(runMain(['replay', file]), file, `"steps" holds ${MAX_COUNTEREXAMPLE_STEPS + 1} entries, over the limit of ${MAX_COUNTEREXAMPLE_STEPS}`);
  });

  it.each([
    ['no "finding"', (json: Json) => set(json, 'finding', undefined), '"finding" is missing'],
    ['steps without "expected"', (json: Json) => set(json, 'steps.0.expected', undefined), '"steps[0].expected" is missing'],
    ['a maxFrames of 2^40', (json: Json) => set(json, 'target.maxFrames', 2 ** 40), '"target.maxFrames" must be a positive multiple of 64 up to 4194304'],
  ])('a counterexample with %s: replay and export exit 2', (_name, edit, message) => {
    const file = fileWith(edit);
    expectOneLineExit2(runMain(['replay', file]), file, message);
    expectOneLineExit2(runMain(['export', file, '--to', 'vitest']), file, message);
  });

  it('--reports or --corpus naming a file, export --out naming a folder', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const paths = campaignPaths(dir, 'paths');
    writeBaseline(paths.baseline, {});
    expectOneLineExit2(runMain(['--scope', 'small', '--runs', '1', '--reports', file, '--corpus', paths.corpus, '--baseline', paths.baseline]), file, '--reports');
    expectOneLineExit2(runMain(['--scope', 'small', '--runs', '1', '--reports', paths.reports, '--corpus', file, '--baseline', paths.baseline]), file, '--corpus');
    expectOneLineExit2(runMain(['export', BASE, '--to', 'vitest', '--out', dir]), '--out', 'is a folder');
  });
});
