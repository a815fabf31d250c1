// junit.xml: one test case per property and scope (a failure per new finding that broke it), one per
// coverage requirement, one per regression-corpus replay — what CI systems show as test results.
// A property broken only by findings the baseline accepts is a known failure, written as pytest
// writes an xfail: `<skipped type="pytest.xfail" message="…">`, which JUnit readers (GitHub's
// test reporters, Jenkins, GitLab) show as skipped with the reason. The counts of every suite and
// of the whole file are the counts of its test cases.
import type { CampaignReport } from './campaign-report.js';

const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly seconds: number;
  readonly failure?: string;
  readonly skipped?: string;
  /** The skip is a known failure (accepted by the baseline). */
  readonly knownFailure?: boolean;
}

function renderCase(testCase: Case): string {
  const open = `    <testcase classname="${escape(testCase.classname)}" name="${escape(testCase.name)}" time="${testCase.seconds.toFixed(3)}"`;
  if (testCase.failure !== undefined) return `${open}>\n      <failure message="${escape(testCase.failure.split('\n')[0] ?? '')}">${escape(testCase.failure)}</failure>\n    </testcase>`;
  if (testCase.skipped !== undefined) return `${open}>\n      <skipped${testCase.knownFailure === true ? ' type="pytest.xfail"' : ''} message="${escape(testCase.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

export function renderJunit(report: CampaignReport): string {
  const suites: { cases: readonly Case[]; xml: string }[] = [];
  for (const scope of report.scopes) {
    const cases: Case[] = report.properties.map((property) => {
      const findings = report.findings.filter((finding) => finding.scope === scope.name && finding.property === property.id);
      const failing = findings.filter((finding) => !finding.baselined);
      const describe = (list: typeof findings): string => list.map((finding) => `${finding.id}: ${finding.message} (${finding.counterexample})`).join('\n');
      return {
        classname: `framecheck.${scope.name}`,
        name: `${property.id}: ${property.description}`,
        seconds: scope.elapsedMs / 1000 / report.properties.length,
        ...(failing.length > 0 ? { failure: describe(failing) } : findings.length > 0 ? { skipped: `known failure, accepted by the baseline: ${describe(findings)}`, knownFailure: true } : {}),
      };
    });
    for (const check of scope.coverage.filter((coverage) => coverage.required > 0)) {
      cases.push({
        classname: `framecheck.${scope.name}.coverage`,
        name: `${check.label}: ${check.description}`,
        seconds: 0,
        ...(!check.met && { failure: `reached in ${(check.share * 100).toFixed(1)}% of runs, ${(check.required * 100).toFixed(0)}% required` }),
      });
    }
    suites.push(renderSuite(`framecheck ${report.target.name} ${scope.name} scope`, cases, scope.elapsedMs / 1000));
  }
  if (report.regressions.length > 0) {
    const cases = report.regressions.map((replay): Case => ({
      classname: 'framecheck.regressions',
      name: replay.file,
      seconds: 0,
      ...(replay.reproduces && !replay.baselined ? { failure: `still fails: ${replay.findingId}` } : replay.reproduces ? { skipped: `known failure, accepted by the baseline: ${replay.findingId}`, knownFailure: true } : {}),
    }));
    suites.push(renderSuite('framecheck regression corpus', cases, 0));
  }
  const total = counts(suites.flatMap((suite) => suite.cases));
  const seconds = report.elapsedMs / 1000;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!-- framecheck: ${escape(report.verdict.headline)} -->\n<testsuites name="framecheck" tests="${total.tests}" failures="${total.failures}" skipped="${total.skipped}" errors="0" time="${seconds.toFixed(3)}">\n${suites.map((suite) => suite.xml).join('\n')}\n</testsuites>\n`;
}

function counts(cases: readonly Case[]): { tests: number; failures: number; skipped: number } {
  return { tests: cases.length, failures: cases.filter((testCase) => testCase.failure !== undefined).length, skipped: cases.filter((testCase) => testCase.skipped !== undefined).length };
}

function renderSuite(name: string, cases: readonly Case[], seconds: number): { cases: readonly Case[]; xml: string } {
  const { tests, failures, skipped } = counts(cases);
  return { cases, xml: `  <testsuite name="${escape(name)}" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="0" time="${seconds.toFixed(3)}">\n${cases.map(renderCase).join('\n')}\n  </testsuite>` };
}
