// `framecheck list [properties|findings|scenarios]`: what framecheck checks and what it has found.
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { INVARIANTS } from '../../properties/invariants.js';
import { COVERAGE_REQUIREMENTS, LABELS, type Label } from '../../properties/labels.js';
import { parseFlags, usageError } from './flags.js';

export const LIST_HELP = `framecheck list [properties|findings|scenarios]

properties  the invariants checked after every step
findings    the known defects of the seed allocator, with severity, root cause and fix
scenarios   the scenario labels and the share of runs each scope must reach (coverage requirements)`;

export function listCommand(args: readonly string[], out: (text: string) => void): number {
  const { values, positionals } = parseFlags(args, { help: { type: 'boolean', short: 'h' } }, 'list');
  if (values.help === true) {
    out(`${LIST_HELP}\n`);
    return 0;
  }
  const what = positionals[0] ?? 'all';
  if (positionals.length > 1 || !['all', 'properties', 'findings', 'scenarios'].includes(what)) throw usageError(`list: expected properties, findings or scenarios, got "${positionals.join(' ')}"`);
  if (what === 'all' || what === 'properties') {
    out('Properties (checked after every step):\n');
    for (const [id, description] of Object.entries(INVARIANTS)) out(`  ${id.padEnd(36)} ${description}\n`);
  }
  if (what === 'all' || what === 'findings') {
    out('\nKnown findings:\n');
    for (const finding of KNOWN_FINDINGS) {
      out(`  ${finding.id} [${finding.severity}]\n    ${finding.title}\n    cause: ${finding.rootCause}\n    fix:   ${finding.fix}\n`);
      if (finding.policy !== undefined) out(`    only under --policy ${finding.policy} (models/SPEC.md)\n`);
    }
  }
  if (what === 'all' || what === 'scenarios') {
    out('\nScenarios (required share of runs: small / full):\n');
    for (const [label, description] of Object.entries(LABELS)) {
      const share = (scope: 'small' | 'full'): string => {
        const required = COVERAGE_REQUIREMENTS[scope][label as Label];
        return required === undefined ? '—' : `${required * 100}%`;
      };
      out(`  ${label.padEnd(26)} ${share('small').padStart(4)} / ${share('full').padEnd(4)} ${description}\n`);
    }
  }
  return 0;
}
