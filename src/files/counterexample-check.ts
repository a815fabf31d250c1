// The structure of a counterexample file, checked field by field before anything uses it: a file
// travels (bug reports, other branches' CI artifacts), so every field that reaches a replay, a
// report or an exported test is the type it claims, inside its limits. A wrong field is one line
// naming it (exit 2), never an internal error later.
import { POLICY_CHOICES } from '../../models/index.js';
import { INVARIANTS, TARGET_PROPERTIES } from '../../properties/invariants.js';
import { FULL_SCOPE_FRAMES } from '../../properties/scope.js';
import { ALLOCATOR_ERRORS, type Outcome } from '../targets/step.js';
import { MAX_COUNTEREXAMPLE_STEPS, MAX_TEXT_FIELD_LENGTH } from './input-limits.js';
import { DecodeError } from './step-codec.js';

const FRAME_STATUSES = ['free', 'handed-out', 'reserved', 'never-usable', 'beyond-capacity'] as const;

const fail = (where: string, problem: string): never => {
  throw new DecodeError(`"${where}" ${problem}`);
};

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(where, 'is missing or not an object');
  return value as Json;
}

function array(value: unknown, where: string, max = Number.MAX_SAFE_INTEGER): unknown[] {
  if (!Array.isArray(value)) return fail(where, 'is missing or not an array');
  if (value.length > max) return fail(where, `holds ${value.length} entries, over the limit of ${max}`);
  return value;
}

/** Bounded text; `line`: no control characters at all (names shown on one line), else newlines and tabs only. */
function text(value: unknown, where: string, line = false): string {
  if (typeof value !== 'string') return fail(where, 'is missing or not a string');
  if (value.length > MAX_TEXT_FIELD_LENGTH) return fail(where, `is ${value.length} characters, over the limit of ${MAX_TEXT_FIELD_LENGTH}`);
  if ((line ? /[\u0000-\u001f\u007f]/ : /[\u0000-\u0008\u000b-\u001f\u007f]/).test(value)) return fail(where, `holds a control character${line ? ' (it names something on one line)' : ''}`);
  return value;
}

