/**
 * Drift: does the installed NumPy still give the committed answers? Re-evaluates every committed
 * file's inputs in memory (never writing), compares NumPy's fresh outputs with the recorded ones
 * under each file's tolerance, and checks that the case table still draws the committed inputs.
 */
import { compareTraces, type Comparison } from '../judge/compare.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import { expectedArrays, hiddenOf, toleranceOf } from '../judge/golden.js';
import { type GoldenFile, type GoldenManifest } from './format.js';
import { loadGoldenFile } from './files.js';
import { evaluateGolden, tableInputs } from './generate.js';

export interface DriftRow {
  path: string;
  /** Fresh NumPy vs the committed expected outputs. */
  comparison: Comparison;
  /** Elements whose bits are identical, out of all. */
  identical: number;
  warningsChanged: boolean;
  /** The table draws different inputs than the file holds (generator drift). */
  inputsChanged: boolean;
}

function sameDoubles(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => sameDoubles(x, b[k]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameDoubles((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function countIdentical(a: Record<string, Float64Array>, b: Record<string, Float64Array>): number {
  let same = 0;
  for (const key of Object.keys(b)) {
    const x = a[key];
    const y = b[key];
    for (let k = 0; k < y.length; k++) if (Object.is(x[k], y[k]) || (Number.isNaN(x[k]) && Number.isNaN(y[k]))) same++;
  }
  return same;
}

export async function checkDrift(dir: string, manifest: GoldenManifest, oracle: NumpyOracle): Promise<{ rows: DriftRow[]; missing: string[] }> {
  const paths = Object.keys(manifest.files).sort();
  const committed: GoldenFile[] = paths.map((path) => loadGoldenFile(dir, path, manifest));
  const fresh = await evaluateGolden(oracle, committed);
  const table = new Map(tableInputs().map(({ path, input }) => [path, input]));
  const missing = [...table.keys()].filter((path) => !paths.includes(path));
  const rows = paths.map((path, k): DriftRow => {
    const old = committed[k];
    const recorded = expectedArrays(old);
    const now = expectedArrays(fresh[k]);
    const row = table.get(path);
    return {
      path,
      comparison: compareTraces(now, recorded, hiddenOf(old), toleranceOf(old)),
      identical: countIdentical(now, recorded),
      warningsChanged: !sameDoubles(old.numpyWarnings, fresh[k].numpyWarnings),
      inputsChanged: row !== undefined && !sameDoubles(row.case, old.case),
    };
  });
  return { rows, missing };
}
