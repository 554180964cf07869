/** Judging the TypeScript cells, or a fresh NumPy run, against a golden file. */
import { runCase } from '../cells/run-case.js';
import { seedFields } from '../cells/trace.js';
import { compareTraces, type Comparison } from '../numeric/compare.js';
import { FLOAT64_TOLERANCE, type Tolerance } from '../numeric/tolerance.js';
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

/** Runs the TypeScript cell on the file's inputs and compares with NumPy's recorded outputs. */
export function compareGoldenToPort(file: GoldenFile, tolerance: Tolerance = toleranceOf(file)): Comparison {
  const trace = runCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const actual = Object.fromEntries(seedFields(trace));
  const expected = expectedArrays(file);
  const missing = Object.keys(actual).filter((key) => !(key in expected));
  if (missing.length > 0) throw new Error(`${file.cell}/${file.name}: golden file lacks keys ${missing.join(', ')}`);
  return compareTraces(actual, expected, trace.hidden, tolerance);
}
