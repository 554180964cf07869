/**
 * Cases biased toward where float64 code parts ways: saturating and overflowing pre-activations,
 * biases within a few ULP of the constants where σ and tanh round to exactly 0 or ±1, subnormals,
 * signed zeros, NaN and ±Infinity (the explorer opts in to non-finite values), and long sequences
 * where type 2's cell state grows. Shapes stay small so minimal examples stay readable.
 */
import fc from 'fast-check';
import { WEIGHT_KEYS, type CellType } from '../cells/schema.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY } from '../numeric/saturation.js';
import { nextAfter } from '../numeric/ulp.js';

const CONSTANTS = [SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM_NUMPY, -TANH_ONE_FROM_NUMPY, TANH_ONE_FROM, -TANH_ONE_FROM, 1000, -1000];

function nudged(x: number, steps: number): number {
  let y = x;
  for (let k = 0; k < Math.abs(steps); k++) y = nextAfter(y, steps > 0 ? 'up' : 'down');
  return y;
}

/** A constant where rounding flips, moved by up to 3 ULP either way. */
const nearConstant = fc.tuple(fc.constantFrom(...CONSTANTS), fc.integer({ min: -3, max: 3 })).map(([x, steps]) => nudged(x, steps));

const tiny = fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-310, -1e-310, 2.2250738585072014e-308);

const weight = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 3, arbitrary: fc.double({ min: -60, max: 60, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }) },
  { weight: 1, arbitrary: tiny },
);

const bias = fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: weight }, { weight: 2, arbitrary: nearConstant });

const input = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: tiny },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE) },
);

export interface ExtremeCaseConstraints {
  /** Largest H (default 6). */
  maxHidden?: number;
  /** Largest X (default 4). */
  maxInputs?: number;
  /** Largest T of a short sequence (default 12). */
  maxSteps?: number;
  /** Largest T of a long sequence (default 300): one case in eight draws T up to this, enough
   * for the cell state to pass tanh's saturation point (|c_t| <= t). Either kind shrinks to T = 0. */
  maxLongSteps?: number;
}

function sliceMatrix(m: number[][], rows: number, cols: number): number[][] {
  return m.slice(0, rows).map((row) => row.slice(0, cols));
}

/**
 * A case `{S, W}` for one cell, biased toward numerical extremes.
 *
 * Every array is drawn at its largest size and then cut to H, X and T, rather than drawn after
 * them (chain): that way fast-check shrinks H, X and T on their own, and a minimal example really
 * is small. T is the length of S, so removing steps shrinks it too.
 */
export function extremeCase(cell: CellType, constraints: ExtremeCaseConstraints = {}): fc.Arbitrary<CaseValue> {
  const { maxHidden = 6, maxInputs = 4, maxSteps = 12, maxLongSteps = 300 } = constraints;
  for (const [name, value] of Object.entries({ maxHidden, maxInputs, maxSteps, maxLongSteps })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: expected an integer >= 1, got ${value}`);
  }
  const matrix = (rows: number, cols: number, element: fc.Arbitrary<number>) =>
    fc.array(fc.array(element, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
  const weights = Object.fromEntries(
    WEIGHT_KEYS[cell].map((key) => [
      key,
      key.startsWith('b_') ? matrix(1, maxHidden, bias) : matrix(maxHidden, key.startsWith('u_') ? maxHidden : maxInputs, weight),
    ]),
  );
  const row = fc.array(input, { minLength: maxInputs, maxLength: maxInputs });
  return fc
    .record({
      H: fc.integer({ min: 1, max: maxHidden }),
      X: fc.integer({ min: 1, max: maxInputs }),
      S: fc.oneof(
        { weight: 7, arbitrary: fc.array(row, { maxLength: maxSteps }) },
        { weight: 1, arbitrary: fc.array(row, { maxLength: maxLongSteps, size: 'max' }) },
      ),
      W: fc.record(weights),
    })
    .map(({ H, X, S, W }) => ({
      S: sliceMatrix(S, S.length, X),
      W: Object.fromEntries(
        Object.entries(W).map(([key, m]) => [key, key.startsWith('b_') ? m[0].slice(0, H) : sliceMatrix(m, H, key.startsWith('u_') ? H : X)]),
      ),
    }));
}
