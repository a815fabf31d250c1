// A counterexample as a Rust #[test] in the style of the seed's own test module: MemoryMap::empty(),
// map.add(..), FrameAllocator::new(), init, and assert_eq! on each result and on the counters. Paste
// it at the end of frame_allocator.rs. Only the seed's public API is used; a bitmap disagreement is
// probed with allocate_specific. Steps of the module-level functions run on FRAME_ALLOCATOR.
// It compiles warning-free (RUSTFLAGS="-D warnings"): only what it uses is imported or `mut`. Text
// from the file reaches comments through commentText and strings through rustString (never a
// format string); numbers and names were validated when the file was read.
import type { CounterexampleFile, LoadedCounterexample } from '../files/counterexample-file.js';
import { signatureHash } from '../findings/identity.js';
import type { Outcome, Region, Step } from '../targets/step.js';
import { frameProbe } from './frame-probe.js';
import { commentText, rustIdentifier, rustString } from './source-text.js';

const GLOBAL_OPS = new Set<Step['op']>(['boot_init', 'allocate_frame', 'allocate_frame_at', 'deallocate_frame', 'memory_stats']);
/** FrameAllocator methods that take `&mut self`: the local allocator is `mut` only when one is called. */
const MUT_OPS = new Set<Step['op']>(['init', 'reserve_kernel', 'reserve_range', 'allocate', 'allocate_specific', 'deallocate']);
const hex = (value: bigint): string => `0x${value.toString(16)}`;
const KIND: Record<Region['kind'], string> = {
  Usable: 'Usable', Reserved: 'Reserved', AcpiReclaimable: 'AcpiReclaimable', AcpiNvs: 'AcpiNvs',
  BadMemory: 'BadMemory', Bootloader: 'Bootloader', KernelImage: 'KernelImage', FrameBuffer: 'FrameBuffer',
};

function mapLines(map: readonly Region[], name: string): string[] {
  return [`    let ${map.length > 0 ? 'mut ' : ''}${name} = MemoryMap::empty();`, ...map.map((region) => `    ${name}.add(${hex(region.base)}, ${hex(region.length)}, MemoryRegionType::${KIND[region.kind]});`)];
}

function rustOutcome(step: Step, outcome: Outcome): string | undefined {
  if (outcome.kind === 'err') return `Err(FrameAllocatorError::${outcome.error})`;
  if (outcome.kind !== 'ok') return undefined;
  if (step.op === 'allocate' || step.op === 'allocate_frame' || step.op === 'allocate_frame_at') return `Ok(Frame::from_number(${outcome.value as number}))`;
  if (step.op === 'memory_stats') {
    const [free, total] = outcome.value as readonly [number, number];
    return `(${free}, ${total})`;
  }
  if (typeof outcome.value === 'number') return `${outcome.value}`;
  return 'Ok(())';
}

/**
 * The test's function (and module) name: the finding, its signature's hash when it has one (a
 * finding can show in more than one way: each is a test of its own), the scope, and the profile
 * when it is not debug — so that every corpus entry pasted into one file has a name of its own.
 */
export const rustTestName = (content: CounterexampleFile): string =>
  rustIdentifier(content.finding.id, ...(content.finding.signature !== undefined ? [signatureHash(content.finding.signature)] : []), content.target.scope, ...(content.target.profile === 'release' ? ['release'] : []));

