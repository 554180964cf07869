/**
 * The tolerance policy, in one place.
 *
 * A finite element agrees when |actual - expected| <= atol + rtol * |expected| (NumPy's allclose
 * rule). NaN must meet NaN and an infinity the same infinity: positions of non-finite values are
 * compared exactly. Signed zeros compare equal.
 *
 * Why these defaults: bit equality with NumPy is impossible (OpenBLAS sums dot products in blocks
 * with FMA; NumPy's tanh and exp are SIMD code that differ from V8's by a few ULP). On the golden
 * corpus's well-conditioned cases the port differs from NumPy by at most a few 1e-15 absolute,
 * growing with |c_t| for type 2 over long sequences (|c_t| <= t). rtol 1e-12 leaves three orders
 * of magnitude for that growth while still catching any real formula error (which shows at 1e-3
 * or more); atol 1e-14 covers values that cancel to near zero, where relative error means nothing.
 * Ill-conditioned (chaotic) cases need a per-case widening by their measured noise floor.
 */
import { ulpDistance, ulpDistance32 } from '../numeric/ulp.js';

/** The precision an implementation computes in; a float32 one is judged against float32 NumPy. */
export type Dtype = 'float64' | 'float32';

/** A tolerance policy: a finite element agrees when |actual - expected| <= atol + rtol |expected|. */
export interface Tolerance {
  /** Relative tolerance, scaled by |expected|. */
  readonly rtol: number;
  /** Absolute tolerance, for values near zero. */
  readonly atol: number;
  /** The precision ULP distances are counted in (default float64). */
  readonly dtype?: Dtype;
}

/** The default policy for float64 implementations, rtol 1e-12 and atol 1e-14 (why: see {@link Tolerance}). */
export const FLOAT64_TOLERANCE: Tolerance = Object.freeze({ rtol: 1e-12, atol: 1e-14 });

/**
 * For float32 implementations, judged against the seed's computation run in float32 (S and W
 * rounded to float32, the same NumPy operations on float32 arrays). Derived the way the float64
 * policy was, from measurements (`npm run float32:policy`; 2000 live well-conditioned cases per
 * cell): the float32 peers (tfjs-cpu, tfjs-wasm, PyTorch float32, a stacked-gate NumPy cell in
 * float32) differ from float32 NumPy by at most 2.2e-5 absolute (on a cell state of 4.9),
 * where NumPy itself moves by a median 4.8e-7 and at most 6.1e-5 under 1-ULP float32
 * perturbations. rtol 1e-4 is 20x the largest relative error seen; atol 1e-5 covers values that
 * cancel to near zero. Every case of the three library peers falls within (the largest used 0.70
 * of its allowance); one case of 2000 of the NumPy cell used 1.27 and goes to the noise floor.
 * A dropped output bias still exceeds the allowance by 11x in every case with a step, swapped
 * input and forget gates by 190x.
 */
export const FLOAT32_TOLERANCE: Tolerance = Object.freeze({ rtol: 1e-4, atol: 1e-5, dtype: 'float32' });

/** The policy an implementation of this precision is judged by. */
export function toleranceFor(dtype: Dtype): Tolerance {
  return dtype === 'float32' ? FLOAT32_TOLERANCE : FLOAT64_TOLERANCE;
}

/** Both or neither: a tolerance is an (rtol, atol) pair, each finite and >= 0. */
export function makeTolerance(rtol: number, atol: number, dtype?: Dtype): Tolerance {
  for (const [name, value] of [['rtol', rtol], ['atol', atol]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name}: expected a finite number >= 0, got ${value}`);
  }
  return Object.freeze(dtype === undefined || dtype === 'float64' ? { rtol, atol } : { rtol, atol, dtype });
}

/** ULP distance in the tolerance's precision. */
export function ulpsFor(tolerance: Pick<Tolerance, 'dtype'>): (a: number, b: number) => number {
  return tolerance.dtype === 'float32' ? ulpDistance32 : ulpDistance;
}

/**
 * Whether an element's distance in ULPs says anything: where the relative part of the tolerance
 * governs, |expected| >= atol / rtol (0.01 in float64, 0.1 in float32). Below that the absolute
 * tolerance does, and a value near zero (a cancelled c_t, a gate of 1e-20) sits among so many
 * doubles that an error the policy accepts counts as up to 10^15 ULP or more, which would drown
 * every meaningful maximum. Agreement itself is judged on every element; only the reported ULP
 * maxima skip these.
 */
export function ulpsMeaningful(expected: number, tolerance: Pick<Tolerance, 'atol' | 'rtol'>): boolean {
  return Math.abs(expected) * tolerance.rtol >= tolerance.atol;
}

/** The largest |actual - expected| allowed at this expected value. */
export function allowedError(expected: number, tolerance: Tolerance): number {
  return tolerance.atol + tolerance.rtol * Math.abs(expected);
}

/**
 * How one element compares ({@link agreement}): 'equal' (bit for bit, or both NaN), 'close'
 * (within tolerance), or how it disagrees: 'value' (finite, too far), 'nan' (NaN on one side
 * only), 'infinity' (an infinity not matched by the same infinity).
 */
export type Agreement = 'equal' | 'close' | 'value' | 'nan' | 'infinity';

/** How one element compares: exactly equal, within tolerance, or which way it disagrees. */
export function agreement(actual: number, expected: number, tolerance: Tolerance): Agreement {
  if (actual === expected) return 'equal';
  const aNaN = Number.isNaN(actual);
  const eNaN = Number.isNaN(expected);
  if (aNaN || eNaN) return aNaN && eNaN ? 'equal' : 'nan';
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return 'infinity';
  return Math.abs(actual - expected) <= allowedError(expected, tolerance) ? 'close' : 'value';
}
