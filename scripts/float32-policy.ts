/**
 * npm run float32:policy: the measurements behind the float32 tolerance policy
 * (src/judge/tolerance.ts, FLOAT32_TOLERANCE), taken the way the float64 policy's were.
 *
 * 1. Every float32 implementation at hand (the NumPy example in float32, tfjs-cpu, tfjs-wasm,
 *    PyTorch float32 when it imports under $LSTM_PARITY_PEER_PYTHON) runs the live campaign's
 *    well-conditioned cases (seed 1, POLICY_CASES per cell, default 2000; no chaotic probe) and
 *    is compared with the seed's computation in float32 (NumPy on S and W rounded to float32).
 * 2. The same cases through deliberately wrong cells (this package's cells with a dropped output
 *    bias, swapped input and forget gates, one recurrent weight off by 1e-3 relative), their
 *    outputs rounded to float32: how far a real mistake lands.
 * 3. For candidate (rtol, atol) pairs: the largest share of its allowance, |a - e| / (atol +
 *    rtol |e|), that any correct implementation used on any element (below 1 passes), how many
 *    cases pass outright, and what share of each wrong cell's cases the pair catches.
 *
 * Also printed: the largest absolute error of each implementation, with where, and the float32
 * reference's own spread under 1-ULP float32 perturbations on the first 200 cases. Prints a
 * table; writes nothing.
 */
import { campaignCase, type CampaignCase } from '../src/campaign/random-case.js';
import { lstmType1 } from '../src/cells/lstm-type1.js';
import { lstmType2 } from '../src/cells/lstm-type2.js';
import type { CellType, Type1Weights, Type2Weights } from '../src/cells/schema.js';
import { seedFields } from '../src/cells/trace.js';
import { openCommandImplementation } from '../src/implementations/command.js';
import { findBuiltin } from '../src/implementations/registry.js';
import { toFlatCase, type FlatCase, type FlatOutputs } from '../src/judge/flat-case.js';
import { runImplementation, type Implementation } from '../src/judge/implementation.js';
import { measureNoiseFloors } from '../src/judge/noise-floor.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';

const CASES = Number(process.env.POLICY_CASES ?? 2000);
const CANDIDATES: [number, number][] = [
  [1e-5, 1e-6],
  [3e-5, 3e-6],
  [1e-4, 1e-6],
  [1e-4, 1e-5],
];

type Outputs = Record<string, Float64Array>;

/** This package's cells with a mistake, outputs rounded to float32. */
function wrongCell(name: string, change: (cell: CellType, W: Record<string, number[][] | number[]>) => Record<string, number[][] | number[]>): Implementation {
  return {
    name,
    cells: ['type1', 'type2'],
    dtype: 'float32',
    run(cell, S, W) {
      const changed = change(cell, W);
      const trace = cell === 'type1' ? lstmType1(S, changed as unknown as Type1Weights) : lstmType2(S, changed as unknown as Type2Weights);
      return Object.fromEntries([...seedFields(trace)].map(([key, values]) => [key, Float32Array.from(values)]));
    },
  };
}

const WRONG = [
  wrongCell('dropped b_o', (_cell, W) => ({ ...W, b_o: (W.b_o as number[]).map(() => 0) })),
  wrongCell('swapped i and f', (_cell, W) => ({ ...W, w_i: W.w_g, u_i: W.u_g, b_i: W.b_g, w_g: W.w_i, u_g: W.u_i, b_g: W.b_i })),
  wrongCell('u_i[0][0] x (1 + 1e-3)', (_cell, W) => ({ ...W, u_i: (W.u_i as number[][]).map((row, r) => (r === 0 ? [row[0] * (1 + 1e-3), ...row.slice(1)] : row)) })),
];

/** Per element: the share of the allowance used; per case: the largest. */
function usage(actual: Outputs, expected: FlatOutputs, rtol: number, atol: number): number {
  let worst = 0;
  for (const [key, values] of Object.entries(actual)) {
    const e = expected[key];
    for (let k = 0; k < values.length; k++) {
      const a = values[k];
      if (Object.is(a, e[k]) || (Number.isNaN(a) && Number.isNaN(e[k]))) continue;
      const u = Number.isFinite(a) && Number.isFinite(e[k]) ? Math.abs(a - e[k]) / (atol + rtol * Math.abs(e[k])) : Infinity;
      if (u > worst) worst = u;
    }
  }
  return worst;
}

interface Run {
  impl: string;
  cell: CellType;
  usages: number[][];
  maxAbs: number;
  where: string;
}

