// summary.md's "Memory maps" section: for each --memory-map, what it means for the 16 GiB bitmap and
// which known findings that machine triggers, with the counterexample to replay.
import type { MemoryMapReport } from '../maps/machine-report.js';

const cell = (text: string): string => text.replaceAll('|', '\\|');

export function renderMemoryMapsMarkdown(maps: readonly MemoryMapReport[] | undefined): string[] {
  if (maps === undefined || maps.length === 0) return [];
  const lines = ['', '## Memory maps', ''];
  for (const map of maps) {
    lines.push(`### \`${map.file}\``, '');
    for (const sentence of map.summary) lines.push(`- ${sentence}`);
    const { affected } = map;
    lines.push('', `Is this machine affected? ${affected.allocator}, kernel at \`${affected.kernelBase}\`, init(boot_info) on this map then up to ${affected.completedDepth} of ${affected.candidateSteps} steps drawn from it:`, '');
    lines.push('| finding | severity | this machine | shortest sequence from init(boot_info) | counterexample |', '|---|---|---|---|---|');
    for (const answer of affected.answers) {
      const status = answer.status === 'affected' || answer.status === 'hang' ? `**${answer.status}**` : answer.status;
      lines.push(`| ${answer.id} | ${answer.severity} | ${status} | ${cell(answer.steps ?? answer.reason)} | ${answer.counterexample === undefined ? '' : `\`${answer.counterexample}\``} |`);
    }
  }
  return lines;
}
