/**
 * The case file: `{"S": [[...], ...], "W": {"w_i": [[...]], ...}}`, doubles encoded as in
 * ./doubles.ts. Parsing only turns text into values; the cell's schema judges them.
 */
import { reviveDouble } from './doubles.js';

export class CaseFileError extends Error {
  override readonly name = 'CaseFileError';
}

/** Line and column (1-based) of a character offset, for messages people can act on. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

// Python's json.dump writes NaN and Infinity bare; JSON has no such tokens.
const BARE_NON_FINITE = /[[,:]\s*(-?(?:NaN|Infinity))\b/;

/** Parses case JSON text; `source` names it in errors (a file name, or "stdin"). */
export function parseCaseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text, reviveDouble);
  } catch (error) {
    if (text.trim() === '') throw new CaseFileError(`${source}: not valid JSON: it is empty`);
    const bare = BARE_NON_FINITE.exec(text);
    if (bare !== null) {
      const offset = bare.index + bare[0].length - bare[1].length;
      throw new CaseFileError(
        `${source}: not valid JSON at ${lineAndColumn(text, offset)}: bare ${bare[1]}; write non-finite values as the strings "NaN", "Infinity", "-Infinity"`,
      );
    }
    // V8 echoes the whole input after the reason; keep only the reason and the position.
    const detail = (error as Error).message;
    const at = /position (\d+)/.exec(detail);
    const where = at === null ? '' : ` at ${lineAndColumn(text, Number(at[1]))}`;
    const reason = detail.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*$/s, '');
    throw new CaseFileError(`${source}: not valid JSON${where}: ${reason}`);
  }
}
