// Real machines' memory maps: the `BIOS-e820:` lines of a Linux boot log as `dmesg` prints them, or
// framecheck's JSON format ({ "format": "framecheck-memory-map", "source": "...", "regions": [...] }).
// Other dmesg lines are skipped (a boot log holds much more); an e820 line that does not parse is
// an error naming its line. Ends in dmesg are inclusive: length = end - start + 1.
import type { Region, RegionKind } from '../targets/step.js';
import { readJsonFile } from './counterexample-file.js';
import { inputError, readTextFile } from './input-error.js';
import { MAX_MEMORY_MAP_ENTRIES } from './input-limits.js';
import { DecodeError, decodeMap } from './step-codec.js';

export const MEMORY_MAP_FORMAT = 'framecheck-memory-map';

export interface LoadedMemoryMap {
  readonly file: string;
  readonly source: string;
  readonly regions: Region[];
}

const E820_LINE = /BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?)\s*$/i;

/** The firmware's type names, as Linux prints them, to the boot-info kinds. */
function kindOf(type: string): RegionKind | undefined {
  const normalized = type.trim().toLowerCase();
  if (normalized === 'usable') return 'Usable';
  if (normalized === 'acpi data') return 'AcpiReclaimable';
  if (normalized === 'acpi nvs') return 'AcpiNvs';
  if (normalized === 'unusable') return 'BadMemory';
  if (normalized === 'reserved' || normalized === 'soft reserved' || normalized.startsWith('persistent') || /^type \d+$/.test(normalized)) return 'Reserved';
  return undefined;
}

export function parseE820(text: string, file: string): Region[] {
  const regions: Region[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.includes('BIOS-e820:')) return;
    const match = E820_LINE.exec(line);
    if (match === null) throw inputError(file, `a BIOS-e820 line that is not "BIOS-e820: [mem 0xSTART-0xEND] type": ${line.trim()}`, i + 1);
    const [, startText, endText, type] = match as unknown as [string, string, string, string];
    const start = BigInt(startText);
    const end = BigInt(endText);
    if (end < start) throw inputError(file, `region end ${endText} is below its start ${startText}`, i + 1);
    if (end >= 1n << 64n) throw inputError(file, `region end ${endText} does not fit in a u64`, i + 1);
    const kind = kindOf(type);
    if (kind === undefined) throw inputError(file, `unknown e820 type "${type}"`, i + 1);
    if (regions.length === MAX_MEMORY_MAP_ENTRIES) throw inputError(file, `more than ${MAX_MEMORY_MAP_ENTRIES} BIOS-e820 entries, the limit of a memory map (no firmware reports more)`, i + 1);
    regions.push({ base: start, length: end - start + 1n, kind });
  });
  if (regions.length === 0) throw inputError(file, 'no "BIOS-e820: [mem ...]" lines and not JSON: expected a dmesg boot log or a framecheck memory-map JSON file');
  return regions;
}

/** Reads either format, told apart by the first non-blank character. */
export function readMemoryMap(file: string): LoadedMemoryMap {
  const text = readTextFile(file);
  if (!/^\s*[{[]/.test(text)) {
    const comment = text.split('\n').filter((line) => line.startsWith('#')).map((line) => line.slice(1).trim());
    return { file, source: comment.join(' ') || file, regions: parseE820(text, file) };
  }
  const json = readJsonFile(file) as { format?: unknown; source?: unknown; regions?: unknown };
  if (json.format !== MEMORY_MAP_FORMAT) throw inputError(file, `JSON memory maps need "format": "${MEMORY_MAP_FORMAT}"`);
  try {
    const regions = decodeMap(json.regions, 'regions');
    if (regions.length === 0) throw inputError(file, '"regions" is empty');
    return { file, source: typeof json.source === 'string' ? json.source : file, regions };
  } catch (error) {
    if (error instanceof DecodeError) throw inputError(file, error.message);
    throw error;
  }
}
