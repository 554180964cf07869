/**
 * The exact facts verify checks on every case, and the signed-zero check, each shown to hold on
 * the cells' real outputs and to fail on outputs doctored in exactly the one way it forbids.
 */
import { describe, expect, it } from 'vitest';
import { runCase } from '../src/cells/run-case.js';
import type { CellType } from '../src/cells/schema.js';
import { seedFields } from '../src/cells/trace.js';
import { candidateReadout, checkExactFacts, describeViolation, FACT_NAMES, preactivationBounds, prefixOf, type CaseForms, type FactInputs } from '../src/judge/exact-facts.js';
import { toFlatCase, type FlatCase, type FlatOutputs } from '../src/judge/flat-case.js';
import type { CaseInput } from '../src/judge/implementation.js';
import { exactReference } from '../src/judge/exact-reference.js';
import { describeConsistentZero, describeNumpyDeparture, describeSignedZeroMismatch, elementSigns, preActivationTerms, signedZeros, sumSigns } from '../src/judge/signed-zeros.js';
import { tanh } from '../src/cells/math/tanh.js';
import { CELLS_TANH } from '../src/implementations/lstm-parity.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO } from '../src/numeric/saturation.js';
import { nextAfter } from '../src/numeric/ulp.js';
import { sequence, type1Weights, type2Weights } from './helpers/weights.js';

function forms(cell: CellType, value: CaseInput): CaseForms {
  return { flat: toFlatCase(cell, value, { allowNonFinite: true }), input: value };
}

function outputsOf({ flat, input }: CaseForms): FlatOutputs {
  return Object.fromEntries(seedFields(runCase(flat.cell, input, { allowNonFinite: true })).map(([key, values]) => [key, Float64Array.from(values)]));
}

/** Everything a fact may need, computed with the cells themselves. */
function inputsFor(c: CaseForms, k = Math.floor(c.flat.steps / 2)): FactInputs {
  return {
    tanh: CELLS_TANH,
    prefix: { steps: k, outputs: outputsOf(prefixOf(c, k)) },
    candidates: c.flat.cell === 'type2' ? outputsOf(candidateReadout(c)) : undefined,
  };
}

const case1 = forms('type1', { S: sequence(6, 3), W: type1Weights(4, 3) as unknown as CaseInput['W'] });
const case2 = forms('type2', { S: sequence(6, 3), W: type2Weights(4, 3) as unknown as CaseInput['W'] });

/** The outputs with one element changed. */
function doctored(outputs: FlatOutputs, key: string, k: number, value: number): FlatOutputs {
  const copy = Object.fromEntries(Object.entries(outputs).map(([name, values]) => [name, Float64Array.from(values)]));
  copy[key][k] = value;
  return copy;
}

