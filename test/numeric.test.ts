/**
 * The comparison machinery on hand-made traces, edge values first: the tolerance pair, ULP
 * distances and neighbours, the mismatch report, the verdicts, the JSON writer and the seeded
 * generator (against SplitMix64 written on BigInt). Each expected value here is worked out by hand
 * or by an independent implementation, not taken from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { describeVerdict, judge } from '../src/judge/verdict.js';
import { firstOrderDecided } from '../src/judge/order-decided.js';
import { stringifyDoubles } from '../src/format/json-writer.js';
import { compareKey, compareTraces, formatComparison } from '../src/judge/compare.js';
import { agreement, FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, makeTolerance, toleranceFor, ulpsFor } from '../src/judge/tolerance.js';
import { nextAfter, nextAfter32, ulpDistance, ulpDistance32, ulpOf } from '../src/numeric/ulp.js';
import { SeededRandom } from '../src/numeric/seeded-random.js';
import { WEIGHT_KEYS } from '../src/cells/schema.js';

describe('tolerance', () => {
  it('should take an (rtol, atol) pair of finite numbers >= 0 and nothing else', () => {
    expect(makeTolerance(1e-9, 0)).toEqual({ rtol: 1e-9, atol: 0 });
    expect(Object.isFrozen(makeTolerance(1, 1))).toBe(true);
    expect(() => makeTolerance(-1, 0)).toThrowError('rtol: expected a finite number >= 0, got -1');
    expect(() => makeTolerance(0, NaN)).toThrowError('atol: expected a finite number >= 0, got NaN');
    expect(() => makeTolerance(Infinity, 0)).toThrowError('rtol: expected a finite number >= 0, got Infinity');
  });

  it('should name float32 only where it is not the default, and count ULPs in the precision named', () => {
    expect(makeTolerance(1e-4, 1e-5, 'float32')).toEqual({ rtol: 1e-4, atol: 1e-5, dtype: 'float32' });
    expect(Object.keys(makeTolerance(1e-4, 1e-5, 'float64'))).toEqual(['rtol', 'atol']);
    expect(Object.keys(makeTolerance(1e-4, 1e-5))).toEqual(['rtol', 'atol']);
    expect(toleranceFor('float32')).toBe(FLOAT32_TOLERANCE);
    expect(toleranceFor('float64')).toBe(FLOAT64_TOLERANCE);
    const next32 = 1 + 2 ** -23;
    expect([ulpsFor(FLOAT32_TOLERANCE)(1, next32), ulpsFor(FLOAT64_TOLERANCE)(1, next32)]).toEqual([1, 2 ** 29]);
  });

  it('should classify each pair of values', () => {
    expect(agreement(1, 1, FLOAT64_TOLERANCE)).toBe('equal');
    expect(agreement(0, -0, FLOAT64_TOLERANCE)).toBe('equal');
    expect(agreement(NaN, NaN, FLOAT64_TOLERANCE)).toBe('equal');
    expect(agreement(1 + 2 ** -52, 1, FLOAT64_TOLERANCE)).toBe('close');
    expect(agreement(1.001, 1, FLOAT64_TOLERANCE)).toBe('value');
    // The bound is inclusive: |actual - expected| = atol + rtol * |expected| exactly is close.
    expect(agreement(1.5, 1, makeTolerance(0.25, 0.25))).toBe('close');
    expect(agreement(1.5 + 2 ** -52 * 2, 1, makeTolerance(0.25, 0.25))).toBe('value');
    expect(agreement(NaN, 1, FLOAT64_TOLERANCE)).toBe('nan');
    expect(agreement(1, NaN, FLOAT64_TOLERANCE)).toBe('nan');
    expect(agreement(Infinity, 1e308, FLOAT64_TOLERANCE)).toBe('infinity');
    expect(agreement(Infinity, -Infinity, FLOAT64_TOLERANCE)).toBe('infinity');
  });
});

describe('ULP distances and neighbours', () => {
  it('should count the doubles between two values, across zero too', () => {
    expect(ulpDistance(1, 1 + 2 ** -52)).toBe(1);
    expect(ulpDistance(-1, -1 - 2 ** -52)).toBe(1);
    expect(ulpDistance(5e-324, -5e-324)).toBe(2);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBeNaN();
    expect(ulpDistance(Infinity, 1)).toBe(Infinity);
    expect(ulpDistance(Infinity, Infinity)).toBe(0);
    // Across zero the distances to zero add: 1 is 0x3ff0000000000000 doubles above +0.
    expect(ulpDistance(1, -1)).toBe(2 * 0x3ff0000000000000);
    // 2 and the double below it differ in both 32-bit halves (0x40000000_00000000 vs 0x3fffffff_ffffffff).
    expect(ulpDistance(2, 2 - 2 ** -52)).toBe(1);
    expect(ulpDistance(2 - 2 ** -52, 2)).toBe(1);
  });

  it('should give the spacing at a value and step to the neighbours', () => {
    expect(ulpOf(1)).toBe(2 ** -52);
    expect(ulpOf(-1)).toBe(2 ** -52);
    expect(ulpOf(0)).toBe(5e-324);
    expect(ulpOf(Infinity)).toBeNaN();
    expect(nextAfter(1, 'up')).toBe(1 + 2 ** -52);
    expect(nextAfter(1, 'down')).toBe(1 - 2 ** -53);
    expect(nextAfter(-1, 'up')).toBe(-1 + 2 ** -53);
    expect(nextAfter(0, 'up')).toBe(5e-324);
    expect(nextAfter(-0, 'down')).toBe(-5e-324);
    expect(nextAfter(NaN, 'up')).toBeNaN();
    expect(nextAfter(-Infinity, 'up')).toBe(-Infinity);
  });

  it('should count float32 steps between values rounded to float32, across zero too', () => {
    expect(ulpDistance32(1, 1 + 2 ** -23)).toBe(1);
    expect(ulpDistance32(-1, -1 - 2 ** -23)).toBe(1);
    expect(ulpDistance32(2 ** -149, -(2 ** -149))).toBe(2);
    expect(ulpDistance32(0, -0)).toBe(0);
    // Across zero the distances to zero add: 1 is 0x3f800000 float32s above +0.
    expect(ulpDistance32(1, -1)).toBe(2 * 0x3f800000);
    expect(ulpDistance32(-1, -2)).toBe(2 ** 23);
    // Both round to the float32 1 first.
    expect(ulpDistance32(1 + 2 ** -30, 1 - 2 ** -30)).toBe(0);
    expect(ulpDistance32(NaN, 1)).toBeNaN();
    expect(ulpDistance32(1, NaN)).toBeNaN();
    expect(ulpDistance32(Infinity, 1)).toBe(Infinity);
    expect(ulpDistance32(1, -Infinity)).toBe(Infinity);
    expect(ulpDistance32(Infinity, Infinity)).toBe(0);
    // 1e39 is past the largest float32, so it rounds to Infinity.
    expect(ulpDistance32(1e39, Infinity)).toBe(0);
  });

  it('should step to the float32 neighbours of the float32 nearest a value', () => {
    expect(nextAfter32(1, 'up')).toBe(1 + 2 ** -23);
    expect(nextAfter32(1, 'down')).toBe(1 - 2 ** -24);
    expect(nextAfter32(-1, 'up')).toBe(-1 + 2 ** -24);
    expect(nextAfter32(-1, 'down')).toBe(-1 - 2 ** -23);
    expect(nextAfter32(1 + 2 ** -30, 'up')).toBe(1 + 2 ** -23);
    expect(nextAfter32(0, 'up')).toBe(2 ** -149);
    expect(nextAfter32(0, 'down')).toBe(-(2 ** -149));
    expect(nextAfter32(-0, 'up')).toBe(2 ** -149);
    expect(nextAfter32(2 ** -149, 'down')).toBe(0);
    expect(nextAfter32(NaN, 'up')).toBeNaN();
    expect(nextAfter32(Infinity, 'up')).toBe(Infinity);
    expect(nextAfter32(-Infinity, 'down')).toBe(-Infinity);
  });
});

describe('the mismatch report', () => {
  const tol = makeTolerance(1e-12, 1e-14);

  it('should refuse arrays of different lengths and keys missing from the actual trace', () => {
    expect(() => compareKey('Output', [1, 2], [1, 2, 3, 4], 2, tol)).toThrowError('Output: expected 4 values (2 steps), got 2');
    expect(() => compareTraces({}, { Output: [1] }, 1, tol)).toThrowError('Output: missing from the actual trace');
  });

  it('should say that everything agrees, with the largest error', () => {
    const c = compareTraces({ Output: [1, 2 + 2 ** -51] }, { Output: [1, 2] }, 2, tol);
    expect(c.ok).toBe(true);
    expect(formatComparison(c, 'case')).toBe('case: 2 elements agree (rtol 1e-12, atol 1e-14); largest error 4.44e-16, 1 ULP');
  });

  it('should count ULPs only where the relative tolerance governs, and judge every element all the same', () => {
    // 1e-20 against 3e-20 agrees (atol) though trillions of ULP apart, and 0.001 (below atol / rtol
    // = 0.01) 20 ULP off is not counted either; 0.5 is 2 ULP off.
    const c = compareTraces({ Output: [3e-20, 0.5 + 2 ** -52, -1e-15, 0.001 + 20 * 2 ** -62] }, { Output: [1e-20, 0.5, 1e-15, 0.001] }, 4, tol);
    expect(c.ok).toBe(true);
    expect(c.maxUlps).toBe(2);
    expect(c.worstUlps).toMatchObject({ step: 0, unit: 1 });
    expect(c.maxAbs).toBe(2e-15);
    // Beyond atol's reach a value near zero is still a mismatch.
    expect(compareTraces({ Output: [1e-13] }, { Output: [1e-20] }, 1, tol).ok).toBe(false);
  });

  it('should name each kind of mismatch, where it is, and what was allowed', () => {
    const c = compareTraces({ Output: [1.5, NaN, Infinity, 0], cell: [0] }, { Output: [1, 0, 1, 0], cell: [0] }, 2, tol);
    expect(c.ok).toBe(false);
    expect(c.mismatches).toBe(3);
    const report = formatComparison(c, 'case').split('\n');
    expect(report[0]).toBe('case: mismatched elements: 3 / 5 (60.0%), allowed |actual - expected| <= 1e-14 + 1e-12 * |expected|');
    expect(report[1]).toBe('  Output: 3 / 4 differ; first at Output step 0 unit 0: actual 1.5, expected 1, error 5.00e-1 (2251799813685248 ULP), allowed 1.01e-12');
    expect(report.slice(2)).toEqual([
      '  largest absolute error: Output step 0 unit 0: actual 1.5, expected 1, error 5.00e-1 (2251799813685248 ULP), allowed 1.01e-12',
      '  largest ULP distance: Output step 0 unit 0: actual 1.5, expected 1, error 5.00e-1 (2251799813685248 ULP), allowed 1.01e-12',
    ]);
    const nan = compareTraces({ h: [NaN] }, { h: [0] }, 1, tol);
    expect(formatComparison(nan, 'n')).toContain('h step 0 unit 0: actual NaN, expected 0 (NaN positions must match exactly)');
    const inf = compareTraces({ h: [Infinity] }, { h: [0] }, 1, tol);
    expect(formatComparison(inf, 'i')).toContain('h step 0 unit 0: actual Infinity, expected 0 (infinities must match exactly)');
  });
});

describe('where the report points', () => {
  const tol = makeTolerance(0, 0);

  it('should keep the largest error of a key, whatever comes after it, and the first of equals', () => {
    const c = compareKey('h', [1.5, 1.25, 2.5, 1.25], [1, 1, 2, 1], 2, tol);
    expect([c.maxAbs, c.worstAbs?.step, c.worstAbs?.unit]).toEqual([0.5, 0, 0]);
    expect([c.maxUlps, c.worstUlps?.step, c.worstUlps?.unit]).toEqual([2 ** 51, 0, 0]);
    const later = compareKey('h', [1, 1.25, 1.5, 1.5], [1, 1, 1, 1], 2, tol);
    expect([later.maxAbs, later.worstAbs?.step, later.worstAbs?.unit]).toEqual([0.5, 1, 0]);
    expect([later.maxUlps, later.worstUlps?.step, later.worstUlps?.unit]).toEqual([2 ** 51, 1, 0]);
  });

  it('should take the worst element over all keys, from the first key on a tie', () => {
    const small = { a: [1.25], b: [1.5], c: [1.5] };
    const c = compareTraces(small, { a: [1], b: [1], c: [1] }, 1, tol);
    expect([c.worstAbs?.key, c.worstUlps?.key]).toEqual(['b', 'b']);
    const first = compareTraces({ a: [1.5], b: [1.25] }, { a: [1], b: [1] }, 1, tol);
    expect([first.worstAbs?.key, first.worstUlps?.key]).toEqual(['a', 'a']);
  });

  it('should print values in shortest exponent form, and the report one line per fact', () => {
    const c = compareTraces({ h: [1.5e21] }, { h: [1e21] }, 1, tol);
    expect(formatComparison(c, 'case')).toBe([
      'case: mismatched elements: 1 / 1 (100.0%), allowed |actual - expected| <= 0 + 0 * |expected|',
      `  h: 1 / 1 differ; first at h step 0 unit 0: actual 1.5e+21, expected 1e+21, error 5.00e+20 (${ulpDistance(1.5e21, 1e21)} ULP), allowed 0.00e+0`,
      `  largest absolute error: h step 0 unit 0: actual 1.5e+21, expected 1e+21, error 5.00e+20 (${ulpDistance(1.5e21, 1e21)} ULP), allowed 0.00e+0`,
      `  largest ULP distance: h step 0 unit 0: actual 1.5e+21, expected 1e+21, error 5.00e+20 (${ulpDistance(1.5e21, 1e21)} ULP), allowed 0.00e+0`,
    ].join('\n'));
  });
});

describe('verdicts', () => {
  const tol = FLOAT64_TOLERANCE;
  /** One unit, one input, two steps, every weight and bias `w`: a type 1 case the verdict can evaluate exactly. */
  const oneUnit = (S: number[], w: number) => ({
    cell: 'type1' as const,
    hidden: 1,
    steps: S.length,
    inputs: 1,
    S: Float64Array.from(S),
    W: Object.fromEntries(['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_c', 'u_c', 'b_c'].map((key) => [key, Float64Array.of(w)])),
  });
  const shape = oneUnit([0.5, 0.25], 0.5);
  const expected = { Output: Float64Array.of(0.1, 0.2) };

  it('should call a case that agrees an agreement', () => {
    const v = judge(shape, { Output: [0.1, 0.2] }, expected, tol);
    expect(v.kind).toBe('agrees');
    expect(describeVerdict(v)).toBe('agrees: 2 elements within rtol 1e-12, atol 1e-14; largest error 0.00e+0 (0 ULP)');
  });

  it('should call a difference a port bug when no noise floor was measured', () => {
    const v = judge(shape, { Output: [0.1, 0.3] }, expected, tol);
    expect(v.kind).toBe('port-bug');
    expect(describeVerdict(v)).toMatch(/^PORT BUG: 1\/2 elements differ; worst Output step 1 unit 0: port 0\.3, NumPy 0\.2, error 1\.00e-1 \(\d+ ULP\), allowed 2\.10e-13 \(noise floor not measured\)$/);
  });

  it('should call a difference within NumPy\'s own spread ill-conditioned, and one beyond it a port bug', () => {
    const floor = (spread: number) => ({ stepSpread: { Output: Float64Array.of(0, spread) } });
    const ill = judge(shape, { Output: [0.1, 0.3] }, expected, tol, floor(0.05));
    expect(ill.kind).toBe('ill-conditioned');
    expect(ill.spread).toBe(0.05);
    expect(describeVerdict(ill)).toBe(
      "ill-conditioned: 1/2 elements differ, all within NumPy's own spread under 1-ULP perturbations of its inputs and activations (up to 5.00e-2); worst Output step 1 unit 0: error 1.00e-1 vs spread 5.00e-2",
    );
    const bug = judge(shape, { Output: [0.1, 0.3] }, expected, tol, floor(0.001));
    expect(bug.kind).toBe('port-bug');
    expect(describeVerdict(bug)).toMatch(/allowed 2\.10e-13 \+ 4 x spread 1\.00e-3$/);
  });

  it('should call a NaN where NumPy is finite a platform quirk only where NumPy departs from exact arithmetic', () => {
    const floor = { stepSpread: { Output: Float64Array.of(0, 0) } };
    // Finite inputs, finite weights: exact arithmetic is finite everywhere, so a NaN is the port's.
    const plain = judge(shape, { Output: [0.1, NaN] }, expected, tol, floor);
    expect(plain.kind).toBe('port-bug');
    // ∞ · 0 in every pre-activation of step 1: exact arithmetic gives NaN, as the port does; a
    // NumPy that computes inf * 0 as 0 (OpenBLAS, some kernels) is the one that departs.
    const infTimesZero = oneUnit([0.5, Infinity], 0);
    const quirk = judge(infTimesZero, { Output: [0.1, NaN] }, expected, tol, floor);
    expect(quirk.kind).toBe('platform-quirk');
    expect(describeVerdict(quirk)).toBe(
      'reference platform quirk: NaN or an infinity differs where NumPy departs from exact arithmetic and the implementation does not (1 element; e.g. OpenBLAS computes inf * 0 as 0); first seen at Output step 1 unit 0: port NaN, NumPy 0.2',
    );
    // The same case, but the implementation sends a number where NumPy and exact arithmetic give NaN.
    expect(judge(infTimesZero, { Output: [0.1, 0] }, { Output: Float64Array.of(0.1, NaN) }, tol, floor).kind).toBe('port-bug');
    // A sum whose partial sum overflows left to right, though the whole does not: w_i · x =
    // 2 · 1e308 - 1.5 · 1e308 = 5e307 at step 0, finite; an infinity there is the port's.
    const wide = { ...shape, inputs: 2, steps: 1, S: Float64Array.of(1e308, 1e308), W: { ...shape.W, w_i: Float64Array.of(2, -1.5), w_g: Float64Array.of(0, 0), w_o: Float64Array.of(0, 0), w_c: Float64Array.of(0, 0) } };
    const key = 'input_gate_activations';
    expect(judge(wide, { [key]: [NaN] }, { [key]: Float64Array.of(1) }, tol, { stepSpread: { [key]: Float64Array.of(0) } }).kind).toBe('port-bug');
    // Two products that overflow with opposite signs: rounded first they give ∞ - ∞ = NaN (this
    // package's cells, and the seed's own order), fused or exact +∞ (NumPy): the order decides,
    // which the case cannot judge. Found by the conformance suite (seed 1506492121).
    const overflowing = { ...shape, inputs: 2, steps: 1, S: Float64Array.of(-1e308, -Number.MAX_VALUE), W: { ...shape.W, w_i: Float64Array.of(0, 0), w_g: Float64Array.of(0, 0), w_o: Float64Array.of(0, 0), w_c: Float64Array.of(-718, 353) } };
    const order = judge(overflowing, { cell_input_activations: [NaN] }, { cell_input_activations: Float64Array.of(1) }, tol, { stepSpread: { cell_input_activations: Float64Array.of(0) } });
    expect(order.kind).toBe('ill-conditioned');
    expect(describeVerdict(order)).toBe('ill-conditioned: 1 element NaN or infinite in one and not the other, where products overflow and the order of evaluation decides: products rounded before they are summed give the implementation\'s; e.g. cell_input_activations step 0 unit 0: port NaN, NumPy 1');
    // The same overflow with the first product's sign kept (a fused chain meets 48 · -1e308 first
    // and stays -∞) gives σ = 0 where NumPy, like exact arithmetic, has +∞ and σ = 1: a value
    // difference, not a NaN, and still the order's choice. Found by the conformance suite on the
    // fused example port (seed -1211335116); the case here is its shrunk one, cut to X = 2 and
    // given a second step.
    const zeros = (n: number) => new Float64Array(n);
    const twoByTwo = {
      cell: 'type1' as const,
      hidden: 2,
      inputs: 2,
      steps: 2,
      S: Float64Array.of(-1e308, -1e308, 0.5, 0.5),
      W: { ...Object.fromEntries(['w_i', 'u_i', 'w_g', 'u_g', 'w_o', 'u_o', 'w_c', 'u_c'].map((key) => [key, zeros(4)])), ...Object.fromEntries(['b_i', 'b_g', 'b_o', 'b_c'].map((key) => [key, zeros(2)])), w_g: Float64Array.of(0, 0, 48, -452) },
    };
    const f = 'forget_gate_activations';
    const numpyForget = { [f]: Float64Array.of(0.5, 1, 0.5, 0.5) };
    const flat = { stepSpread: { [f]: Float64Array.of(0, 0) } };
    const fused = judge(twoByTwo, { [f]: [0.5, 0, 0.5, 0.5] }, numpyForget, tol, flat);
    expect(fused.kind).toBe('ill-conditioned');
    expect(describeVerdict(fused)).toBe(
      'ill-conditioned: 1/4 elements differ, from step 0 on, where products overflow with both signs in a pre-activation (forget gate of unit 1: -452 x -1e+308 = +inf and 48 x -1e+308 = -inf): the order of evaluation decides whether it is +inf, -inf or NaN; e.g. forget_gate_activations step 0 unit 1: port 0, NumPy 1',
    );
    // Several such sums at that step are counted, by unit.
    const twoGates = { ...twoByTwo, W: { ...twoByTwo.W, w_i: Float64Array.of(0, 0, 3, -3) } };
    expect(describeVerdict(judge(twoGates, { [f]: [0.5, 0, 0.5, 0.5] }, numpyForget, tol, flat))).toMatch(/-inf; 2 such sums in unit 1\): /);
    const bothUnits = { ...twoByTwo, W: { ...twoByTwo.W, w_g: Float64Array.of(2, -3, 48, -452) } };
    expect(describeVerdict(judge(bothUnits, { [f]: [1, 0, 0.5, 0.5] }, { [f]: Float64Array.of(0, 1, 0.5, 0.5) }, tol, flat))).toMatch(
      /^ill-conditioned: 2\/4 elements differ, from step 0 on, where products overflow with both signs in a pre-activation \(forget gate of unit 0: -3 x -1e\+308 = \+inf and 2 x -1e\+308 = -inf; 2 such sums in units 0, 1\)/,
    );
    // σ of no infinity and no NaN is not the order's choice; nor is a difference in the other
    // unit at that step, whose sums do not overflow; after that step, every state inherits it.
    expect(judge(twoByTwo, { [f]: [0.5, 0.5, 0.5, 0.5] }, numpyForget, tol, flat).kind).toBe('port-bug');
    expect(judge(twoByTwo, { [f]: [0.4, 0, 0.5, 0.5] }, numpyForget, tol, flat).kind).toBe('port-bug');
    expect(judge(twoByTwo, { [f]: [0.5, 0, 0.4, 0.5] }, numpyForget, tol, flat).kind).toBe('ill-conditioned');
    // The seed's order, NaN there, goes by the rounded-products path as before.
    expect(judge(twoByTwo, { [f]: [0.5, NaN, 0.5, 0.5] }, numpyForget, tol, flat).evaluationOrder).toBe(1);
    // One sign of overflow only: the rounded products sum to that infinity in any order.
    const oneSign = { ...twoByTwo, W: { ...twoByTwo.W, w_g: Float64Array.of(0, 0, 48, 452) } };
    expect(judge(oneSign, { [f]: [0.5, 1, 0.5, 0.5] }, { [f]: Float64Array.of(0.5, 0, 0.5, 0.5) }, tol, flat).kind).toBe('port-bug');
    // A long case that differs everywhere is judged, not a stack overflow (a mistaken port's
    // campaign died of Math.min(...) over every differing element).
    const long = oneUnit(new Array<number>(300_000).fill(0.5), 0.5);
    const everywhere = { Output: new Float64Array(300_000).fill(0.2) };
    expect(judge(long, { Output: new Float64Array(300_000).fill(0.3) }, everywhere, tol, { stepSpread: { Output: new Float64Array(300_000) } }).kind).toBe('port-bug');
    expect(judge(long, { Output: new Float64Array(300_000).fill(NaN) }, everywhere, tol, { stepSpread: { Output: new Float64Array(300_000) } }).kind).toBe('port-bug');
    // Overflow is the working precision's: 1e9 · -1e30 overflows float32, not float64.
    const narrow = { ...twoByTwo, S: Float64Array.of(-1e30, -1e30, 0.5, 0.5), W: { ...twoByTwo.W, w_g: Float64Array.of(0, 0, 1e9, -2e9) } };
    expect(firstOrderDecided(narrow, { dtype: 'float64' })).toBeUndefined();
    expect(firstOrderDecided(narrow, { dtype: 'float32' })).toEqual({ step: 0, sums: [{ step: 0, unit: 1, gate: 'g', positive: [Math.fround(-2e9), Math.fround(-1e30)], negative: [1e9, Math.fround(-1e30)] }] });
    // NaN-ness that moves in NumPy itself under perturbation, at that element, is noise, not a finding.
    const moved = { stepSpread: { Output: Float64Array.of(0, 0) }, classMoved: { Output: Uint8Array.of(0, 1) } };
    const noisy = judge(shape, { Output: [0.1, NaN] }, expected, tol, moved);
    expect(noisy.kind).toBe('ill-conditioned');
    expect(describeVerdict(noisy)).toBe(
      "ill-conditioned: 1/2 elements differ where NumPy's own output turns NaN or infinite or back under 1-ULP perturbations of its inputs and activations; e.g. Output step 1 unit 0: port NaN, NumPy 0.2",
    );
    // ... but it excuses that element only: a value that differs beside it is judged on its own.
    const twoUnits = { ...shape, hidden: 2, steps: 1, W: Object.fromEntries(Object.entries(shape.W).map(([k, v]) => [k, Float64Array.from(k.startsWith('u_') ? [0.5, 0.5, 0.5, 0.5] : [0.5, 0.5])])) };
    const beside = judge(twoUnits, { Output: [0.3, NaN] }, expected, tol, moved);
    expect(beside.kind).toBe('port-bug');
    expect(describeVerdict(beside)).toMatch(/^PORT BUG: 2\/2 elements differ; worst Output step 0 unit 0: port 0\.3, NumPy 0\.1/);
  });
});

