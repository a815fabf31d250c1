// Bad input from a user — a flag, a file, a memory map — as one line that names where and what.
// The CLI prints the message alone and exits 2; nothing else throws this.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { MAX_INPUT_FILE_BYTES } from './input-limits.js';
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** `file:line: problem`, or `file: problem` when no line applies. */
export const inputError = (file: string, problem: string, line?: number): InputError =>
  new InputError(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);

/**
 * A user's file as text, or an InputError naming why it cannot be read. Its type and size are
 * checked on the open descriptor before a byte is read: /dev/zero, a FIFO or a 16 GB file is refused
 * at once (and the descriptor is what gets read, so the file cannot be swapped in between).
 */
export function readTextFile(file: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not hang before fstat can refuse it.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw inputError(file, 'is a folder, not a file');
    if (!stat.isFile()) throw inputError(file, 'is not a regular file (a device, FIFO or socket): framecheck reads files only');
    if (stat.size > maxBytes) throw inputError(file, `is ${stat.size} bytes, over the ${maxBytes}-byte limit of an input file`);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? 'unknown error'})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
