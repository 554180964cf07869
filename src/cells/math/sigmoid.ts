/**
 * σ(z) = 1 / (1 + exp(-z)), the seed's formula, with the package's exp (exp.ts): two roundings
 * after the exponential, like NumPy's evaluation of the same expression.
 *
 * Exactly 1 for z >= 36.73680056967711, where exp(-z) <= 2^-53 and 1 + exp(-z) rounds to 1;
 * exactly 0 for z <= -709.7827128933841, where exp(-z) overflows to Infinity; strictly inside
 * (0, 1) between (next to the lower constant σ is about 5.6e-309, subnormal but not zero). The same
 * constants as with V8's Math.exp: test/activations.test.ts checks each and its neighbour.
 */
import { exp } from './exp.js';

export function sigmoid(z: number): number {
  return 1 / (1 + exp(-z));
}
