// "Is my machine affected?": for each known finding, whether this exact memory map triggers it, with
// the shortest sequence that starts from init(boot_info) on the map (the boot_init step: the global
// init, the kernel's 16 MiB and the first 1 MiB reserved). The steps after it are drawn from the map
// itself — the first and last frames of each entry, the holes between entries, the VGA hole at
// frame 160, the kernel's frames, an address above 2^52 that aliases a free frame, an unaligned
// reservation inside free RAM, a size within a page of 2^64 — and searched breadth-first by the
// bounded-exhaustive search (src/runner/exhaustive.ts), judged by the lockstep runner and named by
// identifyFailure (its behavioural signature), exactly as a campaign names its failures. Each answer is a replayable counterexample.
import { FrameModel } from '../../models/index.js';
import { KNOWN_FINDINGS, type KnownFinding, type Severity } from '../../properties/findings.js';
import { FULL_SCOPE_FRAMES, type Scope } from '../../properties/scope.js';
import { counterexampleOf, type CounterexampleFile } from '../files/counterexample-file.js';
import { exhaustive } from '../runner/exhaustive.js';
import { runSteps } from '../runner/lockstep.js';
import { identifyFailure } from '../findings/identity.js';
import { frameMapOf } from '../runner/search.js';
import { PAGE, PHYS_ADDR_LIMIT, U64_MAX, type Region } from '../targets/step.js';
import { hex } from '../targets/step-format.js';
import { createTarget, type TargetSpec } from '../targets/target-spec.js';
import type { ConcreteStep } from '../targets/target.js';
import type { SanitisedEntry } from './analysis.js';

/** Where the seed's comment says the kernel is loaded: "The kernel is loaded at 1MB". */
export const DEFAULT_KERNEL_BASE = 0x100000n;
/** Steps searched after boot_init: every known finding needs one on the maps we have, two leaves room. */
export const DEFAULT_AFFECTED_DEPTH = 2;

const KERNEL_RESERVATION = 16n << 20n;
const LOW_MEMORY = 1n << 20n;
/** The VGA hole, 0xA0000: never usable on a PC, so freeing it shows the defect on every PC map. */
const VGA_FRAME = 0xa0000n / PAGE;

export interface AffectedOptions {
  readonly allocator: TargetSpec;
  readonly kernelBase: bigint;
  readonly maxDepth?: number;
  /** Bitmap capacity (default the seed's 16 GiB). */
  readonly maxFrames?: number;
}

export type AnswerStatus = 'affected' | 'not-affected' | 'masked' | 'hang';

export interface FindingAnswer {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity | 'unclassified';
  readonly status: AnswerStatus;
  /** One sentence: why, in the kernel developer's words. */
  readonly reason: string;
  /** The counterexample, for `affected` answers: replayable with `framecheck replay`. */
  readonly counterexample?: CounterexampleFile;
}

export interface AffectedResult {
  readonly allocator: string;
  readonly kernelBase: string;
  readonly maxDepth: number;
  readonly completedDepth: number;
  readonly candidateSteps: number;
  readonly sequences: number;
  /** One per known finding, in catalogue order, then any failure no known finding explains. */
  readonly answers: readonly FindingAnswer[];
}

/** Frames [first, last) wholly inside [start, end). */
const completeFrames = (start: bigint, end: bigint): [bigint, bigint] => [(start + PAGE - 1n) / PAGE, end / PAGE];

