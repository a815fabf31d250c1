// A user's allocator module as a target: any TypeScript or JavaScript module that exports
// `createAllocator(options)` returning the operations of docs/allocator-interface.md. Loaded
// synchronously (tsx's CommonJS loader) so that campaigns stay synchronous; checked for every
// operation before the first step, so a module that lacks one is refused with its name.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { require as loadModule } from 'tsx/cjs/api';
import { InputError } from '../files/input-error.js';
import type { AllocatorErrorName, BuildProfile, Outcome, Region } from './step.js';
import type { AllocatorTarget, ConcreteStep, FrameRange, StepReport } from './target.js';
import { touchedFrame } from './touched-frame.js';

export type ModuleResult<T> = { readonly ok: true; readonly value?: T } | { readonly ok: false; readonly error: AllocatorErrorName };
type Frame = number | bigint;

/** The allocator interface, with the seed's operations under their camelCase names. */
export interface FrameAllocatorModule {
  init(memoryMap: readonly Region[]): void;
  bootInit(memoryMap: readonly Region[], kernelPhysicalBase: bigint): void;
  reserveKernel(start: bigint, size: bigint): void;
  reserveRange(start: bigint, size: bigint): void;
  allocate(): ModuleResult<Frame>;
  allocateFrame(): ModuleResult<Frame>;
  allocateSpecific(frame: Frame): ModuleResult<void>;
  allocateFrameAt(addr: bigint): ModuleResult<Frame>;
  deallocate(frame: Frame): ModuleResult<void>;
  deallocateFrame(frame: Frame): ModuleResult<void>;
  freeCount(): number;
  totalCount(): number;
  freeMemory(): number;
  totalMemory(): number;
  memoryStats(): readonly [number, number];
  /** Inspection: the bitmap bit of a frame below capacity (true = used). */
  isUsed(frame: number): boolean;
  /** Inspection: the free frames as ascending runs [start, end). */
  freeRanges(): readonly FrameRange[];
}

export interface AllocatorModuleExports {
  createAllocator(options: { readonly maxFrames: number; readonly profile: BuildProfile }): FrameAllocatorModule;
}

export const MODULE_OPERATIONS: readonly (keyof FrameAllocatorModule)[] = [
  'init', 'bootInit', 'reserveKernel', 'reserveRange', 'allocate', 'allocateFrame', 'allocateSpecific', 'allocateFrameAt',
  'deallocate', 'deallocateFrame', 'freeCount', 'totalCount', 'freeMemory', 'totalMemory', 'memoryStats', 'isUsed', 'freeRanges',
];

export function loadAllocatorModule(path: string): AllocatorModuleExports {
  if (!existsSync(path)) throw new InputError(`--allocator ${path}: no such module`);
  let exports: unknown;
  try {
    exports = loadModule(path, pathToFileURL(`${process.cwd()}/`).href);
  } catch (error) {
    throw new InputError(`--allocator ${path}: the module does not load: ${(error as Error).message.split('\n')[0]}`);
  }
  const create = (exports as { createAllocator?: unknown } | undefined)?.createAllocator;
  if (typeof create !== 'function') throw new InputError(`--allocator ${path}: the module must export createAllocator({ maxFrames, profile }) (see docs/allocator-interface.md)`);
  return exports as AllocatorModuleExports;
}

/** `Ok(())`: one object for every step that returns it (outcomes are never changed once made). */
const OK: Outcome = { kind: 'ok' };

const unitOutcome = (result: ModuleResult<void>): Outcome => (result.ok ? OK : { kind: 'err', error: result.error });

const frameOutcome = (result: ModuleResult<Frame>): Outcome => (result.ok ? { kind: 'ok', value: Number(result.value) } : { kind: 'err', error: result.error });

function run(step: ConcreteStep, allocator: FrameAllocatorModule): Outcome {
  switch (step.op) {
    case 'init':
      allocator.init(step.map);
      return OK;
    case 'boot_init':
      allocator.bootInit(step.map, step.kernelPhysicalBase);
      return OK;
    case 'reserve_kernel':
      allocator.reserveKernel(step.start, step.size);
      return OK;
    case 'reserve_range':
      allocator.reserveRange(step.start, step.size);
      return OK;
    case 'allocate':
      return frameOutcome(allocator.allocate());
    case 'allocate_frame':
      return frameOutcome(allocator.allocateFrame());
    case 'allocate_specific':
      return unitOutcome(allocator.allocateSpecific(step.frame.number));
    case 'allocate_frame_at':
      return frameOutcome(allocator.allocateFrameAt(step.addr));
    case 'deallocate':
      return unitOutcome(allocator.deallocate(step.frame.number));
    case 'deallocate_frame':
      return unitOutcome(allocator.deallocateFrame(step.frame.number));
    case 'free_count':
      return { kind: 'ok', value: allocator.freeCount() };
    case 'total_count':
      return { kind: 'ok', value: allocator.totalCount() };
    case 'free_memory':
      return { kind: 'ok', value: allocator.freeMemory() };
    case 'total_memory':
      return { kind: 'ok', value: allocator.totalMemory() };
    case 'memory_stats': {
      const [free, total] = allocator.memoryStats();
      return { kind: 'ok', value: [free, total] };
    }
  }
}

/** A target over the allocator interface: `open` makes a fresh allocator for every run. */
export function createInterfaceTarget(name: string, maxFrames: number, open: () => FrameAllocatorModule): AllocatorTarget {
  let allocator = open();
  return {
    name,
    maxFrames,
    reset() {
      allocator = open();
    },
    execute(step: ConcreteStep): StepReport {
      let outcome: Outcome;
      try {
        outcome = run(step, allocator);
      } catch (error) {
        // A throw is the allocator's panic (RustPanic for the port): reported with its message.
        outcome = { kind: 'panic', message: error instanceof Error ? error.message : String(error) };
      }
      const frame = touchedFrame(step, outcome, maxFrames);
      const free = allocator.freeCount();
      const total = allocator.totalCount();
      // Two literals, not a conditional spread: a spread copies through a temporary object every step.
      return frame === undefined ? { outcome, free, total } : { outcome, free, total, frameUsed: allocator.isUsed(frame) };
    },
    freeRanges: () => allocator.freeRanges().map(([start, end]) => [start, end] as const),
  };
}

export function createModuleTarget(path: string, options: { maxFrames: number; profile: BuildProfile }): AllocatorTarget {
  const exports = loadAllocatorModule(path);
  return createInterfaceTarget(`module ${path} (${options.profile})`, options.maxFrames, () => {
    const allocator = exports.createAllocator(options);
    const missing = MODULE_OPERATIONS.filter((operation) => typeof (allocator as unknown as Record<string, unknown>)[operation] !== 'function');
    if (missing.length > 0) throw new InputError(`--allocator ${path}: createAllocator() returned an allocator without ${missing.join(', ')} (see docs/allocator-interface.md)`);
    return allocator;
  });
}
