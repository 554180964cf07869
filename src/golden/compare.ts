/** Judging the TypeScript cells, or a fresh NumPy run, against a golden file. */
import { judge, type Verdict } from '../campaign/verdict.js';
import { runCase } from '../cells/run-case.js';
import type { CellType, ValidationOptions } from '../cells/schema.js';
import type { LstmTrace } from '../cells/trace.js';
import { seedFields } from '../cells/trace.js';
import { compareTraces, type Comparison } from '../numeric/compare.js';
import { FLOAT64_TOLERANCE, type Tolerance } from '../numeric/tolerance.js';
import { toOracleCase } from '../oracle/oracle-case.js';
import type { GoldenFile } from './format.js';

export function flattenRows(rows: readonly (readonly number[])[]): Float64Array {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const out = new Float64Array(rows.length * cols);
  rows.forEach((row, t) => out.set(row, t * cols));
  return out;
}

/** The file's expected outputs as flat T x H arrays, by seed key. */
export function expectedArrays(file: GoldenFile): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(file.expected).map(([key, rows]) => [key, flattenRows(rows)]));
}

export function hiddenOf(file: GoldenFile): number {
  return (file.case.W.u_i as number[][]).length;
}

/** The file's own tolerance where the table widened it, else the float64 default. */
export function toleranceOf(file: GoldenFile): Tolerance {
  return file.tolerance ?? FLOAT64_TOLERANCE;
}

/** How a cell is run: the shipped cells by default; tests pass a broken one to see it caught. */
export type CellRunner = (cell: CellType, value: unknown, options: ValidationOptions) => LstmTrace;

export interface GoldenJudgement {
  verdict: Verdict;
  actual: Record<string, Float64Array>;
  expected: Record<string, Float64Array>;
  stepSpread: Record<string, Float64Array>;
  hidden: number;
}

/**
 * Runs the cell on the file's inputs and judges it against NumPy's recorded outputs and the
 * recorded noise floor. The file passes when the verdict is 'agrees', or exactly the verdict it
 * was kept for (`expectedVerdict`).
 */
export function judgeGoldenFile(file: GoldenFile, runner: CellRunner = runCase): GoldenJudgement {
  const trace = runner(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const actual = Object.fromEntries(seedFields(trace));
  const expected = expectedArrays(file);
  const missing = Object.keys(actual).filter((key) => !(key in expected));
  if (missing.length > 0) throw new Error(`${file.cell}/${file.name}: golden file lacks keys ${missing.join(', ')}`);
  const stepSpread = Object.fromEntries(Object.entries(file.noiseFloor.stepSpread).map(([key, values]) => [key, Float64Array.from(values)]));
  const c = toOracleCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const verdict = judge(c, actual, expected, toleranceOf(file), { stepSpread });
  return { verdict, actual, expected, stepSpread, hidden: trace.hidden };
}

export function goldenPasses(file: GoldenFile, verdict: Verdict): boolean {
  return verdict.kind === 'agrees' || verdict.kind === file.expectedVerdict;
}
