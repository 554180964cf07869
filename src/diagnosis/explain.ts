/**
 * Explaining a port bug by the catalogue (./catalogue.ts): each mistake that can show in the case
 * is run as a variant of the seed's computation (./seed-variant.ts) and compared with the
 * implementation's answer under the same policy the verdict used (tolerance plus κ times NumPy's
 * spread, NaN and infinities exact, and zero signs too for the signed-zero check), or the
 * mistake's own where it has one (float32 arithmetic, which a float64 emulation meets only to a
 * few float32 ULPs); for an implementation judged in float32, on the case as float32 reads it
 * ({@link caseAsRead}). A mistake is
 * named when its answer matches the implementation's and does not match NumPy's: a variant that
 * changes nothing on this case (a bias that is 0, a clip no pre-activation reaches) explains
 * nothing; and an answer that matches NumPy's is not explained at all, so the correct computation
 * is never explained by any entry.
 */
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';
import type { NoiseFloor } from '../judge/noise-floor.js';
import { allowedError, type Tolerance } from '../judge/tolerance.js';
import { NOISE_FACTOR } from '../judge/verdict.js';
import { mistakesFor } from './catalogue.js';
import type { Mistake } from './mistake.js';
import { runVariant } from './seed-variant.js';

/** What a finding is explained against: the case, both answers, and the policy that judged them. */
export interface ExplainInput {
  case: FlatCase;
  /** The implementation's outputs (the keys it returned). */
  actual: FlatOutputs;
  /** NumPy's outputs for those keys. */
  numpy: FlatOutputs;
  tolerance: Tolerance;
  /** NumPy's noise floor for the case, where one was measured. */
  floor?: Pick<NoiseFloor, 'stepSpread'> & Partial<Pick<NoiseFloor, 'classMoved'>>;
  /** Compare the signs of zeros too (a finding of the signed-zero check). */
  signs?: boolean;
}

const negative = (x: number) => x < 0 || Object.is(x, -0);

/** Whether `actual` matches `expected` on every key of `actual`, under the input's policy. */
export function matchesUnderPolicy(actual: FlatOutputs, expected: FlatOutputs, input: Pick<ExplainInput, 'tolerance' | 'floor' | 'signs'>, hidden: number): boolean {
  for (const [key, values] of Object.entries(actual)) {
    const reference = expected[key];
    const spread = input.floor?.stepSpread[key];
    const moved = input.floor?.classMoved?.[key];
    for (let k = 0; k < values.length; k++) {
      const a = values[k];
      const e = reference[k];
      if (Object.is(a, e)) continue;
      if (a === e) {
        if (input.signs && a === 0 && negative(a) !== negative(e)) return false;
        continue;
      }
      const aFinite = Number.isFinite(a);
      if (aFinite !== Number.isFinite(e) || (!aFinite && !(Number.isNaN(a) && Number.isNaN(e)))) {
        if (moved?.[k] === 1) continue;
        return false;
      }
      if (!aFinite) continue;
      const s = spread === undefined ? 0 : spread[Math.floor(k / hidden)];
      if (!(Math.abs(a - e) <= allowedError(e, input.tolerance) + NOISE_FACTOR * s)) return false;
    }
  }
  return true;
}

/**
 * The case as an implementation judged in this precision reads it: for float32, every input and
 * weight rounded to float32, as NumPy in float32 reads it too (1e308 is ∞ there, 1e-90 is 0); for
 * float64, the case itself. The catalogue's variants run on it in float64, which a float32
 * answer meets within the float32 policy.
 */
export function caseAsRead<C extends Pick<FlatCase, 'S' | 'W'>>(c: C, tolerance: Pick<Tolerance, 'dtype'>): C {
  if (tolerance.dtype !== 'float32') return c;
  return { ...c, S: c.S.map(Math.fround), W: Object.fromEntries(Object.entries(c.W).map(([key, values]) => [key, values.map(Math.fround)])) };
}

/** The catalogued mistakes whose answer on this case is the implementation's and not NumPy's. */
export function explain(input: ExplainInput): Mistake[] {
  const { case: c } = input;
  // An answer that matches NumPy's has nothing to explain.
  if (matchesUnderPolicy(input.actual, input.numpy, input, c.hidden)) return [];
  const read = caseAsRead(c, input.tolerance);
  return mistakesFor(c).filter((mistake) => {
    const variant = runVariant(read, mistake.change);
    const compared = Object.fromEntries(Object.keys(input.actual).map((key) => [key, variant[key]]));
    const reproduces = mistake.tolerance === undefined ? input : { ...input, tolerance: mistake.tolerance };
    return matchesUnderPolicy(input.actual, compared, reproduces, c.hidden) && !matchesUnderPolicy(compared, input.numpy, input, c.hidden);
  });
}
