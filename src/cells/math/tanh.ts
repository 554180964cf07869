/**
 * tanh(x) in float64, without fused multiply-add, so that plain JavaScript and the WebAssembly
 * SIMD twin ($tanh2 in ../wasm/dots.wat) give the same bits. With a = |x|:
 *
 *   a < 1/8:   tanh(x) = x + x s Q(s),  s = x^2, Q of degree 5 (constants.ts): the correction
 *              x s Q(s) is under 0.6% of x, so its rounding errors barely reach the result.
 *   a >= 1/8:  tanh(a) = 1 - q,  q = 2 / (E + 1),  E = exp(2a) (2a clamped to 40, where q < 2^-56
 *              and the result is 1), all in double-double:
 *     E = S + U from exp's reduction (exp.ts): S = 2^m hi_j exact, U = S tmp;
 *     (Eh, El) = FastTwoSum(S, U);  (dh, dl) = FastTwoSum(Eh, 1) + El        d = E + 1
 *     qh = 2 / dh;  rem = 2 - qh dh - qh dl, with qh dh exact (Dekker's product, Veltkamp splits)
 *     ql = rem (qh / 2)                                                      q = qh + ql
 *     (rh, re) = FastTwoSum(1, -qh);  tanh(a) = rh + (re - ql),  and the sign of x.
 *   The division's rounding is recovered exactly, so the one rounding that matters is the last.
 *
 * Measured against mpmath (scripts/activation-accuracy.ts, docs/activation-accuracy.md): at most
 * 1 ULP, correctly rounded on about 99.9% of arguments; V8's Math.tanh 86%, NumPy's 79%.
 * Exactly ±1 for |x| >= 19.061547465398498, V8's constant too (test/activations.test.ts);
 * tanh(-0) = -0, tanh(±Infinity) = ±1, NaN stays NaN.
 */
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_TABLE, INV_LN2_N, LN2_HI_N, LN2_LO_N, TANH_Q0, TANH_Q1, TANH_Q2, TANH_Q3, TANH_Q4, TANH_Q5 } from './constants.js';
import { ROUND_SHIFT } from './exp.js';
import { POW2, POW2_BIAS } from './pow2.js';

/** Below this |x| the polynomial, from here on the exponential. */
export const TANH_POLY_UPTO = 0.125;
/** 2^27 + 1: Veltkamp's splitting constant for doubles. */
export const SPLIT = 134217729;

/** The package's tanh: at most 1 ULP from the true value, and the bits of the WebAssembly kernel. */
export function tanh(x: number): number {
  const a = Math.abs(x);
  if (a < TANH_POLY_UPTO) {
    // x + x s Q(s) would turn -0 into +0 (Q(0) < 0): zero keeps its sign.
    if (x === 0) return x;
    const s = x * x;
    return x + x * (s * (TANH_Q0 + s * (TANH_Q1 + s * (TANH_Q2 + s * (TANH_Q3 + s * (TANH_Q4 + s * TANH_Q5))))));
  }
  const y0 = a + a;
  const y = y0 > 40 ? 40 : y0;
  let kd = y * INV_LN2_N + ROUND_SHIFT;
  kd -= ROUND_SHIFT;
  const r = (y - kd * LN2_HI_N) - kd * LN2_LO_N;
  const k = kd | 0;
  const j = (k & 127) << 1;
  const r2 = r * r;
  const tmp = ((EXP_TABLE[j + 1] + r) + r2 * (EXP_C2 + r * EXP_C3)) + (r2 * r2) * (EXP_C4 + r * EXP_C5);
  const S = EXP_TABLE[j] * POW2[POW2_BIAS + (k >> 7)];
  const U = S * tmp;
  const Eh = S + U;
  const El = (S - Eh) + U;
  const dh = Eh + 1;
  const dl = ((Eh - dh) + 1) + El;
  const qh = 2 / dh;
  const p = qh * dh;
  const cq = SPLIT * qh;
  const qhh = cq - (cq - qh);
  const qhl = qh - qhh;
  const cd = SPLIT * dh;
  const dhh = cd - (cd - dh);
  const dhl = dh - dhh;
  const pe = (((qhh * dhh - p) + qhh * dhl) + qhl * dhh) + qhl * dhl;
  const rem = ((2 - p) - pe) - qh * dl;
  const ql = rem * (qh * 0.5);
  const rh = 1 - qh;
  const re = (1 - rh) - qh;
  const t = rh + (re - ql);
  return x < 0 ? -t : t;
}
