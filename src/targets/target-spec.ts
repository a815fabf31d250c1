// Which allocator a campaign checks, as the CLI and counterexample files name it: `port` (the real
// bitmap allocator), `corrected`, `seed` (the Rust seed itself, built from ../shared — or the file
// FRAMECHECK_ALLOCATOR_SRC names — by native/seed-driver for the scope's capacity and the profile), or `cmd:<command line>` (any
// native driver speaking docs/protocol.md; `{max_frames}` and `{profile}` in it are filled in).
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../files/input-error.js';
import { createCorrectedTarget } from './corrected-target.js';
import { commandWords } from './command-words.js';
import { createNativeTarget } from './native-target.js';
import { createModuleTarget } from './module-target.js';
import { createPortTarget } from './port-target.js';
import { buildSeedDriver, seedDriverUnavailable } from './seed-driver.js';
import type { BuildProfile } from './step.js';
import { TargetFault, type AllocatorTarget } from './target.js';

export interface TargetSpec {
  /** `port`, `corrected`, `seed`, `module:<path>` or `cmd:<command line>`. */
  readonly allocator: string;
  readonly profile: BuildProfile;
  /**
   * A `cmd:` that came from a file (a counterexample's recorded allocator), not from the user's
   * flag: split into words and spawned without a shell (src/targets/command-words.ts).
   */
  readonly withoutShell?: boolean;
  /** How long a native driver may take over one request before it counts as hung. */
  readonly stepTimeoutMs?: number;
}

export const BUILT_IN_ALLOCATORS = ['port', 'corrected', 'seed'] as const;

/** A native target started afresh when a reset finds it crashed or killed, so shrinking can go on. */
function restarting(start: () => AllocatorTarget): AllocatorTarget {
  let inner = start();
  return {
    name: inner.name,
    maxFrames: inner.maxFrames,
    reset() {
      try {
        inner.reset();
      } catch (error) {
        if (!(error instanceof TargetFault)) throw error;
        inner.close?.();
        try {
          inner = start();
        } catch (restartError) {
          // A driver that no longer starts leaves nothing to check: stop with its reason.
          if (restartError instanceof TargetFault) throw new InputError(`the allocator driver stopped starting after a fault: ${restartError.message.split('\n')[0]}`);
          throw restartError;
        }
        inner.reset();
      }
    },
    execute: (step) => inner.execute(step),
    freeRanges: () => inner.freeRanges(),
    close: () => inner.close?.(),
  };
}

/**
 * A driver silent this long is hung. Steps take microseconds, but the seed's init walks a real
 * server's map frame by frame (50 M frames of a 200 GiB region: about half a second in a debug
 * build), so the budget leaves room for that and calls only the hour-long loops hangs.
 */
export const NATIVE_STEP_TIMEOUT_MS = 5_000;

function nativeTarget(argv: readonly string[], name: string | undefined, maxFrames: number, stepTimeoutMs = NATIVE_STEP_TIMEOUT_MS): AllocatorTarget {
  let target: AllocatorTarget;
  try {
    target = restarting(() => createNativeTarget({ command: argv, stepTimeoutMs, ...(name !== undefined && { name }) }));
  } catch (error) {
    if (error instanceof TargetFault) throw new InputError(`--allocator-cmd: the driver did not start: ${error.message.split('\n').filter((line) => line.trim() !== '').join(' | ')}`);
    throw error;
  }
  if (target.maxFrames !== maxFrames) {
    target.close?.();
    throw new InputError(`--allocator-cmd: the driver's bitmap holds ${target.maxFrames} frames but this scope needs ${maxFrames}: build it for that capacity (put {max_frames} in the command) or choose --scope`);
  }
  return target;
}

/**
 * The kernel's own allocator file compiled in place of the seed (`FRAMECHECK_ALLOCATOR_SRC`, relative
 * to the working directory), or undefined for the seed.
 */
export function seedSourceOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.FRAMECHECK_ALLOCATOR_SRC;
  if (file === undefined || file === '') return undefined;
  if (!fs.existsSync(file)) throw new InputError(`FRAMECHECK_ALLOCATOR_SRC: no such file: ${file}`);
  return path.resolve(file);
}

/** The argv (and report name) of a native allocator — `seed` (built first) or `cmd:` — or undefined for an in-process one. */
export function nativeCommand(spec: TargetSpec, maxFrames: number): { argv: readonly string[]; name: string | undefined } | undefined {
  if (spec.allocator === 'seed') {
    const unavailable = seedDriverUnavailable();
    if (unavailable !== undefined) throw new InputError(`--allocator seed: ${unavailable}`);
    const allocatorSrc = seedSourceOverride();
    const { binary } = buildSeedDriver({ profile: spec.profile, maxFrames, ...(allocatorSrc !== undefined && { allocatorSrc }) });
    const name = allocatorSrc === undefined ? 'seed' : path.basename(allocatorSrc, '.rs');
    return { argv: [binary], name: `rust ${name} (${spec.profile})` };
  }
  if (spec.allocator.startsWith('cmd:')) {
    const fill = (text: string): string => text.replaceAll('{max_frames}', String(maxFrames)).replaceAll('{profile}', spec.profile);
    const command = spec.allocator.slice(4);
    // The user's own --allocator-cmd is a shell command line, as they typed it; a file's is words only.
    return { argv: spec.withoutShell === true ? commandWords(command).map(fill) : ['sh', '-c', `exec ${fill(command)}`], name: undefined };
  }
  return undefined;
}

export function createTarget(spec: TargetSpec, maxFrames: number): AllocatorTarget {
  if (spec.allocator === 'port') return createPortTarget({ maxFrames, profile: spec.profile });
  if (spec.allocator === 'corrected') return createCorrectedTarget({ maxFrames, profile: spec.profile });
  if (spec.allocator.startsWith('module:')) return createModuleTarget(spec.allocator.slice(7), { maxFrames, profile: spec.profile });
  const native = nativeCommand(spec, maxFrames);
  if (native !== undefined) return nativeTarget(native.argv, native.name, maxFrames, spec.stepTimeoutMs);
  throw new InputError(`unknown allocator "${spec.allocator}" (expected ${BUILT_IN_ALLOCATORS.join(', ')}, a module path or cmd:<command>)`);
}
