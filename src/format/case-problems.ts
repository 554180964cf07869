/**
 * A case's problems in the words of a tool one types flags into (the CLI, the playground): the
 * flag `--allow-non-finite` rather than the library's `allowNonFinite` option, and a number literal
 * too large for a double (`1e400`, which JSON.parse silently reads as Infinity) named where it
 * stands in the text. Text only, so the playground says exactly what the CLI says.
 */
import type { LstmInputError } from '../cells/schema.js';

/** Strings (skipped) and number literals of JSON text. */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The first number literal that overflows a double, with its line and column, if any. */
export function overflowingLiteral(text: string): { literal: string; line: number; column: number } | undefined {
  for (const match of text.matchAll(TOKENS)) {
    const token = match[0];
    if (token.startsWith('"') || Number.isFinite(Number(token))) continue;
    const before = text.slice(0, match.index);
    return { literal: token, line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') };
  }
  return undefined;
}

/**
 * The schema's complaint about a case read from `text` (named `source`), as a flag-driven tool
 * says it: an infinity that came from an overflowing literal is named as that literal.
 */
export function caseProblemLine(error: LstmInputError, text: string, source: string, allowNonFinite: boolean): string {
  const infinite = error.issues.some((issue) => /expected a finite number, got -?Infinity/.test(issue.message));
  const overflow = !allowNonFinite && infinite ? overflowingLiteral(text) : undefined;
  if (overflow !== undefined) {
    return `${source}: the number ${overflow.literal} at line ${overflow.line}, column ${overflow.column} is too large for a double (it reads as Infinity); non-finite values need --allow-non-finite`;
  }
  return error.message.replace('need allowNonFinite (--allow-non-finite)', 'need --allow-non-finite');
}
