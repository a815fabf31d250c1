// --observe: every line of a real campaign (generated runs, shrink attempts, the counterexamples'
// replays, the regression corpus replayed first) validates against docs/observations.schema.json and
// loads in a reader that accepts what Tyche's parser accepts; the features say what the runs did.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaignCommand } from '../../src/cli/run-command.js';
import { OBSERVATIONS_FILE } from '../../src/observations/campaign-observers.js';
import { mapShape, runFacts } from '../../src/observations/run-facts.js';
import { runSteps } from '../../src/runner/lockstep.js';
import { FrameModel } from '../../models/index.js';
import { createTarget } from '../../src/targets/target-spec.js';
import { LABELS } from '../../properties/labels.js';
import { campaignOptions, ROOT } from '../cli/helpers.js';
import { parseDataLines, type TycheTestCase } from './tyche-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'framecheck-observe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function observedCampaign(allocator: string, corpusDir: string, writeCorpus: boolean): string {
  const reportsDir = join(dir, `${allocator}-${writeCorpus ? 'first' : 'second'}`);
  const options = campaignOptions(allocator, reportsDir, { small: 300, full: 20 }, { corpusDir, writeCorpus, observe: true });
  runCampaignCommand(options, () => undefined);
  return readFileSync(join(reportsDir, 'latest', OBSERVATIONS_FILE), 'utf8');
}

const corpus = join(dir, 'corpus');
// The first campaign fills the corpus; the second replays it first (how_generated "corpus").
observedCampaign('port', corpus, true);
const jsonl = observedCampaign('port', corpus, false);
const lines = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const testCases = lines.filter((line) => line.type === 'test_case') as unknown as (TycheTestCase & { how_generated: string; timing: Record<string, number>; metadata: Record<string, unknown> })[];

describe('observation lines (--observe)', () => {
  it('validate, every one, against the OpenPBTStats schema', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'observations.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    const invalid = lines.filter((line) => !validate(line)).map((line) => ({ line: JSON.stringify(line).slice(0, 200), errors: validate.errors }));
    expect(invalid).toEqual([]);
    expect(lines.length).toBeGreaterThan(320);
  });

  it('load in a Tyche-compatible reader, every field Tyche requires present', () => {
    const parsed = parseDataLines(jsonl);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(parsed).toHaveLength(lines.length);
    for (const line of testCases) {
      for (const field of ['status_reason', 'features', 'coverage', 'metadata', 'timing', 'arguments', 'how_generated']) expect(line, field).toHaveProperty(field);
    }
    expect(parsed.filter((line) => line.type === 'info').map((line) => line.property).sort()).toEqual(['framecheck port (debug), full scope', 'framecheck port (debug), small scope']);
  });

  it('the reader rejects what Tyche rejects', () => {
    const line = testCases[0] as object;
    expect(parseDataLines(JSON.stringify({ ...line, how_generated: null }))).toMatch(/how_generated/);
    expect(parseDataLines(JSON.stringify({ ...line, status: 'skipped' }))).toMatch(/status/);
    expect(parseDataLines(JSON.stringify({ type: 'error', message: 'boom' }))).toMatch(/unknown failure/);
  });

  it('tell generated, shrunk, replayed and corpus runs apart, one generated line per run', () => {
    const counts = new Map<string, number>();
    for (const line of testCases) counts.set(line.how_generated, (counts.get(line.how_generated) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['corpus', 'generated', 'replayed', 'shrunk']);
    const results = JSON.parse(readFileSync(join(dir, 'port-second', 'latest', 'results.json'), 'utf8')) as { scopes: { name: string; runs: number }[]; regressions: unknown[]; findings: unknown[] };
    for (const scope of results.scopes) expect(testCases.filter((line) => line.how_generated === 'generated' && line.metadata.scope === scope.name)).toHaveLength(scope.runs);
    expect(counts.get('corpus')).toBe(results.regressions.length);
    expect(counts.get('replayed')).toBe(results.findings.length);
  });

  it('mark failures with their finding and the diverging step, passes with an empty reason', () => {
    const failed = testCases.filter((line) => line.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) {
      expect(line.status_reason).toMatch(/^\S+: [a-z-]+: ./);
      expect(line.metadata.finding).toBe(line.status_reason.split(': ')[0]);
    }
    for (const line of testCases.filter((candidate) => candidate.status === 'passed')) expect(line.status_reason).toBe('');
  });

  it('carry the features a kernel developer wants distributed, and the time split', () => {
    const generated = testCases.filter((line) => line.how_generated === 'generated');
    for (const line of generated) {
      for (const label of Object.keys(LABELS)) expect(['reached', 'not reached']).toContain(line.features[`scenario: ${label}`]);
      for (const feature of ['sequence length', 'steps sent', 'peak memory used (%)', 'bitmap word crossings', 'map regions', 'map overlaps', 'map bytes beyond capacity']) expect(typeof line.features[feature], feature).toBe('number');
      expect(Object.keys(line.timing).sort()).toEqual(['check:model-and-invariants', 'execute:allocator', 'generate:steps']);
    }
    expect(generated.some((line) => (line.features['allocate OutOfMemory'] as number) > 0)).toBe(true);
    expect(generated.some((line) => (line.features['peak memory used (%)'] as number) === 100)).toBe(true);
    expect(generated.some((line) => (line.features['bitmap word crossings'] as number) > 0)).toBe(true);
    expect(generated.some((line) => (line.features['map overlaps'] as number) > 0)).toBe(true);
  });
});

describe('run facts', () => {
  it('count word crossings, allocations and outcomes from the executed steps', () => {
    const target = createTarget({ allocator: 'corrected', profile: 'debug' }, 512);
    const newModel = (): FrameModel => new FrameModel({ maxFrames: 512 });
    // 128 usable frames from 0: the 70 allocations walk from word 0 into word 1.
    const init = { op: 'init' as const, map: [{ base: 0n, length: 0x80000n, kind: 'Usable' as const }] };
    const steps = [init, ...Array.from({ length: 70 }, () => ({ op: 'allocate' as const })), { op: 'reserve_range' as const, start: 0x3f000n, size: 0x2000n }];
    const result = runSteps({ target, newModel, setAside: [], trace: false }, steps);
    const facts = runFacts(result, 512);
    expect(facts.calls.get('allocate')?.get('Ok')).toBe(70);
    expect(facts.allocated).toBe(true);
    // Frame 64 lies in word 1; the reservation covers frames 63 and 64 (words 0 and 1), both handed out already.
    expect(facts.wordCrossings).toBe(2);
    expect(result.peakUsedShare).toBe(70 / 128);
    expect(facts.sequenceLength).toBe(72);
  });

  it('measure a map: regions, overlaps, bytes beyond the bitmap', () => {
    const capacity = 512n * 4096n;
    const shape = mapShape(
      [
        { base: 0n, length: 0x10000n, kind: 'Usable' },
        { base: 0x8000n, length: 0x10000n, kind: 'Reserved' },
        { base: capacity - 0x1000n, length: 0x3000n, kind: 'Usable' },
      ],
      512,
    );
    expect(shape).toEqual({ regions: 3, overlaps: 1, bytesBeyondCapacity: 0x2000 });
  });
});
