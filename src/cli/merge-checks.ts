// What `framecheck merge` checks before it writes anything: that the folders are the shards of one
// campaign, each exactly once; that the output folder is none of them; and that every path a
// shard's results.json names stays inside that shard (a results.json travels as a CI artifact:
// `../../x` must not read or write outside).
import { realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { inputError } from '../files/input-error.js';
import type { CampaignReport } from '../reporters/campaign-report.js';
import { usageError } from './flags.js';

export interface Shard {
  readonly folder: string;
  readonly report: CampaignReport;
}

/** The flags that shaped a campaign, as its replay command says them, without the shard's own. */
const campaignCommand = (report: CampaignReport): string => report.replayCommand.replace(/ --shard \d+\/\d+/, '');

/**
 * The shards as one campaign: same seed, allocator, profile, shard count and campaign flags
 * (policies, scopes, runs, maps: the replay command). Each index once; a missing one is refused
 * unless `allowPartial`. Returns the missing shard indices (empty for a whole campaign).
 */
export function checkShardSet(shards: readonly Shard[], allowPartial: boolean): number[] {
  const first = shards[0] as Shard;
  const count = first.report.shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { folder, report } of shards) {
    const file = join(folder, 'results.json');
    if (report.target.allocator !== first.report.target.allocator || report.target.profile !== first.report.target.profile || report.seed !== first.report.seed) {
      throw inputError(file, `a shard of another campaign (${report.target.allocator}/${report.target.profile} seed ${report.seed}, expected ${first.report.target.allocator}/${first.report.target.profile} seed ${first.report.seed})`);
    }
    if ((report.shard?.count ?? 1) !== count) throw inputError(file, `a shard of another campaign (one of ${report.shard?.count ?? 1} shards, expected one of ${count})`);
    if (campaignCommand(report) !== campaignCommand(first.report)) {
      throw inputError(file, `a shard of another campaign (its flags differ: \`${campaignCommand(report)}\`, expected \`${campaignCommand(first.report)}\`)`);
    }
    const index = report.shard?.index ?? 1;
    const twice = seen.get(index);
    if (twice !== undefined) throw usageError(`merge: shard ${index}/${count} is given twice (${twice} and ${folder}): each shard must appear exactly once`);
    seen.set(index, folder);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length > 0 && !allowPartial) {
    throw usageError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} of this campaign ${missing.length > 1 ? 'are' : 'is'} missing (--allow-partial merges the others and marks the report partial)`);
  }
  return missing;
}

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The output folder must be none of the shards, and not inside one: merging would overwrite a shard. */
export function checkOutFolder(out: string, folders: readonly string[]): void {
  const target = real(out);
  for (const folder of folders) {
    if (inside(real(folder), target)) throw usageError(`merge: --out ${out} is the shard ${folder} or inside it: merging would overwrite that shard; give a new folder`);
  }
}

/** A relative path from a shard's results.json, checked to stay inside `folder`. */
export function pathInside(folder: string, path: unknown, file: string, field: string): string {
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || path.includes('\0')) throw inputError(file, `"${field}" must be a relative path inside the shard, got ${JSON.stringify(path)?.slice(0, 80)}`);
  const normalized = normalize(path);
  if (!inside(resolve(folder), resolve(folder, normalized)) || normalized === '.') throw inputError(file, `"${field}" ${JSON.stringify(path).slice(0, 80)} leads outside the shard's folder`);
  return normalized;
}
