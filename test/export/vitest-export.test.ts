// Exported vitest tests are kept by users, so they must build under the project's own strict
// tsconfig (noUnusedLocals: an unused import is TS6133), and the place the README gives for them,
// test/kept/, must pass in `npm test` (run there against the corrected allocator).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { exportVitest } from '../../src/export/vitest-export.js';
import { readCounterexample } from '../../src/files/counterexample-file.js';
import { ROOT, runNode } from '../cli/helpers.js';

const CORPUS = join(ROOT, 'reports', 'regressions');
// Inside the project, so that 'vitest' and the testing module resolve as they do for a kept test.
const dir = mkdtempSync(join(ROOT, 'test', 'kept', '.typecheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exported vitest tests', () => {
  it('typecheck under the project\'s tsconfig, every corpus entry', () => {
    const files = readdirSync(CORPUS).filter((name) => name.endsWith('.json')).sort().map((name) => {
      const file = join(dir, name.replace(/\.json$/, '.ts'));
      const testing = relative(dir, join(ROOT, 'src', 'testing', 'index.js'));
      writeFileSync(file, exportVitest(readCounterexample(join(CORPUS, name)), testing));
      return file;
    });
    expect(files.length).toBeGreaterThanOrEqual(8);
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const program = ts.createProgram(files, { ...config?.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file !== undefined && files.includes(diagnostic.file.fileName));
    expect(problems.map((diagnostic) => `${diagnostic.file?.fileName}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)).toEqual([]);
  });

  it('kept in test/kept/, they pass in npm test\'s last step (against the corrected allocator)', async () => {
    const ran = await runNode(['run', '--config', 'vitest.kept.config.ts'], { script: join(ROOT, 'node_modules', 'vitest', 'vitest.mjs') });
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/Tests\s+\S*\s*\d+ passed/);
  });
});
