// --observe: one JSON line per run in the OpenPBTStats format (Hypothesis' docs/schema_observations.json,
// vendored in docs/observations.schema.json) that the Tyche visualiser reads — every field present,
// since Tyche's parser requires status_reason, features, coverage and metadata. Features are what a
// kernel developer wants to see distributed: the scenarios reached, sequence length, how full memory
// got, bitmap-word crossings, the starting map's shape and each call's outcomes. Lines are buffered
// and appended in blocks, so observing costs little per run.
import { closeSync, openSync, writeSync } from 'node:fs';
import { LABELS, type Label } from '../../properties/labels.js';
import { encodeStep } from '../files/step-codec.js';
import { formatOutcome, formatStep } from '../targets/step-format.js';
import type { HowGenerated, ObservedRun, RunObserver } from './run-observer.js';
import { runFacts } from './run-facts.js';

export interface TestCaseLine {
  readonly type: 'test_case';
  readonly status: 'passed' | 'failed' | 'gave_up';
  readonly status_reason: string;
  readonly representation: string;
  readonly arguments: { readonly steps: readonly unknown[] };
  readonly how_generated: HowGenerated;
  readonly features: Readonly<Record<string, number | string>>;
  /** framecheck measures no line coverage of the allocator: null, as the schema allows. */
  readonly coverage: null;
  readonly timing: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly property: string;
  readonly run_start: number;
}

export interface MessageLine {
  readonly type: 'info' | 'alert';
  readonly title: string;
  /** Markdown: Tyche reads only string contents. */
  readonly content: string;
  readonly property: string;
  readonly run_start: number;
}

export interface ObservationContext {
  /** Unix time in seconds at which the campaign started: Tyche groups a run's lines by it. */
  readonly runStart: number;
  /** The seed as given (--seed). */
  readonly seed: string;
  /** The allocator as the report names it, e.g. "port (debug)". */
  readonly target: string;
}

/** The property a scope's lines belong to, as Tyche lists them. */
export const observedProperty = (target: string, scope: string): string => `framecheck ${target}, ${scope} scope`;

export function testCaseLine(run: ObservedRun, context: ObservationContext): TestCaseLine {
  const { result } = run;
  const facts = runFacts(result, run.maxFrames);
  const features: Record<string, number | string> = {};
  for (const label of Object.keys(LABELS) as Label[]) features[`scenario: ${label}`] = result.labels.has(label) ? 'reached' : 'not reached';
  features['sequence length'] = facts.sequenceLength;
  features['steps sent'] = result.executed;
  features['peak memory used (%)'] = Math.round(result.peakUsedShare * 1000) / 10;
  features['bitmap word crossings'] = facts.wordCrossings;
  features['map regions'] = facts.map?.regions ?? 0;
  features['map overlaps'] = facts.map?.overlaps ?? 0;
  features['map bytes beyond capacity'] = facts.map?.bytesBeyondCapacity ?? 0;
  for (const [op, outcomes] of facts.calls) {
    for (const [outcome, count] of outcomes) features[`${op} ${outcome}`] = count;
  }
  const executionMs = result.executionMs ?? 0;
  const steps = result.executedSteps;
  const gaveUp = result.executed === 0 && result.skipped + result.setAside > 0;
  const status = run.findingId !== undefined ? 'failed' : gaveUp ? 'gave_up' : 'passed';
  const reason =
    status === 'failed'
      ? `${run.findingId}: ${result.violation?.property ?? ''}: ${result.violation?.message ?? ''}`
      : status === 'gave_up'
        ? `no step sent: ${result.skipped} without a handed-out frame to refer to, ${result.setAside} set aside`
        : '';
  return {
    type: 'test_case',
    status,
    status_reason: reason,
    representation: steps.map(({ concrete, outcome }) => `${formatStep(concrete)} → ${formatOutcome(outcome, concrete.op)}`).join('\n'),
    arguments: { steps: steps.map(({ concrete }) => encodeStep(concrete)) },
    how_generated: run.how,
    features,
    coverage: null,
    timing: { 'generate:steps': run.generationMs / 1000, 'execute:allocator': executionMs / 1000, 'check:model-and-invariants': Math.max(0, run.runMs - executionMs) / 1000 },
    metadata: {
      scope: run.scope,
      max_frames: run.maxFrames,
      seed: context.seed,
      skipped_steps: result.skipped,
      set_aside_steps: result.setAside,
      ...(run.findingId !== undefined && { finding: run.findingId, diverging_step: result.violation?.stepIndex ?? null }),
      ...(run.shrinking !== undefined && { shrinking: run.shrinking }),
    },
    property: observedProperty(context.target, run.scope),
    run_start: context.runStart,
  };
}

const FLUSH_LINES = 500;

/** Appends observation lines to one .jsonl file; close() writes what is left. */
export class ObservationLog implements RunObserver {
  readonly timeEvery = 1;
  private readonly fd: number;
  private pending: string[] = [];
  private written = 0;

  constructor(
    readonly file: string,
    private readonly context: ObservationContext,
  ) {
    this.fd = openSync(file, 'w');
  }

  /** Lines written so far (flushed or not). */
  get lines(): number {
    return this.written + this.pending.length;
  }

  onRun(run: ObservedRun): void {
    this.push(testCaseLine(run, this.context));
  }

  message(type: MessageLine['type'], scope: string, title: string, content: string): void {
    const { context } = this;
    const line: MessageLine = { type, title, content, property: observedProperty(context.target, scope), run_start: context.runStart };
    this.push(line);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private push(line: TestCaseLine | MessageLine): void {
    this.pending.push(JSON.stringify(line));
    if (this.pending.length >= FLUSH_LINES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.written += this.pending.length;
    this.pending = [];
  }
}
