// A driver command named by a file (a counterexample's `target.allocator`), split into argv words
// the way a shell would quote them — '...', "...", backslash — but with nothing a shell would run or
// expand: no $, no backquote, no ; | & < > ( ) redirections or * ? globbing (refused, so that a
// command that needed a shell says so instead of running with odd arguments). The words are spawned
// directly, so the file's text can only name a program and its arguments.
import { InputError } from '../files/input-error.js';

const SHELL_ONLY = /[$`;|&<>()*?]/;

export function commandWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word = (word ?? '') + command[++i];
      else if (quote === '"' && (c === '$' || c === '`')) throw new InputError(`the recorded driver command ${JSON.stringify(command)} uses ${c}, which only a shell would expand: framecheck runs it without a shell`);
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < command.length) word = (word ?? '') + command[++i];
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (SHELL_ONLY.test(c)) {
      throw new InputError(`the recorded driver command ${JSON.stringify(command)} uses ${c}, which only a shell would interpret: framecheck runs it without a shell`);
    } else word = (word ?? '') + c;
  }
  if (quote !== undefined) throw new InputError(`the recorded driver command ${JSON.stringify(command)} has an unclosed ${quote}`);
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw new InputError('the recorded driver command is empty');
  return words;
}
