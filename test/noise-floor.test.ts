/**
 * The noise floor's own arithmetic, with no NumPy: the perturbed copies (one ULP per element, never
 * onto zero or an infinity, seeded) and the spreads measured over a reference's answers, here a
 * reference that answers from a table, so each spread and class change is known in advance; and
 * the verdict's one-line descriptions, which a report shows for each kind.
 */
import { describe, expect, it } from 'vitest';
import type { FlatCase, Reference, ReferenceResult } from '../src/judge/flat-case.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { describeVerdict, type Verdict } from '../src/judge/verdict.js';
import { DEFAULT_COPIES, measureNoiseFloors, perturbedCopies } from '../src/judge/noise-floor.js';
import { nextAfter, ulpDistance, ulpDistance32 } from '../src/numeric/ulp.js';
import { SeededRandom } from '../src/numeric/seeded-random.js';

/** A type 1 case of T = 2, X = 3, H = 2 whose S holds the edges: zeros, non-finite values, the smallest and largest doubles. */
function edgeCase(): FlatCase {
  const row = (n: number, k: number) => Float64Array.from({ length: n }, (_, j) => 0.25 * (j + 1) + k);
  const W: Record<string, Float64Array> = {};
  for (const [k, gate] of ['i', 'g', 'o', 'c'].entries()) {
    W[`w_${gate}`] = row(6, k);
    W[`u_${gate}`] = row(4, k);
    W[`b_${gate}`] = row(2, k);
  }
  return { cell: 'type1', steps: 2, inputs: 3, hidden: 2, S: Float64Array.of(0, -0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, NaN), W };
}

