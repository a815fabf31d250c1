// A parallel counterexample as a Rust #[test] for the kernel's own suite: each round boots the
// global FRAME_ALLOCATOR from the recorded map, runs the prefix, starts the thread programs together
// at a barrier on std threads, and asserts the promises a race breaks — no frame handed out twice
// (each handout after the first needs a free in between), memory_stats figures some order of the
// calls explains, and, once every thread is done, a free counter equal to the frames still free.
// The rounds repeat because a race does not show in every schedule.
import { FrameModel } from '../../models/index.js';
import type { LoadedParallelCounterexample } from '../files/parallel-counterexample.js';
import type { ParallelCall, ParallelFrameArg } from '../parallel/program.js';
import type { Region } from '../targets/step.js';

const ROUNDS = 2_000;
const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** The variable holding the frame call `index` of a segment returned (`p3`, `c2`). */
const variable = (prefix: boolean, index: number): string => `${prefix ? 'p' : 'c'}${index}`;

function referenced(calls: readonly ParallelCall[], threads: readonly (readonly ParallelCall[])[], prefix: boolean): Set<number> {
  const indices = new Set<number>();
  const note = (frame: ParallelFrameArg): void => {
    if (prefix && 'prefixCall' in frame) indices.add(frame.prefixCall);
    if (!prefix && 'ownCall' in frame) indices.add(frame.ownCall);
  };
  for (const call of prefix ? [...calls, ...threads.flat()] : calls) if (call.op === 'deallocate_frame') note(call.frame);
  return indices;
}

function mapLines(map: readonly Region[]): string[] {
  return ['let mut map = MemoryMap::empty();', ...map.map((region) => `map.add(${hex(region.base)}, ${hex(region.length)}, MemoryRegionType::${region.kind});`)];
}

/** The statements of one segment's calls, recording what they did in `effects`. */
function callLines(calls: readonly ParallelCall[], keep: Set<number>, prefix: boolean): string[] {
  return calls.flatMap((call, index): string[] => {
    switch (call.op) {
      case 'init':
        return [...mapLines(call.map), `init(&BootInfo { memory_map: map, kernel_physical_base: ${hex(call.kernelBase)} });`];
      case 'memory_stats':
        return ['effects.stats.push(memory_stats());'];
      case 'deallocate_frame': {
        const frame = 'number' in call.frame ? `Some(Frame::from_number(${call.frame.number}))` : 'prefixCall' in call.frame ? variable(true, call.frame.prefixCall) : variable(false, call.frame.ownCall);
        return [`if let Some(frame) = ${frame} {`, '    if deallocate_frame(frame).is_ok() {', '        effects.freed.push(frame.number());', '    }', '}'];
      }
      default: {
        const made = call.op === 'allocate_frame' ? 'allocate_frame()' : `allocate_frame_at(PhysAddr::new(${hex(call.addr)}))`;
        if (!keep.has(index)) return [`if let Ok(frame) = ${made} {`, '    effects.handed_out.push(frame.number());', '}'];
        const name = variable(prefix, index);
        return [`let ${name} = ${made}.ok();`, `if let Some(frame) = ${name} {`, '    effects.handed_out.push(frame.number());', '}'];
      }
    }
  });
}

const indent = (lines: readonly string[], depth: number): string[] => lines.map((line) => `${'    '.repeat(depth)}${line}`);

