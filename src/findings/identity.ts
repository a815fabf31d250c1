// What a failure is: its behavioural signature — the property, the call, and the shape of the
// divergence (which result against which promise, counters above or below the model, which panic,
// which frame status) — and the finding that signature names. Hypothesis' `interesting_origin` is
// the idea: two failures are the same finding when they go wrong the same way, wherever in a run
// they happen. A catalogued finding names a failure only when its trigger fires at the diverging
// step AND the divergence is one the catalogue records for it; anything else is a new finding
// with an id derived from its signature, so a baseline that accepts a seed defect cannot hide a
// different defect that happens to strike at the same step.
import type { FrameModel } from '../../models/index.js';
import { KNOWN_FINDINGS, type KnownFinding } from '../../properties/findings.js';
import type { RunResult } from '../runner/lockstep.js';
import type { ConcreteStep } from '../targets/target.js';

export interface FindingIdentity {
  /** A catalogued finding's id, or an id derived from the signature. */
  readonly id: string;
  /** `<property> @ <call>: <shape>`, e.g. `counters-match-model @ init: free_count above, total_count above`. */
  readonly signature: string;
}

/** The call a bitmap failure is charged to: it is found after the last step, not at one. */
export const END_OF_RUN = 'end-of-run';

/**
 * The seed's global functions and aliases call one FrameAllocator method each: a defect of that
 * method shows the same through either door, so a signature names the method. (The global
 * `init(boot_info)` is init plus two reservations, a door of its own.)
 */
const SAME_METHOD: Readonly<Record<string, string>> = {
  allocate_frame: 'allocate',
  allocate_frame_at: 'allocate_specific',
  deallocate_frame: 'deallocate',
  reserve_range: 'reserve_kernel',
};

/** The method a call reaches. */
export const methodOf = (call: string): string => SAME_METHOD[call] ?? call;

export const signatureOf = (property: string, call: string, shape: string): string => `${property} @ ${methodOf(call)}: ${shape}`;

/** `<property>: <shape>`: a signature without its call, as the catalogue records a finding's divergences. */
export function divergenceOf(signature: string): string {
  const at = signature.indexOf(' @ ');
  const colon = signature.indexOf(': ', at);
  return at < 0 || colon < 0 ? signature : `${signature.slice(0, at)}: ${signature.slice(colon + 2)}`;
}

/**
 * The port names the seed expression that overflowed, `attempt to add with overflow (FrameAllocator::init:
 * region.base + region.length)`; a native driver reports Rust's message alone. A signature or a
 * divergence as any target can show it: the panic without its expression.
 */
export const withoutPanicExpression = (text: string): string => text.replace(/^(never-panics(?: @ [^:]+)?: panic: [^(]*?) \(.*\)$/, '$1');

/** `a` is `b`, or `b` with the panic expression that only the port can name. */
const sameOrNamedBy = (a: string, b: string): boolean => a === b || withoutPanicExpression(b) === a;

/** Two signatures of one failure: equal, or the same panic where one side could not name the expression. */
export const sameFailure = (a: string, b: string): boolean => sameOrNamedBy(a, b) || sameOrNamedBy(b, a);

const matches = (finding: KnownFinding, divergence: string): boolean => finding.divergences.some((known) => sameOrNamedBy(divergence, known));

/** A short, stable hash of a signature (FNV-1a, 32 bits): new findings' ids. */
export function signatureHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The identity of a failure whose divergence is known: catalogued when a triggered finding records it. */
export function identify(property: string, call: string, shape: string, triggered: readonly KnownFinding[]): FindingIdentity {
  const signature = signatureOf(property, call, shape);
  const divergence = divergenceOf(signature);
  const known = triggered.find((finding) => matches(finding, divergence));
  if (known !== undefined) return { id: known.id, signature };
  if (property === 'target-responds') return { id: `target-fault:${methodOf(call)}:${shape.replace(/^fault: /, '').replace(/[^a-z0-9-]+/gi, '-')}`, signature };
  const prefix = property === 'targets-agree' ? 'differs' : 'new';
  return { id: `${prefix}:${property === 'targets-agree' ? '' : `${property}:`}${methodOf(call)}:${signatureHash(signature)}`, signature };
}

/** The model as it was before step `index` of a run (its own expectations never looked at). */
export function modelBefore(result: RunResult, index: number, newModel: () => FrameModel): FrameModel {
  const model = newModel();
  for (const { concrete, outcome } of result.executedSteps.slice(0, index)) model.apply(concrete, outcome);
  return model;
}

/** The catalogued findings whose trigger fires at a step, in catalogue order (hang-only ones only when the target hung). */
export function triggeredAt(step: ConcreteStep, model: FrameModel, targetHung: boolean): KnownFinding[] {
  return KNOWN_FINDINGS.filter((finding) => (targetHung || finding.onlyAsHang !== true) && finding.triggeredBy(step, model));
}

/** The identity of a failing run. */
export function identifyFailure(result: RunResult, newModel: () => FrameModel): FindingIdentity {
  const violation = result.violation;
  if (violation === undefined) throw new Error('identifyFailure() of a passing run');
  if (violation.stepIndex === null) return identify(violation.property, END_OF_RUN, violation.shape, []);
  const step = result.executedSteps[violation.stepIndex]?.concrete;
  if (step === undefined) throw new Error(`no step ${violation.stepIndex} in the run`);
  // A differential campaign judges by another allocator, not by the catalogue's promises.
  if (violation.property === 'targets-agree') return identify(violation.property, step.op, violation.shape, []);
  const hung = violation.property === 'target-responds' && violation.shape === 'fault: timeout';
  return identify(violation.property, step.op, violation.shape, triggeredAt(step, modelBefore(result, violation.stepIndex, newModel), hung));
}
