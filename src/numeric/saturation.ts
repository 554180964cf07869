/**
 * Where σ and tanh round to exactly 0 or ±1 in float64: the constants the explorer draws around,
 * the property suites check the cells against, and verify's exact facts judge every case by.
 * Derived for the cells' own exp and tanh (src/cells/math/) by test/activations.test.ts, which
 * finds each boundary by bisection and checks it with its neighbour, and checked again by
 * properties/arbitraries.test.ts.
 *
 * σ(z) = 1 / (1 + exp(-z)) is exactly 1 once exp(-z) <= 2^-53 (1 + 2^-53 rounds to 1), which
 * first happens at z = 36.73680056967711, and exactly 0 once exp(-z) overflows to Infinity, at
 * z <= -709.7827128933841 (where NumPy warns "overflow encountered in exp"). Between them it lies
 * strictly inside (0, 1): next to the lower constant σ is about 5.6e-309, a subnormal but not zero.
 * The cells' σ keeps these boundaries of the seed's formula; V8's Math.exp gives the same two.
 */

/** The smallest z with σ(z) === 1. */
export const SIGMOID_ONE_FROM = 36.73680056967711;
/** The largest z with σ(z) === 0 (exp(-z) overflows). */
export const SIGMOID_ZERO_UPTO = -709.7827128933841;
/** The smallest x with the cells' tanh(x) === 1 (the correctly rounded boundary; V8's Math.tanh too). */
export const TANH_ONE_FROM = 19.061547465398498;
/** The smallest x with NumPy's np.tanh(x) === 1 here (SIMD code, saturating earlier than the cells). */
export const TANH_ONE_FROM_NUMPY = 18.990341103219276;