/** Frames free right after boot_init, by the map alone: usable, outside the first 1 MiB and the kernel's 16 MiB. */
function freeAfterBoot(sanitised: readonly SanitisedEntry[], kernelBase: bigint, capacity: bigint): [bigint, bigint][] {
  const reserved: [bigint, bigint][] = [
    [0n, LOW_MEMORY / PAGE],
    [kernelBase / PAGE, (kernelBase + KERNEL_RESERVATION + PAGE - 1n) / PAGE + 1n],
  ];
  const runs: [bigint, bigint][] = [];
  for (const entry of sanitised.filter((e) => e.kind === 'Usable')) {
    const [first, last] = completeFrames(entry.start, entry.end);
    const pieces: [bigint, bigint][] = [[first, last < capacity ? last : capacity]];
    for (const [r0, r1] of reserved) {
      for (const piece of pieces.splice(0)) {
        const [p0, p1] = piece;
        if (r1 <= p0 || r0 >= p1) pieces.push(piece);
        else {
          if (p0 < r0) pieces.push([p0, r0]);
          if (r1 < p1) pieces.push([r1, p1]);
        }
      }
    }
    for (const piece of pieces) if (piece[0] < piece[1]) runs.push(piece);
  }
  return runs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The candidate steps after boot_init, derived from this map. */
export function mapAlphabet(sanitised: readonly SanitisedEntry[], kernelBase: bigint, maxFrames: number): ConcreteStep[] {
  const capacity = BigInt(maxFrames);
  const frames = new Set<bigint>([VGA_FRAME, kernelBase / PAGE, 0n]);
  let previousEnd = 0n;
  for (const entry of sanitised) {
    if (entry.start > previousEnd) frames.add((previousEnd + PAGE - 1n) / PAGE); // the hole before this entry
    frames.add(entry.start / PAGE).add((entry.end - 1n) / PAGE);
    previousEnd = entry.end;
  }
  frames.add((previousEnd + PAGE - 1n) / PAGE); // past the last entry
  // The VGA hole first: where several frames show a finding in as many steps, the first one found is kept.
  frames.delete(VGA_FRAME);
  const inCapacity = [VGA_FRAME, ...[...frames].sort((a, b) => (a < b ? -1 : 1))].filter((frame) => frame < capacity);
  const steps: ConcreteStep[] = [];
  for (const frame of inCapacity) steps.push({ op: 'deallocate_frame', frame: { number: Number(frame) } }, { op: 'allocate_frame_at', addr: frame * PAGE });
  steps.push({ op: 'allocate_frame' });
  const free = freeAfterBoot(sanitised, kernelBase, capacity);
  const firstFree = free[0]?.[0];
  if (firstFree !== undefined) steps.push({ op: 'allocate_frame_at', addr: PHYS_ADDR_LIMIT + firstFree * PAGE });
  // Half a page into a free frame whose successor is free too: the reservation's last frame is that successor.
  const pair = free.find(([first, last]) => last - first >= 2n);
  if (pair !== undefined) steps.push({ op: 'reserve_range', start: pair[0] * PAGE + PAGE / 2n, size: PAGE });
  steps.push({ op: 'reserve_range', start: 0n, size: U64_MAX }, { op: 'memory_stats' });
  return steps;
}

/** A counterexample's steps in one line: each call with what it returned. */
export function describeSteps(content: CounterexampleFile): string {
  return content.steps
    .map((record, i) => {
      // The map is the user's own: the boot step names it instead of repeating every entry.
      const call = record.step.op === 'boot_init' ? `init(boot_info { kernel_physical_base: ${String(record.step.kernelPhysicalBase)}, memory_map: this map })` : record.call;
      return `${call} → ${record.returned}`;
    })
    .join('; ')
    // A panic's message is already what the step returned.
    .concat(content.message.startsWith('panicked: ') ? '' : ` — ${content.message}`);
}

export function findAffected(map: readonly Region[], sanitised: readonly SanitisedEntry[], options: AffectedOptions): AffectedResult {
  const maxFrames = options.maxFrames ?? FULL_SCOPE_FRAMES;
  const maxDepth = options.maxDepth ?? DEFAULT_AFFECTED_DEPTH;
  const boot: ConcreteStep = { op: 'boot_init', kernelPhysicalBase: options.kernelBase, map };
  const newModel = (): FrameModel => new FrameModel({ maxFrames });
  // A hang-only finding cannot be judged by running the steps (the Rust seed would spin for hours):
  // its own trigger answers for this map's boot_init, and the search does not start from a hang.
  const hangs = KNOWN_FINDINGS.filter((finding) => finding.onlyAsHang === true && finding.triggeredBy(boot, newModel()));
  const alphabet = mapAlphabet(sanitised, options.kernelBase, maxFrames);
  const searched =
    hangs.length > 0
      ? undefined
      : exhaustive({ allocator: options.allocator, maxFrames, maxDepth, alphabet, opening: [boot] });
  const scope: Scope = { name: 'full', maxFrames, maxCommands: maxDepth + 1 };
  const found = new Map((searched?.findings ?? []).map((finding) => [finding.findingId, finding]));
  const openingFailure = searched?.findings.find((finding) => finding.steps.length === 1)?.findingId;

  const counterexample = (steps: readonly ConcreteStep[]): CounterexampleFile => {
    const target = createTarget(options.allocator, maxFrames);
    try {
      const replayed = runSteps({ target, newModel, setAside: [], trace: true }, steps);
      if (replayed.violation === undefined || replayed.trace === undefined) throw new Error('a counterexample of the map search passed when run again');
      const failure = { identity: identifyFailure(replayed, newModel), violation: replayed.violation, seed: 0, path: '', shrinks: 0, occurrences: 1, shrinkCutShort: false, trace: replayed.trace, frameMap: frameMapOf(replayed, target, newModel) };
      return counterexampleOf(failure, scope, options.allocator, 0);
    } finally {
      target.close?.();
    }
  };
  const bound = `no sequence of boot_init and up to ${searched?.completedDepth ?? 0} more of this map's ${alphabet.length} candidate steps shows it`;

  const answerFor = (finding: KnownFinding): FindingAnswer => {
    const base = { id: finding.id, title: finding.title, severity: finding.severity };
    if (finding.onlyAsHang === true) {
      const hangsHere = hangs.includes(finding);
      return { ...base, status: hangsHere ? 'hang' : 'not-affected', reason: hangsHere ? 'this map makes init walk 2^28 frames or more one by one: the Rust seed stalls boot (the port clips the loop, so no replayable file)' : 'no usable entry or reservation of this boot reaches 2^28 frames' };
    }
    if (hangs.length > 0) return { ...base, status: 'masked', reason: `not searched: this map's boot_init already hangs the seed (${hangs.map((hang) => hang.id).join(', ')})` };
    const shown = found.get(finding.id);
    if (shown !== undefined) return { ...base, status: 'affected', reason: `${shown.steps.length} step${shown.steps.length === 1 ? '' : 's'} from init(boot_info)`, counterexample: counterexample(shown.steps) };
    if (openingFailure !== undefined) return { ...base, status: 'masked', reason: `not reachable: boot_init on this map already fails with ${openingFailure}, and a run stops at its first divergence` };
    return { ...base, status: 'not-affected', reason: bound };
  };
  const known = new Set(KNOWN_FINDINGS.map((finding) => finding.id));
  const unknown: FindingAnswer[] = [...found.values()]
    .filter((finding) => !known.has(finding.findingId))
    .map((finding) => ({ id: finding.findingId, title: `a failure no known finding explains (${finding.violation.property})`, severity: 'unclassified', status: 'affected', reason: `${finding.steps.length} steps from init(boot_info)`, counterexample: counterexample(finding.steps) }));
  return {
    allocator: searched?.targetName ?? options.allocator.allocator,
    kernelBase: hex(options.kernelBase),
    maxDepth,
    completedDepth: searched?.completedDepth ?? 0,
    candidateSteps: alphabet.length,
    sequences: searched?.sequences ?? 0,
    // The default model judges the map: a finding of another policy (models/SPEC.md) cannot show.
    answers: [...KNOWN_FINDINGS.filter((finding) => finding.policy === undefined).map(answerFor), ...unknown],
  };
}

const STATUS_WORD: Readonly<Record<AnswerStatus, string>> = { affected: 'AFFECTED', 'not-affected': 'not affected', masked: 'masked', hang: 'HANGS' };

/** The answers as lines: one per finding, the counterexample's steps under each affected one. */
export function renderAffected(result: AffectedResult, files: ReadonlyMap<string, string> = new Map()): string[] {
  const affected = result.answers.filter((answer) => answer.status === 'affected' || answer.status === 'hang');
  const lines = [
    `is this machine affected? ${affected.length} of ${result.answers.length} findings: ${result.allocator}, kernel at ${result.kernelBase}, boot_init then up to ${result.completedDepth} of ${result.candidateSteps} steps drawn from the map (${result.sequences} sequences)`,
  ];
  for (const answer of result.answers) {
    lines.push(`  ${STATUS_WORD[answer.status].padEnd(12)} ${answer.id} (${answer.severity}): ${answer.reason}`);
    if (answer.counterexample !== undefined) {
      lines.push(`               ${describeSteps(answer.counterexample)}`);
      const file = files.get(answer.id);
      if (file !== undefined) lines.push(`               npx framecheck replay ${file}`);
    }
  }
  return lines;
}
