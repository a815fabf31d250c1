// A counterexample file: one finding, versioned JSON, everything a kernel developer reads (the
// memory map, each step with what the allocator returned and what it promised, the first step
// where they differ, the frame map there) and everything a replay needs — the recorded steps
// alone, plus fast-check's seed and path for regenerating the run with the same settings.
import type { ModelPolicy } from '../../models/index.js';
import { findingById } from '../../properties/findings.js';
import { describeProperty } from '../../properties/invariants.js';
import type { Scope } from '../../properties/scope.js';
import type { FoundFailure } from '../runner/search.js';
import type { Outcome, Region, Step } from '../targets/step.js';
import type { FrameRange } from '../targets/target.js';
import { formatOutcome, formatStep } from '../targets/step-format.js';
import type { TargetSpec } from '../targets/target-spec.js';
import { writeJsonAtomic } from './atomic-write.js';
import { inputError, readTextFile } from './input-error.js';
import { checkCounterexample } from './counterexample-check.js';
import { DecodeError, decodeMap, decodeStep, encodeStep, type JsonStep } from './step-codec.js';
import { FRAMECHECK_VERSION } from './version.js';

export const COUNTEREXAMPLE_FORMAT = 'framecheck-counterexample';
export const COUNTEREXAMPLE_VERSION = 1;

export interface CounterexampleStep {
  readonly step: JsonStep;
  /** The call as the seed would write it. */
  readonly call: string;
  readonly returned: string;
  readonly promised: string;
  /** The promise as data: one outcome, or any frame of these free runs. Exported tests assert it. */
  readonly expected: { readonly outcome: Outcome } | { readonly anyFreeFrame: readonly FrameRange[] };
  readonly freeCount: number;
  readonly totalCount: number;
  readonly modelFree: number;
  readonly modelTotal: number;
}

export interface CounterexampleFile {
  readonly format: typeof COUNTEREXAMPLE_FORMAT;
  readonly version: typeof COUNTEREXAMPLE_VERSION;
  readonly framecheck: string;
  /** `signature`: what went wrong (src/findings/identity.ts); a baseline accepts signatures. */
  readonly finding: { readonly id: string; readonly signature: string; readonly title: string; readonly severity: string; readonly known: boolean };
  readonly property: string;
  readonly propertyDescription: string;
  readonly message: string;
  /** `against`: differential mode's judging allocator, when the finding is a difference between two. */
  readonly target: { readonly allocator: string; readonly profile: string; readonly scope: string; readonly maxFrames: number; readonly against?: string; readonly policy?: Partial<ModelPolicy> };
  /** `shrinkCutShort`: the shrinking budget ran out; the steps still fail, but a shorter form may exist. */
  readonly replay: { readonly seed: number; readonly path: string; readonly numRuns: number; readonly maxCommands: number; readonly shrinks: number; readonly shrinkCutShort?: boolean };
  /** The map of the first init, in hex: what the machine looked like. */
  readonly memoryMap: readonly Record<string, string>[];
  /** Index into `steps` of the first step where allocator and model differ; null: only the final bitmap check. */
  readonly divergingStep: number | null;
  readonly steps: readonly CounterexampleStep[];
  readonly frameMap: FoundFailure['frameMap'];
  /** target-responds: how the target failed on the last step (a native driver's exit status, its stderr tail). */
  readonly fault?: FoundFailure['violation']['fault'];
}

/** A counterexample file read back: its recorded steps, decoded, and where they came from. */
export interface LoadedCounterexample {
  readonly file: string;
  readonly content: CounterexampleFile;
  readonly steps: Step[];
  readonly memoryMap: Region[];
}

