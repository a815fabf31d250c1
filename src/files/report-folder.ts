// Where a campaign's reports go: reports/runs/<time>-seed<seed>[-shard<i>of<n>]/ with results.json,
// summary.md, junit.xml, report.html and counterexamples/, and reports/latest pointing at the
// newest folder (a symlink replaced atomically by renaming a fresh one over it).
import { existsSync, mkdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RESULTS_FORMAT, RESULTS_VERSION, type CampaignReport } from '../reporters/campaign-report.js';
import { renderHtml } from '../reporters/report-html.js';
import { renderJunit } from '../reporters/junit-xml.js';
import { renderSummary } from '../reporters/summary-md.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import { readJsonFile } from './counterexample-file.js';
import { inputError } from './input-error.js';

export const REPORT_FILES = ['results.json', 'summary.md', 'junit.xml', 'report.html'] as const;

export function createRunFolder(reportsDir: string, seed: string, shard: { index: number; count: number } | null, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (existsSync(reportsDir) && !statSync(reportsDir).isDirectory()) throw inputError(reportsDir, 'is a file: --reports names the folder reports are written to');
  // A seed is any word: only its safe characters, and not too many, go into the folder's name.
  const name = `${stamp}-seed${seed.replace(/[^a-z0-9_-]+/gi, '_').slice(0, 40)}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
  // Two campaigns in the same second with the same seed get folders of their own.
  for (let attempt = 0; ; attempt++) {
    const folder = join(reportsDir, 'runs', attempt === 0 ? name : `${name}-${attempt + 1}`);
    mkdirSync(join(reportsDir, 'runs'), { recursive: true });
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    mkdirSync(join(folder, 'counterexamples'));
    return folder;
  }
}

/** Writes every report file of the folder; each file is replaced whole. */
export function writeReports(folder: string, report: CampaignReport): void {
  writeJsonAtomic(join(folder, 'results.json'), report);
  writeFileAtomic(join(folder, 'summary.md'), renderSummary(report));
  writeFileAtomic(join(folder, 'junit.xml'), renderJunit(report));
  writeFileAtomic(join(folder, 'report.html'), renderHtml(report));
}

export function pointLatest(reportsDir: string, folder: string): void {
  const link = join(reportsDir, 'latest');
  const temporary = `${link}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  symlinkSync(relative(reportsDir, folder), temporary);
  renameSync(temporary, link);
}

/** The results.json of a report folder, checked to be framecheck results of this version. */
export function readReportResults(folder: string): CampaignReport {
  const file = join(folder, 'results.json');
  const json = readJsonFile(file) as Partial<CampaignReport>;
  if (json.format !== RESULTS_FORMAT || json.version !== RESULTS_VERSION) throw inputError(file, `not framecheck results version ${RESULTS_VERSION}`);
  return json as CampaignReport;
}
