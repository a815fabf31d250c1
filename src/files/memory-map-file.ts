// Real machines' memory maps: the `BIOS-e820:` lines of a Linux boot log as `dmesg`, `journalctl -k`
// and /var/log/dmesg* print them, or framecheck's JSON format
// ({ "format": "framecheck-memory-map", "source": "...", "kernelBase": "0x...", "regions": [...] }).
//
// What each line means for the map (arch/x86/kernel/e820.c, e820__print_table and its callers):
// - `BIOS-e820: [mem 0xSTART-0xEND] TYPE`: one entry of the firmware's table, as the boot loader hands
//   it over. Ends are inclusive: length = END - START + 1. Whatever precedes `BIOS-e820:` is the log's
//   prefix and is ignored: dmesg's `[    0.000000] `, journalctl's `Dec 01 10:00:00 host kernel: `,
//   syslog's `... kernel: [    0.000000] `. Kernels since 2025 may print a size column before the
//   type (`  639   KB usable`); it is ignored, the bounds say it exactly.
// - `BIOS-e820: 00000000START - 00000000END (TYPE)`: the same entry as kernels before 3.11 print it;
//   END is exclusive there: length = END - START.
// - TYPE, in every spelling kernels have used: `usable`, `System RAM`, `kernel usable RAM` → Usable;
//   `reserved`, `device reserved`, `soft reserved`, `persistent (type 12)`, `persistent RAM (type 7)`,
//   `type N` → Reserved; `ACPI data` → AcpiReclaimable; `ACPI NVS` → AcpiNvs; `unusable` → BadMemory.
// - `BIOS-e820: [gap 0xSTART-0xEND]`: a hole between two entries, printed for the reader. Not an entry:
//   an address no entry covers is never usable, which is what the map already says.
// - `BIOS-provided physical RAM map:` starts a table. A log holding several boots (/var/log/kern.log,
//   `journalctl -k -b all`) holds several tables: the last boot's is used, and the map says so.
// - Ignored: the kernel's own edits after it read the table (`e820: update [mem …] usable ==> reserved`,
//   `e820: remove …`, `reserve setup_data: …`, the `modified:`/`extended:`/`user:` tables, `[gap …]
//   available for PCI devices`): they describe Linux's use of the machine, not what the firmware
//   gives an exokernel's boot loader.
// Lines starting with `#` name the log's source (data/memory-maps, test/fixtures/dmesg) and are not read
// as the log. An e820 line that does not parse is an error naming its line.
import type { Region, RegionKind } from '../targets/step.js';
import { readJsonFile } from './counterexample-file.js';
import { inputError, readTextFile } from './input-error.js';
import { MAX_MEMORY_MAP_ENTRIES } from './input-limits.js';
import { DecodeError, decodeMap, decodeU64 } from './step-codec.js';

export const MEMORY_MAP_FORMAT = 'framecheck-memory-map';

export interface LoadedMemoryMap {
  readonly file: string;
  readonly source: string;
  readonly regions: Region[];
  /** The kernel's physical load address, when the file gives one (JSON `kernelBase`). */
  readonly kernelBase?: bigint;
  /** What the reader decided about the file, in a sentence each (several boots in one log). */
  readonly notes: readonly string[];
}

const MEM_LINE = /BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]\s*(?:\d+(?:\.\d+)?\s+[KMGT]B\s+)?(.+?)\s*$/i;
const OLD_LINE = /BIOS-e820: ([0-9a-f]{8,16}) - ([0-9a-f]{8,16}) \((.+)\)\s*$/i;
const GAP_LINE = /BIOS-e820: \[gap 0x[0-9a-f]+-0x[0-9a-f]+\]/i;
const TABLE_HEADER = 'BIOS-provided physical RAM map:';

