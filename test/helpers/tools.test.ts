// The missing-tool rule of the test suite: a skip outside CI, a failure with one line in CI mode.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../cli/helpers.js';
import { findCommand, skipWithoutTool } from './tools.js';

const NO_SUCH_TOOL = 'framecheck-no-such-tool';

describe('skipWithoutTool', () => {
  it('finds a command on PATH, and not one that does not exist', () => {
    expect(findCommand([NO_SUCH_TOOL, 'sh'])).toBe('sh');
    expect(findCommand([NO_SUCH_TOOL])).toBeUndefined();
  });

  it('outside CI mode, a missing tool is a skip with its reason', () => {
    expect(skipWithoutTool(NO_SUCH_TOOL, 'not on PATH', {})).toBe(`${NO_SUCH_TOOL} missing: not on PATH`);
    expect(skipWithoutTool(NO_SUCH_TOOL, 'not on PATH', { CI: 'false' })).toBe(`${NO_SUCH_TOOL} missing: not on PATH`);
  });

  it('in CI mode, a missing tool throws one line naming it and the reason', () => {
    expect(() => skipWithoutTool(NO_SUCH_TOOL, 'not on PATH', { CI: 'true' })).toThrow(
      new Error(`${NO_SUCH_TOOL} is required in CI mode (CI=true) and cannot be used: not on PATH`),
    );
  });

  it('a tool that is there runs its tests, in CI mode or not', () => {
    expect(skipWithoutTool('sh', undefined, { CI: 'true' })).toBeUndefined();
    expect(skipWithoutTool('sh', undefined, {})).toBeUndefined();
  });

  it('a test file asking for a tool that does not exist fails under vitest in CI mode', async () => {
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const fixture = 'test/helpers/fixtures/needs-missing-tool.fixture.ts';
    const args = ['run', '--config', 'test/helpers/fixtures/vitest.fixture.config.ts', fixture];
    const ran = await runNode(args, { script: vitest, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', CI: 'true' } });
    expect(ran.status).toBe(1);
    expect(`${ran.stdout}${ran.stderr}`).toContain(`${NO_SUCH_TOOL} is required in CI mode (CI=true) and cannot be used: not on PATH`);
  });
});