describe('exact facts', () => {
  it.each([case1, case2])('should hold, every one of them, on the cells\' own outputs ($flat.cell)', (c) => {
    const report = checkExactFacts(c.flat, outputsOf(c), inputsFor(c));
    expect(report.violations).toEqual([]);
    expect(report.notChecked).toEqual([]);
    expect(report.checked).toEqual([...FACT_NAMES]);
  });

  it.each([
    ['gates-in-unit-interval', 'input_gate_activations', 5, 1.5],
    ['gates-in-unit-interval', 'forget_gate_activations', 0, -1e-300],
    ['h-bounded', 'Output', 7, -1.0000000000000002],
    ['c-bounded', 'cell_state_vectors', 2, 1.25],
  ] as const)('should find %s broken by %s[%i] = %d', (fact, key, k, value) => {
    const report = checkExactFacts(case1.flat, doctored(outputsOf(case1), key, k, value), inputsFor(case1));
    const violation = report.violations.find((v) => v.fact === fact);
    expect(violation).toMatchObject({ fact, key, step: Math.floor(k / 4), unit: k % 4, actual: value, count: 1 });
  });

  it.each([case1, case2])('should find c_t and h_t one ULP off their recomputation ($flat.cell)', (c) => {
    const outputs = outputsOf(c);
    const k = 9;
    const c1 = checkExactFacts(c.flat, doctored(outputs, 'cell_state_vectors', k, nextAfter(outputs.cell_state_vectors[k], 'up')), inputsFor(c));
    expect(c1.violations.map((v) => v.fact)).toContain('cell-state-recompute');
    const h1 = checkExactFacts(c.flat, doctored(outputs, 'Output', k, nextAfter(outputs.Output[k], 'down')), inputsFor(c));
    const violation = h1.violations.find((v) => v.fact === 'output-recompute');
    expect(violation).toBeDefined();
    expect(describeViolation(violation!)).toMatch(
      c.flat.cell === 'type1' ? /^output-recompute: 1 element breaks it; first Output step 2 unit 1: .*, expected .* = o \* tanh\(c\)$/ : /= tanh\(o \* c\)$/,
    );
  });

  it('should judge a gate on its pre-activation exactly where every product is zero, and by a rounding bound elsewhere', () => {
    const H = 4;
    const W = type1Weights(H, 1) as unknown as Record<string, number[][] | number[]>;
    for (const key of ['w_i', 'u_i']) W[key] = (W[key] as number[][]).map((row) => row.map(() => 0));
    // Unit 0 exactly on σ's 1 constant, unit 1 one ULP below it, unit 2 one ULP above σ's 0 constant, unit 3 on it.
    W.b_i = [SIGMOID_ONE_FROM, nextAfter(SIGMOID_ONE_FROM, 'down'), nextAfter(SIGMOID_ZERO_UPTO, 'up'), SIGMOID_ZERO_UPTO];
    const c = forms('type1', { S: sequence(2, 1), W });
    const outputs = outputsOf(c);
    expect(Array.from(outputs.input_gate_activations.subarray(0, 4), (g) => (g === 0 || g === 1 ? g : 'inside'))).toEqual([1, 'inside', 'inside', 0]);
    expect(checkExactFacts(c.flat, outputs, inputsFor(c)).violations).toEqual([]);
    for (const [unit, wrong] of [[0, nextAfter(1, 'down')], [1, 1], [2, 0], [3, 5e-324]] as const) {
      const report = checkExactFacts(c.flat, doctored(outputs, 'input_gate_activations', unit, wrong), inputsFor(c));
      expect(report.violations.filter((v) => v.fact === 'gate-saturation')).toEqual([expect.objectContaining({ count: 1, step: 0, unit, actual: wrong })]);
    }
    // With nonzero products the same biases are too close to call: no verdict either way.
    const loose = forms('type1', { S: sequence(2, 1), W: { ...W, w_i: (W.w_i as number[][]).map(() => [1e-3]) } });
    const report = checkExactFacts(loose.flat, doctored(outputsOf(loose), 'input_gate_activations', 0, 0.5), inputsFor(loose));
    expect(report.checked).toContain('gate-saturation');
    expect(report.violations.map((v) => v.fact)).not.toContain('gate-saturation');
  });

  it('should want NaN for a gate whose pre-activation has a NaN term, as 0 x Infinity', () => {
    const S = sequence(3, 2);
    S[1][0] = Infinity;
    const W = type1Weights(3, 2) as unknown as Record<string, number[][] | number[]>;
    (W.w_g as number[][])[2][0] = 0;
    const c = forms('type1', { S, W });
    const outputs = outputsOf(c);
    expect(outputs.forget_gate_activations[1 * 3 + 2]).toBeNaN();
    expect(checkExactFacts(c.flat, outputs, inputsFor(c)).violations).toEqual([]);
    const report = checkExactFacts(c.flat, doctored(outputs, 'forget_gate_activations', 1 * 3 + 2, 0.5), inputsFor(c));
    expect(report.violations.find((v) => v.fact === 'gate-saturation')).toMatchObject({ key: 'forget_gate_activations', step: 1, unit: 2, actual: 0.5, expected: 'NaN: a term of its pre-activation is NaN (0 x Infinity or a NaN factor)' });
  });

  it('should find outputs for a prefix of S that are not the first steps of the whole', () => {
    const inputs = inputsFor(case2, 3);
    inputs.prefix!.outputs = doctored(inputs.prefix!.outputs, 'forget_gate_activations', 10, 0.25);
    const report = checkExactFacts(case2.flat, outputsOf(case2), inputs);
    expect(report.violations).toEqual([expect.objectContaining({ fact: 'causality', key: 'forget_gate_activations', step: 2, unit: 2, actual: 0.25 })]);
  });

  it.each(['type1', 'type2'] as const)('should want NaN everywhere from the first step whose input is NaN (%s)', (cell) => {
    const S = sequence(4, 2);
    S[2][1] = NaN;
    const c = forms(cell, { S, W: (cell === 'type1' ? type1Weights(3, 2) : type2Weights(3, 2)) as unknown as CaseInput['W'] });
    const outputs = outputsOf(c);
    expect(checkExactFacts(c.flat, outputs, inputsFor(c)).violations).toEqual([]);
    const report = checkExactFacts(c.flat, doctored(outputs, 'forget_gate_activations', 3 * 3 + 1, 0.5), inputsFor(c));
    expect(report.violations).toContainEqual(expect.objectContaining({ fact: 'nan-propagation', key: 'forget_gate_activations', step: 3, unit: 1, expected: 'NaN: S holds NaN at step 2' }));
  });

  it('should say which facts it could not check, and why, when keys or inputs are missing', () => {
    const report = checkExactFacts(case2.flat, { Output: outputsOf(case2).Output });
    expect(report.checked).toEqual(['h-bounded', 'nan-propagation']);
    expect(Object.fromEntries(report.notChecked.map((n) => [n.fact, n.reason]))).toEqual({
      'gates-in-unit-interval': 'needs input_gate_activations, forget_gate_activations, output_gate_activations',
      'gate-saturation': 'needs input_gate_activations, forget_gate_activations, output_gate_activations, cell_state_vectors',
      'c-bounded': 'needs cell_state_vectors',
      'cell-state-recompute': 'needs input_gate_activations, forget_gate_activations, cell_state_vectors, cell_state_vectors of the candidate read-out (type 2 traces no candidate)',
      'output-recompute': "needs output_gate_activations, cell_state_vectors, the implementation's tanh",
      causality: 'needs the outputs for a prefix of S',
    });
  });

  it('should read type 2 candidates exactly through the forced gates, and cut prefixes in both forms', () => {
    const c = forms('type2', { S: [[0.5], [-2]], W: type2Weights(2, 1) as unknown as CaseInput['W'] });
    const W = c.input.W as Record<string, number[][] | number[]>;
    const candidates = outputsOf(candidateReadout(c)).cell_state_vectors;
    const expected = [0, 1].flatMap((t) => [0, 1].map((r) => tanh((W.w_cell as number[][])[r][0] * c.input.S[t][0] + (W.b_cell as number[])[r])));
    expect(Array.from(candidates)).toEqual(expected);
    const cut = prefixOf(c, 1);
    expect([cut.flat.steps, cut.flat.S.length, cut.input.S.length]).toEqual([1, 1, 1]);
    expect(() => prefixOf(c, 3)).toThrow('prefixOf: expected 0 <= steps <= 2, got 3');
  });
});

