// The generators make only what firmware and callers can make: every region's base and length and
// every address and size a u64, at both scopes and from the real maps' variations too.
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedRun } from '../../properties/commands/index.js';
import type { StepCommand } from '../../properties/commands/step-command.js';
import { SCOPES } from '../../properties/scope.js';
import { REAL_MAPS_DIR } from '../../src/cli/run-command.js';
import { readMemoryMap } from '../../src/files/memory-map-file.js';
import type { Region, Step } from '../../src/targets/step.js';

const U64_MAX = (1n << 64n) - 1n;
const REAL_MAPS = readdirSync(REAL_MAPS_DIR).map((name) => readMemoryMap(join(REAL_MAPS_DIR, name)).regions);
/** A starting map at the very top of the address space: moving its entry must not leave the u64 range. */
const TOP_MAP: Region[] = [{ base: U64_MAX + 1n - 0x1000n, length: 0x1000n, kind: 'Usable' }];

function u64sOf(step: Step): bigint[] {
  switch (step.op) {
    case 'init':
      return step.map.flatMap((region) => [region.base, region.length]);
    case 'boot_init':
      return [step.kernelPhysicalBase, ...step.map.flatMap((region) => [region.base, region.length])];
    case 'reserve_kernel':
    case 'reserve_range':
      return [step.start, step.size];
    case 'allocate_frame_at':
      return [step.addr];
    default:
      return 'frame' in step && 'number' in step.frame ? [BigInt(step.frame.number)] : [];
  }
}

describe('generated steps', () => {
  it.each(['small', 'full'] as const)('carry only u64 values at the %s scope, variations of starting maps included', (name) => {
    let checked = 0;
    fc.assert(
      fc.property(generatedRun({ ...SCOPES[name], startingMaps: [...REAL_MAPS, TOP_MAP] }), (run) => {
        const steps = [...(run.opening === null ? [] : [run.opening]), ...[...run.commands].map((command) => (command as unknown as { cmd: StepCommand }).cmd ?? command)].map((command) => (command as StepCommand).step);
        for (const value of steps.flatMap(u64sOf)) {
          expect(value >= 0n && value <= U64_MAX, `${value}`).toBe(true);
          checked++;
        }
      }),
      { numRuns: 2_000, seed: 99 },
    );
    expect(checked).toBeGreaterThan(50_000);
  });
});