describe('verdicts on NaN and infinities', () => {
  const tol = FLOAT64_TOLERANCE;
  const keys = ['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_c', 'u_c', 'b_c'];
  const oneUnit = (S: number[], w: number) => ({ cell: 'type1' as const, hidden: 1, steps: S.length, inputs: 1, S: Float64Array.from(S), W: Object.fromEntries(keys.map((key) => [key, Float64Array.of(w)])) });
  const floor = { stepSpread: { Output: Float64Array.of(0, 0) } };
  const finite = oneUnit([0.5, 0.25], 0.5);
  const expected = { Output: Float64Array.of(0.1, 0.2) };

  it('should tell +∞ and -∞ from a number, and from each other', () => {
    // Exact arithmetic is finite here: an infinity from the port is the port's, whatever NumPy has.
    for (const inf of [Infinity, -Infinity]) {
      expect(judge(finite, { Output: [0.1, inf] }, { Output: Float64Array.of(0.1, NaN) }, tol, floor).kind).toBe('port-bug');
      expect(judge(finite, { Output: [0.1, NaN] }, { Output: Float64Array.of(0.1, inf) }, tol, floor).kind).toBe('port-bug');
      expect(judge(finite, { Output: [0.1, -inf] }, { Output: Float64Array.of(0.1, inf) }, tol, floor).kind).toBe('port-bug');
    }
  });

  it('should leave close elements out of the judgement, and excuse a NaN only where NumPy moved at that element', () => {
    // 0.1 + 1e-17 is within tolerance of 0.1: not a NaN or infinity question, whatever else differs.
    const ill = judge(finite, { Output: [0.1 + 1e-17, 0.3] }, expected, tol, { stepSpread: { Output: Float64Array.of(0, 0.05) } });
    expect(ill.kind).toBe('ill-conditioned');
    expect(ill.evaluationOrder).toBeUndefined();
    expect(ill.classMoved).toBeUndefined();
    const moved = { stepSpread: { Output: Float64Array.of(0, 0) }, classMoved: { Output: Uint8Array.of(0, 1) } };
    expect(judge(finite, { Output: [NaN, 0.2] }, expected, tol, moved).kind).toBe('port-bug');
    const both = judge(finite, { Output: [0.1, NaN] }, expected, tol, moved);
    expect([both.kind, both.classMoved]).toEqual(['ill-conditioned', 1]);
  });

  it('should call a difference of exactly tolerance + κ · spread noise, and anything past it a port bug', () => {
    const spread = { stepSpread: { Output: Float64Array.of(0.25) } };
    const one = oneUnit([0.5], 0.5);
    const edge = 1e-14 + 4 * 0.25;
    expect(judge(one, { Output: [edge] }, { Output: Float64Array.of(0) }, tol, spread).kind).toBe('ill-conditioned');
    expect(judge(one, { Output: [nextAfter(edge, 'up')] }, { Output: Float64Array.of(0) }, tol, spread).kind).toBe('port-bug');
  });

  it('should point at the worst element: the furthest beyond, then the largest error, then the first', () => {
    // Two NaN or infinity flips are both infinitely far: the first stays.
    expect(judge(finite, { Output: [NaN, Infinity] }, expected, tol, floor).worst).toMatchObject({ step: 0 });
    expect(judge(finite, { Output: [Infinity, NaN] }, expected, tol, floor).worst).toMatchObject({ step: 0, actual: Infinity });
    // With no tolerance, errors of 0.25 and 0.5 against spreads of 1/16 and 1/8 are both exactly at
    // the noise (excess 1): the larger error is the worst, whichever comes first.
    const none = { ...tol, rtol: 0, atol: 0 };
    const spreads = (a: number, b: number) => ({ stepSpread: { Output: Float64Array.of(a, b) } });
    const zeros = { Output: Float64Array.of(0, 0) };
    expect(judge(finite, { Output: [0.25, 0.5] }, zeros, none, spreads(1 / 16, 1 / 8)).worst).toMatchObject({ step: 1, excess: 1 });
    expect(judge(finite, { Output: [0.5, 0.25] }, zeros, none, spreads(1 / 8, 1 / 16)).worst).toMatchObject({ step: 0, excess: 1 });
    // A larger excess wins over a larger error, and on a full tie the first stays.
    expect(judge(finite, { Output: [0.25, 0.5] }, zeros, none, spreads(1 / 16, 1 / 16)).worst).toMatchObject({ step: 1, excess: 2 });
    expect(judge(finite, { Output: [0.25, 0.5] }, zeros, none, spreads(1 / 32, 1 / 8)).worst).toMatchObject({ step: 0, excess: 2 });
    expect(judge(finite, { Output: [0.5, 0.5] }, zeros, none, spreads(1 / 8, 1 / 8)).worst).toMatchObject({ step: 0, excess: 1 });
    const two = { ...finite, hidden: 2, steps: 2, W: Object.fromEntries(Object.entries(finite.W).map(([k, v]) => [k, Float64Array.from(k.startsWith('u_') ? [0.5, 0.5, 0.5, 0.5] : [v[0], v[0]])])) };
    const verdict = judge(two, { Output: [0.1, 0.2, 0.3, 0.9] }, { Output: Float64Array.of(0.1, 0.2, 0.3, 0.4) }, tol);
    expect(verdict.worst).toMatchObject({ step: 1, unit: 1, actual: 0.9 });
  });

  it("should judge a float32 implementation's NaN by float32 arithmetic, where NumPy's departs", () => {
    // 1e39 is +∞ in float32, and 0 · ∞ is NaN: exact float32 arithmetic gives NaN everywhere, where
    // float64's is finite. A NumPy that computes inf * 0 as 0 (OpenBLAS) departs; the port does not.
    const overflowing = oneUnit([1e39, 0.25], 0);
    const verdict = judge(overflowing, { Output: [NaN, NaN] }, { Output: Float64Array.of(0.25, 0.1) }, FLOAT32_TOLERANCE, floor);
    expect(verdict.kind).toBe('platform-quirk');
    expect(verdict.quirk).toMatch(/NumPy departs from exact arithmetic .*\(2 elements;/);
  });

  it('should count the elements excused by NumPy\'s own moves beside those the order of evaluation explains', () => {
    const S = [-1e308, -Number.MAX_VALUE];
    const overflowing = { ...oneUnit([0], 0.5), inputs: 2, steps: 1, S: Float64Array.from(S), W: { ...oneUnit([0], 0.5).W, w_i: Float64Array.of(0, 0), w_g: Float64Array.of(0, 0), w_o: Float64Array.of(0, 0), w_c: Float64Array.of(-718, 353) } };
    const key = 'cell_input_activations';
    const alone = judge(overflowing, { [key]: [NaN] }, { [key]: Float64Array.of(1) }, tol, { stepSpread: { [key]: Float64Array.of(0) } });
    expect([alone.kind, alone.evaluationOrder, alone.classMoved]).toEqual(['ill-conditioned', 1, undefined]);
    const withOutput = judge(
      overflowing,
      { [key]: [NaN], Output: [NaN] },
      { [key]: Float64Array.of(1), Output: Float64Array.of(0.5) },
      tol,
      { stepSpread: { [key]: Float64Array.of(0), Output: Float64Array.of(0) }, classMoved: { Output: Uint8Array.of(1) } },
    );
    expect([withOutput.kind, withOutput.evaluationOrder, withOutput.classMoved]).toEqual(['ill-conditioned', 1, 1]);
  });

  it('should judge NaN at every step by exact arithmetic up to the last one that differs', () => {
    // 0 x ∞ in every pre-activation from step 0: exact arithmetic is NaN at both steps.
    const infTimesZero = oneUnit([Infinity, Infinity], 0);
    const verdict = judge(infTimesZero, { Output: [NaN, NaN] }, expected, tol, floor);
    expect(verdict.kind).toBe('platform-quirk');
    expect(verdict.quirk).toMatch(/\(2 elements; /);
  });
});

describe('pre-activations the order of evaluation decides', () => {
  const tol = FLOAT64_TOLERANCE;
  /** A case with every weight 0 but those given (flat, row-major), S as rows. */
  const build = (cell: 'type1' | 'type2', H: number, S: number[][], W: Record<string, number[]> = {}) => {
    const X = S[0]?.length ?? 1;
    const length = (key: string) => (key.startsWith('b_') ? H : key.startsWith('u_') ? H * H : H * X);
    const weights = Object.fromEntries(WEIGHT_KEYS[cell].map((key) => [key, key in W ? Float64Array.from(W[key]) : new Float64Array(length(key))]));
    return { cell, hidden: H, inputs: X, steps: S.length, S: Float64Array.from(S.flat()), W: weights };
  };
  const huge = 1e308;

  it('should find products that overflow with both signs at the step where they first do, within the steps asked', () => {
    // Unit 1's forget gate at step 1 only: 48 · -1e308 = -∞ and -452 · -1e308 = +∞.
    const later = build('type1', 2, [[0.5, 0.5], [-huge, -huge]], { w_g: [0, 0, 48, -452] });
    expect(firstOrderDecided(later)).toEqual({ step: 1, sums: [{ step: 1, unit: 1, gate: 'g', positive: [-452, -huge], negative: [48, -huge] }] });
    expect(firstOrderDecided(later, { steps: 1 })).toBeUndefined();
    expect(firstOrderDecided(later, { steps: 5 })?.step).toBe(1);
    expect(firstOrderDecided({ ...later, steps: 0, S: new Float64Array(0) })).toBeUndefined();
    // Weights are read as given in float64, and rounded to float32 in float32.
    const odd = build('type1', 1, [[huge, huge]], { w_i: [3.1, -4.3] });
    expect(firstOrderDecided(odd)?.sums).toEqual([{ step: 0, unit: 0, gate: 'i', positive: [3.1, huge], negative: [-4.3, huge] }]);
    const narrow = build('type1', 1, [[1e30, 1e30]], { w_i: [1.1e9, -2.2e9] });
    expect(firstOrderDecided(narrow)).toBeUndefined();
    expect(firstOrderDecided(narrow, { dtype: 'float32' })?.sums).toEqual([{ step: 0, unit: 0, gate: 'i', positive: [Math.fround(1.1e9), Math.fround(1e30)], negative: [Math.fround(-2.2e9), Math.fround(1e30)] }]);
  });

  it("should read the recurrent products on the state before the step: type 1's h, type 2's c", () => {
    // Every gate 1 and ĉ = 1 (biases 100), so c_0 = 1 and c_1 = 2, while h stays below 1. At step 2,
    // w_i x = 1e308 · -10 = -∞; u_i times c_1 = 2 is +∞ (type 2), times h_1 = tanh(2) is not (type 1).
    const biases = (cell: 'type1' | 'type2') => Object.fromEntries(WEIGHT_KEYS[cell].filter((key) => key.startsWith('b_')).map((key) => [key, [100, 100]]));
    const S = [[0], [0], [-10]];
    const type2 = build('type2', 2, S, { ...biases('type2'), w_i: [huge, 0], u_i: [huge, 0, 0, 0] });
    expect(firstOrderDecided(type2)).toEqual({ step: 2, sums: [{ step: 2, unit: 0, gate: 'i', positive: [huge, 2], negative: [huge, -10] }] });
    const type1 = build('type1', 2, S, { ...biases('type1'), w_i: [huge, 0], u_i: [huge, 0, 0, 0] });
    expect(firstOrderDecided(type1)).toBeUndefined();
    // Type 2's candidate has no recurrent term to read.
    const candidate = build('type2', 1, [[-huge, -huge]], { w_cell: [48, -452] });
    expect(firstOrderDecided(candidate)?.sums).toEqual([{ step: 0, unit: 0, gate: 'cell', positive: [-452, -huge], negative: [48, -huge] }]);
  });

  it("should leave out sums with ∞ · 0 in them, and sums whose infinities all come from infinite inputs, but not one that mixes both kinds", () => {
    expect(firstOrderDecided(build('type1', 1, [[-huge, -huge, Infinity]], { w_g: [48, -452, 0] }))).toBeUndefined();
    expect(firstOrderDecided(build('type1', 1, [[Infinity, -Infinity]], { w_g: [1, 1] }))).toBeUndefined();
    expect(firstOrderDecided(build('type1', 1, [[Infinity, -huge]], { w_g: [1, 48] }))?.sums).toEqual([{ step: 0, unit: 0, gate: 'g', positive: [1, Infinity], negative: [48, -huge] }]);
    // In float32 the states are float32's too. With c_1 = 2, 3e38 · 2 and 3e38 · -10 overflow there
    // at step 2; but where S starts with 1e39, which is ∞ in float32 (0 · ∞ = NaN in the other
    // gates), every state after it is NaN, and no product is judged, finite as float64's states are.
    const gates = { b_i: [100], b_g: [100], b_o: [100], b_cell: [100], w_i: [3e38], u_i: [3e38] };
    const f32 = build('type2', 1, [[0], [0], [-10]], gates);
    expect(firstOrderDecided(f32, { dtype: 'float32' })).toEqual({ step: 2, sums: [{ step: 2, unit: 0, gate: 'i', positive: [Math.fround(3e38), 2], negative: [Math.fround(3e38), -10] }] });
    expect(firstOrderDecided(build('type2', 1, [[1e39], [0], [-10]], gates), { dtype: 'float32' })).toBeUndefined();
  });

  it('should excuse only the elements an order-decided sum reaches: its step and unit, its gate, an infinity\'s activation', () => {
    const f = 'forget_gate_activations';
    const flat = (...keys: string[]) => ({ stepSpread: Object.fromEntries(keys.map((key) => [key, new Float64Array(2)])) });
    // Decided at step 1 in unit 1: a difference at step 0 comes before it, wherever the next one is.
    const later = build('type1', 2, [[0.5, 0.5], [-huge, -huge]], { w_g: [0, 0, 48, -452] });
    expect(judge(later, { [f]: [0.5, 0, 0.5, 0] }, { [f]: Float64Array.of(0.5, 0.5, 0.5, 1) }, tol, flat(f)).kind).toBe('port-bug');
    expect(judge(later, { [f]: [0.5, 0.5, 0.5, 0] }, { [f]: Float64Array.of(0.5, 0.5, 0.5, 1) }, tol, flat(f)).kind).toBe('ill-conditioned');
    // At the decided step: σ(±∞) in another unit, or in another gate of the unit, is not excused.
    expect(judge(later, { [f]: [0.5, 0.5, 0, 0] }, { [f]: Float64Array.of(0.5, 0.5, 0.5, 1) }, tol, flat(f)).kind).toBe('port-bug');
    const i = 'input_gate_activations';
    expect(judge(later, { [i]: [0.5, 0.5, 0.5, 0] }, { [i]: Float64Array.of(0.5, 0.5, 0.5, 0.5) }, tol, flat(i)).kind).toBe('port-bug');
    // A NaN there is one legitimate answer too, beside a value that differs.
    expect(judge(later, { [f]: [0.5, 0.5, 0.5, NaN], Output: [0, 0, 0, 0.9] }, { [f]: Float64Array.of(0.5, 0.5, 0.5, 1), Output: Float64Array.of(0, 0, 0, 0.1) }, tol, flat(f, 'Output')).kind).toBe('ill-conditioned');
    // The state and output read the unit's gates: c every gate but o, h every gate.
    const c = 'cell_state_vectors';
    expect(judge(later, { [c]: [0, 0, 0, 0.9] }, { [c]: Float64Array.of(0, 0, 0, 0.1) }, tol, flat(c)).kind).toBe('ill-conditioned');
    const viaO = build('type1', 2, [[0.5, 0.5], [-huge, -huge]], { w_o: [0, 0, 48, -452] });
    expect(judge(viaO, { [c]: [0, 0, 0, 0.9] }, { [c]: Float64Array.of(0, 0, 0, 0.1) }, tol, flat(c)).kind).toBe('port-bug');
    expect(judge(viaO, { Output: [0, 0, 0, 0.9] }, { Output: Float64Array.of(0, 0, 0, 0.1) }, tol, flat('Output')).kind).toBe('ill-conditioned');
    // Where the output gate and another gate of the unit are both decided, the state reads the other.
    const viaOAndG = build('type1', 2, [[0.5, 0.5], [-huge, -huge]], { w_o: [0, 0, 48, -452], w_g: [0, 0, 48, -452] });
    expect(judge(viaOAndG, { [c]: [0, 0, 0, 0.9] }, { [c]: Float64Array.of(0, 0, 0, 0.1) }, tol, flat(c)).kind).toBe('ill-conditioned');
    // A candidate is tanh: ±1 is an infinity's, 0 is not.
    const ĉ = 'cell_input_activations';
    const viaC = build('type1', 2, [[0.5, 0.5], [-huge, -huge]], { w_c: [0, 0, 48, -452] });
    for (const [port, numpy] of [[-1, 1], [1, -1]]) {
      expect(judge(viaC, { [ĉ]: [0, 0, 0, port] }, { [ĉ]: Float64Array.of(0, 0, 0, numpy) }, tol, flat(ĉ)).kind, `${port}`).toBe('ill-conditioned');
    }
    expect(judge(viaC, { [ĉ]: [0, 0, 0, 0] }, { [ĉ]: Float64Array.of(0, 0, 0, 1) }, tol, flat(ĉ)).kind).toBe('port-bug');
    // Overflow is the working precision's: a float32 port's is judged in float32.
    const narrow = build('type1', 1, [[1e30, 1e30]], { w_g: [1.1e9, -2.2e9] });
    expect(judge(narrow, { [f]: [1] }, { [f]: Float64Array.of(0) }, FLOAT32_TOLERANCE, flat(f)).kind).toBe('ill-conditioned');
  });
});

describe('stringifyDoubles', () => {
  it('should write rows of doubles on one line, everything else indented, and skip undefined fields', () => {
    const text = stringifyDoubles({ a: [[1, -0], Float64Array.of(NaN, -Infinity)], b: [], c: {}, d: 'x', e: true, f: null, g: undefined, h: [['s']] });
    expect(text).toBe(
      [
        '{',
        '  "a": [',
        '    [1, -0.0],',
        '    ["NaN", "-Infinity"]',
        '  ],',
        '  "b": [],',
        '  "c": {},',
        '  "d": "x",',
        '  "e": true,',
        '  "f": null,',
        '  "h": [',
        '    [',
        '      "s"',
        '    ]',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(stringifyDoubles(Infinity)).toBe('"Infinity"\n');
  });
});

describe('SeededRandom', () => {
  /** SplitMix64 as specified, on BigInt: the generator on 32-bit halves must give the same bits. */
  class ReferenceSplitMix64 {
    private state: bigint;
    constructor(seed: number) {
      this.state = BigInt.asUintN(64, BigInt(seed));
    }
    uniform(): number {
      const mask = (1n << 64n) - 1n;
      this.state = (this.state + 0x9e3779b97f4a7c15n) & mask;
      let z = this.state;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
    }
  }

  it('should draw exactly what SplitMix64 on 64-bit integers draws, for any integer seed', () => {
    const seeds = [0, 1, -1, -5, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53), 1e20, -1e19, 20261129, 0x5bd1e995 ^ 12345];
    const pick = new ReferenceSplitMix64(7);
    for (let k = 0; k < 200; k++) seeds.push(Math.floor(pick.uniform() * 2 ** 53) * (pick.uniform() < 0.5 ? -1 : 1));
    for (const seed of seeds) {
      const fast = new SeededRandom(seed);
      const reference = new ReferenceSplitMix64(seed);
      for (let k = 0; k < 300; k++) expect(fast.uniform(), `seed ${seed}, draw ${k}`).toBe(reference.uniform());
    }
  });

  it('should refuse a seed that is not an integer, as BigInt does', () => {
    expect(() => new SeededRandom(1.5)).toThrowError('SeededRandom: expected an integer seed, got 1.5');
  });
});
