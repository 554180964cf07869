/**
 * The case file: `{"S": [[...], ...], "W": {"w_i": [[...]], ...}}`, doubles encoded as in
 * ./doubles.ts. Parsing only turns text into values; the cell's schema judges them.
 */
import { reviveDouble } from './doubles.js';

/** Case text that is not valid JSON (empty, bare NaN, a syntax error); the message names the source and, where it can, the line and column. */
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

/**
 * Parses case JSON text; `source` names it in errors (a file name, or "stdin"). A leading UTF-8
 * byte order mark, which some editors write, is skipped.
 */
export function parseCaseJson(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body, reviveDouble);
  } catch (error) {
    if (body.trim() === '') throw new CaseFileError(`${source}: not valid JSON: it is empty`);
    // Valid JSON nested deeply enough overflows the stack of the reviver; a case nests 3 levels.
    if (error instanceof RangeError) throw new CaseFileError(`${source}: nested far too deeply to be a case {"S": [[...]], "W": {...}}`);
    const bare = BARE_NON_FINITE.exec(body);
    if (bare !== null) {
      const offset = bare.index + bare[0].length - bare[1].length;
      throw new CaseFileError(
        `${source}: not valid JSON at ${lineAndColumn(body, offset)}: bare ${bare[1]}; write non-finite values as the strings "NaN", "Infinity", "-Infinity"`,
      );
    }
    // V8 echoes the whole input after the reason; keep only the reason and the position.
    const detail = (error as Error).message;
    const at = /position (\d+)/.exec(detail);
    const offset = at !== null ? Number(at[1]) : /^Unexpected end of JSON input/.test(detail) ? body.length : undefined;
    const where = offset === undefined ? '' : ` at ${lineAndColumn(body, offset)}`;
    const reason = detail.replace(/ (in JSON )?at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, '');
    throw new CaseFileError(`${source}: not valid JSON${where}: ${reason}`);
  }
}
