// Bad input from a user — a flag, a file, a memory map — as one line that names where and what.
// The CLI prints the message alone and exits 2; nothing else throws this.
import { readFileSync } from 'node:fs';
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** `file:line: problem`, or `file: problem` when no line applies. */
export const inputError = (file: string, problem: string, line?: number): InputError =>
  new InputError(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);

/** A user's file as text, or an InputError naming why it cannot be read. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? 'unknown error'})`);
  }
}
