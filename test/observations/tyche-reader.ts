// A reader of observation lines that accepts exactly what the Tyche extension's parser accepts
// (tyche-pbt/tyche-extension, src/datatypes.ts: its zod schemas schemaTestCaseLine, schemaInfoLine and
// schemaErrorLine, and parseDataLines): the required fields and their types, an error line ending
// the whole file. Written by hand so that the tests need no zod.
export interface TycheTestCase {
  readonly type: 'test_case';
  readonly run_start: number;
  readonly property: string;
  readonly status: 'passed' | 'failed' | 'gave_up';
  readonly status_reason: string;
  readonly representation: string;
  readonly how_generated?: string;
  readonly features: Record<string, unknown>;
  readonly coverage: Record<string, number[]> | 'no_coverage_info' | null;
  readonly metadata: unknown;
}

export interface TycheInfo {
  readonly type: 'info' | 'alert';
  readonly run_start: number;
  readonly property: string;
  readonly title: string;
  readonly content: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function expectType(line: Record<string, unknown>, field: string, type: 'string' | 'number', optional = false): void {
  const value = line[field];
  if (optional && value === undefined) return;
  if (typeof value !== type) throw new Error(`${field}: expected ${type}, got ${JSON.stringify(value)}`);
}

function parseLine(text: string): TycheTestCase | TycheInfo | { type: 'error'; message: string } {
  const line: unknown = JSON.parse(text);
  if (!isRecord(line)) throw new Error('not an object');
  if (line.type === 'test_case') {
    expectType(line, 'run_start', 'number');
    expectType(line, 'property', 'string');
    if (!['passed', 'failed', 'gave_up'].includes(line.status as string)) throw new Error(`status: ${JSON.stringify(line.status)}`);
    expectType(line, 'status_reason', 'string');
    expectType(line, 'representation', 'string');
    expectType(line, 'how_generated', 'string', true);
    if (!isRecord(line.features)) throw new Error('features: expected a record');
    const { coverage } = line;
    const coverageOk = coverage === null || coverage === 'no_coverage_info' || (isRecord(coverage) && Object.values(coverage).every((lines) => Array.isArray(lines) && lines.every((n) => typeof n === 'number')));
    if (!coverageOk) throw new Error(`coverage: ${JSON.stringify(coverage)}`);
    // metadata is z.any(): present or not, any value.
    return line as unknown as TycheTestCase;
  }
  if (line.type === 'info' || line.type === 'alert') {
    for (const field of ['property', 'title', 'content'] as const) expectType(line, field, 'string');
    expectType(line, 'run_start', 'number');
    return line as unknown as TycheInfo;
  }
  if (line.type === 'error') {
    expectType(line, 'message', 'string');
    return { type: 'error', message: line.message as string };
  }
  throw new Error(`type: ${JSON.stringify(line.type)}`);
}

/** parseDataLines: the lines, or the message Tyche would show instead. */
export function parseDataLines(jsonl: string): (TycheTestCase | TycheInfo)[] | string {
  const lines: (TycheTestCase | TycheInfo | { type: 'error'; message: string })[] = [];
  for (const text of jsonl.split('\n')) {
    if (text === '') continue;
    try {
      lines.push(parseLine(text));
    } catch (error) {
      return `Tyche: Could not parse JSON report.\n${String(error)}\nInvalid Object: ${text}`;
    }
  }
  const error = lines.find((line) => line.type === 'error');
  if (error !== undefined) return `Tyche: Encountered unknown failure.\n${(error as { message: string }).message}`;
  return lines as (TycheTestCase | TycheInfo)[];
}
