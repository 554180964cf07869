/**
 * σ(z) = 1 / (1 + exp(-z)) in float64: the seed's formula where it saturates, and the correctly
 * rounded value (to within a few thousandths of an ULP) everywhere else. The WebAssembly SIMD
 * twin ($sigmoidNegBlock in ../wasm/dots.wat) performs the same operations in the same order.
 *
 * With x = -z reduced as in exp.ts, exp(x) = p 2^m with p = hi + hi tmp in [1, 2) (p + pl exact
 * to ~2^-106), and
 *
 *   d = 1 + exp(x), the formula's denominator, rounded as the seed rounds it:
 *     d = 1         -> σ = 1 exactly      (z >= 36.73680056967711: exp(-z) <= 2^-53)
 *     d = Infinity  -> σ = 0 exactly      (z <= -709.7827128933841: exp(-z) overflows)
 *   otherwise, scaling by c = 2^-m (exact):  σ = c / (c + p + pl), in double-double:
 *     (dh, dl) = TwoSum(c, p) + pl;  qh = c / dh;  rem = (c - qh dh) - qh dl with qh dh exact
 *     (Dekker's product);  σ = qh + rem (qh 2^m)   (qh 2^m = qh / c ~ 1 / dh).
 *
 * So the gates keep the seed's exact 0 and 1 at the same constants, and are strictly inside (0, 1)
 * between them (next to the lower constant σ is about 5.6e-309, subnormal but not zero), while
 * the formula's own two roundings after the exponential (up to 2.4 ULP, in NumPy as in V8) are
 * gone. Measured against mpmath (docs/activation-accuracy.md): within 1 ULP of the correctly
 * rounded value wherever the formula does not saturate (1.5 ULP of the truth at worst, on the
 * subnormal results just above -709.78), correctly rounded on 99.7% of 10^6 arguments.
 */
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_TABLE, INV_LN2_N, LN2_HI_N, LN2_LO_N } from './constants.js';
import { ROUND_SHIFT } from './exp.js';
import { POW2, POW2_BIAS } from './pow2.js';
import { SPLIT } from './tanh.js';

/**
 * σ(z) = 1 / (1 + exp(-z)) as the cells compute it: exactly 1 from `SIGMOID_ONE_FROM` (lstm-parity-harness/judge) and
 * exactly 0 up to `SIGMOID_ZERO_UPTO`, where the seed's formula saturates, and within 1 ULP
 * of the correctly rounded value in between (the formula's own roundings after exp are gone).
 * Returns NaN for NaN.
 */
export function sigmoid(z: number): number {
  const x = -z;
  const xc = x > 710 ? 710 : x < -746 ? -746 : x;
  let kd = xc * INV_LN2_N + ROUND_SHIFT;
  kd -= ROUND_SHIFT;
  const r = (xc - kd * LN2_HI_N) - kd * LN2_LO_N;
  const k = kd | 0;
  const j = (k & 127) << 1;
  const m = k >> 7;
  const r2 = r * r;
  const tmp = ((EXP_TABLE[j + 1] + r) + r2 * (EXP_C2 + r * EXP_C3)) + (r2 * r2) * (EXP_C4 + r * EXP_C5);
  const hi = EXP_TABLE[j];
  const u = hi * tmp;
  const p = hi + u;
  const m1 = m >> 1;
  const s1 = POW2[POW2_BIAS + m1];
  const s2 = POW2[POW2_BIAS + m - m1];
  const d = 1 + (p * s1) * s2;
  if (d === 1) return 1;
  if (d === Infinity) return 0;
  const pl = (hi - p) + u;
  const c = POW2[POW2_BIAS - m1] * POW2[POW2_BIAS - (m - m1)];
  const dh = c + p;
  const bb = dh - c;
  const dl = ((c - (dh - bb)) + (p - bb)) + pl;
  const qh = c / dh;
  const prod = qh * dh;
  const cq = SPLIT * qh;
  const qhh = cq - (cq - qh);
  const qhl = qh - qhh;
  const cd = SPLIT * dh;
  const dhh = cd - (cd - dh);
  const dhl = dh - dhh;
  const pe = (((qhh * dhh - prod) + qhh * dhl) + qhl * dhh) + qhl * dhl;
  const rem = ((c - prod) - pe) - qh * dl;
  // 1 / dh = (qh / c)(1 + δ), |δ| <= 2^-53, and qh / c = qh 2^m exactly: no second division.
  return qh + rem * ((qh * s1) * s2);
}
