// A counterexample as a standalone vitest test: every recorded step as a call of the seed function
// it names, asserting what the documentation promises (the model's expectation recorded in the
// file) and the counters after it. It fails on the port for the finding's reason and passes on the
// corrected allocator (FRAMECHECK_ALLOCATOR=corrected). Text from the file goes into comments
// through commentText and into strings through tsString; every number and name was validated when
// the file was read (src/files/counterexample-check.ts). The output typechecks under the project's
// own strict tsconfig (noUnusedLocals: only what it uses is imported).
import type { LoadedCounterexample } from '../files/counterexample-file.js';
import type { Outcome, Region, Step } from '../targets/step.js';
import { frameProbe } from './frame-probe.js';
import { commentText, tsString } from './source-text.js';

const big = (value: bigint): string => `0x${value.toString(16)}n`;
const frameLiteral = (number: number | bigint): string => (typeof number === 'bigint' ? `${number}n` : `${number}`);
const mapLiteral = (map: readonly Region[]): string => `[${map.map((region) => `{ base: ${big(region.base)}, length: ${big(region.length)}, kind: '${region.kind}' }`).join(', ')}]`;

function callOf(step: Step): string {
  switch (step.op) {
    case 'init':
      return `allocator.init(${mapLiteral(step.map)})`;
    case 'boot_init':
      return `allocator.boot_init(${mapLiteral(step.map)}, ${big(step.kernelPhysicalBase)})`;
    case 'reserve_kernel':
    case 'reserve_range':
      return `allocator.${step.op}(${big(step.start)}, ${big(step.size)})`;
    case 'allocate_specific':
    case 'deallocate':
    case 'deallocate_frame':
      if (!('number' in step.frame)) throw new Error('exported steps are concrete');
      return `allocator.${step.op}(${frameLiteral(step.frame.number)})`;
    case 'allocate_frame_at':
      return `allocator.allocate_frame_at(${big(step.addr)})`;
    default:
      return `allocator.${step.op}()`;
  }
}

/** The outcome's own fields only (a file may carry more), as an object literal. */
function outcomeLiteral(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return JSON.stringify(outcome.value === undefined ? { kind: 'ok' } : { kind: 'ok', value: outcome.value });
    case 'err':
      return JSON.stringify({ kind: 'err', error: outcome.error });
    case 'panic':
      return JSON.stringify({ kind: 'panic', message: outcome.message });
    default:
      return JSON.stringify({ kind: outcome.kind });
  }
}

export function exportVitest(loaded: LoadedCounterexample, testingModule: string): string {
  const { content } = loaded;
  const usesFreeFrames = content.steps.some((record) => 'anyFreeFrame' in record.expected);
  const profile = content.target.profile === 'release' ? 'release' : 'debug';
  const lines: string[] = [
    `// framecheck counterexample ${commentText(content.finding.id)}: ${commentText(content.finding.title)}`,
    `// Found by framecheck ${commentText(content.framecheck)} on ${commentText(content.target.allocator)} (${profile}), ${commentText(content.target.scope)} scope (${content.target.maxFrames} frames), seed ${commentText(content.replay.seed)}.`,
    `// First difference at ${content.divergingStep === null ? 'the end-of-run bitmap check' : `step ${content.divergingStep + 1}`}: ${commentText(content.property)} — ${commentText(content.message)}`,
    `// Guards the ${profile} profile (${profile === 'debug' ? 'integer overflow panics' : 'integer overflow wraps'}), as recorded: the allocator is opened with it.`,
    `// Runs on the port by default; FRAMECHECK_ALLOCATOR=corrected runs it on the corrected allocator.`,
    `// To keep it: test/kept/ (npm test runs it there against the corrected allocator, see README).`,
    `import { expect, test } from 'vitest';`,
    `import { ${usesFreeFrames ? 'isFrameFrom, ' : ''}openAllocator } from ${tsString(testingModule)};`,
    '',
    `test(${tsString(`${content.finding.id}: ${content.finding.title}`)}, () => {`,
    `  const allocator = openAllocator({ maxFrames: ${content.target.maxFrames}, profile: ${tsString(profile)} });`,
  ];
  loaded.steps.forEach((step, i) => {
    const record = content.steps[i];
    if (record === undefined) return;
    lines.push(`  // step ${i + 1}${i === content.divergingStep ? ` — the first difference (${commentText(content.property)})` : ''}: ${commentText(record.call)}`);
    if ('outcome' in record.expected) lines.push(`  expect(${callOf(step)}).toEqual(${outcomeLiteral(record.expected.outcome)});`);
    else lines.push(`  expect(${callOf(step)}).toSatisfy(isFrameFrom(${JSON.stringify(record.expected.anyFreeFrame)}));`);
    lines.push(`  expect(allocator.counts()).toEqual({ free: ${record.modelFree}, total: ${record.modelTotal} });`);
  });
  const probe = frameProbe(content);
  if (probe !== undefined) {
    lines.push(`  // the bitmap: Frame(${probe.frame}) is ${probe.status}`);
    lines.push(`  expect(allocator.freeRanges().some(([start, end]) => ${probe.frame} >= start && ${probe.frame} < end)).toBe(${probe.status === 'free'});`);
  }
  lines.push('});', '');
  return lines.join('\n');
}