describe('signed zeros', () => {
  /** One unit and one input: every weight 0, then the given ones. */
  const oneUnit = (cell: CellType, S: number[][], W: Record<string, number>) => {
    const keys = cell === 'type1' ? ['w_i', 'u_i', 'w_g', 'u_g', 'w_o', 'u_o', 'w_c', 'u_c'] : ['w_i', 'u_i', 'w_g', 'u_g', 'w_o', 'u_o', 'w_cell'];
    const value = { S, W: Object.fromEntries([...keys.map((key) => [key, [[W[key] ?? 0]]]), ...keys.filter((key) => key.startsWith('w_')).map((key) => [`b_${key.slice(2)}`, [W[`b_${key.slice(2)}`] ?? 0]])]) };
    return forms(cell, value as CaseInput);
  };
  const exactOf = (c: CaseForms) => () => exactReference(c.flat);
  const zeroAt = (outputs: FlatOutputs, changes: Record<string, number>, k = 0) => Object.entries(changes).reduce((out, [key, value]) => doctored(out, key, k, value), outputs);

  it('should call a zero of the wrong sign a port bug where every evaluation of the formula gives NumPy\'s', () => {
    // o = σ(-800) is +0 and c < 0, so h = o tanh(c) is -0, whatever the arithmetic.
    const c = oneUnit('type1', [[1]], { b_o: -800, b_c: -1 });
    const numpy = outputsOf(c);
    expect(Object.is(numpy.Output[0], -0)).toBe(true);
    const report = signedZeros(c.flat, zeroAt(numpy, { Output: 0 }), numpy, exactOf(c));
    expect(report).toEqual({ wrong: { count: 1, key: 'Output', step: 0, unit: 0, actual: 0, expected: -0, exact: '-0' } });
    expect(describeSignedZeroMismatch(report.wrong!)).toBe(
      "1 exact zero of a sign no evaluation of the seed's formula gives; first Output step 0 unit 0: +0, NumPy -0, exact arithmetic on NumPy's operands -0",
    );
    expect(signedZeros(c.flat, numpy, numpy, () => expect.unreachable('no zero differs: nothing to evaluate'))).toEqual({});
  });

  it("should call NumPy's the departure where its own operands give only the implementation's sign", () => {
    // Type 1's candidate: W_c x = -1e-200 · 1e-200 underflows from a negative value, U_c h = -1 · (+0)
    // is -0 and b_c = -0: every term is negative, so the pre-activation is -0 in every order; a
    // NumPy whose BLAS sums from +0 says +0.
    const c = oneUnit('type1', [[1e-200]], { w_c: -1e-200, u_c: -1, b_c: -0 });
    const port = outputsOf(c);
    expect(Object.is(port.cell_input_activations[0], -0)).toBe(true);
    const blas = zeroAt(port, { cell_input_activations: 0 });
    const report = signedZeros(c.flat, port, blas, exactOf(c));
    expect(report).toEqual({ numpyDeparts: { count: 1, key: 'cell_input_activations', step: 0, unit: 0, actual: -0, expected: 0, exact: '-0' } });
    expect(describeNumpyDeparture(report.numpyDeparts!)).toBe(
      "reference platform quirk: 1 zero where NumPy's sign is not the one exact arithmetic gives on NumPy's own operands, and the implementation's is; first cell_input_activations step 0 unit 0: -0, NumPy +0, exact arithmetic on NumPy's operands -0",
    );
  });

  it('should accept either sign where rounding the products first and fusing them legitimately differ', () => {
    // Type 2, ĉ = tanh(-5e-324) = -5e-324 and i = 0.5: i ĉ = -2.5e-324 exactly. The seed rounds it
    // to -0 and adds f c_prev = +0: +0. fma(i, ĉ, f c) rounds once: -0. Both are right.
    const c = oneUnit('type2', [[1]], { w_cell: -5e-324 });
    const numpy = outputsOf(c);
    expect(Object.is(numpy.cell_state_vectors[0], 0)).toBe(true);
    const fused = zeroAt(numpy, { cell_state_vectors: -0, Output: -0 });
    const report = signedZeros(c.flat, fused, numpy, exactOf(c));
    expect(report).toEqual({ consistent: { count: 2, key: 'Output', step: 0, unit: 0, actual: -0, expected: 0, exact: '+0' } });
    expect(describeConsistentZero(report.consistent!)).toBe(
      "2 zeros whose sign differs from NumPy's and follows from the implementation's own operands (within tolerance of NumPy's) or either way from the formula; first Output step 0 unit 0: -0, NumPy +0, exact arithmetic on NumPy's operands +0",
    );
  });

  it('should never let a gate be -0, name each zero by step and unit, and count them', () => {
    for (const cell of ['type1', 'type2'] as const) {
      const W = (cell === 'type1' ? type1Weights(2, 1) : type2Weights(2, 1)) as unknown as Record<string, number[][] | number[]>;
      for (const key of ['b_i', 'b_g', 'b_o']) W[key] = [-800, -800];
      const c = forms(cell, { S: sequence(2, 1), W });
      const numpy = outputsOf(c);
      const o = cell === 'type1' ? 'Output_gate_activations' : 'output_gate_activations';
      expect(Object.is(numpy[o][3], 0)).toBe(true);
      const port = zeroAt(zeroAt(zeroAt(numpy, { [o]: -0 }, 3), { forget_gate_activations: -0 }, 3), { input_gate_activations: -0 }, 3);
      const report = signedZeros(c.flat, port, numpy, exactOf(c));
      // The first in the seed's key order: type 1 lists its output gate before the input gate.
      expect(report).toEqual({ wrong: { count: 3, key: cell === 'type1' ? o : 'input_gate_activations', step: 1, unit: 1, actual: -0, expected: 0, exact: '+0' } });
      expect(describeSignedZeroMismatch(report.wrong!)).toMatch(/^3 exact zeros of a sign no evaluation/);
      // Zeros against numbers, or numbers against zeros, are the comparison's business, not this one's.
      expect(signedZeros(c.flat, zeroAt(numpy, { [o]: 0.5 }, 3), numpy, exactOf(c))).toEqual({});
      expect(signedZeros(c.flat, numpy, zeroAt(numpy, { [o]: 0.5 }, 3), exactOf(c))).toEqual({});
    }
  });

  it('should show either sign as ±0 where fusing and rounding first part', () => {
    const c = oneUnit('type2', [[1]], { w_cell: -5e-324 });
    const numpy = outputsOf(c);
    const report = signedZeros(c.flat, zeroAt(numpy, { cell_state_vectors: -0 }), numpy, exactOf(c));
    expect(report).toEqual({ consistent: { count: 1, key: 'cell_state_vectors', step: 0, unit: 0, actual: -0, expected: 0, exact: '±0' } });
  });

  it("should tell NumPy's departure and either sign from a port's +0 as well as from its -0", () => {
    // h = o tanh(c) with o = σ(-800) = +0 and c > 0 is +0 in every evaluation: a NumPy -0 departs.
    const c = oneUnit('type1', [[1]], { b_o: -800, b_c: 1 });
    const port = outputsOf(c);
    expect(Object.is(port.Output[0], 0)).toBe(true);
    expect(signedZeros(c.flat, port, zeroAt(port, { Output: -0 }), exactOf(c))).toEqual({ numpyDeparts: { count: 1, key: 'Output', step: 0, unit: 0, actual: 0, expected: -0, exact: '+0' } });
    // Type 2's c where rounding first and fusing part: a port's +0 against NumPy's -0 is consistent.
    const fused = oneUnit('type2', [[1]], { w_cell: -5e-324 });
    const seed = outputsOf(fused);
    expect(signedZeros(fused.flat, seed, zeroAt(seed, { cell_state_vectors: -0 }), exactOf(fused))).toEqual({
      consistent: { count: 1, key: 'cell_state_vectors', step: 0, unit: 0, actual: 0, expected: -0, exact: '±0' },
    });
  });

  it("should accept a zero whose sign follows the implementation's own operands, as measured", () => {
    // NumPy's tanh rounds a candidate to exactly 1 where this package's gives 0.9999999999999999,
    // so NumPy's c_t cancels to 0 and the port's to -5.6e-17; h_t = o tanh(c_t) with o = +0 takes
    // c_t's sign. Here NumPy's c is set to 0 by hand beside the port's real outputs.
    const c = oneUnit('type1', [[1]], { b_o: -800, b_c: -1 });
    const port = outputsOf(c);
    const numpy = zeroAt(port, { cell_state_vectors: 0, Output: 0 });
    expect(signedZeros(c.flat, port, numpy, exactOf(c))).toMatchObject({ consistent: { count: 1, key: 'Output', exact: '+0' } });
    // With Output alone from the implementation, exact arithmetic's own operands vouch for it.
    expect(signedZeros(c.flat, { Output: port.Output }, numpy, exactOf(c))).toMatchObject({ consistent: { count: 1, key: 'Output' } });
    // An implementation that returns every key is judged on its own operands alone.
    expect(signedZeros(c.flat, port, numpy, () => expect.unreachable('every key is there: exact arithmetic is not needed'))).toMatchObject({ consistent: { count: 1, key: 'Output' } });
    // Its own operands must allow it: an implementation whose c is +0 too has no excuse.
    expect(signedZeros(c.flat, { ...port, cell_state_vectors: numpy.cell_state_vectors }, numpy, () => numpy)).toMatchObject({ wrong: { count: 1, key: 'Output' } });
  });
});

