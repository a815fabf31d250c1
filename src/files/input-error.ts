// Bad input from a user — a flag, a file, a memory map — as one line that names where and what.
// The CLI prints the message alone and exits 2; nothing else throws this.
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** `file:line: problem`, or `file: problem` when no line applies. */
export const inputError = (file: string, problem: string, line?: number): InputError =>
  new InputError(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);