describe('perturbed copies', () => {
  it('should move every nonzero finite element exactly one ULP, never onto zero or an infinity, and leave zeros and non-finite values alone', () => {
    const c = { ...edgeCase(), S: Float64Array.of(0, -0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, NaN, Infinity, -Number.MIN_VALUE, 1.5), steps: 3 };
    const copies = perturbedCopies(c, 8, 5);
    expect(copies).toHaveLength(8);
    const ups = new Set<boolean>();
    for (const copy of copies) {
      expect(copy.cell).toBe('type1');
      expect([copy.steps, copy.inputs, copy.hidden]).toEqual([3, 3, 2]);
      expect(Object.is(copy.S[0], 0)).toBe(true);
      expect(Object.is(copy.S[1], -0)).toBe(true);
      // The smallest subnormal cannot go down (onto 0): it goes up; the largest double cannot go up.
      expect(copy.S[2]).toBe(2 * Number.MIN_VALUE);
      expect(copy.S[3]).toBe(nextAfter(Number.MAX_VALUE, 'down'));
      expect(copy.S[4]).toBe(nextAfter(-Number.MAX_VALUE, 'up'));
      expect(copy.S[5]).toBeNaN();
      expect(copy.S[6]).toBe(Infinity);
      expect(copy.S[7]).toBe(-2 * Number.MIN_VALUE);
      expect(ulpDistance(copy.S[8], 1.5)).toBe(1);
      ups.add(copy.S[8] > 1.5);
      for (const [key, values] of Object.entries(c.W)) {
        expect(copy.W[key]).toHaveLength(values.length);
        values.forEach((x, k) => expect(ulpDistance(copy.W[key][k], x)).toBe(1));
      }
      expect(Number.isInteger(copy.jitter)).toBe(true);
      expect(copy.jitter).toBeGreaterThanOrEqual(0);
      expect(copy.jitter).toBeLessThan(2 ** 31);
    }
    // A seeded coin: both directions occur, and the jitter seeds differ between copies.
    expect(ups).toEqual(new Set([true, false]));
    expect(new Set(copies.map((copy) => copy.jitter)).size).toBe(8);
    // The input is left as it was.
    expect(c.S[8]).toBe(1.5);
  });

  it('should draw one coin per element, S first, then each weight in order, then the jitter seed', () => {
    const c = { ...edgeCase(), S: Float64Array.of(0.5, 1.5, -2, 3, 0.25, -0.75) };
    const [copy] = perturbedCopies(c, 1, 9);
    const random = new SeededRandom(9);
    const direction = (moved: number, x: number) => (moved > x ? 'up' : 'down');
    for (let k = 0; k < c.S.length; k++) expect(direction(copy.S[k], c.S[k]), `S[${k}]`).toBe(random.uniform() < 0.5 ? 'up' : 'down');
    for (const [key, values] of Object.entries(c.W)) {
      for (let k = 0; k < values.length; k++) expect(direction(copy.W[key][k], values[k]), `${key}[${k}]`).toBe(random.uniform() < 0.5 ? 'up' : 'down');
    }
    expect(copy.jitter).toBe(Math.floor(random.uniform() * 2 ** 31));
  });

  it('should draw the same copies from the same seed and other copies from another', () => {
    const c = edgeCase();
    const a = perturbedCopies(c, 3, 11);
    const b = perturbedCopies(c, 3, 11);
    const other = perturbedCopies(c, 3, 12);
    expect(a.map((copy) => [...copy.S, ...copy.W.w_i, copy.jitter])).toEqual(b.map((copy) => [...copy.S, ...copy.W.w_i, copy.jitter]));
    expect(a.map((copy) => [...copy.W.w_i, copy.jitter])).not.toEqual(other.map((copy) => [...copy.W.w_i, copy.jitter]));
  });

  it('should move float32 elements by one float32 ULP from their float32 rounding', () => {
    const c = { ...edgeCase(), S: Float64Array.of(0.1, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, -0.7, 2) };
    for (const copy of perturbedCopies(c, 4, 2, 'float32')) {
      c.S.forEach((x, k) => {
        expect(Math.fround(copy.S[k])).toBe(copy.S[k]);
        expect(ulpDistance32(copy.S[k], Math.fround(x))).toBe(1);
        expect(Number.isFinite(copy.S[k]) && copy.S[k] !== 0).toBe(true);
      });
      expect(copy.S[2]).toBeLessThan(3.4028234663852886e38);
      expect(copy.S[3]).toBe(2 * 1.401298464324817e-45);
    }
    // A double that is zero in float32 stays that zero.
    const [tiny] = perturbedCopies({ ...c, S: Float64Array.of(1e-46, -1e-46, 1, 1, 1, 1) }, 1, 2, 'float32');
    expect([Object.is(tiny.S[0], 0), Object.is(tiny.S[1], -0)]).toEqual([true, true]);
  });
});

/** A reference that answers each call from the next entries of a table, recording what it was asked. */
function tableReference(answers: ReferenceResult[]): Reference & { asked: FlatCase[][] } {
  const asked: FlatCase[][] = [];
  return {
    asked,
    evaluate: async (cases) => {
      asked.push([...cases]);
      return answers.slice(0, cases.length);
    },
  };
}

const ok = (Output: number[]): ReferenceResult => ({ ok: true, outputs: { Output: Float64Array.from(Output) }, warnings: [] });

