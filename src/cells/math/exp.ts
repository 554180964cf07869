/**
 * exp(x) in float64, the activation kernels' exponential: a table-driven method after Tang (1989)
 * and the musl/ARM optimized-routines exp, without fused multiply-add, so that plain JavaScript and
 * the WebAssembly SIMD twin ($exp2 in ../wasm/dots.wat, the same operations in the same order)
 * give the same bits.
 *
 *   x = k ln2/N + r,  N = 128,  k = round(x N/ln2),  |r| <= ln2/256 (+ rounding)
 *   r = (x - k LN2_HI_N) - k LN2_LO_N              (Cody-Waite: k LN2_HI_N and the first
 *                                                  difference are exact, see constants.ts)
 *   2^(k/N) = 2^m hi_j (1 + tail_j),  j = k mod N,  m = k >> 7
 *   exp(r) (1 + tail_j) ~ 1 + tmp,  tmp = ((tail_j + r) + r^2 (C2 + C3 r)) + r^4 (C4 + C5 r)
 *   exp(x) = ((hi_j + hi_j tmp) 2^m1) 2^m2,  m1 = m >> 1, m2 = m - m1
 *
 * The two factors 2^m1 and 2^m2 are normal doubles for every m reached, so the first product is
 * exact and the second rounds once, overflowing to Infinity and underflowing through the
 * subnormals as the true value would (where it rounds twice). x is clamped to [-746, 710] first:
 * exp(710) overflows and exp(-746) is below half the smallest subnormal; NaN stays NaN.
 *
 * Measured against mpmath (scripts/activation-accuracy.ts, docs/activation-accuracy.md): at most
 * 1 ULP, correctly rounded on 99.9% of arguments in [-745, 709.8]; V8's Math.exp 90%, NumPy's
 * AVX-512 exp 95%. Overflow starts at exactly x = 709.7827128933841, as for the correctly rounded
 * function (test/activations.test.ts checks that double and its predecessor).
 */
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_TABLE, INV_LN2_N, LN2_HI_N, LN2_LO_N } from './constants.js';
import { POW2, POW2_BIAS } from './pow2.js';

/** 1.5 * 2^52: adding and subtracting it rounds a double below 2^51 to an integer, ties to even. */
export const ROUND_SHIFT = 6755399441055744;

/** The package's exp: at most 1 ULP from the true value, and the bits of the WebAssembly kernel. */
export function exp(x: number): number {
  const xc = x > 710 ? 710 : x < -746 ? -746 : x;
  let kd = xc * INV_LN2_N + ROUND_SHIFT;
  kd -= ROUND_SHIFT;
  const r = (xc - kd * LN2_HI_N) - kd * LN2_LO_N;
  // NaN makes k 0 here, as the SIMD kernel's saturating conversion does; r carries the NaN.
  const k = kd | 0;
  const j = (k & 127) << 1;
  const m = k >> 7;
  const r2 = r * r;
  const tmp = ((EXP_TABLE[j + 1] + r) + r2 * (EXP_C2 + r * EXP_C3)) + (r2 * r2) * (EXP_C4 + r * EXP_C5);
  const hi = EXP_TABLE[j];
  const m1 = m >> 1;
  return ((hi + hi * tmp) * POW2[POW2_BIAS + m1]) * POW2[POW2_BIAS + m - m1];
}
