// A parallel counterexample file: the sequential format's envelope (`format`, `version`) with
// `kind: "parallel"` — the program as the protocol writes it, the observed history (one protocol
// line per call), the conflicting calls, and how often the program failed. `replay` re-checks
// the recorded history exactly and re-runs the program on the target.
import type { ModelPolicy } from '../../models/index.js';
import type { ParallelFailure } from '../parallel/campaign.js';
import { callCount, type History, type ParallelProgram } from '../parallel/program.js';
import { decodeProgram, decodeRecordedHistory, encodeHistoryLine, encodeProgram } from '../parallel/protocol.js';
import type { CallRef, RaceViolation } from '../linearizability/explain.js';
import { describeProperty } from '../../properties/invariants.js';
import { TargetFault } from '../targets/target.js';
import { writeJsonAtomic } from './atomic-write.js';
import { COUNTEREXAMPLE_FORMAT, COUNTEREXAMPLE_VERSION, readJsonFile } from './counterexample-file.js';
import { inputError } from './input-error.js';
import { FRAMECHECK_VERSION } from './version.js';

export const LINEARIZABLE_PROPERTY = 'linearizable';
export const LINEARIZABLE_DESCRIPTION = 'every parallel history has an order of its calls, within each call’s invocation and response, in which each call returns what the model promises';

export interface ParallelCounterexampleFile {
  readonly format: typeof COUNTEREXAMPLE_FORMAT;
  readonly version: typeof COUNTEREXAMPLE_VERSION;
  readonly kind: 'parallel';
  readonly framecheck: string;
  readonly finding: { readonly id: string; readonly title: string; readonly severity: string; readonly known: boolean };
  readonly property: RaceViolation['property'];
  readonly propertyDescription: string;
  readonly message: string;
  readonly target: { readonly allocator: string; readonly profile: string; readonly maxFrames: number; readonly threads: number; readonly policy?: Partial<ModelPolicy> };
  /** The campaign seed and the run that found it (the program as generated regenerates from them). */
  readonly replay: { readonly seed: number; readonly run: number; readonly shrinkSteps: number; readonly shrinkRequests: number; readonly originalCalls: number };
  /** The minimal program, `<prefix> | <thread 1> | …` as the protocol writes it. */
  readonly program: string;
  /** The observed history of a failing run: `<segment> <index> <invoked_ns> <returned_ns> <outcome>` per call. */
  readonly history: readonly string[];
  readonly conflicting: readonly CallRef[];
  /** How often the minimal program failed with this finding. */
  readonly failureRate: { readonly failed: number; readonly repetitions: number };
}

export interface LoadedParallelCounterexample {
  readonly file: string;
  readonly content: ParallelCounterexampleFile;
  readonly program: ParallelProgram;
  readonly history: History;
}

export const isParallelCounterexample = (content: object): content is ParallelCounterexampleFile => (content as { kind?: unknown }).kind === 'parallel';

export function parallelCounterexampleOf(failure: ParallelFailure, target: { allocator: string; profile: string; maxFrames: number }, seed: number, policy: Partial<ModelPolicy> = {}): ParallelCounterexampleFile {
  return {
    format: COUNTEREXAMPLE_FORMAT,
    version: COUNTEREXAMPLE_VERSION,
    kind: 'parallel',
    framecheck: FRAMECHECK_VERSION,
    finding: { id: failure.violation.id, title: failure.violation.title, severity: 'critical', known: false },
    property: failure.violation.property,
    propertyDescription: failure.violation.property === LINEARIZABLE_PROPERTY ? LINEARIZABLE_DESCRIPTION : describeProperty('target-responds'),
    message: failure.violation.message,
    target: { ...target, threads: failure.program.threads.length, ...(Object.keys(policy).length > 0 && { policy }) },
    replay: { seed, run: failure.run, shrinkSteps: failure.shrinkSteps, shrinkRequests: failure.shrinkRequests, originalCalls: callCount(failure.original) },
    program: encodeProgram(failure.program),
    history: failure.history.map(encodeHistoryLine),
    conflicting: failure.violation.conflicting,
    failureRate: failure.failureRate,
  };
}

export const writeParallelCounterexample = (path: string, content: ParallelCounterexampleFile): void => writeJsonAtomic(path, content);

/** A parallel counterexample from its parsed JSON; every problem is one line naming the file. */
export function loadParallelCounterexample(file: string, json: unknown = readJsonFile(file)): LoadedParallelCounterexample {
  const content = json as ParallelCounterexampleFile;
  if (typeof json !== 'object' || json === null || content.format !== COUNTEREXAMPLE_FORMAT || !isParallelCounterexample(content)) {
    throw inputError(file, `not a parallel framecheck counterexample (no "format": "${COUNTEREXAMPLE_FORMAT}", "kind": "parallel")`);
  }
  if (content.version !== COUNTEREXAMPLE_VERSION) throw inputError(file, `counterexample format version ${JSON.stringify(content.version)}; this framecheck ${FRAMECHECK_VERSION} reads version ${COUNTEREXAMPLE_VERSION}`);
  const target = content.target as Partial<ParallelCounterexampleFile['target']> | undefined;
  if (typeof target?.maxFrames !== 'number' || !Number.isSafeInteger(target.maxFrames) || target.maxFrames <= 0 || target.maxFrames % 64 !== 0) throw inputError(file, '"target.maxFrames" must be a positive multiple of 64');
  if (target.profile !== 'debug' && target.profile !== 'release') throw inputError(file, '"target.profile" must be "debug" or "release"');
  if (typeof target.allocator !== 'string') throw inputError(file, '"target.allocator" must be a string');
  if (typeof content.finding?.id !== 'string') throw inputError(file, '"finding.id" must be a string');
  if (typeof content.program !== 'string') throw inputError(file, '"program" must be the program as the protocol writes it');
  if (!Array.isArray(content.history) || !content.history.every((line) => typeof line === 'string')) throw inputError(file, '"history" must be a list of protocol lines');
  let program: ParallelProgram;
  try {
    program = decodeProgram(content.program);
  } catch (error) {
    throw inputError(file, `"program": ${(error as Error).message}`);
  }
  try {
    // A driver fault leaves no history: the program alone replays.
    return { file, content, program, history: content.history.length === 0 ? [] : decodeRecordedHistory(content.history, program) };
  } catch (error) {
    if (error instanceof TargetFault) throw inputError(file, `"history": ${error.message.replace('unexpected answer to a parallel request: ', '')}`);
    throw error;
  }
}
