// Building the native seed driver (native/seed-driver, a Rust crate) for a given profile and
// bitmap capacity, so that tests and campaigns can run the Rust seed itself as a target.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildProfile } from './step.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: two levels up from src/targets. */
const REPO_ROOT = path.resolve(HERE, '..', '..');
export const SEED_DRIVER_DIR = path.join(REPO_ROOT, 'native', 'seed-driver');
/** The seed the driver compiles by default (`../shared/seed/frame_allocator.rs` beside the repository). */
export const SEED_SOURCE = path.resolve(REPO_ROOT, '..', 'shared', 'seed', 'frame_allocator.rs');

/** The seed's MAX_FRAMES: 16 GiB of 4 KiB frames. */
const SEED_MAX_FRAMES = 4 * 1024 * 1024;
const FRAME_BYTES = 4096;
const STDERR_TAIL_LINES = 20;

export interface SeedDriverBuild {
  readonly profile: BuildProfile;
  /** Bitmap capacity in frames (a positive multiple of 64); default the seed's 4 Mi frames. */
  readonly maxFrames?: number;
  /** Another allocator source to compile instead of the seed (a path; relative to the working directory). */
  readonly allocatorSrc?: string;
}

function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** Why the seed driver cannot be built here (no cargo, no seed file), or undefined when it can. */
export function seedDriverUnavailable(): string | undefined {
  if (!onPath('cargo')) return 'cargo is not on PATH: the native seed driver cannot be built';
  if (!fs.existsSync(SEED_SOURCE)) return `the seed allocator ${SEED_SOURCE} is missing`;
  if (!fs.existsSync(path.join(SEED_DRIVER_DIR, 'Cargo.toml'))) return `the seed driver crate ${SEED_DRIVER_DIR} is missing`;
  return undefined;
}

const tail = (text: string, lines: number): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Builds the driver (`cargo build --offline [--release]`) and returns the binary's path. */
export function buildSeedDriver(build: SeedDriverBuild): { binary: string } {
  const { profile, maxFrames } = build;
  if (maxFrames !== undefined && (!Number.isSafeInteger(maxFrames) || maxFrames <= 0 || maxFrames % 64 !== 0)) {
    throw new RangeError(`maxFrames must be a positive multiple of 64, got ${maxFrames}`);
  }
  const allocatorSrc = build.allocatorSrc === undefined ? undefined : path.resolve(build.allocatorSrc);
  const customCapacity = maxFrames !== undefined && maxFrames !== SEED_MAX_FRAMES;
  const sourceTag = allocatorSrc === undefined ? 'seed' : createHash('sha256').update(allocatorSrc).digest('hex').slice(0, 12);
  // One target dir per (capacity, source): builds for different settings don't evict each other.
  const targetDir = path.join(SEED_DRIVER_DIR, 'target', `${customCapacity ? maxFrames : 'default'}-${sourceTag}`);

  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: targetDir };
  delete env.FRAMECHECK_MAX_PHYSICAL_MEMORY;
  delete env.FRAMECHECK_ALLOCATOR_SRC;
  if (customCapacity) env.FRAMECHECK_MAX_PHYSICAL_MEMORY = String(maxFrames * FRAME_BYTES);
  if (allocatorSrc !== undefined) env.FRAMECHECK_ALLOCATOR_SRC = allocatorSrc;

  const args = ['build', '--offline', ...(profile === 'release' ? ['--release'] : [])];
  // One build per setting and process: a campaign opens a target per scope and per replayed
  // counterexample, and a no-op cargo build still costs most of a second.
  const built = BUILT.get(`${targetDir}/${profile}`);
  if (built !== undefined) return built;
  try {
    execFileSync('cargo', args, { cwd: SEED_DRIVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer | string }).stderr;
    const text = stderr === undefined ? (error as Error).message : String(stderr);
    throw new Error(
      `cargo ${args.join(' ')} failed in ${SEED_DRIVER_DIR} (CARGO_TARGET_DIR=${targetDir}):\n${tail(text, STDERR_TAIL_LINES)}`,
    );
  }
  const binary = path.join(targetDir, profile, 'framecheck-seed-driver');
  if (!fs.existsSync(binary)) throw new Error(`cargo ${args.join(' ')} succeeded but ${binary} does not exist`);
  BUILT.set(`${targetDir}/${profile}`, { binary });
  return { binary };
}

const BUILT = new Map<string, { binary: string }>();