export function exportRustParallel(loaded: LoadedParallelCounterexample): string {
  const { content, program } = loaded;
  const name = `${content.finding.id}_parallel`.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  // The frames of usable memory: where the end-of-round probe looks for free frames.
  const boot = program.prefix.find((call) => call.op === 'init');
  const model = new FrameModel({ maxFrames: content.target.maxFrames });
  if (boot !== undefined && boot.op === 'init') model.apply({ op: 'boot_init', map: boot.map, kernelPhysicalBase: boot.kernelBase }, { kind: 'ok' });
  const usable = model.statusRuns().filter((run) => run.status !== 'never-usable' && run.status !== 'beyond-capacity');
  const prefixKeep = referenced(program.prefix, program.threads, true);
  const threads = program.threads.map((calls) => [
    '{',
    '    let barrier = Arc::clone(&barrier);',
    '    thread::spawn(move || {',
    '        let mut effects = Effects::default();',
    '        barrier.wait();',
    ...indent(callLines(calls, referenced(calls, [], false), false), 2),
    '        effects',
    '    })',
    '},',
  ]);
  const round = [
    '*FRAME_ALLOCATOR.lock() = FrameAllocator::new();',
    // The prefix records only when it does more than boot.
    `let ${program.prefix.some((call) => call.op !== 'init') ? 'mut ' : ''}effects = Effects::default();`,
    ...callLines(program.prefix, prefixKeep, true),
    'let (prefix_free, total) = memory_stats();',
    'let prefix = effects;',
    `let barrier = Arc::new(Barrier::new(${program.threads.length}));`,
    'let handles = vec![',
    ...indent(threads.flat(), 1),
    '];',
    'let threads: Vec<Effects> = handles.into_iter().map(|handle| handle.join().expect("a thread panicked")).collect();',
    'let all: Vec<&Effects> = std::iter::once(&prefix).chain(threads.iter()).collect();',
    '// No frame handed out twice: every handout of a frame after the first needs a free of it in between.',
    'for &frame in all.iter().flat_map(|effects| effects.handed_out.iter()) {',
    '    let handouts = all.iter().flat_map(|effects| effects.handed_out.iter()).filter(|&&f| f == frame).count();',
    '    let frees = all.iter().flat_map(|effects| effects.freed.iter()).filter(|&&f| f == frame).count();',
    '    assert!(handouts <= frees + 1, "round {}: Frame({}) handed out {} times and freed {} times", round, frame, handouts, frees);',
    '}',
    '// memory_stats: the usable memory, and a free figure between every handout first and every free first.',
    'let handouts: usize = threads.iter().map(|effects| effects.handed_out.len()).sum();',
    'let frees: usize = threads.iter().map(|effects| effects.freed.len()).sum();',
    'for &(free, stats_total) in threads.iter().flat_map(|effects| effects.stats.iter()) {',
    '    assert_eq!(stats_total, total, "round {}: memory_stats total", round);',
    '    assert!(free + handouts * PAGE_SIZE >= prefix_free && free <= prefix_free + frees * PAGE_SIZE, "round {}: memory_stats free {} bytes: no order of the calls explains it (after the prefix {}, {} handouts, {} frees)", round, free, prefix_free, handouts, frees);',
    '}',
    '// Every thread done: the free counter counts exactly the frames allocate_frame_at can still claim.',
    'let (free_now, _) = memory_stats();',
    `let claimable = [${usable.map((run) => `(${run.start}, ${run.end})`).join(', ')}]`,
    '    .iter()',
    '    .flat_map(|&(start, end): &(usize, usize)| start..end)',
    '    .filter(|&frame| allocate_frame_at(PhysAddr::new(frame as u64 * PAGE_SIZE as u64)).is_ok())',
    '    .count();',
    'assert_eq!(free_now, claimable * PAGE_SIZE, "round {}: the free counter after every thread", round);',
  ];
  return [
    `// framecheck parallel counterexample ${content.finding.id}: ${content.finding.title}`,
    `// ${content.message}`,
    `// Found by framecheck ${content.framecheck} on ${content.target.allocator} (${content.target.profile}), seed ${content.replay.seed}; the program failed in ${content.failureRate.failed} of ${content.failureRate.repetitions} runs.`,
    `// Program: ${content.program}`,
    ...(content.target.maxFrames !== 4_194_304 ? [`// Found with a bitmap of ${content.target.maxFrames} frames: build with MAX_PHYSICAL_MEMORY = ${content.target.maxFrames * 4096} (FRAMECHECK_MAX_PHYSICAL_MEMORY) to replay it exactly.`] : []),
    '// Uses the global FRAME_ALLOCATOR from several threads: run with --test-threads=1 next to other tests that use it.',
    '// Paste at the end of frame_allocator.rs.',
    '#[cfg(test)]',
    `mod framecheck_${name} {`,
    '    use super::*;',
    '    use crate::boot_info::{BootInfo, MemoryMap, MemoryRegionType};',
    '    use std::sync::{Arc, Barrier};',
    '    use std::thread;',
    '',
    '    /// What one thread\'s calls did: the frames handed out to it, the frames it freed, the memory_stats it read.',
    '    #[derive(Default)]',
    '    struct Effects {',
    '        handed_out: Vec<usize>,',
    '        freed: Vec<usize>,',
    '        stats: Vec<(usize, usize)>,',
    '    }',
    '',
    '    #[test]',
    `    fn ${name}() {`,
    `        for round in 0..${ROUNDS} {`,
    ...indent(round, 3),
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}