describe('measureNoiseFloors', () => {
  const c: FlatCase = { ...edgeCase(), S: Float64Array.of(0.5, 0.25, 1, 2, 3, 4) };
  // T = 2, H = 2: the base, and each copy's answer for it.
  const base = { Output: Float64Array.of(1, 2, 3, 4) };

  it('should keep per step the largest spread over units and copies where both values are finite, and mark each element whose class moved', async () => {
    const reference = tableReference([ok([1.5, 2, 3, 4.25]), ok([1, 1.75, NaN, 4]), ok([1, 2, 3, -4.5]), ok([1, 2, Infinity, 4])]);
    const [floor] = await measureNoiseFloors(reference, [c], [base], { seed: 7 });
    expect(floor.copies).toBe(DEFAULT_COPIES);
    expect(DEFAULT_COPIES).toBe(4);
    expect(floor.seed).toBe(7);
    expect([...floor.stepSpread.Output]).toEqual([0.5, 8.5]);
    expect(floor.maxSpread.Output).toBe(8.5);
    expect([...floor.classMoved.Output]).toEqual([0, 0, 1, 0]);
    // One call for all copies, perturbed from the seed as perturbedCopies does.
    expect(reference.asked).toHaveLength(1);
    expect(reference.asked[0].map((copy) => [...copy.S])).toEqual(perturbedCopies(c, 4, 7).map((copy) => [...copy.S]));
  });

  it('should leave out keys without class changes, and skip elements non-finite in both', async () => {
    const reference = tableReference([ok([1, 2, 3, 4]), ok([1, 2, 3, 4])]);
    const [floor] = await measureNoiseFloors(reference, [c], [{ Output: Float64Array.of(NaN, 2, Infinity, 4) }], { copies: 2 });
    expect(floor.copies).toBe(2);
    expect(floor.seed).toBe(1);
    expect([...floor.stepSpread.Output]).toEqual([0, 0]);
    expect(floor.maxSpread.Output).toBe(0);
    expect([...floor.classMoved.Output]).toEqual([1, 0, 1, 0]);
    const same = await measureNoiseFloors(tableReference([ok([NaN, 2, -Infinity, 4]), ok([NaN, 2, -Infinity, 4.5])]), [c], [{ Output: Float64Array.of(NaN, 2, -Infinity, 4) }], { copies: 2 });
    expect(Object.keys(same[0].classMoved)).toEqual([]);
    expect([...same[0].stepSpread.Output]).toEqual([0, 0.5]);
  });

  it('should perturb case k from seed + k, or from the seeds given, and refuse a seed list of another length', async () => {
    const two = [c, { ...c, S: Float64Array.of(8, 9, 10, 11, 12, 13) }];
    const reference = tableReference(Array.from({ length: 4 }, () => ok([1, 2, 3, 4])));
    const floors = await measureNoiseFloors(reference, two, [base, base], { copies: 2, seed: 20 });
    expect(floors.map((f) => f.seed)).toEqual([20, 21]);
    expect(reference.asked[0].map((copy) => [...copy.S])).toEqual([...perturbedCopies(two[0], 2, 20), ...perturbedCopies(two[1], 2, 21)].map((copy) => [...copy.S]));
    const given = await measureNoiseFloors(tableReference(Array.from({ length: 4 }, () => ok([1, 2, 3, 4]))), two, [base, base], { copies: 2, seeds: [5, 3] });
    expect(given.map((f) => f.seed)).toEqual([5, 3]);
    await expect(measureNoiseFloors(reference, two, [base, base], { seeds: [1] })).rejects.toThrow('measureNoiseFloors: expected 2 seeds, one per case, got 1');
  });

  it('should give each case the spreads of its own copies', async () => {
    const two = [c, c];
    const reference = tableReference([ok([1, 2, 3, 4]), ok([1, 2, 3, 4]), ok([1, 2.5, 3, 4]), ok([1, 2, 3, 4])]);
    const floors = await measureNoiseFloors(reference, two, [base, base], { copies: 2 });
    expect(floors.map((f) => f.maxSpread.Output)).toEqual([0, 0.5]);
    const first = await measureNoiseFloors(tableReference([ok([1, 2.5, 3, 4]), ok([1, 2, 3, 4]), ok([1, 2, 3, 4]), ok([1, 2, 3, 4])]), two, [base, base], { copies: 2 });
    expect(first.map((f) => f.maxSpread.Output)).toEqual([0.5, 0]);
  });

  it('should perturb in float32 when told, and fail when the reference cannot evaluate a copy', async () => {
    const reference = tableReference([ok([1, 2, 3, 4])]);
    await measureNoiseFloors(reference, [c], [base], { copies: 1, dtype: 'float32', seed: 4 });
    expect([...reference.asked[0][0].S]).toEqual([...perturbedCopies(c, 1, 4, 'float32')[0].S]);
    expect([...reference.asked[0][0].S]).not.toEqual([...perturbedCopies(c, 1, 4)[0].S]);
    const failing = tableReference([{ ok: false, error: 'boom' }]);
    await expect(measureNoiseFloors(failing, [c], [base], { copies: 1 })).rejects.toThrow('noise floor: the reference could not evaluate a perturbed copy: boom');
  });
});

