/**
 * How a campaign judges an implementation of a given precision. A float64 implementation meets
 * NumPy's float64 answers under the float64 policy. A float32 one meets the seed's computation
 * run in float32 (S and W rounded to float32, the same operations on float32 arrays) under the
 * float32 policy, with noise floors from 1-ULP float32 perturbations; its error against the
 * float64 seed is measured beside it (`ErrorBeside`), reported but never judged, since float32
 * arithmetic cannot meet float64 answers and that is not a bug.
 */
import type { FlatOutputs, Reference } from '../judge/flat-case.js';
import type { Implementation } from '../judge/implementation.js';
import { FLOAT32_TOLERANCE, toleranceFor, ulpsFor, ulpsMeaningful, type Dtype, type Tolerance } from '../judge/tolerance.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';

export interface Judging {
  dtype: Dtype;
  tolerance: Tolerance;
  /** The seed's computation in the implementation's precision; undefined without NumPy. */
  reference?: Reference;
  /** Float64 NumPy, for the error beside a float32 implementation's verdicts. */
  float64?: Reference;
}

export function judgingFor(impl: Pick<Implementation, 'dtype'>, oracle: NumpyOracle | undefined): Judging {
  const tolerance = toleranceFor(impl.dtype);
  if (oracle === undefined) return { dtype: impl.dtype, tolerance };
  return { dtype: impl.dtype, tolerance, reference: oracle.reference(impl.dtype), float64: impl.dtype === 'float32' ? oracle.reference('float64') : undefined };
}

/** One line: what the implementation is judged against, and by which policy. */
export function describeJudging(judging: Pick<Judging, 'dtype' | 'tolerance'>): string {
  const short = (x: number) => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x));
  const rtol = short(judging.tolerance.rtol);
  const atol = short(judging.tolerance.atol);
  const against = judging.dtype === 'float32' ? 'the seed in float32 (NumPy on S and W rounded to float32)' : 'the seed in float64 (NumPy)';
  return `judged as ${judging.dtype} against ${against}: rtol ${rtol}, atol ${atol}, noise floors from 1-ULP ${judging.dtype} perturbations`;
}

/** A float32 implementation's largest distance from the float64 seed, over the cases seen. */
export interface ErrorBeside {
  cases: number;
  /** Largest |implementation - float64 NumPy| over finite pairs. */
  maxAbs: number;
  /** The same in float32 ULPs (NumPy's value rounded to float32 first), where NumPy's value is at least 0.1 (ulpsMeaningful under the float32 policy). */
  maxUlps: number;
  /** Elements where one is NaN or infinite and the other is not. */
  nonFinite: number;
}

export function emptyBeside(): ErrorBeside {
  return { cases: 0, maxAbs: 0, maxUlps: 0, nonFinite: 0 };
}

export function addBeside(beside: ErrorBeside, actual: FlatOutputs, float64: FlatOutputs): void {
  const ulps = ulpsFor({ dtype: 'float32' });
  beside.cases++;
  for (const [key, values] of Object.entries(actual)) {
    const expected = float64[key];
    if (expected === undefined) continue;
    for (let k = 0; k < values.length; k++) {
      const a = values[k];
      const e = expected[k];
      if (Number.isFinite(a) && Number.isFinite(e)) {
        beside.maxAbs = Math.max(beside.maxAbs, Math.abs(a - e));
        if (ulpsMeaningful(e, FLOAT32_TOLERANCE)) beside.maxUlps = Math.max(beside.maxUlps, ulps(a, e));
      } else if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        beside.nonFinite++;
      }
    }
  }
}
