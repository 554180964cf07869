/**
 * The case a command reads with `--case`: a case file, or a golden file (its case and cell are
 * used, and its allowNonFinite), from a path or stdin. It is checked against the size limits and
 * validated for its cell before any work, and the problems are told in the CLI's words: the flag
 * `--allow-non-finite` rather than the library's option name, and a number literal too large for
 * a double (`1e400`, which JSON.parse silently reads as Infinity) named where it stands.
 */
import { LstmInputError, validateCase, type CellType } from '../cells/schema.js';
import { parseCaseJson } from '../format/case-file.js';
import { checkCaseSize } from './limits.js';
import { readTextInput } from './read-input.js';
import { parseCell } from './run.js';
import { UsageError } from './usage-error.js';

export interface CaseInput {
  cell: CellType;
  value: unknown;
  allowNonFinite: boolean;
  /** The file name, or "stdin". */
  source: string;
}

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

function isGoldenFile(value: unknown): value is { cell: unknown; case: unknown; allowNonFinite?: unknown } {
  return typeof value === 'object' && value !== null && 'schema' in value && 'case' in value;
}

/** The schema's complaint, in the CLI's words. */
function inCliWords(error: LstmInputError, text: string, source: string, allowNonFinite: boolean): UsageError {
  const infinite = error.issues.some((issue) => /expected a finite number, got -?Infinity/.test(issue.message));
  const overflow = !allowNonFinite && infinite ? overflowingLiteral(text) : undefined;
  if (overflow !== undefined) {
    return new UsageError(
      `${source}: the number ${overflow.literal} at line ${overflow.line}, column ${overflow.column} is too large for a double (it reads as Infinity); non-finite values need --allow-non-finite`,
    );
  }
  return new UsageError(error.message.replace('need allowNonFinite (--allow-non-finite)', 'need --allow-non-finite'), { cause: error });
}

export async function readCaseInput(path: string | undefined, cellOption: string | undefined, allowNonFinite: boolean): Promise<CaseInput> {
  const given = cellOption === undefined ? undefined : parseCell(cellOption);
  if (path === undefined) throw new UsageError('--case is required: a case file or golden file, or - for stdin');
  const source = path === '-' ? 'stdin' : path;
  const text = await readTextInput(path);
  const parsed = parseCaseJson(text, source);
  let cell: CellType;
  let value = parsed;
  let allow = allowNonFinite;
  if (isGoldenFile(parsed)) {
    cell = parseCell(String(parsed.cell));
    if (given !== undefined && given !== cell) throw new UsageError(`--cell ${given} does not match the golden file's cell ${cell}`);
    value = parsed.case;
    allow ||= parsed.allowNonFinite === true;
  } else {
    cell = parseCell(cellOption);
  }
  checkCaseSize(value, source);
  try {
    validateCase(cell, value, { allowNonFinite: allow });
  } catch (error) {
    if (error instanceof LstmInputError) throw inCliWords(error, text, source, allow);
    throw error;
  }
  return { cell, value, allowNonFinite: allow, source };
}
