/**
 * The TypeScript cells against NumPy, live: random well-conditioned cases go through the NumPy
 * worker (reference/worker.py, the seed's computation op for op) and both answers are compared
 * under the tolerance policy (src/judge/tolerance.ts: |ts - np| <= 1e-14 + 1e-12 |np|; NaN and
 * infinities exactly). Bit equality is out of reach (OpenBLAS sums with FMA in blocks; NumPy's
 * exp and tanh are SIMD code a few ULP from V8's), and the policy is sized for well-conditioned
 * cases only, so the weights here are well-scaled (N(0, 1/H)-like) or unit (the seed's N(0, 1)),
 * at H <= 16, T <= 40, where neither saturates into chaos.
 *
 * Each run sends one batch of up to 8 cases in one request. On failure fast-check shrinks the
 * batch to the one case that disagrees and that case to a minimal one (arbitraries/
 * shrinking-case.ts); the report prints it with its seed and path, and with
 * LSTM_PARITY_SAVE_REGRESSIONS=1 it is written to golden/regressions/ (support/regressions.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lstmType1 } from '../src/cells/lstm-type1.js';
import { CELL_TYPES, type Type1Weights } from '../src/cells/schema.js';
import { seedFields, type LstmTrace } from '../src/cells/trace.js';
import { judgeGoldenFile } from '../src/judge/golden.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { measureNoiseFloors } from '../src/judge/noise-floor.js';
import { describeVerdict, judge } from '../src/judge/verdict.js';
import { compareTraces, formatComparison, type Comparison } from '../src/judge/compare.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { toFlatCase, type FlatCase } from '../src/judge/flat-case.js';
import { ulpDistance } from '../src/numeric/ulp.js';
import { describeWithNumpy } from '../test/helpers/numpy.js';
import { cellCase, type CellCase } from './arbitraries/cell-case.js';
import { CELL_LABEL, run } from './support/cells.js';
import { SAVE_REGRESSIONS_VARIABLE, goldenDir, saveCounterexamples, savingRegressions } from './support/regressions.js';
import { failureReport, propertySuite } from './support/runner.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

const BATCH = 8;

type Port = (c: CellCase) => LstmTrace;

/** Each case's comparison of `port` with NumPy, from one request. */
async function compareWithNumpy(oracle: NumpyOracle, cases: readonly CellCase[], port: Port = run): Promise<Comparison[]> {
  const results = await oracle.evaluate(cases.map((c) => toFlatCase(c.cell, { S: c.S, W: c.W })));
  return cases.map((c, k) => {
    const result = results[k];
    if (!result.ok) throw new Error(`NumPy could not evaluate case ${k}: ${result.error}`);
    return compareTraces(Object.fromEntries(seedFields(port(c))), result.outputs, c.hidden, FLOAT64_TOLERANCE);
  });
}

function disagreements(cases: readonly CellCase[], comparisons: readonly Comparison[]): string | undefined {
  const lines = comparisons.flatMap((comparison, k) =>
    comparison.ok ? [] : [formatComparison(comparison, `case ${k} (${CELL_LABEL[cases[k].cell]}, H = ${cases[k].hidden}, X = ${cases[k].inputs}, T = ${cases[k].steps}, ${cases[k].scale})`)],
  );
  return lines.length === 0 ? undefined : lines.join('\n');
}

/**
 * Edge doubles in S stay within ±1 (signed zeros, subnormals, ±1/2, ±1). Larger ones, such as
 * the saturation constants near ±709, make pre-activations whose terms of a few hundred cancel
 * to near zero; a one-ULP difference in how those terms are summed then exceeds the fixed
 * tolerance (found here: 3.1e-14 on a candidate of 0.019, 1.6e-12 relative). Those cases need
 * the per-case noise floor of the design, not a looser fixed tolerance.
 */
const batches = <C extends (typeof CELL_TYPES)[number]>(cell: C) =>
  fc.array(cellCase(cell, { weights: { scales: ['well-scaled', 'unit'] }, sequence: { edges: 'some', edgeMaxAbs: 1 } }), { minLength: 1, maxLength: BATCH });

