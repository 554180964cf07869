/**
 * This package's cells against NumPy, live, through the conformance suite's differential
 * properties (src/conformance/properties/differential.ts), as any implementation is registered.
 *
 * Only this package keeps counterexamples: with LSTM_PARITY_SAVE_REGRESSIONS=1, a failing
 * well-conditioned differential property writes each disagreeing case of its shrunk
 * counterexample to golden/regressions/ (support/regressions.ts). An end-to-end test shows the
 * machinery on a cell that is wrong on purpose.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lstmType1 } from '../src/cells/lstm-type1.js';
import type { Type1Weights } from '../src/cells/schema.js';
import { cellCase, type CellCase } from '../src/conformance/arbitraries/cell-case.js';
import { compareWithNumpy, differentialTitle, disagreements } from '../src/conformance/properties/differential.js';
import type { ConformanceContext } from '../src/conformance/property.js';
import { failureReport } from '../src/conformance/runner.js';
import { openSubject } from '../src/conformance/subject.js';
import { describeLstmConformance } from '../src/conformance.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { traceImplementation, lstmParityImplementation } from '../src/implementations/lstm-parity.js';
import { formatComparison } from '../src/judge/compare.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { judgeGoldenFile } from '../src/judge/golden.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { describeWithNumpy } from '../test/helpers/numpy.js';
import { SAVE_REGRESSIONS_VARIABLE, goldenDir, saveCounterexamples, savingRegressions } from './support/regressions.js';

describeLstmConformance(lstmParityImplementation(), {
  suites: ['differential'],
  exactArithmetic: true,
  async onFailure(property, [cases], { seed, path }, context) {
    if (!property.title.includes('well-conditioned')) return undefined;
    if (!savingRegressions()) return `set ${SAVE_REGRESSIONS_VARIABLE}=1 to keep this counterexample in golden/regressions/`;
    const batch = cases as CellCase[];
    const comparisons = await compareWithNumpy(context, batch);
    const failing = batch.filter((_, k) => !comparisons[k].comparison.ok);
    const paths = await saveCounterexamples(context.oracle!, failing, { property: differentialTitle(batch[0].cell), seed, path });
    return `saved: ${paths.join(', ')}`;
  },
});

describeWithNumpy('differential: keeping a counterexample', () => {
  let oracle: NumpyOracle;
  let context: ConformanceContext;
  // A cell that is wrong on purpose (b_o off by 1e-9): any case with T >= 1 exposes it, so
  // shrinking must reach the smallest such case, and the saved file must hold NumPy's answer,
  // which the real cell matches.
  const wrongOutputBias = traceImplementation('b_o off by 1e-9', (_cell, S, W) => lstmType1(S, { ...(W as unknown as Type1Weights), b_o: Array.from(W.b_o as number[], (b) => b + 1e-9) }));
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
    context = { subject: await openSubject(wrongOutputBias), oracle, goldenDir: goldenDir() };
  });
  afterAll(async () => {
    await oracle.close();
  });

  it('should shrink a disagreement with NumPy to H = 1, X = 1, T = 1 with every value +0, report its seed and path, and save it as a regression NumPy evaluated', async () => {
    const property = fc.asyncProperty(fc.array(cellCase('type1', { weights: { scales: ['well-scaled'] } }), { minLength: 1, maxLength: 4 }), async (cases) => {
      const failed = disagreements(cases, await compareWithNumpy(context, cases), context.subject.tolerance);
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
    // The diagnosis of the shrunk case: where it first parts from NumPy, with the seed's terms;
    // b_o + 1e-9 is no catalogued mistake (a bias dropped or doubled would be).
    expect(report).toMatch(/first difference: step 0 Output_gate_activations unit 0: implementation 0\.50000000025\d*, NumPy 0\.5\n {4}the seed's terms there \(NumPy's operands\): w_o·x 0, u_o·h 0, b_o 0, pre-activation 0, σ 0\.5/);
    expect(report).toContain('no catalogued mistake reproduces it');
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
