/** `lstm-parity accuracy`: the port and NumPy, each against the high-precision truth. */
import { parseArgs } from 'node:util';
import { measureAccuracy, type AccuracyResult, type ErrorSummary } from '../accuracy/accuracy.js';
import type { CellType } from '../cells/schema.js';
import { parseCaseJson } from '../format/case-file.js';
import { NumpyOracle } from '../oracle/numpy-oracle.js';
import { readTextInput } from './read-input.js';
import { parseCell } from './run.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const ACCURACY_USAGE = `usage: lstm-parity accuracy --cell type1|type2 --case FILE|- [--allow-non-finite] [--json]

Measures how far the TypeScript cell and NumPy each are from the truth: the same cell evaluated
with mpmath until 50 and 100 digits (or 100 and 200) round to the same float64 outputs. Reports,
per key, the largest and median distance in ULPs and the largest absolute error, side by side.
FILE is a case file, or a golden file (its case and cell are used; --cell may then be omitted).
Needs Python with NumPy and mpmath.`;

const e = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const u = (x: number) => (Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toFixed(1)) : String(x));

function cells(s: ErrorSummary): string[] {
  return [u(s.maxUlps), u(s.medianUlps), e(s.maxAbs)];
}

export function formatAccuracy(result: Omit<AccuracyResult, 'distances'>): string {
  const settled = result.converged ? `${result.digits} digits, confirmed by a run at twice that` : `NOT settled even at ${result.digits} digits: the truth itself is uncertain here`;
  const rows = [
    ['key', 'port max ULP', 'median', 'max |err|', 'NumPy max ULP', 'median', 'max |err|', 'closer'],
    ...result.keys.map((k) => [k.key, ...cells(k.port), ...cells(k.numpy), k.closer === 'tie' ? 'tie' : k.closer === 'port' ? 'TypeScript' : 'NumPy']),
    ['all keys', ...cells(result.overall.port), ...cells(result.overall.numpy), ''],
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const table = rows.map((r) => r.map((cell, k) => (k === 0 || k === 7 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd());
  return [`accuracy ${result.cell} (T ${result.steps}, H ${result.hidden}, X ${result.inputs}): truth from mpmath at ${settled}`, '', ...table, ''].join('\n');
}

export async function accuracyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { cell: { type: 'string' }, case: { type: 'string' }, 'allow-non-finite': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (values.case === undefined) throw new UsageError('--case is required: a case file or golden file, or - for stdin');
  const source = values.case === '-' ? 'stdin' : values.case;
  const parsed = parseCaseJson(await readTextInput(values.case), source) as Record<string, unknown>;
  let cell: CellType;
  let value: unknown = parsed;
  let allowNonFinite = values['allow-non-finite'];
  if (typeof parsed === 'object' && parsed !== null && 'schema' in parsed && 'case' in parsed) {
    const goldenCell = parseCell(String(parsed.cell));
    if (values.cell !== undefined && parseCell(values.cell) !== goldenCell) throw new UsageError(`--cell ${values.cell} does not match the golden file's cell ${goldenCell}`);
    cell = goldenCell;
    value = parsed.case;
    allowNonFinite ||= parsed.allowNonFinite === true;
  } else {
    cell = parseCell(values.cell);
  }
  const oracle = await NumpyOracle.start().catch((error: Error) => {
    throw new UsageError(`accuracy needs NumPy and mpmath: ${error.message}`);
  });
  try {
    const { distances: _distances, ...result } = await measureAccuracy(oracle, cell, value, allowNonFinite);
    process.stdout.write(values.json ? `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n` : formatAccuracy(result));
    return EXIT_OK;
  } finally {
    await oracle.close();
  }
}
