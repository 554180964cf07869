/**
 * The case a command reads with `--case`: a case file, a golden file or a case file that names its
 * cell (`lstm-parity case` writes one; from either, its case and cell are used, and its
 * allowNonFinite), from a path or stdin. It is checked against the size limits and
 * validated for its cell before any work, and the problems are told in the CLI's words
 * (../format/case-problems.ts): the flag rather than the library's option, an overflowing
 * literal named where it stands.
 */
import { LstmInputError, validateCase, type CellType } from '../cells/schema.js';
import { parseCaseJson } from '../format/case-file.js';
import { caseProblemLine } from '../format/case-problems.js';
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

/** A golden file, or a case file that names its cell: `{"cell": ..., "case": {"S": ..., "W": ...}}`. */
export function namesItsCell(value: unknown): value is { cell: unknown; case: unknown; allowNonFinite?: unknown } {
  return typeof value === 'object' && value !== null && 'case' in value && 'cell' in value;
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
  if (namesItsCell(parsed)) {
    cell = parseCell(String(parsed.cell));
    if (given !== undefined && given !== cell) throw new UsageError(`--cell ${given} does not match the ${'schema' in parsed ? 'golden' : 'case'} file's cell ${cell}`);
    value = parsed.case;
    allow ||= parsed.allowNonFinite === true;
  } else {
    cell = parseCell(cellOption);
  }
  checkCaseSize(value, source);
  try {
    validateCase(cell, value, { allowNonFinite: allow });
  } catch (error) {
    if (error instanceof LstmInputError) throw new UsageError(caseProblemLine(error, text, source, allow), { cause: error });
    throw error;
  }
  return { cell, value, allowNonFinite: allow, source };
}
