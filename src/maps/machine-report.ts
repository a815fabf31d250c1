// One machine's map, examined: what it means for the 16 GiB bitmap (analysis.ts) and which known
// findings it triggers (affected.ts), with a counterexample file per triggered finding. The same
// report serves `framecheck map FILE` and a campaign's --memory-map (results.json `memoryMaps`,
// summary.md, report.html, the terminal), so both say the same thing about the same map.
import { basename, join, relative } from 'node:path';
import { writeCounterexample } from '../files/counterexample-file.js';
import { readMemoryMap } from '../files/memory-map-file.js';
import type { TargetSpec } from '../targets/target-spec.js';
import { DEFAULT_KERNEL_BASE, describeSteps, findAffected, renderAffected, type AffectedResult, type AnswerStatus } from './affected.js';
import { analyzeMemoryMap, renderMapAnalysis, type MapAnalysis } from './analysis.js';

export interface MachineAnswer {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly status: AnswerStatus;
  readonly reason: string;
  /** The counterexample's steps and what each returned, in one line. */
  readonly steps?: string;
  /** The counterexample file, relative to the report folder (or as written, for `framecheck map`). */
  readonly counterexample?: string;
}

/** JSON-safe: results.json carries it as is. */
export interface MemoryMapReport extends Omit<MapAnalysis, 'sanitised'> {
  /** The analysis in sentences, as the terminal shows it. */
  readonly summary: readonly string[];
  /** The search's answer, each counterexample as the path of its file. */
  readonly affected: Omit<AffectedResult, 'answers' | 'maxDepth'> & { readonly answers: readonly MachineAnswer[] };
  /** The terminal's lines about the findings, replay commands included. */
  readonly affectedSummary: readonly string[];
}

export interface ExamineOptions {
  readonly allocator: TargetSpec;
  /** --kernel-base; else the file's `kernelBase`; else 1 MiB. */
  readonly kernelBase?: bigint;
  readonly maxDepth?: number;
  /** Where the counterexample files go. */
  readonly outDir: string;
  /** Counterexample paths in the report are relative to this folder (default: as written). */
  readonly relativeTo?: string;
}

/** A folder name from a map's file name: "dmesg.0" → "dmesg.0", "t14.dmesg" → "t14". */
export const mapName = (file: string): string => basename(file).replace(/\.(dmesg|journalctl|log|txt|json)$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'map';

export function examineMachine(file: string, options: ExamineOptions): MemoryMapReport {
  const map = readMemoryMap(file);
  const { sanitised, ...analysis } = analyzeMemoryMap(map);
  const kernelBase = options.kernelBase ?? map.kernelBase ?? DEFAULT_KERNEL_BASE;
  const result = findAffected(map.regions, sanitised, { allocator: options.allocator, kernelBase, ...(options.maxDepth !== undefined && { maxDepth: options.maxDepth }) });
  const files = new Map<string, string>();
  const answers = result.answers.map((answer): MachineAnswer => {
    const { counterexample, ...rest } = answer;
    if (counterexample === undefined) return rest;
    const path = join(options.outDir, `${answer.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    writeCounterexample(path, counterexample);
    files.set(answer.id, path);
    return { ...rest, steps: describeSteps(counterexample), counterexample: options.relativeTo === undefined ? path : relative(options.relativeTo, path) };
  });
  const { answers: _answers, maxDepth: _maxDepth, ...search } = result;
  return { ...analysis, summary: renderMapAnalysis({ ...analysis, sanitised }), affected: { ...search, answers }, affectedSummary: renderAffected(result, files) };
}

/** A campaign's maps, each with its counterexamples in <folder>/maps/<name> (two files of one name kept apart). */
export function examineMachines(files: readonly string[], allocator: TargetSpec, folder: string): MemoryMapReport[] {
  const used = new Set<string>();
  return files.map((file) => {
    let name = mapName(file);
    for (let i = 2; used.has(name); i++) name = `${mapName(file)}-${i}`;
    used.add(name);
    return examineMachine(file, { allocator, outDir: join(folder, 'maps', name), relativeTo: folder });
  });
}

/** The terminal's view: the map's meaning, then the findings it triggers. */
export function renderMachineReport(report: MemoryMapReport): string {
  return `memory map ${report.file}\n${[...report.summary, ...report.affectedSummary].map((line) => `  ${line}`).join('\n')}\n`;
}