function count(value: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) return fail(where, `must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

function outcome(value: unknown, where: string): Outcome {
  const json = object(value, where);
  switch (json.kind) {
    case 'ok':
      if (json.value === undefined) return { kind: 'ok' };
      if (Array.isArray(json.value) && json.value.length === 2) {
        json.value.forEach((part, i) => count(part, `${where}.value[${i}]`));
        return json as Outcome;
      }
      count(json.value, `${where}.value`);
      return json as Outcome;
    case 'err':
      if (!(ALLOCATOR_ERRORS as readonly unknown[]).includes(json.error)) fail(`${where}.error`, `must be one of ${ALLOCATOR_ERRORS.join(', ')}, got ${JSON.stringify(json.error)}`);
      return json as Outcome;
    case 'panic':
      text(json.message, `${where}.message`);
      return json as Outcome;
    case 'skipped':
      return json as Outcome;
    default:
      return fail(`${where}.kind`, `must be ok, err, panic or skipped, got ${JSON.stringify(json.kind)}`);
  }
}

function ranges(value: unknown, where: string, maxFrames: number): void {
  array(value, where).forEach((range, i) => {
    const [start, end] = array(range, `${where}[${i}]`, 2);
    count(start, `${where}[${i}][0]`, maxFrames);
    count(end, `${where}[${i}][1]`, maxFrames);
  });
}

function step(value: unknown, where: string, maxFrames: number): void {
  const json = object(value, where);
  text(json.call, `${where}.call`);
  text(json.returned, `${where}.returned`);
  text(json.promised, `${where}.promised`);
  const expected = object(json.expected, `${where}.expected`);
  if ('outcome' in expected) outcome(expected.outcome, `${where}.expected.outcome`);
  else if ('anyFreeFrame' in expected) ranges(expected.anyFreeFrame, `${where}.expected.anyFreeFrame`, maxFrames);
  else fail(`${where}.expected`, 'must hold "outcome" or "anyFreeFrame"');
  for (const field of ['freeCount', 'totalCount', 'modelFree', 'modelTotal']) count(json[field], `${where}.${field}`);
}

/**
 * Checks every field of a parsed counterexample except the recorded steps' `step` and the memory
 * map, which step-codec decodes. Throws a DecodeError naming the first field that is wrong.
 */
export function checkCounterexample(json: Json): void {
  const finding = object(json.finding, 'finding');
  text(finding.id, 'finding.id', true);
  text(finding.title, 'finding.title');
  text(finding.severity, 'finding.severity', true);
  if (typeof finding.known !== 'boolean') fail('finding.known', 'must be true or false');
  if (finding.signature !== undefined) text(finding.signature, 'finding.signature', true);
  if (typeof json.property !== 'string' || !(Object.hasOwn(INVARIANTS, json.property) || Object.hasOwn(TARGET_PROPERTIES, json.property))) {
    fail('property', `must name a property (${[...Object.keys(INVARIANTS), ...Object.keys(TARGET_PROPERTIES)].join(', ')}), got ${JSON.stringify(json.property)?.slice(0, 60)}`);
  }
  text(json.propertyDescription, 'propertyDescription');
  text(json.message, 'message');
  text(json.framecheck, 'framecheck', true);
  const target = object(json.target, 'target');
  const maxFrames = target.maxFrames;
  if (typeof maxFrames !== 'number' || !Number.isSafeInteger(maxFrames) || maxFrames <= 0 || maxFrames % 64 !== 0 || maxFrames > FULL_SCOPE_FRAMES) {
    fail('target.maxFrames', `must be a positive multiple of 64 up to ${FULL_SCOPE_FRAMES} (the seed's 16 GiB bitmap), got ${JSON.stringify(maxFrames)}`);
  }
  if (target.profile !== 'debug' && target.profile !== 'release') fail('target.profile', 'must be "debug" or "release"');
  text(target.allocator, 'target.allocator', true);
  if (typeof target.scope !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(target.scope)) fail('target.scope', `must be a scope name such as "small" or "full", got ${JSON.stringify(target.scope)?.slice(0, 60)}`);
  if (target.against !== undefined) text(target.against, 'target.against', true);
  if (target.policy !== undefined) {
    for (const [name, choice] of Object.entries(object(target.policy, 'target.policy'))) {
      const choices = POLICY_CHOICES[name as keyof typeof POLICY_CHOICES] as readonly unknown[] | undefined;
      if (choices === undefined || !choices.includes(choice)) fail(`target.policy.${name}`, `is not a model policy choice (models/SPEC.md): ${JSON.stringify(choice)}`);
    }
  }
  const replay = object(json.replay, 'replay');
  if (typeof replay.seed !== 'string') count(replay.seed, 'replay.seed');
  else text(replay.seed, 'replay.seed', true);
  text(replay.path, 'replay.path', true);
  for (const field of ['numRuns', 'maxCommands', 'shrinks']) count(replay[field], `replay.${field}`);
  const steps = array(json.steps, 'steps', MAX_COUNTEREXAMPLE_STEPS);
  steps.forEach((record, i) => step(record, `steps[${i}]`, maxFrames as number));
  if (json.divergingStep !== null && (typeof json.divergingStep !== 'number' || !Number.isSafeInteger(json.divergingStep) || json.divergingStep < 0 || json.divergingStep >= steps.length)) {
    fail('divergingStep', `must be null or the index of a recorded step (0 to ${steps.length - 1}), got ${JSON.stringify(json.divergingStep)}`);
  }
  const frameMap = object(json.frameMap, 'frameMap');
  count(frameMap.maxFrames, 'frameMap.maxFrames', FULL_SCOPE_FRAMES);
  array(frameMap.model, 'frameMap.model').forEach((run, i) => {
    const { start, end, status } = object(run, `frameMap.model[${i}]`);
    count(start, `frameMap.model[${i}].start`, maxFrames as number);
    count(end, `frameMap.model[${i}].end`, maxFrames as number);
    if (!(FRAME_STATUSES as readonly unknown[]).includes(status)) fail(`frameMap.model[${i}].status`, `must be one of ${FRAME_STATUSES.join(', ')}`);
  });
  ranges(frameMap.allocatorFree, 'frameMap.allocatorFree', maxFrames as number);
  if (frameMap.frame !== undefined) count(frameMap.frame, 'frameMap.frame');
  if (json.fault !== undefined) {
    const fault = object(json.fault, 'fault');
    if (!['crash', 'timeout', 'protocol', 'start'].includes(fault.kind as string)) fail('fault.kind', 'must be crash, timeout, protocol or start');
    if (fault.status !== undefined) text(fault.status, 'fault.status', true);
    if (fault.stderrTail !== undefined) array(fault.stderrTail, 'fault.stderrTail', 100).forEach((line, i) => text(line, `fault.stderrTail[${i}]`));
  }
}