export function counterexampleOf(failure: FoundFailure, scope: Scope, spec: TargetSpec, numRuns: number, against?: string, policy: Partial<ModelPolicy> = {}): CounterexampleFile {
  const known = findingById(failure.identity.id);
  const firstInit = failure.trace.find(({ concrete }) => concrete.op === 'init' || concrete.op === 'boot_init')?.concrete;
  const map = firstInit !== undefined && 'map' in firstInit ? firstInit.map : [];
  const property = failure.violation.property;
  return {
    format: COUNTEREXAMPLE_FORMAT,
    version: COUNTEREXAMPLE_VERSION,
    framecheck: FRAMECHECK_VERSION,
    finding: {
      id: failure.identity.id,
      signature: failure.identity.signature,
      title: known?.title ?? (property === 'targets-agree' ? `${spec.allocator} and ${against ?? 'the reference'} differ` : `a new failure of ${property}`),
      severity: known?.severity ?? 'unclassified',
      known: known !== undefined,
    },
    property,
    propertyDescription: describeProperty(property),
    message: failure.violation.message,
    target: { allocator: spec.allocator, profile: spec.profile, scope: scope.name, maxFrames: scope.maxFrames, ...(against !== undefined && { against }), ...(Object.keys(policy).length > 0 && { policy }) },
    replay: { seed: failure.seed, path: failure.path, numRuns, maxCommands: scope.maxCommands, shrinks: failure.shrinks, ...(failure.shrinkCutShort && { shrinkCutShort: true }) },
    memoryMap: (encodeStep({ op: 'init', map }).map as Record<string, string>[]),
    divergingStep: failure.violation.stepIndex,
    steps: failure.trace.map((record) => ({
      step: encodeStep(record.concrete),
      call: formatStep(record.concrete),
      returned: formatOutcome(record.report.outcome, record.concrete.op),
      promised: record.promised,
      expected: record.expectation.kind === 'exact' ? { outcome: record.expectation.outcome } : { anyFreeFrame: record.expectation.free },
      freeCount: record.report.free,
      totalCount: record.report.total,
      modelFree: record.modelFree,
      modelTotal: record.modelTotal,
    })),
    frameMap: failure.frameMap,
    ...(failure.violation.fault !== undefined && { fault: failure.violation.fault }),
  };
}

export const writeCounterexample = (path: string, content: CounterexampleFile): void => writeJsonAtomic(path, content);

/** The line of a JSON.parse error: from its position, its quoted excerpt, or the end of the text. */
function jsonErrorLine(text: string, error: Error): number | undefined {
  const lineAt = (offset: number): number => text.slice(0, offset).split('\n').length;
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position !== undefined) return lineAt(Number(position));
  if (/end of JSON input/.test(error.message)) return text.trimEnd().split('\n').length;
  // Node 20: `Unexpected token '}', ..."excerpt"... is not valid JSON`.
  const excerpt = /Unexpected token '(.)', (?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON/.exec(error.message);
  if (excerpt === null) return undefined;
  const [, token, around] = excerpt as unknown as [string, string, string];
  const found = text.indexOf(around);
  return found < 0 ? undefined : lineAt(found + Math.max(0, around.indexOf(token)));
}

export function readJsonFile(file: string): unknown {
  const text = readTextFile(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') throw inputError(file, 'empty file, expected JSON');
    throw inputError(file, `malformed or truncated JSON (${(error as Error).message.split('\n')[0]})`, jsonErrorLine(text, error as Error));
  }
}

export function readCounterexample(file: string): LoadedCounterexample {
  const json = readJsonFile(file);
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== COUNTEREXAMPLE_FORMAT) {
    throw inputError(file, `not a framecheck counterexample (no "format": "${COUNTEREXAMPLE_FORMAT}")`);
  }
  const content = json as CounterexampleFile;
  if (content.version !== COUNTEREXAMPLE_VERSION) {
    throw inputError(file, `counterexample format version ${JSON.stringify(content.version)} (written by framecheck ${JSON.stringify(content.framecheck)?.slice(0, 40)}); this framecheck ${FRAMECHECK_VERSION} reads version ${COUNTEREXAMPLE_VERSION}`);
  }
  try {
    checkCounterexample(json as Record<string, unknown>);
    return {
      file,
      content,
      steps: content.steps.map((record, i) => decodeStep((record as { step?: unknown } | null)?.step, `steps[${i}].step`)),
      memoryMap: decodeMap(content.memoryMap ?? [], 'memoryMap'),
    };
  } catch (error) {
    if (error instanceof DecodeError) throw inputError(file, error.message);
    throw error;
  }
}