/** The firmware's type names, as Linux prints them (every version), to the boot-info kinds. */
function kindOf(type: string): RegionKind | undefined {
  const normalized = type.trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalized === 'usable' || normalized === 'system ram' || normalized === 'kernel usable ram') return 'Usable';
  if (normalized === 'acpi data') return 'AcpiReclaimable';
  if (normalized === 'acpi nvs') return 'AcpiNvs';
  if (normalized === 'unusable') return 'BadMemory';
  if (['reserved', 'device reserved', 'soft reserved'].includes(normalized) || /^persistent (ram )?\(type \d+\)$/.test(normalized) || /^type \d+$/.test(normalized)) return 'Reserved';
  return undefined;
}

export interface ParsedE820 {
  readonly regions: Region[];
  /** How many `BIOS-provided physical RAM map:` tables the log holds (0 when it only has entries). */
  readonly tables: number;
}

export function parseE820(text: string, file: string): ParsedE820 {
  let regions: Region[] = [];
  let tables = 0;
  text.split('\n').forEach((line, i) => {
    if (line.includes(TABLE_HEADER)) {
      tables++;
      regions = [];
      return;
    }
    // `#` lines are the file's own notes (its source), never the log's.
    if (line.startsWith('#') || !line.includes('BIOS-e820:') || GAP_LINE.test(line)) return;
    const old = OLD_LINE.exec(line);
    const match = old ?? MEM_LINE.exec(line);
    if (match === null) throw inputError(file, `a BIOS-e820 line that is not "BIOS-e820: [mem 0xSTART-0xEND] type": ${line.trim()}`, i + 1);
    const [, startText, endText, type] = match as unknown as [string, string, string, string];
    const start = BigInt(old === null ? startText : `0x${startText}`);
    // Both forms as an exclusive end.
    const end = old === null ? BigInt(endText) + 1n : BigInt(`0x${endText}`);
    if (end < start || (old === null && end === start)) throw inputError(file, `region end ${endText} is below its start ${startText}`, i + 1);
    if (end > 1n << 64n) throw inputError(file, `region end ${endText} does not fit in a u64`, i + 1);
    const kind = kindOf(type);
    if (kind === undefined) throw inputError(file, `unknown e820 type "${type}"`, i + 1);
    if (regions.length === MAX_MEMORY_MAP_ENTRIES) throw inputError(file, `more than ${MAX_MEMORY_MAP_ENTRIES} BIOS-e820 entries, the limit of a memory map (no firmware reports more)`, i + 1);
    regions.push({ base: start, length: end - start, kind });
  });
  if (regions.length === 0) throw inputError(file, 'no "BIOS-e820: [mem ...]" lines and not JSON: expected a dmesg boot log or a framecheck memory-map JSON file');
  return { regions, tables };
}

/** Reads either format: JSON is an object, so a file whose first non-blank character is `{`. */
export function readMemoryMap(file: string): LoadedMemoryMap {
  const text = readTextFile(file);
  if (!/^\s*\{/.test(text)) {
    const comment = text.split('\n').filter((line) => line.startsWith('#')).map((line) => line.slice(1).trim());
    const { regions, tables } = parseE820(text, file);
    const notes = tables > 1 ? [`the log holds ${tables} boots' memory maps: the last one is used`] : [];
    return { file, source: comment.join(' ') || file, regions, notes };
  }
  const json = readJsonFile(file) as { format?: unknown; source?: unknown; regions?: unknown; kernelBase?: unknown };
  if (json.format !== MEMORY_MAP_FORMAT) throw inputError(file, `JSON memory maps need "format": "${MEMORY_MAP_FORMAT}"`);
  try {
    const regions = decodeMap(json.regions, 'regions');
    if (regions.length === 0) throw inputError(file, '"regions" is empty');
    const kernelBase = json.kernelBase === undefined ? undefined : decodeU64(json.kernelBase, 'kernelBase');
    return { file, source: typeof json.source === 'string' ? json.source : file, regions, ...(kernelBase !== undefined && { kernelBase }), notes: [] };
  } catch (error) {
    if (error instanceof DecodeError) throw inputError(file, error.message);
    throw error;
  }
}
