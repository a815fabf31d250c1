// A counterexample as a standalone vitest test: every recorded step as a call of the seed function
// it names, asserting what the documentation promises (the model's expectation recorded in the
// file) and the counters after it. It fails on the port for the finding's reason and passes on the
// corrected allocator (FRAMECHECK_ALLOCATOR=corrected).
import type { LoadedCounterexample } from '../files/counterexample-file.js';
import type { Outcome, Region, Step } from '../targets/step.js';
import { frameProbe } from './frame-probe.js';

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

const outcomeLiteral = (outcome: Outcome): string => JSON.stringify(outcome);

export function exportVitest(loaded: LoadedCounterexample, testingModule: string): string {
  const { content } = loaded;
  const lines: string[] = [
    `// framecheck counterexample ${content.finding.id}: ${content.finding.title}`,
    `// Found by framecheck ${content.framecheck} on ${content.target.allocator} (${content.target.profile}), ${content.target.scope} scope (${content.target.maxFrames} frames), seed ${content.replay.seed}.`,
    `// First difference at ${content.divergingStep === null ? 'the end-of-run bitmap check' : `step ${content.divergingStep + 1}`}: ${content.property} — ${content.message}`,
    `// Runs on the port by default; FRAMECHECK_ALLOCATOR=corrected runs it on the corrected allocator.`,
    `import { expect, test } from 'vitest';`,
    `import { isFrameFrom, openAllocator } from '${testingModule}';`,
    '',
    `test(${JSON.stringify(`${content.finding.id}: ${content.finding.title}`)}, () => {`,
    `  const allocator = openAllocator({ maxFrames: ${content.target.maxFrames}, profile: '${content.target.profile}' });`,
  ];
  loaded.steps.forEach((step, i) => {
    const record = content.steps[i];
    if (record === undefined) return;
    lines.push(`  // step ${i + 1}${i === content.divergingStep ? ` — the first difference (${content.property})` : ''}: ${record.call}`);
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
