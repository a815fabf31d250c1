// junit.xml: one test case per property and scope (a failure per finding that broke it), one per
// coverage requirement, one per regression-corpus replay — what CI systems show as test results.
import type { CampaignReport } from './campaign-report.js';

const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly seconds: number;
  readonly failure?: string;
  readonly skipped?: string;
}

function renderCase(testCase: Case): string {
  const open = `    <testcase classname="${escape(testCase.classname)}" name="${escape(testCase.name)}" time="${testCase.seconds.toFixed(3)}"`;
  if (testCase.failure !== undefined) return `${open}>\n      <failure message="${escape(testCase.failure.split('\n')[0] ?? '')}">${escape(testCase.failure)}</failure>\n    </testcase>`;
  if (testCase.skipped !== undefined) return `${open}>\n      <skipped message="${escape(testCase.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

export function renderJunit(report: CampaignReport): string {
  const suites: string[] = [];
  for (const scope of report.scopes) {
    const cases: Case[] = report.properties.map((property) => {
      const findings = report.findings.filter((finding) => finding.scope === scope.name && finding.property === property.id);
      const failing = findings.filter((finding) => !finding.baselined);
      const describe = (list: typeof findings): string => list.map((finding) => `${finding.id}: ${finding.message} (${finding.counterexample})`).join('\n');
      return {
        classname: `framecheck.${scope.name}`,
        name: `${property.id}: ${property.description}`,
        seconds: scope.elapsedMs / 1000 / report.properties.length,
        ...(failing.length > 0 ? { failure: describe(failing) } : findings.length > 0 ? { skipped: `baselined: ${describe(findings)}` } : {}),
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
      ...(replay.reproduces ? { skipped: `still fails: ${replay.findingId}` } : {}),
    }));
    suites.push(renderSuite('framecheck regression corpus', cases, 0));
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="framecheck" tests="${suites.length}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function renderSuite(name: string, cases: readonly Case[], seconds: number): string {
  const failures = cases.filter((testCase) => testCase.failure !== undefined).length;
  const skipped = cases.filter((testCase) => testCase.skipped !== undefined).length;
  return `  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${seconds.toFixed(3)}">\n${cases.map(renderCase).join('\n')}\n  </testsuite>`;
}
