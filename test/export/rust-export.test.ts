// Exported Rust tests compile against the seed and fail there for the finding's reason: every
// small-scope counterexample of the regression corpus is exported with `--to rust`, appended to a
// copy of the seed (as a developer would paste it), compiled by native/seed-driver at the
// counterexample's capacity, and run with `cargo test` under RUSTFLAGS="-D warnings" (a kernel built
// with it must accept them) in both profiles: each test fails on the seed in every profile it says it
// guards, and the overflow-panic tests are compiled for debug only. In CI mode (CI=true) a missing
// cargo fails this file instead of skipping it (skipWithoutTool).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRust, rustTestName } from '../../src/export/rust-export.js';
import { readCounterexample, type LoadedCounterexample } from '../../src/files/counterexample-file.js';
import { SEED_DRIVER_DIR, SEED_SOURCE, seedDriverUnavailable } from '../../src/targets/seed-driver.js';
import { skipWithoutTool } from '../helpers/tools.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const CORPUS = join(ROOT, 'reports', 'regressions');
const unavailable = skipWithoutTool('cargo', seedDriverUnavailable());
const dir = mkdtempSync(join(tmpdir(), 'framecheck-rust-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the failing Rust test must say: the panic for never-panics, else the failing step's assertion. */
function expectedReason(loaded: LoadedCounterexample): string {
  const { content } = loaded;
  if (content.property === 'never-panics') return 'attempt to add with overflow';
  const step = content.divergingStep === null ? undefined : content.steps[content.divergingStep];
  return `step ${(content.divergingStep ?? 0) + 1}: ${step?.call ?? ''}`;
}

describe.skipIf(unavailable !== undefined)(`exported Rust tests against the seed${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const entries = readdirSync(CORPUS).filter((name) => name.endsWith('.small.json')).sort().map((name) => readCounterexample(join(CORPUS, name)))
    // A hang of the seed (target-responds: timeout) has no result to assert: as a Rust test it would spin for hours.
    .filter((entry) => entry.content.property !== 'target-responds');
  const source = join(dir, 'frame_allocator.rs');
  writeFileSync(source, `${readFileSync(SEED_SOURCE, 'utf8')}\n${entries.map(exportRust).join('\n')}`);
  const env = {
    ...process.env,
    FRAMECHECK_ALLOCATOR_SRC: source,
    FRAMECHECK_MAX_PHYSICAL_MEMORY: String(512 * 4096),
    CARGO_TARGET_DIR: join(SEED_DRIVER_DIR, 'target', 'export-test'),
    RUSTFLAGS: '-D warnings',
  };
  const cargoTest = (profile: string[]): string => {
    const run = spawnSync('cargo', ['test', ...profile, '--offline', '--', '--test-threads=1', 'framecheck_'], { cwd: SEED_DRIVER_DIR, encoding: 'utf8', env, timeout: 300_000 });
    return `${run.stdout}\n${run.stderr}`;
  };
  const output = cargoTest([]);
  const release = cargoTest(['--release']);
  const debugOnly = (entry: LoadedCounterexample): boolean => entry.content.property === 'never-panics' && entry.content.target.profile === 'debug';

  it('compiles warning-free under RUSTFLAGS="-D warnings", in debug and release', () => {
    for (const text of [output, release]) {
      expect(text).not.toContain('could not compile');
      // (cargo's own "error: test failed" is expected: the exported tests fail on the seed by design)
      expect(text).not.toMatch(/^(error|warning)(\[\w+\])?:(?! test failed, to rerun)/m);
      expect(text).toMatch(/running \d+ tests?/);
    }
  });

  it('in release, every test that says it guards both profiles fails on the seed; the overflow panics are debug-only', () => {
    expect(entries.some(debugOnly)).toBe(true);
    for (const entry of entries) {
      const name = rustTestName(entry.content);
      const text = exportRust(entry);
      if (debugOnly(entry)) {
        expect(text).toContain('#[cfg(all(test, debug_assertions))]');
        expect(release).not.toContain(`framecheck_${name}::${name} ...`);
      } else {
        expect(text).toContain('// Guards both profiles');
        expect(release).toContain(`framecheck_${name}::${name} ... FAILED`);
      }
    }
  });

  it.each(entries.map((entry) => [entry.content.finding.id, entry] as const))('%s fails in Rust for the same reason', (id, entry) => {
    const name = rustTestName(entry.content);
    expect(output).toContain(`framecheck_${name}::${name} ... FAILED`);
    const report = output.split(`---- memory::frame_allocator::framecheck_${name}::${name} stdout ----`)[1]?.split('\n----')[0] ?? '';
    expect(report).toContain(expectedReason(entry));
  });

  it('leaves the seed\'s own five tests passing beside them (at the seed\'s 16 GiB)', () => {
    const seedEnv = { ...process.env, FRAMECHECK_ALLOCATOR_SRC: source, CARGO_TARGET_DIR: join(SEED_DRIVER_DIR, 'target', 'export-test-16g') };
    const seedTests = spawnSync('cargo', ['test', '--offline', '--', '--test-threads=1', 'tests::'], { cwd: SEED_DRIVER_DIR, encoding: 'utf8', env: seedEnv, timeout: 300_000 });
    expect(seedTests.stdout).toContain('5 passed; 0 failed');
  });
});
