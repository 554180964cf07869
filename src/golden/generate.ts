/**
 * Producing golden files by running inputs through the NumPy worker. Used by
 * `npm run golden:generate` (writes) and `npm run golden:check` (compares, never writes).
 */
import { readFileSync } from 'node:fs';
import type { CellType } from '../cells/schema.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import { toFlatCase } from '../judge/flat-case.js';
import { packageRoot } from '../package-root.js';
import { measureNoiseFloors } from '../judge/noise-floor.js';
import { buildCase, CASE_TABLE, caseSeed } from './case-table.js';
import { GOLDEN_SCHEMA_VERSION, type GoldenEnvironment, type GoldenFile } from './format.js';
import { sha256 } from './files.js';

/** Files whose content decides the corpus: the table, its generator and the reference. */
const GENERATOR_SOURCES = [
  'src/golden/case-table.ts',
  'src/numeric/seeded-random.ts',
  'src/golden/generate.ts',
  'src/judge/noise-floor.ts',
  'reference/lstm_reference.py',
  'reference/worker.py',
];

export function generatorInfo(): { name: string; version: string; sourceSha256: string } {
  const root = packageRoot();
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
  const digest = sha256(GENERATOR_SOURCES.map((path) => `${path}\n${readFileSync(`${root}/${path}`, 'utf8')}`).join('\n'));
  return { name: 'lstm-parity golden', version: pkg.version, sourceSha256: digest };
}

export function environmentOf(oracle: NumpyOracle): GoldenEnvironment {
  const { info } = oracle;
  return {
    python: info.python,
    numpy: info.numpy,
    blas: [info.blas.name, info.blas.version].filter(Boolean).join(' '),
    blasCore: info.blas.corename ?? null,
    platform: `${info.platform} (${info.machine})`,
    cpuFeatures: info.cpu_features.filter((f) => /^(AVX|FMA|SSE4|X86_V)/.test(f)),
    openblasThreads: '1',
    node: process.version,
  };
}

/** What a golden file holds besides NumPy's answer. */
export type GoldenInput = Omit<GoldenFile, 'schema' | 'expected' | 'numpyWarnings' | 'noiseFloor'>;

function toRows(values: Float64Array, steps: number, hidden: number): number[][] {
  return Array.from({ length: steps }, (_, t) => Array.from(values.subarray(t * hidden, (t + 1) * hidden)));
}

/**
 * Runs every input through NumPy and returns complete golden files, in the same order, each with
 * its noise floor (NumPy's spread under 1-ULP perturbations, seeded by the file's own seed).
 */
export async function evaluateGolden(oracle: NumpyOracle, inputs: readonly GoldenInput[]): Promise<GoldenFile[]> {
  const cases = inputs.map((input) => toFlatCase(input.cell as CellType, input.case, { allowNonFinite: input.allowNonFinite }));
  const results = await oracle.evaluate(cases);
  const outputs = results.map((result, k) => {
    if (!result.ok) throw new Error(`${inputs[k].cell}/${inputs[k].name}: NumPy could not evaluate it: ${result.error}`);
    return result;
  });
  const floors = await Promise.all(
    cases.map((c, k) => measureNoiseFloors(oracle, [c], [outputs[k].outputs], { seed: inputs[k].source.seed }).then(([floor]) => floor)),
  );
  return inputs.map((input, k) => {
    const { steps, hidden } = cases[k];
    const expected: Record<string, number[][]> = {};
    for (const [key, values] of Object.entries(outputs[k].outputs)) expected[key] = toRows(values, steps, hidden);
    const floor = floors[k];
    const stepSpread = Object.fromEntries(Object.entries(floor.stepSpread).map(([key, values]) => [key, Array.from(values)]));
    const moved = Object.entries(floor.classMoved).map(([key, marks]) => [key, Array.from(marks.keys()).filter((m) => marks[m] === 1)] as const);
    const classMoved = moved.length === 0 ? undefined : Object.fromEntries(moved);
    return {
      schema: GOLDEN_SCHEMA_VERSION,
      ...input,
      expected,
      numpyWarnings: outputs[k].warnings,
      noiseFloor: { copies: floor.copies, seed: floor.seed, stepSpread, classMoved },
    };
  });
}

/** The inputs of every row of the case table, at golden/<cell>/<name>.json. */
export function tableInputs(): { path: string; input: GoldenInput }[] {
  return CASE_TABLE.map((row) => ({
    path: `${row.cell}/${row.name}.json`,
    input: {
      name: row.name,
      cell: row.cell,
      description: row.description,
      source: { kind: 'table', seed: caseSeed(row) },
      allowNonFinite: row.allowNonFinite,
      tolerance: row.tolerance,
      case: buildCase(row),
    },
  }));
}
