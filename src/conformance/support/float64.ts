/**
 * Float64 facts the properties lean on. The saturation constants live in
 * src/numeric/saturation.ts, shared with the explorer and verify's exact facts, derived for the
 * cells' own exp and tanh (src/cells/math/) by test/activations.test.ts and checked again by
 * properties/arbitraries.test.ts.
 *
 * σ(z) = 1 / (1 + exp(-z)) is exactly 1 once exp(-z) <= 2^-53 (1 + 2^-53 rounds to 1), which
 * first happens at z = 36.73680056967711, and exactly 0 once exp(-z) overflows to Infinity, at
 * z <= -709.7827128933841. Between them it lies strictly inside (0, 1): next to the lower
 * constant σ is about 5.6e-309, a subnormal but not zero. The cells' σ keeps these boundaries
 * of the seed's formula (and is correctly rounded between them); V8's Math.exp gives the same two.
 */

export { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY } from '../../numeric/saturation.js';

/** The smallest positive normal double, 2^-1022. */
export const MIN_NORMAL = 2 ** -1022;

const buffer = new ArrayBuffer(8);
const asFloat = new Float64Array(buffer);
const asInt = new BigInt64Array(buffer);

/**
 * The double k steps (ULPs) above x, or below for negative k, walking through zero as the
 * ordered doubles do (-5e-324, then zero, then 5e-324; -0 and +0 count as one step, and zero comes
 * back as +0). Steps past the largest finite double give Infinity.
 */
export function stepUlps(x: number, k: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`stepUlps: expected a finite double, got ${x}`);
  asFloat[0] = x;
  const bits = asInt[0];
  const ordered = bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
  const moved = ordered + BigInt(k);
  asInt[0] = moved < 0n ? -moved | -0x8000000000000000n : moved;
  return asFloat[0];
}

/** Bit-for-bit equality as far as a port can see: NaN meets NaN (payloads aside), -0 is not +0. */
export function sameBits(a: number, b: number): boolean {
  return Object.is(a, b);
}
