/**
 * The case file: `{"S": [[...], ...], "W": {"w_i": [[...]], ...}}`, doubles encoded as in
 * ./doubles.ts. Parsing only turns text into values (./json-text.ts, which refuses a key given
 * twice); the cell's schema judges them.
 */
import { reviveDouble } from './doubles.js';
import { describeJsonProblem, JsonTextError, readJsonText } from './json-text.js';

/** Case text that is not valid JSON (empty, bare NaN, a syntax error, a key twice); the message names the source and, where it can, the line and column. */
export class CaseFileError extends Error {
  override readonly name = 'CaseFileError';
}

/**
 * Parses case JSON text; `source` names it in errors (a file name, or "stdin"). A leading UTF-8
 * byte order mark, which some editors write, is skipped.
 */
export function parseCaseJson(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return readJsonText(body, reviveDouble);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    // A case nests 3 levels: anything that overflows the reviver's stack is not one.
    if (error.problem.kind === 'nesting') throw new CaseFileError(`${source}: nested far too deeply to be a case {"S": [[...]], "W": {...}}`);
    throw new CaseFileError(describeJsonProblem(error.problem, source), { cause: error });
  }
}
