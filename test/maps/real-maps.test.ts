// Real boot logs as dmesg, journalctl -k and current kernels print them (test/fixtures/dmesg, each
// naming its source), what a map means for the 16 GiB bitmap, and which findings a machine triggers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounterexample } from '../../src/files/counterexample-file.js';
import { InputError } from '../../src/files/input-error.js';
import { parseE820, readMemoryMap } from '../../src/files/memory-map-file.js';
import { findAffected } from '../../src/maps/affected.js';
import { analyzeMemoryMap, renderMapAnalysis } from '../../src/maps/analysis.js';
import { examineMachine } from '../../src/maps/machine-report.js';
import { replayCounterexample } from '../../src/runner/replay.js';
import type { Region } from '../../src/targets/step.js';
import { ROOT, removeTempDirs, tempDir } from '../cli/helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'dmesg');
const T14 = join(FIXTURES, 'thinkpad-t14-gen1-linux-7.1.dmesg');
const ACER = join(FIXTURES, 'acer-swift-sfx16.journalctl');
const SIZES = join(FIXTURES, 'qemu-size-columns.dmesg');
const PORT = { allocator: 'port', profile: 'debug' } as const;
const GiB = 1n << 30n;

let dir: string;
beforeAll(() => {
  dir = tempDir('framecheck-maps-');
});
afterAll(removeTempDirs);

/** A file as /var/log/dmesg.0 holds it: the log alone, its first line a timestamp. */
function asPlainLog(fixture: string, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, readFileSync(fixture, 'utf8').split('\n').filter((line) => !line.startsWith('#')).join('\n'));
  return file;
}

const json = (name: string, regions: readonly Region[], extra: Record<string, unknown> = {}): string => {
  const file = join(dir, name);
  const hex = (value: bigint): string => `0x${value.toString(16)}`;
  writeFileSync(file, JSON.stringify({ format: 'framecheck-memory-map', source: name, ...extra, regions: regions.map((r) => ({ base: hex(r.base), length: hex(r.length), kind: r.kind })) }));
  return file;
};

describe('reading boot logs as they come', () => {
  it('a timestamped dmesg log (first character "[") is a dmesg log, not malformed JSON', () => {
    const map = readMemoryMap(asPlainLog(T14, 'dmesg.0'));
    expect(map.regions).toHaveLength(10);
    expect(map.source).toBe(join(dir, 'dmesg.0'));
  });

  it("current kernels' wording: System RAM, device reserved, ACPI NVS/data; [gap] lines and e820: update/remove lines are not entries", () => {
    const { regions, source } = readMemoryMap(T14);
    expect(source).toContain('626fc564-6f4b-430d-92f3-653981e3dcdd@pobox.com');
    expect(regions.map((region) => region.kind)).toEqual(['Usable', 'Reserved', 'Usable', 'Reserved', 'AcpiNvs', 'AcpiReclaimable', 'Usable', 'Reserved', 'Reserved', 'Usable']);
    expect(regions[9]).toEqual({ base: 0x100000000n, length: 0x84c800000n - 0x100000000n, kind: 'Usable' });
    // "e820: update [mem 0x00000000-0x00000fff] System RAM ==> device reserved" is Linux's own edit: frame 0 stays usable.
    expect(regions[0]).toEqual({ base: 0n, length: 0x9f000n, kind: 'Usable' });
  });

  it("journalctl -k's prefix on every line", () => {
    const { regions } = readMemoryMap(ACER);
    expect(regions).toHaveLength(19);
    expect(regions[3]).toEqual({ base: 0x36e04000n, length: 0x5000n, kind: 'AcpiReclaimable' });
    expect(regions[18]).toEqual({ base: 0x100000000n, length: 0x4af800000n - 0x100000000n, kind: 'Usable' });
  });

  it('the size column of 2025 kernels ("639   KB kernel usable RAM", "1.9 GB") and sized gap lines', () => {
    const { regions } = readMemoryMap(SIZES);
    expect(regions).toHaveLength(10);
    expect(regions[0]).toEqual({ base: 0n, length: 0x9fc00n, kind: 'Usable' });
    expect(regions[3]).toEqual({ base: 0x100000n, length: 0x7ffdc000n - 0x100000n, kind: 'Usable' });
    expect(regions[9]).toEqual({ base: 0xfd00000000n, length: 12n * GiB, kind: 'Reserved' });
  });

  it('the format of kernels before 3.11 ("BIOS-e820: START - END (type)", END exclusive)', () => {
    const { regions } = readMemoryMap(join(FIXTURES, 'intel-em64t-linux-2.6.14.dmesg'));
    expect(regions).toHaveLength(10);
    expect(regions[0]).toEqual({ base: 0n, length: 0x9fc00n, kind: 'Usable' });
    expect(regions[2]).toEqual({ base: 0xedbb0n, length: 0x100000n - 0xedbb0n, kind: 'Reserved' });
    expect(regions[8]).toEqual({ base: 0xcf6ed000n, length: 0x12000n, kind: 'AcpiReclaimable' });
  });

  it('a log of several boots: the last boot\'s table is used, and the map says so', () => {
    const file = join(dir, 'kern.log');
    writeFileSync(file, `${readFileSync(T14, 'utf8')}\n${readFileSync(ACER, 'utf8')}`);
    const map = readMemoryMap(file);
    expect(map.regions).toEqual(readMemoryMap(ACER).regions);
    expect(map.notes).toEqual(["the log holds 2 boots' memory maps: the last one is used"]);
  });

  it.each([
    ['usable', 'Usable'],
    ['System RAM', 'Usable'],
    ['kernel usable RAM', 'Usable'],
    ['reserved', 'Reserved'],
    ['device reserved', 'Reserved'],
    ['soft reserved', 'Reserved'],
    ['persistent (type 12)', 'Reserved'],
    ['persistent RAM (type 7)', 'Reserved'],
    ['type 20', 'Reserved'],
    ['ACPI data', 'AcpiReclaimable'],
    ['ACPI NVS', 'AcpiNvs'],
    ['unusable', 'BadMemory'],
  ])('every type name kernels print: %s → %s', (type, kind) => {
    expect(parseE820(`[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] ${type}\n`, 'log').regions[0]?.kind).toBe(kind);
  });

  it('a JSON map may name the kernel base', () => {
    const file = json('based.json', [{ base: 0n, length: GiB, kind: 'Usable' }], { kernelBase: '0x200000' });
    expect(readMemoryMap(file).kernelBase).toBe(0x200000n);
    expect(() => readMemoryMap(json('bad-base.json', [{ base: 0n, length: GiB, kind: 'Usable' }], { kernelBase: 'high' }))).toThrow(InputError);
  });
});