describe('verdict lines', () => {
  const comparison = { ok: false, elements: 8, mismatches: 3, maxAbs: 0.5, maxUlps: 7, tolerance: FLOAT64_TOLERANCE } as unknown as Verdict['comparison'];
  const worst = { key: 'Output', step: 1, unit: 2, actual: NaN, expected: 0.25, abs: NaN, ulps: Infinity, allowed: 1e-13, spread: 0.001, excess: Infinity };

  it('should count elements in the singular and plural, and say what else differs', () => {
    expect(describeVerdict({ kind: 'ill-conditioned', comparison, worst, evaluationOrder: 2 })).toBe(
      "ill-conditioned: 2 elements NaN or infinite in one and not the other, where products overflow and the order of evaluation decides: products rounded before they are summed give the implementation's; e.g. Output step 1 unit 2: port NaN, NumPy 0.25",
    );
    expect(describeVerdict({ kind: 'ill-conditioned', comparison, evaluationOrder: 1 })).toBe(
      "ill-conditioned: 1 element NaN or infinite in one and not the other, where products overflow and the order of evaluation decides: products rounded before they are summed give the implementation's",
    );
    const orderDecided = { step: 1, sums: [{ step: 1, unit: 2, gate: 'g', positive: [-2, -1e308] as const, negative: [3, -1e308] as const }] };
    expect(describeVerdict({ kind: 'ill-conditioned', comparison, orderDecided })).toBe(
      'ill-conditioned: 3/8 elements differ, from step 1 on, where products overflow with both signs in a pre-activation (forget gate of unit 2: -2 x -1e+308 = +inf and 3 x -1e+308 = -inf): the order of evaluation decides whether it is +inf, -inf or NaN',
    );
    expect(describeVerdict({ kind: 'ill-conditioned', comparison, classMoved: 3 })).toBe(
      "ill-conditioned: 3/8 elements differ where NumPy's own output turns NaN or infinite or back under 1-ULP perturbations of its inputs and activations",
    );
    expect(describeVerdict({ kind: 'ill-conditioned', comparison, spread: 0.002, worst: { ...worst, actual: 0.3, abs: 0.05 }, classMoved: 1 })).toBe(
      "ill-conditioned: 2/8 elements differ, all within NumPy's own spread under 1-ULP perturbations of its inputs and activations (up to 2.00e-3); worst Output step 1 unit 2: error 5.00e-2 vs spread 1.00e-3; 1 more differ in NaN or infinity where NumPy's own output turns NaN or infinite or back under 1-ULP perturbations of its inputs and activations",
    );
    expect(describeVerdict({ kind: 'ill-conditioned', comparison })).toBe(
      "ill-conditioned: 3/8 elements differ, all within NumPy's own spread under 1-ULP perturbations of its inputs and activations (up to 0.00e+0)",
    );
    expect(describeVerdict({ kind: 'platform-quirk', comparison, quirk: 'q' })).toBe('reference platform quirk: q');
    expect(describeVerdict({ kind: 'port-bug', comparison })).toBe('PORT BUG: 3/8 elements differ');
    expect(describeVerdict({ kind: 'port-bug', comparison, spread: 0.002, worst: { ...worst, actual: Infinity, abs: Infinity } })).toBe(
      'PORT BUG: 3/8 elements differ; worst Output step 1 unit 2: port Infinity, NumPy 0.25, error Infinity (Infinity ULP), allowed 1.00e-13 + 4 x spread 1.00e-3',
    );
  });
});
