/**
 * The diagnosis, piece by piece: the seed's computation it varies agrees with the cells; every
 * catalogued mistake shows on a case made for it and is named when it is the answer, and nothing
 * is named for the correct answer; localization finds the first element in the seed's order with
 * the seed's terms; the shrinker reaches a minimal case within its budget and stops on time; and,
 * against NumPy, a whole diagnosis of a port with swapped gates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckName } from '../src/campaign/case-checks.js';
import { runCase } from '../src/cells/run-case.js';
import type { CellType } from '../src/cells/schema.js';
import { seedFields } from '../src/cells/trace.js';
import { campaignCase } from '../src/campaign/random-case.js';
import { readSettings } from '../src/conformance/runner.js';
import { MISTAKES, mistakesFor } from '../src/diagnosis/catalogue.js';
import { addContrasts, addToContrast, caseFeatures, describeContrast, emptyContrast } from '../src/diagnosis/contrast.js';
import { diagnose } from '../src/diagnosis/diagnose.js';
import { describeDiagnosis, recordOf } from '../src/diagnosis/record.js';
import { explain } from '../src/diagnosis/explain.js';
import { localize } from '../src/diagnosis/localize.js';
import { runVariant } from '../src/diagnosis/seed-variant.js';
import { shrinkCase, simplerNumbers } from '../src/diagnosis/shrink.js';
import { toFlatCase, type FlatCase, type FlatOutputs } from '../src/judge/flat-case.js';
import { compareTraces } from '../src/judge/compare.js';
import type { Implementation, ImplementationOutputs } from '../src/judge/implementation.js';
import { expectedArrays, flattenRows, recordedFloor } from '../src/judge/golden.js';
import { FLOAT32_TOLERANCE, FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { parseGoldenFile } from '../src/golden/format.js';
import { causeOf } from '../src/scoreboard/format.js';
import type { ScoreRow } from '../src/scoreboard/scoreboard.js';
import type { CaseValue } from '../src/numeric/seeded-random.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { brokenCells, swappedGates } from './helpers/implementations.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { type1Weights } from './helpers/weights.js';
import { exampleFor, scaled } from './helpers/mistake-examples.js';

const cellsOutputs = (c: FlatCase, value: CaseValue): FlatOutputs =>
  Object.fromEntries(seedFields(runCase(c.cell, value, { allowNonFinite: true })).map(([key, values]) => [key, Float64Array.from(values)]));

describe('the seed computation the catalogue varies', () => {
  it('should agree with the cells within the tolerance policy when nothing is changed', () => {
    const { seed, numRuns } = readSettings(60);
    fc.assert(
      fc.property(fc.constantFrom<CellType>('type1', 'type2'), fc.integer({ min: 0, max: 4000 }), (cell, index) => {
        const c = campaignCase(cell, seed >>> 0, index);
        if (c.family === 'edge') return;
        const comparison = compareTraces(runVariant(c.flat), cellsOutputs(c.flat, c.value), c.flat.hidden, FLOAT64_TOLERANCE);
        expect(comparison.ok, `${c.name}: FC_SEED=${seed}`).toBe(true);
      }),
      { seed, numRuns },
    );
  });
});

describe('the catalogue of porting mistakes', () => {
  const entries = MISTAKES.flatMap((m) => m.cells.map((cell) => [`${cell} ${m.id}`, m, cell] as const));

  it('should hold at least the mistakes the diagnosis is asked to name', () => {
    const ids = new Set(MISTAKES.map((m) => m.id));
    for (const id of ['swap-i-g', 'swap-i-g-weights', 'transpose-W', 'transpose-U', 'bias-o-dropped', 'bias-o-doubled', 'type2-i-reads-h', 'h-o-tanh-c', 'h-tanh-o-c', 'candidate-without-recurrence', 'state-not-carried', 'state-reset-every-64', 'daz', 'ftz', 'float32-activations', 'float32-products', 'nan-as-zero', 'nan-as-clip-limit', 'negative-zero-as-positive', 'clip-20', 'recurrent-rows-in-blocks-of-32']) {
      expect(ids, id).toContain(id);
    }
    expect(new Set(MISTAKES.map((m) => `${m.id} ${m.cells.join()}`)).size).toBe(MISTAKES.length);
  });

  it.each(entries)('should name %s from its answer, and nothing from the correct one', (_, mistake, cell) => {
    const value = exampleFor(mistake, cell);
    const c = toFlatCase(cell, value, { allowNonFinite: true });
    expect(mistakesFor(c).map((m) => m.id)).toContain(mistake.id);
    const correct = runVariant(c);
    const wrong = runVariant(c, mistake.change);
    const policy = { tolerance: FLOAT64_TOLERANCE, signs: mistake.id === 'negative-zero-as-positive' };
    expect(explain({ case: c, actual: wrong, numpy: correct, ...policy }).map((m) => m.id)).toContain(mistake.id);
    expect(explain({ case: c, actual: correct, numpy: correct, ...policy })).toEqual([]);
  });

  it('should name the NaN clip for no other entry\'s answer, and no other entry for its answer', () => {
    // It changes a NaN pre-activation only: on every other entry's case it is either the seed's
    // computation (no NaN arises) or an answer no other entry gives.
    for (const [label, mistake, cell] of entries) {
      const c = toFlatCase(cell, exampleFor(mistake, cell), { allowNonFinite: true });
      const named = explain({ case: c, actual: runVariant(c, mistake.change), numpy: runVariant(c), tolerance: FLOAT64_TOLERANCE, signs: mistake.id === 'negative-zero-as-positive' }).map((m) => m.id);
      if (mistake.id === 'nan-as-clip-limit') expect(named, label).toEqual(['nan-as-clip-limit']);
      else expect(named, label).not.toContain('nan-as-clip-limit');
    }
  });
});

describe.each(['onnxruntime-float32', 'onnxruntime-node-float32', 'onnxruntime-web-float32'])('ONNX Runtime\'s findings, from its recorded answers (docs/findings/%s/)', (implementation) => {
  // What `lstm-parity scoreboard` saved for each ONNX Runtime row: each case with ORT's own answer,
  // NumPy's in float32 and NumPy's floor. Diagnosed here from those answers alone (no ORT, no
  // NumPy): the NaN clip reproduces the shrunk cases and the originals, no other entry does, and
  // the scoreboard's cause for the row names it.
  const folder = join(ROOT, 'docs/findings', implementation);
  const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
  const diagnosisOf = async (name: string) => {
    const file = parseGoldenFile(readFileSync(join(folder, name), 'utf8'), name);
    const actual = Object.fromEntries(Object.entries(file.finding!.actual!).map(([key, rows]) => [key, flattenRows(rows)]));
    const refuses: Implementation = { name: 'recorded', dtype: 'float32', cells: [file.cell], run: () => Promise.reject(new Error('asked again')) };
    const d = await diagnose(
      { name, cell: file.cell, check: file.finding!.check as CheckName, value: file.case as CaseValue, allowNonFinite: file.allowNonFinite, recorded: { outputs: expectedArrays(file), floor: recordedFloor(file), warnings: file.numpyWarnings }, actual },
      { implementation: refuses, tolerance: FLOAT32_TOLERANCE, deadline: 0 },
    );
    return recordOf(d);
  };

  it.each(files)('should name a NaN pre-activation read as the clip limit, and nothing else, on %s', async (name) => {
    const record = await diagnosisOf(name);
    expect(record.mistakes.map((m) => m.id)).toEqual(['nan-as-clip-limit']);
    expect(record.mistakes[0].onOriginal).toBe(true);
  });

  it('should give that as the cause of the row', async () => {
    const records = await Promise.all(files.filter((name) => name.endsWith('.shrunk.json')).map(diagnosisOf));
    const row = { implementation, dtype: 'float32', judgedAs: 'float32', cell: 'type1', diagnoses: { records, notDiagnosed: 79 } } as unknown as ScoreRow;
    expect(causeOf(row)).toBe('a NaN pre-activation read as the clip limit (+3.4e38, as std::min(limit, NaN) gives) before σ and tanh (reproduces 2 of 2 diagnosed cases)');
  });
});

describe('the contrast of failing and passing cases', () => {
  it('should read the input features of a case', () => {
    const c = toFlatCase('type1', { S: [[1e-310, -0], [NaN, 1e301]], W: scaled('type1', 2, 33, 2).W }, { allowNonFinite: true });
    expect(caseFeatures(c)).toEqual(['subnormal-inputs', 'non-finite', 'huge-values', 'negative-zeros', 'h-above-32', 'h-not-multiple-of-4', 'h-not-multiple-of-8', 'h-not-multiple-of-16', 'h-not-multiple-of-32', 'x-not-multiple-of-4', 'x-not-multiple-of-8', 'x-not-multiple-of-16', 'x-not-multiple-of-32']);
    expect(caseFeatures(toFlatCase('type2', { S: [], W: scaled('type2', 0, 4, 4).W }))).toEqual(['no-steps', 'h-equals-x', 'h-not-multiple-of-8', 'h-not-multiple-of-16', 'h-not-multiple-of-32', 'x-not-multiple-of-8', 'x-not-multiple-of-16', 'x-not-multiple-of-32']);
  });

  it('should name the features that set the failing cases apart, and say when none does', () => {
    const contrast = emptyContrast();
    for (let k = 0; k < 9; k++) addToContrast(contrast, ['subnormal-weights', 'h-not-multiple-of-4'], true);
    for (let k = 0; k < 1991; k++) addToContrast(contrast, k < 12 ? ['subnormal-weights', 'h-not-multiple-of-4'] : ['h-not-multiple-of-4'], false);
    expect(describeContrast(contrast)).toEqual(['all 9 failing cases hold subnormal weights; 12 of 1991 passing ones do']);
    const one = emptyContrast();
    addToContrast(one, ['h-above-32'], true);
    addToContrast(one, [], false);
    expect(describeContrast(one)).toEqual(['the one failing case has H > 32; 0 of 1 passing ones do']);
    expect(describeContrast(addContrasts(one, contrast))).toEqual(['9 of 10 failing cases hold subnormal weights; 12 of 1992 passing ones do']);
    const none = emptyContrast();
    addToContrast(none, ['non-finite'], true);
    addToContrast(none, ['non-finite'], false);
    expect(describeContrast(none)).toEqual(['no input feature sets the 1 failing case apart from the 1 passing']);
    expect(describeContrast(emptyContrast())).toEqual([]);
  });
});

describe('localize', () => {
  it('should find the first element in the seed\'s order, with the seed\'s terms there', () => {
    const c = toFlatCase('type1', scaled('type1', 3, 2, 2));
    const numpy = runVariant(c);
    const actual = runVariant(c, { weights: (W) => ({ ...W, b_o: W.b_o.map(() => 0) }) });
    const at = localize(c, actual, numpy, { tolerance: FLOAT64_TOLERANCE })!;
    // The output gate at step 0 is the first quantity the dropped bias touches.
    expect([at.step, at.key, at.unit]).toEqual([0, 'Output_gate_activations', 0]);
    expect(at.terms.map((t) => t.name)).toEqual(['w_o·x', 'u_o·h', 'b_o', 'pre-activation', 'σ']);
    expect(at.terms[2].value).toBe(c.W.b_o[0]);
    expect(at.terms[4].value).toBe(numpy.Output_gate_activations[0]);
    // An implementation that returns Output alone is located in Output, and says what it does not return.
    const onlyH = localize(c, { Output: actual.Output }, numpy, { tolerance: FLOAT64_TOLERANCE })!;
    expect([onlyH.key, onlyH.unseen.length]).toEqual(['Output', 5]);
    expect(localize(c, numpy, numpy, { tolerance: FLOAT64_TOLERANCE })).toBeUndefined();
  });
});

describe('shrinkCase', () => {
  it('should take away steps, units, features, blocks and digits while the test still fails', async () => {
    const start = scaled('type1', 6, 5, 4);
    start.W.b_g = [0.3, 0.7, -0.2, 1.7, 0.45];
    // "Fails" while some forget-gate bias exceeds 1: the minimal case keeps one unit, one step and
    // one feature, every other value 0, and that bias at its simplest above 1: 2.
    const fails = (v: CaseValue) => (v.W.b_g as number[]).some((b) => b > 1);
    const result = await shrinkCase(start, async (candidates) => candidates.map(fails), { deadline: performance.now() + 60_000 });
    expect(result.stopped).toBe('done');
    expect(result.value.S).toEqual([]);
    expect(result.value.W.b_g).toEqual([2]);
    expect(Object.entries(result.value.W).filter(([key]) => key !== 'b_g').every(([, w]) => JSON.stringify(w).match(/[1-9]/) === null)).toBe(true);
  });

  it('should stop at its deadline and at its count of tests, keeping the smallest failing case so far', async () => {
    const start = scaled('type2', 4, 3, 2);
    const slow = await shrinkCase(start, async (candidates) => candidates.map(() => true), { deadline: performance.now() - 1 });
    expect([slow.stopped, slow.tests, slow.value]).toEqual(['time', 0, start]);
    const counted = await shrinkCase(start, async (candidates) => candidates.map(() => false), { deadline: Infinity, maxTests: 5 });
    expect([counted.stopped, counted.tests]).toEqual(['tests', 5]);
  });

  it('should offer simpler numbers, simplest first', () => {
    expect(simplerNumbers(3.14159)).toEqual([0, 1, 3, 4, 3.1, 3.14]);
    expect(simplerNumbers(-3.7)).toEqual([0, -1, -4]);
    expect(simplerNumbers(0.3)).toEqual([0, 1]); // 0.25 has more digits
    expect(simplerNumbers(-(2 ** -1030))).toEqual([0, -1, -9e-311, -8.7e-311, -8.69e-311]);
    expect(simplerNumbers(Infinity)).toEqual([0]);
    expect(simplerNumbers(0)).toEqual([]);
  });

  it('should never cycle between numbers each simpler by one measure (9e-311 and 2^-1030)', async () => {
    const tiny = (x: number) => x !== 0 && Math.abs(x) < 1e-300;
    for (const x of [-9e-311, -(2 ** -1030)]) {
      const start = { S: [[-1.7976931348623157e308]], W: { ...type1Weights(1, 1), w_c: [[x]] } } as unknown as CaseValue;
      const result = await shrinkCase(start, async (candidates) => candidates.map((v) => tiny((v.W.w_c as number[][])[0][0])), { deadline: Infinity });
      expect(result.stopped).toBe('done');
      expect(result.tests).toBeLessThan(200);
      expect((result.value.W.w_c as number[][])[0][0]).toBe(-9e-311);
    }
  });
});

describeWithNumpy('diagnose against NumPy', () => {
  it('should set the mistake that is the cause apart from those that fit a minimal case by accident, with controls', async () => {
    // Subnormal inputs and weights read as zero: on S = [[-1.8e308]], w_c = [[-9e-311]], all else 0,
    // six gate swaps give the same h and c too; on the controls only the flush does.
    const flush = (x: unknown): unknown => (Array.isArray(x) ? x.map(flush) : typeof x === 'number' && x !== 0 && Math.abs(x) < 2 ** -1022 ? 0 : x);
    const flushing = brokenCells('daz', (cell, { S, W }, cells) => cells(cell, { S: flush(S), W: Object.fromEntries(Object.entries(W).map(([key, v]) => [key, flush(v)])) }));
    // Returning only h and c, as Flax's cell does: the gates cannot tell the swaps apart.
    const daz: Implementation = {
      ...flushing,
      keys: ['Output', 'cell_state_vectors'],
      run: async (cell, S, W) => {
        const all = (await flushing.run(cell, S, W)) as Record<string, unknown>;
        return { Output: all.Output, cell_state_vectors: all.cell_state_vectors } as ImplementationOutputs;
      },
    };
    const value = { S: [[-1.7976931348623157e308]], W: { ...type1Weights(1, 1), w_i: [[0]], u_i: [[0]], b_i: [0], w_g: [[0]], u_g: [[0]], b_g: [0], w_o: [[0]], u_o: [[0]], b_o: [0], w_c: [[-9e-311]], u_c: [[0]], b_c: [0] } } as unknown as CaseValue;
    const oracle = await NumpyOracle.start();
    try {
      const d = await diagnose({ name: 'subnormal', cell: 'type1', check: 'numpy', value, allowNonFinite: true }, { implementation: daz, reference: oracle.reference('float64'), tolerance: FLOAT64_TOLERANCE, deadline: 0 });
      const by = (onControls: boolean) => d.mistakes.filter((m) => m.onOriginal && m.onControls === onControls).map((m) => m.mistake.id);
      expect(by(true)).toEqual(['daz', 'daz-ftz']);
      expect(by(false)).toHaveLength(6);
      expect(by(false).every((id) => id.startsWith('swap-'))).toBe(true);
      expect(d.mistakes.slice(0, 2).map((m) => m.mistake.id)).toEqual(['daz', 'daz-ftz']);
      const lines = describeDiagnosis(recordOf(d), undefined);
      expect(lines.filter((line) => line.startsWith('  reproduced by:'))).toEqual([
        '  reproduced by: subnormal inputs and weights read as zero (denormals-are-zero) (on the original case and the controls too)',
        '  reproduced by: subnormals read as zero and flushed to zero (fast-math, XLA on CPU) (on the original case and the controls too)',
      ]);
      expect(lines).toContain('  (6 reproduce it but not the controls; --json lists them)');
    } finally {
      await oracle.close();
    }
  });

  it('should shrink a live case of swapped gates to one unit and one step, locate it and name the mistake', async () => {
    const oracle = await NumpyOracle.start();
    try {
      const c = campaignCase('type1', 1, 8);
      const d = await diagnose(
        { name: c.name, cell: 'type1', check: 'numpy', value: c.value, allowNonFinite: false },
        { implementation: swappedGates, reference: oracle.reference('float64'), tolerance: FLOAT64_TOLERANCE, deadline: performance.now() + 30_000 },
      );
      expect(d.original.verdict?.kind).toBe('port-bug');
      expect(d.shrunk.shape).toEqual({ steps: 1, hidden: 1, inputs: 1 });
      expect(d.shrunk.verdict?.kind).toBe('port-bug');
      expect([d.localization?.step, d.localization?.key]).toEqual([0, 'input_gate_activations']);
      expect(d.mistakes.map((m) => [m.mistake.id, m.onOriginal])).toContainEqual(['swap-i-g', true]);
    } finally {
      await oracle.close();
    }
  });
});