export function exportRust(loaded: LoadedCounterexample): string {
  const { content } = loaded;
  const global = loaded.steps.some((step) => GLOBAL_OPS.has(step.op));
  const a = global ? 'FRAME_ALLOCATOR.lock()' : 'allocator';
  // One lock per statement: a second FRAME_ALLOCATOR.lock() while the first guard lives would spin forever.
  const counts = global ? '{ let allocator = FRAME_ALLOCATOR.lock(); (allocator.free_count(), allocator.total_count()) }' : '(allocator.free_count(), allocator.total_count())';
  const name = rustTestName(content);
  const probe = frameProbe(content);
  const maps = loaded.steps.filter((step): step is Extract<Step, { map: readonly Region[] }> => step.op === 'init' || step.op === 'boot_init');
  const bootInfo = [
    ...(loaded.steps.some((step) => step.op === 'boot_init') ? ['BootInfo'] : []),
    ...(maps.length > 0 ? ['MemoryMap'] : []),
    ...(maps.some((step) => step.map.length > 0) ? ['MemoryRegionType'] : []),
  ];
  // An overflow panic exists only where overflow checks are on: a release build wraps and runs the
  // same steps without panicking, so the test is compiled for the profile it guards.
  const debugOnly = content.property === 'never-panics' && content.target.profile === 'debug';
  const lines: string[] = [
    `// framecheck counterexample ${commentText(content.finding.id)}: ${commentText(content.finding.title)}`,
    `// Found by framecheck ${commentText(content.framecheck)} on ${commentText(content.target.allocator)} (${content.target.profile === 'release' ? 'release' : 'debug'}), seed ${commentText(content.replay.seed)}.`,
    `// First difference at ${content.divergingStep === null ? 'the end-of-run bitmap check' : `step ${content.divergingStep + 1}`}: ${commentText(content.property)} — ${commentText(content.message)}`,
    debugOnly
      ? '// Guards the debug profile (overflow checks on): compiled only with debug_assertions, since a release build wraps instead of panicking.'
      : '// Guards both profiles: the promises it asserts hold with overflow checks on (debug) and off (release).',
    ...(content.target.maxFrames !== 4_194_304 ? [`// Found with a bitmap of ${content.target.maxFrames} frames: build with MAX_PHYSICAL_MEMORY = ${content.target.maxFrames * 4096} (FRAMECHECK_MAX_PHYSICAL_MEMORY) to replay it exactly.`] : []),
    ...(global ? ['// Uses the global FRAME_ALLOCATOR: run with --test-threads=1 next to other tests that do.'] : []),
    '// Paste at the end of frame_allocator.rs.',
    debugOnly ? '#[cfg(all(test, debug_assertions))]' : '#[cfg(test)]',
    `mod framecheck_${name} {`,
    '    use super::*;',
    ...(bootInfo.length > 0 ? [`    use crate::boot_info::${bootInfo.length === 1 ? bootInfo[0] : `{${bootInfo.join(', ')}}`};`] : []),
    '',
    '    #[test]',
    `    fn ${name}() {`,
  ];
  const mutable = loaded.steps.some((step) => MUT_OPS.has(step.op)) || probe !== undefined;
  const body: string[] = [global ? '    *FRAME_ALLOCATOR.lock() = FrameAllocator::new();' : `    let ${mutable ? 'mut ' : ''}allocator = FrameAllocator::new();`];
  loaded.steps.forEach((step, i) => {
    const record = content.steps[i];
    if (record === undefined) return;
    const label = `step ${i + 1}: ${record.call}`;
    body.push(`    // ${commentText(label)}${i === content.divergingStep ? ` — the first difference (${commentText(content.property)})` : ''}`);
    let call: string;
    switch (step.op) {
      case 'init':
        body.push(...mapLines(step.map, `map${i + 1}`));
        call = `${a}.init(&map${i + 1})`;
        break;
      case 'boot_init':
        body.push(...mapLines(step.map, `map${i + 1}`));
        call = `init(&BootInfo { memory_map: map${i + 1}, kernel_physical_base: ${hex(step.kernelPhysicalBase)} })`;
        break;
      case 'reserve_kernel':
      case 'reserve_range':
        call = `${a}.${step.op}(PhysAddr::new(${hex(step.start)}), ${hex(step.size)})`;
        break;
      case 'allocate_specific':
      case 'deallocate':
        call = `${a}.${step.op}(Frame::from_number(${'number' in step.frame ? step.frame.number : 0}))`;
        break;
      case 'deallocate_frame':
        call = `deallocate_frame(Frame::from_number(${'number' in step.frame ? step.frame.number : 0}))`;
        break;
      case 'allocate_frame_at':
        call = `allocate_frame_at(PhysAddr::new(${hex(step.addr)}))`;
        break;
      case 'allocate_frame':
      case 'memory_stats':
        call = `${step.op}()`;
        break;
      default:
        call = `${a}.${step.op}()`;
    }
    const expected = 'outcome' in record.expected ? rustOutcome(step, record.expected.outcome) : undefined;
    if ('anyFreeFrame' in record.expected) {
      const runs = record.expected.anyFreeFrame.map(([start, end]) => `(${start}, ${end})`).join(', ');
      body.push(`    let frame = ${call}.expect(${rustString(`${label}: a free frame`)});`);
      body.push(`    assert!([${runs}].iter().any(|&(start, end)| frame.number() >= start && frame.number() < end), "{}: {:?} is not one of the free frames", ${rustString(label)}, frame);`);
    } else if (step.op === 'init' || step.op === 'boot_init' || step.op === 'reserve_kernel' || step.op === 'reserve_range' || expected === undefined) {
      body.push(`    ${call};`);
    } else {
      body.push(`    assert_eq!(${call}, ${expected}, "{}", ${rustString(label)});`);
    }
    body.push(`    assert_eq!(${counts}, (${record.modelFree}, ${record.modelTotal}), "{}", ${rustString(`${label}: (free_count, total_count)`)});`);
  });
  if (probe !== undefined) {
    const check = probe.status === 'free' ? 'assert_eq!' : 'assert_ne!';
    body.push(`    // the bitmap: Frame(${probe.frame}) is ${probe.status}, so allocate_specific ${probe.status === 'free' ? 'must' : 'must not'} hand it out`);
    body.push(`    ${check}(${a}.allocate_specific(Frame::from_number(${probe.frame})), Ok(()), "Frame(${probe.frame}) is ${probe.status}");`);
  }
  lines.push(...body.map((line) => `    ${line}`), '    }', '}', '');
  return lines.join('\n');
}
