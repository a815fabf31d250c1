// A target that crashes is a finding whose counterexample ends with the step it crashed on, keeps
// the driver's exit status and stderr tail, and replays to the same fault (exit 1) — not a file of
// the steps before the crash, whose replay passes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameModel } from '../../models/index.js';
import { SMALL_SCOPE } from '../../properties/scope.js';
import { counterexampleOf, writeCounterexample } from '../../src/files/counterexample-file.js';
import { search } from '../../src/runner/search.js';
import { createCorrectedTarget } from '../../src/targets/corrected-target.js';
import { TargetFault, type AllocatorTarget } from '../../src/targets/target.js';
import { runMain, ROOT, tempDir } from '../cli/helpers.js';

const FIXTURE = join(ROOT, 'test', 'targets', 'fixtures', 'recorded-driver.mjs');

/** The corrected allocator, except that the driver dies on every deallocate. */
function crashingOnDeallocate(): AllocatorTarget {
  const inner = createCorrectedTarget({ maxFrames: SMALL_SCOPE.maxFrames, profile: 'debug' });
  return {
    ...inner,
    execute(step) {
      if (step.op === 'deallocate') throw new TargetFault('crash', `the driver exited on "deallocate ${step.frame.number}" (exit status 7)`, { status: 'exit status 7', stderrTail: ['thread main panicked', '\u001b[31mabort\u001b[0m'] });
      return inner.execute(step);
    },
  };
}

describe('a target fault as a counterexample', () => {
  const newModel = (): FrameModel => new FrameModel({ maxFrames: SMALL_SCOPE.maxFrames });
  const result = search({ scope: SMALL_SCOPE, target: crashingOnDeallocate(), newModel, setAside: [], seed: 7, numRuns: 300 });
  const failure = result.failures[0];

  it('ends with the step the target crashed on, marked as the diverging step', () => {
    expect(failure?.violation.property).toBe('target-responds');
    const trace = failure?.trace ?? [];
    expect(trace.length).toBeGreaterThan(0);
    expect(trace.at(-1)?.concrete.op).toBe('deallocate');
    expect(failure?.violation.stepIndex).toBe(trace.length - 1);
  });

  it('keeps the exit status and the stderr tail (as plain text)', () => {
    const content = counterexampleOf(failure as NonNullable<typeof failure>, SMALL_SCOPE, { allocator: 'cmd:driver', profile: 'debug' }, 300);
    expect(content.fault).toEqual({ kind: 'crash', status: 'exit status 7', stderrTail: ['thread main panicked', ' [31mabort [0m'] });
    expect(content.steps.at(-1)?.call).toMatch(/^deallocate\(/);
    expect(content.divergingStep).toBe(content.steps.length - 1);
  });

  it('replays to the same fault on a driver that crashes there (exit 1, the same finding)', () => {
    const content = counterexampleOf(failure as NonNullable<typeof failure>, SMALL_SCOPE, { allocator: 'cmd:driver', profile: 'debug' }, 300);
    const file = join(tempDir('framecheck-fault-'), 'fault.json');
    writeCounterexample(file, content);
    const ran = runMain(['replay', file, '--allocator-cmd', `'${process.execPath}' '${FIXTURE}' '${file}'`, '--step-timeout', '20s']);
    expect(ran.status, ran.stdout + ran.stderr).toBe(1);
    expect(ran.stdout).toContain(`still fails: ${content.finding.id}\n`);
    expect(ran.stdout).toContain('exit status 7');
  });
});
