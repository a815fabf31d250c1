// Help, version and list through the real binary: exit 0, the expected text on stdout, nothing on stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_CHOICES } from '../../models/index.js';
import { KNOWN_FINDINGS } from '../../properties/findings.js';
import { INVARIANTS } from '../../properties/invariants.js';
import { LABELS } from '../../properties/labels.js';
import { framecheck, ROOT, type Ran } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function expectOk(ran: Ran): string {
  expect(ran.stderr).toBe('');
  expect(ran.status).toBe(0);
  expect(ran.stdout.endsWith('\n')).toBe(true);
  return ran.stdout;
}

describe.concurrent('help, version and list', () => {
  it('--version prints the package version alone', async () => {
    expect(expectOk(await framecheck(['--version']))).toBe(`${VERSION}\n`);
  });

  it('--help shows every command, the run flags and the exit codes', async () => {
    const out = expectOk(await framecheck(['--help']));
    expect(out.startsWith(`framecheck ${VERSION} — `)).toBe(true);
    for (const usage of ['framecheck [run] [flags]', 'framecheck replay FILE', 'framecheck export FILE --to T', 'framecheck list [what]', 'framecheck merge DIR... --out DIR', 'framecheck <command> --help']) {
      expect(out).toContain(usage);
    }
    for (const flag of ['--allocator NAME', '--allocator-cmd CMD', '--profile P', '--scope S', '--runs N', '--full-runs N', '--time-limit T', '--seed S', '--shard i/n', '--memory-map FILE', '--reports DIR', '--corpus DIR', '--baseline FILE', '--no-corpus-write', '--ci / --no-ci', '--format F']) {
      expect(out).toContain(flag);
    }
    expect(out).toContain('Exit codes: 0');
    expect(out).toContain('--to vitest|rust');
  });

  it('-h and help are --help', async () => {
    const [long, short, word] = await Promise.all([framecheck(['--help']), framecheck(['-h']), framecheck(['help'])]);
    expect(expectOk(short)).toBe(expectOk(long));
    expect(expectOk(word)).toBe(long.stdout);
  });

  it('run --help shows the run flags only', async () => {
    const out = expectOk(await framecheck(['run', '--help']));
    expect(out.startsWith('framecheck [run] [flags] — check the allocator')).toBe(true);
    expect(out).toContain('--seed S');
    expect(out).toContain('--shard i/n');
    expect(out).toContain('Exit codes: 0 every property holds');
    expect(out).not.toContain('framecheck merge DIR...');
  });

  it('run --help names every policy with its choices, the default first', async () => {
    const out = (await framecheck(['run', '--help'])).stdout.replace(/\n {24}/g, ' ');
    for (const [name, choices] of Object.entries(POLICY_CHOICES)) expect(out).toContain(`${name}=${choices.join('|')}`);
  });

  it('--help after run flags is still help, and runs nothing', async () => {
    const out = expectOk(await framecheck(['--scope', 'small', '--help']));
    expect(out.startsWith('framecheck [run] [flags]')).toBe(true);
  });

  it('replay --help', async () => {
    const out = expectOk(await framecheck(['replay', '--help']));
    expect(out).toContain('framecheck replay FILE [--allocator NAME | --allocator-cmd CMD | --allocator-from-file] [--profile debug|release] [--step-timeout T]');
    expect(out).toContain('The file\'s own allocator is shown, never run');
    expect(out).toContain('Exit 1 if it still fails, 0 if it now passes, 2 on bad input.');
  });

  it('export --help', async () => {
    const out = expectOk(await framecheck(['export', '--help']));
    expect(out).toContain('framecheck export FILE --to vitest|rust [--out PATH]');
    expect(out).toContain('FRAMECHECK_ALLOCATOR=corrected');
    expect(out).toContain('#[test]');
  });

  it('merge --help and list --help', async () => {
    const [merge, list] = await Promise.all([framecheck(['merge', '--help']), framecheck(['list', '--help'])]);
    expect(expectOk(merge)).toContain('framecheck merge DIR... --out DIR');
    expect(expectOk(list)).toContain('framecheck list [properties|findings|scenarios]');
  });

  it('list shows the properties, the known findings and the scenarios', async () => {
    const out = expectOk(await framecheck(['list']));
    expect(out).toContain('Properties (checked after every step):');
    expect(out).toContain('Known findings:');
    expect(out).toContain('Scenarios (required share of runs: small / full):');
    for (const id of Object.keys(INVARIANTS)) expect(out).toContain(`  ${id}`);
    for (const finding of KNOWN_FINDINGS) expect(out).toContain(`  ${finding.id} [${finding.severity}]`);
    for (const label of Object.keys(LABELS)) expect(out).toContain(`  ${label}`);
  });

  it('list findings shows every known finding with its cause and fix, and nothing else', async () => {
    const out = expectOk(await framecheck(['list', 'findings']));
    expect(out).toContain('Known findings:');
    expect(out).not.toContain('Properties (checked');
    expect(out).not.toContain('Scenarios (required');
    for (const finding of KNOWN_FINDINGS) {
      expect(out).toContain(`  ${finding.id} [${finding.severity}]\n    ${finding.title}\n    cause: ${finding.rootCause}\n    fix:   ${finding.fix}\n`);
    }
    expect((out.match(/^ {2}\S+ \[(critical|high|medium|low)\]$/gm) ?? []).length).toBe(KNOWN_FINDINGS.length);
    // The findings of a policy other than the default say which one.
    const policyFindings = KNOWN_FINDINGS.filter((finding) => finding.policy !== undefined);
    expect(policyFindings.map((finding) => finding.policy).sort()).toEqual(['doubleFree=invalid-frame', 'reinit=keep-handed-out', 'reservation=outlives-owner', 'reserveBeforeInit=survives-init']);
    for (const finding of policyFindings) expect(out).toContain(`    fix:   ${finding.fix}\n    only under --policy ${finding.policy} (models/SPEC.md)\n`);
    expect((out.match(/only under --policy/g) ?? []).length).toBe(policyFindings.length);
  });

  it('list properties and list scenarios show only their section', async () => {
    const [properties, scenarios] = await Promise.all([framecheck(['list', 'properties']), framecheck(['list', 'scenarios'])]);
    const p = expectOk(properties);
    expect(p).toContain('Properties (checked after every step):');
    expect(p).not.toContain('Known findings:');
    expect(p.trim().split('\n')).toHaveLength(Object.keys(INVARIANTS).length + 1);
    const s = expectOk(scenarios);
    expect(s).toContain('Scenarios (required share of runs: small / full):');
    expect(s).not.toContain('Properties (checked');
    expect(s.trim().split('\n')).toHaveLength(Object.keys(LABELS).length + 1);
  });
});
