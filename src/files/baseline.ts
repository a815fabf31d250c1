// The baseline (reports/baseline.json): known findings accepted per allocator, each with why. A
// campaign passes when it finds only baselined findings; in CI mode it also fails when a baselined
// finding no longer reproduces, so fixing a defect forces the baseline to shrink with it.
import { existsSync } from 'node:fs';
import { readJsonFile } from './counterexample-file.js';
import { inputError } from './input-error.js';

export const BASELINE_FORMAT = 'framecheck-baseline';

export interface Baseline {
  readonly file: string;
  /** allocator name → accepted finding ids */
  readonly accepted: ReadonlyMap<string, ReadonlySet<string>>;
}

export function readBaseline(file: string): Baseline {
  if (!existsSync(file)) return { file, accepted: new Map() };
  const json = readJsonFile(file) as { format?: unknown; version?: unknown; accepted?: unknown };
  if (json.format !== BASELINE_FORMAT || json.version !== 1) throw inputError(file, `not a framecheck baseline (expected "format": "${BASELINE_FORMAT}", "version": 1)`);
  if (typeof json.accepted !== 'object' || json.accepted === null) throw inputError(file, '"accepted" must map allocator names to lists of findings');
  const accepted = new Map<string, Set<string>>();
  for (const [allocator, entries] of Object.entries(json.accepted)) {
    if (!Array.isArray(entries)) throw inputError(file, `"accepted.${allocator}" must be a list of { "id", "reason" }`);
    accepted.set(
      allocator,
      new Set(
        entries.map((entry: unknown, i) => {
          const id = (entry as { id?: unknown } | null)?.id;
          if (typeof id !== 'string') throw inputError(file, `"accepted.${allocator}[${i}].id" must be a finding id`);
          return id;
        }),
      ),
    );
  }
  return { file, accepted };
}
