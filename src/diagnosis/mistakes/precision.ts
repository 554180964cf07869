/**
 * Arithmetic other than float64's, in a port that claims float64:
 *
 *   subnormals read as zero (DAZ: S and W), flushed to zero (FTZ: every result), or both
 *     (-ffast-math; XLA's CPU backend)
 *   activations in float32 (a float32 exp or tanh, or a float32 policy on the activations)
 *   products in float32 (a float32 matrix kernel)
 */
import { FLOAT32_TOLERANCE } from '../../judge/tolerance.js';
import type { Mistake } from '../mistake.js';

const flush = (x: number) => (x !== 0 && Math.abs(x) < 2 ** -1022 ? (x < 0 ? -0 : 0) : x);

export const PRECISION: Mistake[] = [
  { id: 'daz', title: 'subnormal inputs and weights read as zero (denormals-are-zero)', cells: ['type1', 'type2'], change: { read: flush } },
  { id: 'ftz', title: 'subnormal results flushed to zero (flush-to-zero)', cells: ['type1', 'type2'], change: { result: flush } },
  { id: 'daz-ftz', title: 'subnormals read as zero and flushed to zero (fast-math, XLA on CPU)', cells: ['type1', 'type2'], change: { read: flush, result: flush } },
  { id: 'float32-activations', title: 'σ and tanh computed in float32', cells: ['type1', 'type2'], change: { activation: Math.fround }, tolerance: FLOAT32_TOLERANCE },
  { id: 'float32-products', title: 'the matrix products computed in float32', cells: ['type1', 'type2'], change: { product: Math.fround }, tolerance: FLOAT32_TOLERANCE },
];