describe('signed zeros: the signs each formula allows', () => {
  const PLUS = { minus: false, plus: true };
  const MINUS = { minus: true, plus: false };
  const EITHER = { minus: true, plus: true };
  const tiny = 1e-200;

  it('should give a sum its sign, and either sign only where terms of both signs or -0 beside +0 meet', () => {
    expect(sumSigns([NaN], [1])).toEqual(EITHER);
    // A sum that does not round to zero has its sign, whatever signs its terms have.
    expect(sumSigns([2, -1], [1, 1])).toEqual(PLUS);
    expect(sumSigns([-2, 1], [1, 1])).toEqual(MINUS);
    // Tiny products (1e-400) round to a zero of their own sign in every order.
    expect(sumSigns([tiny], [tiny])).toEqual(PLUS);
    expect(sumSigns([-tiny], [tiny])).toEqual(MINUS);
    expect(sumSigns([tiny, tiny], [tiny, -tiny])).toEqual(EITHER);
    // Zero terms: -0 beside a positive tiny term changes nothing, +0 beside a negative one may.
    expect(sumSigns([-0, tiny], [1, tiny])).toEqual(PLUS);
    expect(sumSigns([tiny, -tiny], [tiny, 0])).toEqual(PLUS);
    expect(sumSigns([tiny, 0], [tiny, 1])).toEqual(PLUS);
    expect(sumSigns([-tiny, 0], [tiny, 1])).toEqual(EITHER);
    // Exact zeros: -0 only when every term is -0.
    expect(sumSigns([-0, -0], [1, 1])).toEqual(MINUS);
    expect(sumSigns([-0, 0], [1, 1])).toEqual(PLUS);
  });

  it("should read a pre-activation's terms from its row, its step's inputs and the state before it", () => {
    const c = toFlatCase('type1', { S: sequence(3, 2), W: type1Weights(2, 2) });
    const state = Float64Array.of(1, 2, 3, 4, 5, 6);
    const { w_c: w, u_c: u, b_c: b } = c.W;
    expect(preActivationTerms(c, 'c', 2, 1, state)).toEqual([[w[2], w[3], u[2], u[3], b[1]], [c.S[4], c.S[5], 3, 4, 1]]);
    expect(preActivationTerms(c, 'c', 1, 0, state)).toEqual([[w[0], w[1], u[0], u[1], b[0]], [c.S[2], c.S[3], 1, 2, 1]]);
    expect(preActivationTerms(c, 'c', 0, 1, state)).toEqual([[w[2], w[3], u[2], u[3], b[1]], [c.S[0], c.S[1], 0, 0, 1]]);
    expect(preActivationTerms(c, 'c', 2, 1, undefined)).toEqual([[w[2], w[3], b[1]], [c.S[4], c.S[5], 1]]);
  });

  /** Operands of one unit over two steps, type 1's keys, with every product's zero negative unless changed. */
  const operands1 = (changes: Record<string, number[]> = {}): FlatOutputs =>
    Object.fromEntries(
      Object.entries({
        Output_gate_activations: [1, 1],
        input_gate_activations: [1, 1],
        forget_gate_activations: [1, 1],
        cell_input_activations: [-0, -0],
        cell_state_vectors: [-0, -0],
        Output: [-0, -0],
        ...changes,
      }).map(([key, values]) => [key, Float64Array.from(values)]),
    );
  const unit1 = toFlatCase('type1', { S: [[1], [1]], W: { w_i: [[0]], u_i: [[0]], b_i: [0], w_g: [[0]], u_g: [[0]], b_g: [0], w_o: [[0]], u_o: [[0]], b_o: [0], w_c: [[-0]], u_c: [[1]], b_c: [-0] } });

  it('should never let a gate be -0, whatever its operands', () => {
    // The cell state's formula on these operands gives -0 only; a gate's zero is +0 regardless.
    expect(elementSigns(unit1, operands1(), 'cell_state_vectors', 1, 0)).toEqual(MINUS);
    for (const key of ['input_gate_activations', 'forget_gate_activations', 'Output_gate_activations']) expect(elementSigns(unit1, operands1(), key, 1, 0), key).toEqual(PLUS);
  });

  it("should sign h's zero by o's and c's signs at that step and unit, and allow either when one is NaN", () => {
    const c = toFlatCase('type1', { S: sequence(2, 1), W: type1Weights(2, 1) });
    const ops = operands1({ Output_gate_activations: [0.5, 0.5, 0.5, 0.5], cell_state_vectors: [0.25, 0.25, 0.25, -0.25], Output: [0, 0, 0, 0] });
    expect(elementSigns(c, ops, 'Output', 1, 1)).toEqual(MINUS);
    expect(elementSigns(c, ops, 'Output', 1, 0)).toEqual(PLUS);
    expect(elementSigns(c, { ...ops, Output_gate_activations: Float64Array.of(0.5, 0.5, 0.5, NaN) }, 'Output', 1, 1)).toEqual(EITHER);
    expect(elementSigns(c, { ...ops, cell_state_vectors: Float64Array.of(0.25, 0.25, 0.25, NaN) }, 'Output', 1, 1)).toEqual(EITHER);
  });

  it("should read type 1's candidate from h before it, and its cell state from the traced candidate", () => {
    // ĉ_1's terms are w_c x = -0, u_c h_0 and b_c = -0: -0 only where h_0 is -0, whatever c_0 is.
    expect(elementSigns(unit1, operands1({ cell_state_vectors: [0, 0] }), 'cell_input_activations', 1, 0)).toEqual(MINUS);
    expect(elementSigns(unit1, operands1({ Output: [0, 0] }), 'cell_input_activations', 1, 0)).toEqual(PLUS);
    // c_1 = f c_0 + i ĉ_1 on the traced ĉ: -0 · 1 twice, or a +0 beside it.
    expect(elementSigns(unit1, operands1({ cell_input_activations: [-0, 0] }), 'cell_state_vectors', 1, 0)).toEqual(PLUS);
  });

  it("should take type 2's candidate from its formula: each sign a zero may have, or the value it has", () => {
    // ĉ_1 = tanh(1e-200 · 1e-200 - 1e-200 · 2e-200 + b): its zero may be either sign, so c_1 may be too.
    const mixedInput = { S: [[0, 0], [tiny, 2 * tiny]], W: { w_i: [[0, 0]], u_i: [[0]], b_i: [0], w_g: [[0, 0]], u_g: [[0]], b_g: [0], w_o: [[0, 0]], u_o: [[0]], b_o: [0], w_cell: [[tiny, -tiny]], b_cell: [0] } };
    const mixed = toFlatCase('type2', mixedInput);
    const ops2 = (changes: Record<string, number[]> = {}): FlatOutputs => {
      const { Output_gate_activations: o, cell_input_activations: _, ...rest } = operands1(changes);
      return { ...rest, output_gate_activations: o };
    };
    expect(elementSigns(mixed, ops2(), 'cell_state_vectors', 1, 0)).toEqual(EITHER);
    // Either candidate sign gives c_1 the sign of c_0 where c_0 is a number: both candidates agree.
    expect(elementSigns(mixed, ops2({ cell_state_vectors: [1, 0] }), 'cell_state_vectors', 1, 0)).toEqual(PLUS);
    expect(elementSigns(mixed, ops2({ cell_state_vectors: [-1, 0] }), 'cell_state_vectors', 1, 0)).toEqual(MINUS);
    // A candidate zero of one sign only: every term -0 (b = -0), or every term positive.
    const oneSign = (w: number, b: number) => toFlatCase('type2', { ...mixedInput, W: { ...mixedInput.W, w_cell: [[w, w]], b_cell: [b] } });
    expect(elementSigns(oneSign(-tiny, -0), ops2(), 'cell_state_vectors', 1, 0)).toEqual(MINUS);
    expect(elementSigns(oneSign(tiny, 0), ops2({ cell_state_vectors: [0, 0], input_gate_activations: [1, -1] }), 'cell_state_vectors', 1, 0)).toEqual(PLUS);
    // A nonzero ĉ: c_1 = f c_0 + i ĉ with c_0 = ĉ and i = -1 cancels to an exact zero of either sign.
    const half = toFlatCase('type2', { S: [[0, 0], [1, 0]], W: { w_i: [[0, 0]], u_i: [[0]], b_i: [0], w_g: [[0, 0]], u_g: [[0]], b_g: [0], w_o: [[0, 0]], u_o: [[0]], b_o: [0], w_cell: [[0.5, 0]], b_cell: [0] } });
    const value = tanh(0.5);
    expect(elementSigns(half, ops2({ cell_state_vectors: [value, 0], input_gate_activations: [1, -1] }), 'cell_state_vectors', 1, 0)).toEqual(EITHER);
  });
});

