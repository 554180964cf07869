/**
 * A batch of sequences for one cell: weights, B sequences of equal length T, and a backend.
 * Values mix three scales so that some cases saturate the gates (|z| beyond 36.7 makes σ exactly
 * 1) and, when `nonFinite` is on, a few NaN and infinities get in.
 */
import fc from 'fast-check';
import { WEIGHT_KEYS, type CellType, type WeightsFor } from '../../src/cells/schema.js';

export interface BatchCaseConstraints {
  /** Largest H; default 9 (so H % 4 and X % 2 take every value). */
  maxHidden?: number;
  /** Largest X; default 9. */
  maxInputs?: number;
  /** Largest T; default 12 (T = 0 included). */
  maxSteps?: number;
  /** Largest B; default 5. */
  maxBatch?: number;
  /** Let NaN and +-Infinity into S and W (about 1 value in 200); default false. */
  nonFinite?: boolean;
}

export interface BatchCase<C extends CellType = CellType> {
  cell: C;
  hidden: number;
  inputs: number;
  steps: number;
  W: WeightsFor[C];
  S: number[][][];
  backend: 'wasm' | 'scalar';
}

function value(scale: number, nonFinite: boolean): fc.Arbitrary<number> {
  const finite = fc.double({ min: -scale, max: scale, noNaN: true, noDefaultInfinity: true });
  if (!nonFinite) return finite;
  return fc.oneof({ weight: 200, arbitrary: finite }, { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) });
}

const matrix = (rows: number, cols: number, v: fc.Arbitrary<number>) =>
  fc.array(fc.array(v, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

export function batchCase<C extends CellType>(cell: C, constraints: BatchCaseConstraints = {}): fc.Arbitrary<BatchCase<C>> {
  const { maxHidden = 9, maxInputs = 9, maxSteps = 12, maxBatch = 5, nonFinite = false } = constraints;
  for (const [key, n] of Object.entries({ maxHidden, maxInputs, maxSteps, maxBatch })) {
    if (!Number.isInteger(n) || n < (key === 'maxSteps' ? 0 : 1)) throw new RangeError(`batchCase: ${key} must be an integer >= ${key === 'maxSteps' ? 0 : 1}, got ${n}`);
  }
  return fc
    .record({
      hidden: fc.integer({ min: 1, max: maxHidden }),
      inputs: fc.integer({ min: 1, max: maxInputs }),
      steps: fc.integer({ min: 0, max: maxSteps }),
      batch: fc.integer({ min: 1, max: maxBatch }),
      scale: fc.constantFrom(0.1, 1, 50),
      backend: fc.constantFrom('wasm' as const, 'scalar' as const),
    })
    .chain(({ hidden: H, inputs: X, steps: T, batch: B, scale, backend }) => {
      const v = value(scale, nonFinite);
      const weights = Object.fromEntries(
        WEIGHT_KEYS[cell].map((key) => [key, key.startsWith('b_') ? fc.array(v, { minLength: H, maxLength: H }) : matrix(H, key.startsWith('u_') ? H : X, v)]),
      );
      return fc.record({
        W: fc.record(weights) as unknown as fc.Arbitrary<WeightsFor[C]>,
        S: fc.array(matrix(T, X, value(2, nonFinite)), { minLength: B, maxLength: B }),
      }).map(({ W, S }) => ({ cell, hidden: H, inputs: X, steps: T, W, S, backend }));
    });
}
