// The step table a terminal shows for a counterexample: each call as the seed would write it, what
// the allocator returned, what the documentation promises, the counters — and the first diverging
// step marked, with the property it breaks.
import type { RunResult } from '../runner/lockstep.js';
import { formatOutcome, formatStep } from '../targets/step-format.js';

const clip = (text: string, width: number): string => (text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`);

export function renderStepTable(result: RunResult): string {
  const lines: string[] = [];
  const header = `${clip('#', 4)}${clip('call', 58)} ${clip('allocator returned', 26)} ${clip('documentation promises', 40)} free/total`;
  lines.push(header, '-'.repeat(header.length));
  (result.trace ?? []).forEach((record, i) => {
    const marker = result.violation?.stepIndex === i ? '>>' : '  ';
    lines.push(`${clip(`${marker}${i + 1}`, 4)}${clip(formatStep(record.concrete), 58)} ${clip(formatOutcome(record.report.outcome, record.concrete.op), 26)} ${clip(record.promised, 40)} ${record.report.free}/${record.report.total} (model ${record.modelFree}/${record.modelTotal})`);
  });
  if (result.violation !== undefined) {
    const where = result.violation.stepIndex === null ? 'at the end-of-run bitmap check' : `at step ${result.violation.stepIndex + 1}`;
    lines.push('', `first difference ${where}: ${result.violation.property} — ${result.violation.message}`);
  }
  return `${lines.join('\n')}\n`;
}