describe('exact facts: bounds, edges and messages', () => {
  it('should bound a pre-activation by γ_n Σ|terms| around the left-to-right sum, whatever the order', () => {
    // X = 2, H = 1: w = (0.5, -3), S_t = (2, 0.25), u = 4 on h_{t-1} = 0.125, b = 0.75.
    const c: FlatCase = { cell: 'type1', steps: 2, inputs: 2, hidden: 1, S: Float64Array.of(9, 9, 2, 0.25), W: { w_i: Float64Array.of(0.5, -3), u_i: Float64Array.of(4), b_i: Float64Array.of(0.75) } };
    const state = Float64Array.of(0.125, 0);
    const z = preactivationBounds(c, state, { w: 'w_i', u: 'u_i', b: 'b_i' }, 1, 0);
    const sum = 0.5 * 2 + -3 * 0.25 + 4 * 0.125 + 0.75;
    const size = 1 + 0.75 + 0.5 + 0.75;
    const n = 2 + 1 + 2;
    const gamma = (n * 2 ** -53) / (1 - n * 2 ** -53);
    const margin = 2.01 * gamma * size + 2 * n * 5e-324;
    expect(z).toEqual({ kind: 'within', lo: sum - margin, hi: sum + margin });
    // At t = 0 the state is zeros that multiply: only the input terms and the bias.
    const z0 = preactivationBounds(c, state, { w: 'w_i', u: 'u_i', b: 'b_i' }, 0, 0);
    const size0 = 4.5 + 27 + 0.75;
    expect(z0).toEqual({ kind: 'within', lo: 4.5 - 27 + 0.75 - (2.01 * gamma * size0 + 2 * n * 5e-324), hi: 4.5 - 27 + 0.75 + 2.01 * gamma * size0 + 2 * n * 5e-324 });
    // Every product zero: the bias exactly. A NaN term: NaN. Products whose sizes overflow while
    // their sum does not, or an infinite term: the order decides, nothing is certain.
    const zeros = { ...c, S: Float64Array.of(0, 0, 0, 0) };
    expect(preactivationBounds(zeros, Float64Array.of(0, 0), { w: 'w_i', u: 'u_i', b: 'b_i' }, 1, 0)).toEqual({ kind: 'within', lo: 0.75, hi: 0.75 });
    expect(preactivationBounds({ ...c, S: Float64Array.of(9, 9, Infinity, 0) }, state, { w: 'w_i', u: 'u_i', b: 'b_i' }, 1, 0)).toBeUndefined();
    const huge = { ...c, S: Float64Array.of(9, 9, 1.7976e308, 0.3e308), W: { ...c.W, u_i: Float64Array.of(0) } };
    expect(preactivationBounds(huge, state, { w: 'w_i', u: 'u_i', b: 'b_i' }, 1, 0)).toBeUndefined();
    // Terms that cancel to exactly 0 show the margin's bits: once from sizes of 1, once from
    // subnormal products, where the margin is mostly its one subnormal ULP per term.
    const gates = { w: 'w_i', u: 'u_i', b: 'b_i' };
    const cancel = (x: number): FlatCase => ({ ...c, steps: 1, S: Float64Array.of(x, x), W: { w_i: Float64Array.of(1, -1), u_i: Float64Array.of(0), b_i: Float64Array.of(0) } });
    const exactMargin = (size: number) => 2.01 * gamma * size + 2 * n * 5e-324;
    expect(preactivationBounds(cancel(0.5), Float64Array.of(0), gates, 0, 0)).toEqual({ kind: 'within', lo: -exactMargin(1), hi: exactMargin(1) });
    expect(preactivationBounds(cancel(1e-310), Float64Array.of(0), gates, 0, 0)).toEqual({ kind: 'within', lo: -exactMargin(2e-310), hi: exactMargin(2e-310) });
    const nan = { ...c, S: Float64Array.of(9, 9, NaN, 0) };
    expect(preactivationBounds(nan, state, { w: 'w_i', u: 'u_i', b: 'b_i' }, 1, 0)).toEqual({ kind: 'nan' });
  });

  it('should read the gates of type 1 from h and say so, and of type 2 from c', () => {
    // Step 0: i = σ(0) = 1/2, ĉ ≈ tanh(10), c_0 ≈ 1/2, o = σ(-1), h_0 = o tanh(c_0) ≈ 0.124. Step 1:
    // i's pre-activation is 100 h_0 ≈ 12.4, inside (0, 1); read from c_0 it would be 50, exactly 1.
    const zero = [[0]];
    const W = { w_i: zero, u_i: [[100]], b_i: [0], w_g: zero, u_g: zero, b_g: [0], w_o: zero, u_o: zero, b_o: [-1], w_c: [[10]], u_c: zero, b_c: [0] };
    const c = forms('type1', { S: [[1], [1]], W });
    const outputs = outputsOf(c);
    expect(outputs.input_gate_activations[1]).toBeLessThan(1);
    expect(checkExactFacts(c.flat, outputs, inputsFor(c, 1)).violations).toEqual([]);
    const { Output: _h, ...noH } = outputs;
    expect(checkExactFacts(c.flat, noH).notChecked).toEqual([
      { fact: 'gate-saturation', reason: 'needs Output' },
      { fact: 'h-bounded', reason: 'needs Output' },
      { fact: 'output-recompute', reason: "needs Output, the implementation's tanh" },
      { fact: 'causality', reason: 'needs the outputs for a prefix of S' },
    ]);
    const { cell_input_activations: _cand, ...noCandidate } = outputs;
    expect(checkExactFacts(c.flat, noCandidate).notChecked.find((n) => n.fact === 'cell-state-recompute')).toEqual({ fact: 'cell-state-recompute', reason: 'needs cell_input_activations' });
  });

  it('should leave units whose pre-activation straddles a constant unjudged, even at exactly 0 or 1', () => {
    const H = 4;
    const W = type1Weights(H, 1) as unknown as Record<string, number[][] | number[]>;
    W.u_i = (W.u_i as number[][]).map((row) => row.map(() => 0));
    // Products of 1e-300 beside a bias on σ's constants: within the rounding bound of either side.
    W.w_i = (W.w_i as number[][]).map(() => [1e-300]);
    W.b_i = [SIGMOID_ONE_FROM, SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, SIGMOID_ZERO_UPTO];
    const loose = forms('type1', { S: sequence(2, 1), W });
    for (const [unit, value] of [[0, 1], [1, nextAfter(1, 'down')], [2, 0], [3, 5e-324]]) {
      const outputs = doctored(outputsOf(loose), 'input_gate_activations', unit, value);
      expect(checkExactFacts(loose.flat, outputs, inputsFor(loose)).violations.filter((v) => v.fact === 'gate-saturation')).toEqual([]);
    }
  });

  it('should say what each fact demands where it is broken', () => {
    const H = 4;
    const W = type1Weights(H, 1) as unknown as Record<string, number[][] | number[]>;
    for (const key of ['w_i', 'u_i']) W[key] = (W[key] as number[][]).map((row) => row.map(() => 0));
    W.b_i = [SIGMOID_ONE_FROM, 0, SIGMOID_ZERO_UPTO, 0];
    const c = forms('type1', { S: sequence(2, 1), W });
    const outputs = outputsOf(c);
    const expectedOf = (key: string, k: number, value: number, fact: string) => checkExactFacts(c.flat, doctored(outputs, key, k, value), inputsFor(c)).violations.find((v) => v.fact === fact)?.expected;
    const range = (b: number) => `[${b}, ${b}] (σ is 0 at <= ${SIGMOID_ZERO_UPTO}, 1 at >= ${SIGMOID_ONE_FROM})`;
    expect(expectedOf('input_gate_activations', 0, 0.5, 'gate-saturation')).toBe(`exactly 1: pre-activation in ${range(SIGMOID_ONE_FROM)}`);
    expect(expectedOf('input_gate_activations', 2, 0.5, 'gate-saturation')).toBe(`exactly 0: pre-activation in ${range(SIGMOID_ZERO_UPTO)}`);
    expect(expectedOf('input_gate_activations', 1, 1, 'gate-saturation')).toBe(`strictly inside (0, 1): pre-activation in ${range(0)}`);
    expect(expectedOf('input_gate_activations', 1, 1.5, 'gates-in-unit-interval')).toBe('within [0, 1]');
    expect(expectedOf('Output', 5, 1.5, 'h-bounded')).toBe('|h| <= 1');
    expect(expectedOf('cell_state_vectors', 5, 2.5, 'c-bounded')).toBe('|c_t| <= 2 after 2 steps');
    expect(expectedOf('cell_state_vectors', 5, 0.25, 'cell-state-recompute')).toBe(`${outputs.cell_state_vectors[5]} = f * c_prev + i * cand`);
    // |h| = 1 and |c_t| = t exactly are within their bounds.
    expect(expectedOf('Output', 5, -1, 'h-bounded')).toBeUndefined();
    expect(expectedOf('cell_state_vectors', 1, 1, 'c-bounded')).toBeUndefined();
    expect(expectedOf('cell_state_vectors', 5, -2, 'c-bounded')).toBeUndefined();
    const inputs = inputsFor(c, 1);
    inputs.prefix!.outputs = { ...doctored(inputs.prefix!.outputs, 'Output', 2, 0.5), extra_key: Float64Array.of(1) };
    const causality = checkExactFacts(c.flat, outputs, inputs).violations.find((v) => v.fact === 'causality');
    expect(causality?.expected).toBe(`${outputs.Output[2]}, the same step for the whole S (run on S[:1])`);
  });

  it('should print a violation in one line, with -0 and plurals', () => {
    const v = { fact: 'c-bounded' as const, count: 1, key: 'cell_state_vectors', step: 3, unit: 1, actual: -0, expected: 'x' };
    expect(describeViolation(v)).toBe('c-bounded: 1 element breaks it; first cell_state_vectors step 3 unit 1: -0, expected x');
    expect(describeViolation({ ...v, count: 2, actual: 0.5 })).toBe('c-bounded: 2 elements break it; first cell_state_vectors step 3 unit 1: 0.5, expected x');
  });

  it('should say a case of one step has no proper prefix, and one of two does', () => {
    const one = forms('type1', { S: sequence(1, 2), W: type1Weights(2, 2) as unknown as CaseInput['W'] });
    expect(checkExactFacts(one.flat, outputsOf(one)).notChecked.find((n) => n.fact === 'causality')?.reason).toBe('needs a proper prefix of S, which has fewer than 2 steps');
    const two = forms('type1', { S: sequence(2, 2), W: type1Weights(2, 2) as unknown as CaseInput['W'] });
    expect(checkExactFacts(two.flat, outputsOf(two)).notChecked.find((n) => n.fact === 'causality')?.reason).toBe('needs the outputs for a prefix of S');
  });

  it('should recompute type 1 c_t past an infinite input, and type 2 only before it (its read-out is exact while S is finite)', () => {
    const S = sequence(4, 2);
    S[1][0] = Infinity;
    const one = forms('type1', { S, W: type1Weights(3, 2) as unknown as CaseInput['W'] });
    const outputs1 = outputsOf(one);
    expect(checkExactFacts(one.flat, outputs1, inputsFor(one)).violations.filter((v) => v.fact === 'cell-state-recompute')).toEqual([]);
    const wrong = checkExactFacts(one.flat, doctored(outputs1, 'cell_state_vectors', 3 * 3, 0.5), inputsFor(one));
    expect(wrong.violations.find((v) => v.fact === 'cell-state-recompute')).toMatchObject({ step: 3, unit: 0, actual: 0.5 });
    const two = forms('type2', { S, W: type2Weights(3, 2) as unknown as CaseInput['W'] });
    expect(checkExactFacts(two.flat, outputsOf(two), inputsFor(two)).violations.filter((v) => v.fact === 'cell-state-recompute')).toEqual([]);
  });

  it("should accept either sign of a zero candidate read through type 2's cell, and only there", () => {
    // Step 0: ĉ = tanh(-1), c_0 < 0. Step 1: f = σ(-1000) = +0 and ĉ = tanh(-0) = -0, so
    // c_1 = (+0)(c_0) + i (-0) = -0. A read-out whose own previous c is positive gives ĉ as +0;
    // with it the recomputation is +0, and only the other sign of ĉ gives the cell's -0.
    const zero = [[0, 0]];
    const W = { w_i: zero, u_i: [[0]], b_i: [0], w_g: [[1, 0]], u_g: [[0]], b_g: [0], w_o: zero, u_o: [[0]], b_o: [0], w_cell: [[0, 1]], b_cell: [-0] };
    const c = forms('type2', { S: [[0, -1], [-1000, -0]], W });
    const outputs = outputsOf(c);
    expect(Object.is(outputs.cell_state_vectors[1], -0)).toBe(true);
    const inputs = inputsFor(c, 1);
    const signLost = doctored(inputs.candidates!, 'cell_state_vectors', 1, 0);
    expect(checkExactFacts(c.flat, outputs, { ...inputs, candidates: signLost }).violations).toEqual([]);
    // A nonzero candidate has no other sign, and type 1 traces its own candidate exactly.
    const wrongCandidate = doctored(inputs.candidates!, 'cell_state_vectors', 0, inputs.candidates!.cell_state_vectors[0] * 0.5);
    expect(checkExactFacts(c.flat, outputs, { ...inputs, candidates: wrongCandidate }).violations.map((v) => v.fact)).toEqual(['cell-state-recompute']);
  });

  it("should give a zero candidate's other sign its own product: f c_prev where c_prev is -0 and f is not 0", () => {
    // As above, then step 2: f = σ(0) = 0.5, ĉ = tanh(-0) = -0, so c_2 = 0.5 (-0) + 0.5 (-0) = -0.
    // A read-out that lost ĉ's sign gives +0; only f c_1 + i (-ĉ) = -0 recomputes the cell's zero.
    const zero = [[0, 0]];
    const W = { w_i: zero, u_i: [[0]], b_i: [0], w_g: [[1, 0]], u_g: [[0]], b_g: [0], w_o: zero, u_o: [[0]], b_o: [0], w_cell: [[0, 1]], b_cell: [-0] };
    const c = forms('type2', { S: [[0, -1], [-1000, -0], [-0, -0]], W });
    const outputs = outputsOf(c);
    expect([outputs.cell_state_vectors[1], outputs.cell_state_vectors[2], outputs.forget_gate_activations[2]]).toEqual([-0, -0, 0.5]);
    const inputs = inputsFor(c, 1);
    const signLost = doctored(doctored(inputs.candidates!, 'cell_state_vectors', 1, 0), 'cell_state_vectors', 2, 0);
    expect(checkExactFacts(c.flat, outputs, { ...inputs, candidates: signLost }).violations).toEqual([]);
    // A nonzero candidate of the other sign is no such read-out: it fails.
    const negated = doctored(inputs.candidates!, 'cell_state_vectors', 0, -inputs.candidates!.cell_state_vectors[0]);
    expect(checkExactFacts(c.flat, outputs, { ...inputs, candidates: negated }).violations.map((v) => v.fact)).toEqual(['cell-state-recompute']);
  });

  it("should hold type 1's cell state to its traced candidate's sign, even a zero's", () => {
    // Type 1's twin of the case above: f_1 = σ(-1000) = +0, ĉ_1 = tanh(-0) = -0 (u_c h_0 = 0 · h_0
    // with h_0 < 0), so c_1 = -0. A trace whose ĉ_1 is +0 does not recompute it.
    const zero = [[0, 0]];
    const W = { w_i: zero, u_i: [[0]], b_i: [0], w_g: [[1, 0]], u_g: [[0]], b_g: [0], w_o: zero, u_o: [[0]], b_o: [0], w_c: [[0, 1]], u_c: [[0]], b_c: [-0] };
    const c = forms('type1', { S: [[0, -1], [-1000, -0]], W });
    const outputs = outputsOf(c);
    expect([outputs.cell_input_activations[1], outputs.cell_state_vectors[1]]).toEqual([-0, -0]);
    const inputs = inputsFor(c, 1);
    expect(checkExactFacts(c.flat, outputs, inputs).violations).toEqual([]);
    const signLost = doctored(outputs, 'cell_input_activations', 1, 0);
    expect(checkExactFacts(c.flat, signLost, inputs).violations.filter((v) => v.fact === 'cell-state-recompute')).toMatchObject([{ step: 1, unit: 0, actual: -0 }]);
  });

  it('should keep every weight of the case in the read-out but the forced gates, and cut S by whole steps', () => {
    const c = forms('type2', { S: sequence(3, 2), W: type2Weights(2, 2) as unknown as CaseInput['W'] });
    const readout = candidateReadout(c);
    for (const key of ['w_o', 'u_o', 'b_o', 'w_cell', 'b_cell']) expect(readout.flat.W[key]).toBe(c.flat.W[key]);
    expect([...readout.flat.W.b_g]).toEqual([-1000, -1000]);
    const cut = prefixOf(c, 2);
    expect([...cut.flat.S]).toEqual([...c.flat.S.subarray(0, 4)]);
    expect(prefixOf(c, 0).flat.S.length).toBe(0);
    expect(prefixOf(c, 3).flat.steps).toBe(3);
    expect(() => prefixOf(c, -1)).toThrow('prefixOf: expected 0 <= steps <= 3, got -1');
    expect(() => prefixOf(c, 1.5)).toThrow('prefixOf: expected 0 <= steps <= 3, got 1.5');
  });
});

