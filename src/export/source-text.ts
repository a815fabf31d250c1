// Text from a counterexample file on its way into generated source. A file travels, so its strings
// are data: a comment gets one line with nothing that could end it (a newline, `*/`) or reorder it
// (bidirectional controls, which rustc also refuses in comments); a string literal is escaped for
// its language (JSON.stringify is TypeScript's escape, not Rust's: no \u{...}, no \b or \f there).

/** Line terminators, other control and format characters (bidi overrides, zero-width joiners). */
const UNSAFE_IN_COMMENT = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

/** A file's text as the rest of one `//` comment line. */
export const commentText = (text: string | number): string => String(text).replace(UNSAFE_IN_COMMENT, ' ').replaceAll('*/', '* /');

/** A TypeScript string literal; line separators and invisible format characters escaped too (no Trojan Source). */
export const tsString = (text: string): string =>
  JSON.stringify(text).replace(/[\p{Cf}\u2028\u2029]/gu, (c) =>
    c.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));

/** A Rust string literal: quotes, backslashes and every non-printable character escaped. */
export function rustString(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(c)) out += `\\u{${code.toString(16)}}`;
    else out += c;
  }
  return `${out}"`;
}

/** A Rust identifier made of a file's names: lower-case words joined by `_`, never starting with a digit. */
export function rustIdentifier(...parts: string[]): string {
  const name = parts.join('_').replace(/[^a-z0-9]+/gi, '_').toLowerCase().replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name : `finding_${name}`;
}