describe('what a map means for the 16 GiB bitmap', () => {
  it('the ThinkPad T14 (32 GiB): RAM above frame 4,194,304 is invisible, said plainly', () => {
    const analysis = analyzeMemoryMap(readMemoryMap(T14));
    // Usable: 0x9f frames, 0x100..0xa40b7, frame 0xa974f, 0x100000..0x84c800.
    const usable = 0x9f + (0xa40b7 - 0x100) + 1 + (0x84c800 - 0x100000);
    expect(analysis.usableFrames).toBe(usable);
    expect(analysis.droppedFrames).toBe(0x84c800 - 0x400000);
    expect(analysis.droppedFrames).toBe(4_507_648);
    expect(analysis.visibleFrames).toBe(usable - 4_507_648);
    expect(renderMapAnalysis(analysis)).toContain(
      "this map has 31.8 GiB usable; the allocator's bitmap covers 16 GiB: 17.2 GiB (4,507,648 frames) are invisible to it — a documented limit of the seed (MAX_PHYSICAL_MEMORY); it sees 3,817,559 frames",
    );
  });

  it('a 256 GiB server: 240 GiB (62,914,560 frames) invisible', () => {
    const analysis = analyzeMemoryMap(readMemoryMap(json('server.json', [{ base: 0n, length: 256n * GiB, kind: 'Usable' }])));
    expect(renderMapAnalysis(analysis).join('\n')).toContain('this map has 256 GiB usable; the allocator\'s bitmap covers 16 GiB: 240 GiB (62,914,560 frames) are invisible to it');
  });

  it('a map within 16 GiB: nothing dropped, and it says so', () => {
    const analysis = analyzeMemoryMap(readMemoryMap(SIZES));
    expect(analysis.droppedFrames).toBe(0);
    expect(renderMapAnalysis(analysis).join('\n')).toContain("it sees all 524,155 usable frames");
  });

  it('overlaps resolve to the most restrictive type (as Linux sanitises); unsorted and zero-length entries are named', () => {
    const file = json('messy.json', [
      { base: 0x100000n, length: 0x100000n, kind: 'Usable' },
      { base: 0n, length: 0n, kind: 'Usable' },
      { base: 0x180000n, length: 0x2000n, kind: 'AcpiNvs' },
      { base: 0x1f0000n, length: 0x20000n, kind: 'Reserved' },
    ]);
    const analysis = analyzeMemoryMap(readMemoryMap(file));
    expect(analysis.outOfOrder).toEqual([2]);
    expect(analysis.zeroLength).toEqual([2]);
    expect(analysis.overlaps).toEqual([
      { entries: [1, 3], kinds: ['Usable', 'AcpiNvs'], start: '0x180000', end: '0x181fff', resolvedAs: 'AcpiNvs' },
      { entries: [1, 4], kinds: ['Usable', 'Reserved'], start: '0x1f0000', end: '0x1fffff', resolvedAs: 'Reserved' },
    ]);
    // 256 frames, less 2 under the ACPI NVS entry and 16 under the reserved one.
    expect(analysis.usableFrames).toBe(256 - 2 - 16);
    const text = renderMapAnalysis(analysis).join('\n');
    expect(text).toContain('not sorted (entry 2 start below the entry before)');
    expect(text).toContain('zero-length entry 2 (ignored, as Linux ignores them)');
    expect(text).toContain("entries 1 (Usable) and 4 (Reserved) share [mem 0x1f0000-0x1fffff]: Reserved wins (the most restrictive type, as Linux's e820 sanitiser resolves it)");
  });
});