describe('the exact reference', () => {
  // Weights of 4 units from [-0.5, 0.5) are far from any overflow or cancellation: the exact sums
  // and the cells' left-to-right ones agree to a few ULP, and any index or formula slip is far off.
  const close = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, k) => Math.abs(x - b[k]) <= 1e-13 * Math.max(1, Math.abs(b[k])));
  const big1 = forms('type1', { S: sequence(5, 3), W: type1Weights(4, 3, 5) as unknown as CaseInput['W'] });
  const big2 = forms('type2', { S: sequence(5, 3), W: type2Weights(4, 3, 6) as unknown as CaseInput['W'] });

  it.each([big1, big2])("should give the cells' outputs to a few ULP, every key in the seed's order ($flat.cell)", (c) => {
    const cells = outputsOf(c);
    const exact = exactReference(c.flat);
    expect(Object.keys(exact)).toEqual(Object.keys(cells));
    for (const key of Object.keys(cells)) expect(close(exact[key], cells[key]), key).toBe(true);
    const rounded = exactReference(c.flat, { productsRounded: true });
    for (const key of Object.keys(cells)) expect(close(rounded[key], cells[key]), key).toBe(true);
  });

  it.each([big1, big2])('should stop after the steps asked for, never beyond T ($flat.cell)', (c) => {
    const all = exactReference(c.flat);
    const two = exactReference(c.flat, { steps: 2 });
    for (const key of Object.keys(all)) expect([...two[key]]).toEqual([...all[key].subarray(0, 2 * 4)]);
    expect(exactReference(c.flat, { steps: 50 }).Output.length).toBe(5 * 4);
  });

  it.each([big1, big2])('should round S and W to float32 first in float32 ($flat.cell)', (c) => {
    const rounded = { ...c.flat, S: c.flat.S.map(Math.fround), W: Object.fromEntries(Object.entries(c.flat.W).map(([key, values]) => [key, values.map(Math.fround)])) };
    const f32 = exactReference(c.flat, { dtype: 'float32' });
    const again = exactReference(rounded, { dtype: 'float32' });
    for (const key of Object.keys(f32)) expect(f32[key].every((x, k) => Object.is(x, again[key][k])), key).toBe(true);
  });

  it.each([big1, big2])('should round inputs and every result to float32 only when asked ($flat.cell)', (c) => {
    const f64 = exactReference(c.flat);
    const f32 = exactReference(c.flat, { dtype: 'float32' });
    for (const key of Object.keys(f64)) {
      expect(f32[key].every((x) => Math.fround(x) === x), key).toBe(true);
      expect(f64[key].some((x) => Math.fround(x) !== x), key).toBe(true);
      expect(f32[key].every((x, k) => Math.abs(x - f64[key][k]) <= 1e-6), key).toBe(true);
    }
  });
});
