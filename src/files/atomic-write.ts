// Every file framecheck writes appears whole or not at all: written to a temporary file in the
// same folder, flushed, then renamed over the target (rename is atomic within a file system). An
// interrupted campaign leaves the previous version or the new one, never half of one. writeSync may
// write fewer bytes than asked (a full disk, a signal): the rest is written in a loop, and a write
// that makes no progress or fails removes the temporary file, leaves the old file in place and
// throws a WriteError (exit 4: the environment, not the input).
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file could not be written whole: disk full, read-only, no permission. */
export class WriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteError';
  }
}

let counter = 0;

const reason = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (error as Error).message;
};

/** Writes all of `bytes` to `fd`, or throws: a short write is continued, a write of 0 bytes is a full disk. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) {
    const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'ENOSPC' });
    offset += written;
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    fs.mkdirSync(folder, { recursive: true });
    const fd = fs.openSync(temporary, 'w');
    try {
      writeAll(fd, Buffer.from(content, 'utf8'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new WriteError(`cannot write ${path}: ${reason(error)}; ${fs.existsSync(path) ? 'its previous version is left in place' : 'nothing was written there'}`);
  }
}

export const writeJsonAtomic = (path: string, value: unknown): void => writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