async function measure(impl: Implementation, cell: CellType, cases: CampaignCase[], flat: FlatCase[], expected: FlatOutputs[]): Promise<Run> {
  const usages = CANDIDATES.map(() => [] as number[]);
  let maxAbs = 0;
  let where = '';
  for (const [k, c] of cases.entries()) {
    const actual = await runImplementation(impl, flat[k], c.name, c.value);
    CANDIDATES.forEach(([rtol, atol], n) => usages[n].push(usage(actual, expected[k], rtol, atol)));
    for (const [key, values] of Object.entries(actual)) {
      for (let i = 0; i < values.length; i++) {
        const d = Math.abs(values[i] - expected[k][key][i]);
        if (d > maxAbs) {
          maxAbs = d;
          where = `${c.name} ${key} step ${Math.floor(i / flat[k].hidden)} (|expected| ${Math.abs(expected[k][key][i]).toPrecision(3)})`;
        }
      }
    }
  }
  return { impl: impl.name, cell, usages, maxAbs, where };
}

async function peers(): Promise<{ impls: Implementation[]; notes: string[] }> {
  const impls: Implementation[] = [];
  const notes: string[] = [];
  impls.push(await openCommandImplementation({ command: 'python3 examples/python/my_lstm.py --dtype float32' }));
  for (const name of ['tfjs-cpu', 'tfjs-wasm', 'torch-float32']) {
    try {
      impls.push(await findBuiltin(name)!.open({}));
    } catch (error) {
      notes.push(`${name} not measured: ${(error as Error).message}`);
    }
  }
  return { impls, notes };
}

const e = (x: number) => x.toExponential(1);

async function main(): Promise<void> {
  const oracle = await NumpyOracle.start();
  const { impls, notes } = await peers();
  const runs: Run[] = [];
  const wrong: Run[] = [];
  try {
    for (const cell of ['type1', 'type2'] as const) {
      const cases = Array.from({ length: CASES }, (_, k) => campaignCase(cell, 1, k));
      const flat = cases.map((c) => toFlatCase(cell, c.value));
      const results = await oracle.evaluate(flat, { dtype: 'float32' });
      const expected = results.map((r, k) => {
        if (!r.ok) throw new Error(`${cases[k].name}: ${r.error}`);
        return r.outputs;
      });
      for (const impl of impls.filter((i) => i.cells.includes(cell))) runs.push(await measure(impl, cell, cases, flat, expected));
      const withSteps = cases.map((c, k) => k).filter((k) => flat[k].steps > 0);
      for (const impl of WRONG) wrong.push(await measure(impl, cell, withSteps.map((k) => cases[k]), withSteps.map((k) => flat[k]), withSteps.map((k) => expected[k])));
      const sample = flat.slice(0, 200);
      const floors = await measureNoiseFloors(oracle.reference('float32'), sample, expected.slice(0, 200), { dtype: 'float32' });
      const spreads = floors.map((f) => Math.max(...Object.values(f.maxSpread))).sort((a, b) => a - b);
      notes.push(`${cell}: float32 NumPy's own spread under 1-ULP float32 perturbations, first 200 cases: median ${e(spreads[100])}, largest ${e(spreads[199])}`);
    }
  } finally {
    for (const impl of impls) await impl.close?.();
    await oracle.close();
  }

  console.log(`float32 policy measurements: ${CASES} live cases per cell (seed 1), against NumPy in float32\n`);
  for (const run of runs) console.log(`${run.impl} ${run.cell}: largest |error| ${e(run.maxAbs)} at ${run.where}`);
  console.log('');
  for (const [n, [rtol, atol]] of CANDIDATES.entries()) {
    console.log(`rtol ${rtol}, atol ${atol}:`);
    for (const run of runs) {
      const worst = Math.max(...run.usages[n]);
      const within = run.usages[n].filter((u) => u <= 1).length;
      console.log(`  ${run.impl} ${run.cell}: largest share of the allowance used ${worst.toFixed(3)}; ${within} of ${run.usages[n].length} cases within`);
    }
    for (const run of wrong) {
      const caught = run.usages[n].filter((u) => u > 1).length;
      const weakest = Math.min(...run.usages[n]);
      console.log(`  WRONG ${run.impl} ${run.cell}: caught in ${caught} of ${run.usages[n].length} cases with a step; the least caught uses ${weakest.toFixed(3)} of the allowance`);
    }
  }
  console.log('');
  for (const note of notes) console.log(note);
}

await main();