describeWithNumpy('differential: TypeScript against NumPy', () => {
  const suite = propertySuite('differential', 50);
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle.close();
  });

  for (const cell of CELL_TYPES) {
    const title = `${CELL_LABEL[cell]}: every output agrees with NumPy within rtol 1e-12, atol 1e-14, NaN and infinities exactly, on well-conditioned cases`;
    suite.property(
      title,
      () =>
        fc.asyncProperty(batches(cell), async (cases) => {
          const failed = disagreements(cases, await compareWithNumpy(oracle, cases));
          if (failed !== undefined) throw new Error(failed);
        }),
      {
        async onFailure([cases], { seed, path }) {
          if (!savingRegressions()) return `set ${SAVE_REGRESSIONS_VARIABLE}=1 to keep this counterexample in golden/regressions/`;
          const comparisons = await compareWithNumpy(oracle, cases);
          const failing = cases.filter((_, k) => !comparisons[k].ok);
          const paths = await saveCounterexamples(oracle, failing, { property: title, seed, path });
          return `saved: ${paths.join(', ')}`;
        },
      },
    );
  }

  // Beyond the well-conditioned cases: edge doubles up to the saturation constants in S and weights
  // up to saturating scale. The fixed tolerance cannot judge these (see above), so a case that
  // does not agree gets NumPy's noise floor and a verdict; only a port bug fails.
  //
  // The noise floor perturbs the inputs, not NumPy's exp and tanh, whose last bit differs from the
  // cells' now and then. Where a gate saturates, 1-ULP input perturbations move nothing (spread 0)
  // while a 1-ULP difference in a gate survives, and a cancellation in c_t followed by a large
  // recurrent weight can lift it past the tolerance (measured: c_t cancelling to -2.7e-13, then
  // u_c = -537 turned a 1.1e-16 difference into 6e-14 in the next candidate). So a port-bug
  // verdict is checked against the 200-digit truth: where every element beyond the tolerance has
  // the port at least as close to the truth as NumPy (in ULP), the difference is NumPy's rounding,
  // not the port's (on that case the port was the closer on every such element).
  const closerToTruth = async (c: FlatCase, actual: Record<string, Float64Array>, numpy: Record<string, Float64Array>): Promise<boolean> => {
    const [truth] = await oracle.truth([c]);
    if (!truth.ok || truth.converged === false) return false;
    const { rtol, atol } = FLOAT64_TOLERANCE;
    for (const [key, expected] of Object.entries(numpy)) {
      const port = actual[key];
      for (let e = 0; e < expected.length; e++) {
        const differs = Number.isNaN(port[e]) !== Number.isNaN(expected[e]) || Math.abs(port[e] - expected[e]) > atol + rtol * Math.abs(expected[e]);
        if (differs && !(ulpDistance(port[e], truth.outputs[key][e]) <= ulpDistance(expected[e], truth.outputs[key][e]))) return false;
      }
    }
    return true;
  };
  const wide = <C extends (typeof CELL_TYPES)[number]>(cell: C) =>
    fc.array(cellCase(cell, { sequence: { edges: 'some' } }), { minLength: 1, maxLength: BATCH });

  for (const cell of CELL_TYPES) {
    suite.property(`${CELL_LABEL[cell]}: any difference from NumPy on cases with saturating weights and edge inputs stays within NumPy's own noise floor (never a port bug)`, () =>
      fc.asyncProperty(wide(cell), async (cases) => {
        const oracleCases = cases.map((c) => toFlatCase(c.cell, { S: c.S, W: c.W }));
        const results = await oracle.evaluate(oracleCases);
        const bugs: string[] = [];
        for (const [k, c] of cases.entries()) {
          const result = results[k];
          if (!result.ok) throw new Error(`NumPy could not evaluate case ${k}: ${result.error}`);
          const actual = Object.fromEntries(seedFields(run(c)));
          let verdict = judge(oracleCases[k], actual, result.outputs, FLOAT64_TOLERANCE);
          if (verdict.kind !== 'agrees') {
            const [floor] = await measureNoiseFloors(oracle, [oracleCases[k]], [result.outputs]);
            verdict = judge(oracleCases[k], actual, result.outputs, FLOAT64_TOLERANCE, floor);
          }
          if (verdict.kind === 'port-bug' && !(await closerToTruth(oracleCases[k], actual, result.outputs))) {
            bugs.push(`case ${k} (H = ${c.hidden}, X = ${c.inputs}, T = ${c.steps}, ${c.scale}): ${describeVerdict(verdict)}`);
          }
        }
        if (bugs.length > 0) throw new Error(bugs.join('\n'));
      }),
    );
  }

  // A port that is wrong on purpose (b_o off by 1e-9) shows the machinery end to end: any case
  // with T >= 1 exposes it, so shrinking must reach the smallest such case, and the saved file
  // must hold NumPy's answer, which the real cell matches.
  const wrongOutputBias: Port = (c) => lstmType1(c.S, { ...(c.W as Type1Weights), b_o: Array.from(c.W.b_o, (b) => b + 1e-9) });

  it('should shrink a disagreement with NumPy to H = 1, X = 1, T = 1 with every value +0, report its seed and path, and save it as a regression NumPy evaluated', async () => {
    const property = fc.asyncProperty(fc.array(cellCase('type1', { weights: { scales: ['well-scaled'] } }), { minLength: 1, maxLength: 4 }), async (cases) => {
      const failed = disagreements(cases, await compareWithNumpy(oracle, cases, wrongOutputBias));
      if (failed !== undefined) throw new Error(failed);
    });
    const details = await fc.check(property, { seed: 20261129, numRuns: 20, includeErrorInReport: true });
    expect(details.failed).toBe(true);
    const [cases] = details.counterexample!;
    expect(cases).toHaveLength(1);
    const [c] = cases;
    expect({ hidden: c.hidden, inputs: c.inputs, steps: c.steps }).toEqual({ hidden: 1, inputs: 1, steps: 1 });
    expect([...c.S.flat(), ...Object.values(c.W).flat(2)].every((x) => Object.is(x, 0))).toBe(true);

    const report = await failureReport(details, 'wrong b_o', join(process.cwd(), 'properties', 'differential.test.ts'));
    expect(report).toContain(`seed: 20261129, path: "${details.counterexamplePath}"`);
    expect(report).toContain('Counterexample: [[{"cell":"type1","hidden":1,"inputs":1,"steps":1');
    expect(report).toMatch(/Output_gate_activations: 1 \/ 1 differ; first at Output_gate_activations step 0 unit 0: actual 0\.50000000025\d*, expected 0\.5, error 2\.50e-10/);
    expect(report).toContain(`replay: FC_SEED=20261129 FC_PATH=${details.counterexamplePath} npx vitest run properties/differential.test.ts -t 'wrong b_o'`);

    const copy = mkdtempSync(join(tmpdir(), 'lstm-parity-regressions-'));
    try {
      cpSync(goldenDir(), copy, { recursive: true });
      const [saved] = await saveCounterexamples(oracle, [c], { property: 'wrong b_o', seed: details.seed, path: details.counterexamplePath! }, copy);
      const file = loadGoldenFile(copy, saved.replace(/^golden\//, ''), readManifest(copy));
      expect(file.source).toEqual({ kind: 'property', seed: 20261129, detail: expect.stringContaining(`path ${details.counterexamplePath}`) });
      const [fresh] = await oracle.evaluate([toFlatCase('type1', file.case)]);
      expect(fresh.ok && Object.fromEntries(Object.entries(fresh.outputs).map(([key, values]) => [key, [Array.from(values)]]))).toEqual(file.expected);
      const comparison = (await judgeGoldenFile(file, lstmParityImplementation())).verdict.comparison;
      expect(comparison.ok, formatComparison(comparison, saved)).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
