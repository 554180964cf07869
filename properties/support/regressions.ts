/**
 * Keeping counterexamples: with LSTM_PARITY_SAVE_REGRESSIONS=1, a differential property that
 * fails writes each disagreeing case of its shrunk counterexample to golden/regressions/ as a
 * golden file of its own (source.kind 'property', with the seed and path that found it), its
 * expected outputs evaluated by NumPy there and then. The golden tests then hold the port to it
 * on every run, with or without Python.
 */
import { join } from 'node:path';
import { type GoldenFile } from '../../src/golden/format.js';
import { sha256 } from '../../src/golden/files.js';
import { environmentOf, evaluateGolden, type GoldenInput } from '../../src/golden/generate.js';
import { saveRegression } from '../../src/golden/regressions.js';
import type { NumpyOracle } from '../../src/oracle/numpy-oracle.js';
import { packageRoot } from '../../src/package-root.js';
import type { CellCase } from '../../src/conformance/arbitraries/cell-case.js';

export const SAVE_REGRESSIONS_VARIABLE = 'LSTM_PARITY_SAVE_REGRESSIONS';

export function savingRegressions(): boolean {
  return process.env[SAVE_REGRESSIONS_VARIABLE] === '1';
}

export const goldenDir = (): string => join(packageRoot(), 'golden');

export interface Provenance {
  /** The property's title. */
  property: string;
  seed: number;
  path: string;
}

/** Evaluates the cases with NumPy and saves each as a regression; returns the paths written. */
export async function saveCounterexamples(oracle: NumpyOracle, cases: readonly CellCase[], found: Provenance, dir = goldenDir()): Promise<string[]> {
  const inputs: GoldenInput[] = cases.map((c, k) => ({
    // Paths can run to thousands of characters: the name carries a digest, the detail the path.
    name: `property-seed${found.seed}-${sha256(found.path).slice(0, 12)}-${k}`,
    cell: c.cell,
    description: `counterexample of the property "${found.property}", shrunk by fast-check (H = ${c.hidden}, X = ${c.inputs}, T = ${c.steps}, ${c.scale} weights)`,
    source: { kind: 'property', seed: found.seed, detail: `path ${found.path}; replay with FC_SEED=${found.seed} FC_PATH=${found.path}` },
    allowNonFinite: false,
    case: { S: c.S, W: c.W as unknown as GoldenFile['case']['W'] },
    environment: environmentOf(oracle),
  }));
  const files = await evaluateGolden(oracle, inputs);
  return files.map((file) => `golden/${saveRegression(dir, file)}`);
}
