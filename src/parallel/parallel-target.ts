// The target of a parallel campaign: a version-2 native driver (the Rust seed, or any
// --allocator-cmd), started afresh after it crashed, hung or answered garbage so that shrinking can
// go on. In-process allocators run one call at a time in JavaScript: there is nothing to race.
import { InputError } from '../files/input-error.js';
import { createNativeTarget, type NativeTarget } from '../targets/native-target.js';
import { nativeCommand, type TargetSpec } from '../targets/target-spec.js';
import { TargetFault } from '../targets/target.js';
import type { ParallelRunner } from './campaign.js';

/** A parallel request runs every call of up to 8 threads: more room than one sequential step. */
const PARALLEL_REQUEST_TIMEOUT_MS = 10_000;

export interface ParallelTarget extends ParallelRunner {
  readonly name: string;
  close(): void;
}

const oneLine = (message: string): string => message.split('\n').filter((line) => line.trim() !== '').join(' | ');

export function createParallelTarget(spec: TargetSpec, maxFrames: number, threads: number): ParallelTarget {
  const native = nativeCommand(spec, maxFrames);
  if (native === undefined) {
    throw new InputError(`parallel mode (--threads) needs a native target (--allocator seed or --allocator-cmd): ${spec.allocator} runs in this process, one call at a time`);
  }
  const start = (): NativeTarget => createNativeTarget({ command: native.argv, stepTimeoutMs: PARALLEL_REQUEST_TIMEOUT_MS, ...(native.name !== undefined && { name: native.name }) });
  let driver: NativeTarget;
  try {
    driver = start();
  } catch (error) {
    if (error instanceof TargetFault) throw new InputError(`the allocator driver did not start: ${oneLine(error.message)}`);
    throw error;
  }
  const refuse = (why: string): never => {
    driver.close?.();
    throw new InputError(why);
  };
  if (driver.protocolVersion < 2) refuse(`parallel mode needs a protocol-version-2 driver (docs/protocol.md): ${driver.name} speaks version 1`);
  if (driver.threads < threads) refuse(`--threads ${threads}: ${driver.name} runs at most ${driver.threads} threads`);
  if (driver.maxFrames !== maxFrames) refuse(`the driver's bitmap holds ${driver.maxFrames} frames but this scope needs ${maxFrames}: build it for that capacity (put {max_frames} in the command) or choose --scope`);
  let broken = false;
  return {
    name: driver.name,
    maxFrames,
    parallel(program, noise) {
      if (broken) {
        driver.close?.();
        try {
          driver = start();
        } catch (error) {
          if (error instanceof TargetFault) throw new InputError(`the allocator driver stopped starting after a fault: ${oneLine(error.message)}`);
          throw error;
        }
        broken = false;
      }
      try {
        return driver.parallel(program, noise);
      } catch (error) {
        if (error instanceof TargetFault) broken = true;
        throw error;
      }
    },
    close: () => driver.close?.(),
  };
}