describe('is this machine affected?', () => {
  it('the T14: freeing the VGA hole at frame 160 succeeds, replayable from a file', () => {
    const out = join(dir, 't14');
    const report = examineMachine(T14, { allocator: PORT, outDir: out });
    const answer = (id: string) => report.affected.answers.find((a) => a.id === id);
    expect(answer('deallocate-frees-frames-not-handed-out')).toMatchObject({ status: 'affected', counterexample: join(out, 'deallocate-frees-frames-not-handed-out.json') });
    expect(answer('deallocate-frees-frames-not-handed-out')?.steps).toContain('deallocate_frame(Frame(160)) → Ok(()) — returned Ok(()), promised Err(InvalidFrame)');
    expect(answer('allocate-specific-reports-frame-in-use-outside-usable-memory')?.steps).toContain('allocate_frame_at(PhysAddr::new(0xa0000)) → Err(FrameInUse)');
    // A map Linux has sanitised cannot show the init findings.
    for (const id of ['init-double-counts-overlapping-usable-regions', 'init-frees-frames-of-reserved-regions', 'init-region-end-overflows', 'reserve-and-init-loop-over-every-frame-requested']) {
      expect(answer(id)?.status, id).toBe('not-affected');
    }
    const file = readCounterexample(join(out, 'deallocate-frees-frames-not-handed-out.json'));
    expect(file.steps[0]).toMatchObject({ op: 'boot_init', kernelPhysicalBase: 0x100000n, map: readMemoryMap(T14).regions });
    expect(file.steps).toHaveLength(2);
    expect(replayCounterexample(file, PORT).identity?.id).toBe('deallocate-frees-frames-not-handed-out');
    expect(replayCounterexample(file, { allocator: 'corrected', profile: 'debug' }).identity).toBeUndefined();
  });

  it('an unaligned kernel base: boot_init alone misses the last frame of the kernel, and nothing behind it is reachable', () => {
    const map = readMemoryMap(SIZES);
    const { sanitised } = analyzeMemoryMap(map);
    const result = findAffected(map.regions, sanitised, { allocator: PORT, kernelBase: 0x100800n, maxDepth: 1 });
    const answer = (id: string) => result.answers.find((a) => a.id === id);
    expect(answer('reserve-misses-last-frame-of-unaligned-range')?.status).toBe('affected');
    expect(answer('reserve-misses-last-frame-of-unaligned-range')?.counterexample?.steps).toHaveLength(1);
    expect(answer('deallocate-frees-frames-not-handed-out')?.status).toBe('masked');
    expect(answer('deallocate-frees-frames-not-handed-out')?.reason).toContain('boot_init on this map already fails with reserve-misses-last-frame-of-unaligned-range');
  });

  it('a boot loader map with a reserved entry inside usable RAM: the init finding, in one step', () => {
    const map: Region[] = [{ base: 0n, length: GiB, kind: 'Usable' }, { base: 0x8000000n, length: 0x1000n, kind: 'Reserved' }];
    const result = findAffected(map, analyzeMemoryMap({ file: 'm', source: 'm', regions: map, notes: [] }).sanitised, { allocator: PORT, kernelBase: 0x100000n, maxDepth: 1 });
    expect(result.answers.find((a) => a.id === 'init-frees-frames-of-reserved-regions')?.counterexample?.steps).toHaveLength(1);
  });

  it('a 2 TiB usable entry: the seed would walk it frame by frame at boot, so the search does not start', () => {
    const map: Region[] = [{ base: 4n * GiB, length: 2048n * GiB, kind: 'Usable' }];
    const result = findAffected(map, analyzeMemoryMap({ file: 'm', source: 'm', regions: map, notes: [] }).sanitised, { allocator: PORT, kernelBase: 0x100000n });
    expect(result.answers.find((a) => a.id === 'reserve-and-init-loop-over-every-frame-requested')?.status).toBe('hang');
    expect(result.answers.find((a) => a.id === 'deallocate-frees-frames-not-handed-out')).toMatchObject({ status: 'masked', reason: expect.stringContaining('already hangs the seed') });
    expect(result.sequences).toBe(0);
  });

  it('the corrected allocator on the same machine: no finding', () => {
    const map = readMemoryMap(T14);
    const result = findAffected(map.regions, analyzeMemoryMap(map).sanitised, { allocator: { allocator: 'corrected', profile: 'debug' }, kernelBase: 0x100000n, maxDepth: 1 });
    expect(result.answers.map((a) => a.status)).toEqual(result.answers.map(() => 'not-affected'));
  });
});
