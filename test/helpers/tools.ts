// The external tools some tests need (cargo for the Rust seed, Chromium for report.html). Outside CI
// a missing tool skips those tests with the reason; in CI mode (CI=true) .ci/run has installed every
// tool, so a missing one is a broken install and must not pass as a skip: the test file fails with
// one line naming the tool and why.
import { spawnSync } from 'node:child_process';

/** The first of these commands found on PATH, or undefined. */
export function findCommand(names: readonly string[]): string | undefined {
  return names.find((name) => spawnSync('sh', ['-c', `command -v '${name}'`]).status === 0);
}

/** CI mode, as the framecheck CLI reads it. */
export const isCiMode = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true';

/**
 * Why the tests needing `tool` are skipped (`missing`, the reason it cannot be used), or undefined
 * when it can be. In CI mode a missing tool throws instead: called at a test file's top level, that
 * fails the file with this one line.
 */
export function skipWithoutTool(tool: string, missing: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (missing === undefined) return undefined;
  if (isCiMode(env)) throw new Error(`${tool} is required in CI mode (CI=true) and cannot be used: ${missing}`);
  return `${tool} missing: ${missing}`;
}
