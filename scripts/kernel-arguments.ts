/**
 * The arguments the WebAssembly activation lanes are compared on with their JavaScript twins, in
 * test/activations.test.ts and in the first stage of npm run mutation:wasm: each function's ranges,
 * the thresholds, pairs that mix paths, specials.
 */
import { TANH_POLY_UPTO } from '../src/cells/math/tanh.js';
import { stepUlps } from '../src/conformance/support/float64.js';

/** Arguments that reach every path: each function's ranges, the thresholds, pairs that mix paths, specials. */
export function argumentsFor(seed: number, n: number): Float64Array {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const specials = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2 ** -1022, 1e-200, -1e-300, 709.7827128933841, 709.782712893384, -709.7827128933841,
    -745.1332191019411, -745.1332191019412, 710, -746, 1e300, -1e300, TANH_POLY_UPTO, -TANH_POLY_UPTO, stepUlps(TANH_POLY_UPTO, -1), 19.061547465398498,
    -19.061547465398498, 20, 40, 36.73680056967711, -36.73680056967711, 0.5, -0.5,
    // tanh within 1e-4 ULP of a midpoint between two doubles (found by search, measured in mpmath):
    // only a remainder computed exactly rounds these the same way in every twin.
    4.96852271235548, 5.671769210603088, 5.195368561660871, 3.273857382358983, 4.60911952983588, 4.991486466256902,
    4.581199360080063, 6.594488539732993, 5.212210823548958, 5.086319886380807, 5.118227804778144, 4.690691665979102];
  const widths = [800, 40, 20, 3, 0.3, 0.13, 1e-5];
  const xs = new Float64Array(n);
  for (let k = 0; k < n; k++) xs[k] = k < specials.length ? specials[k] : (2 * r() - 1) * widths[k % widths.length];
  return xs;
}
