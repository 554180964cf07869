/**
 * Doubles spread evenly over [-halfWidth, halfWidth], shrinking toward +0.
 *
 * Not fc.double: that one draws evenly over the *indices* of doubles, and most doubles are tiny
 * (92% of its draws on [-1, 1] fall below 1e-3 in magnitude), which would make "random weights"
 * nearly all zero. Here an integer k in [-2^30, 2^30] becomes k * halfWidth / 2^30: 31 bits of
 * spread, every value a double of full precision once halfWidth is not a power of two, and never
 * -0 (k = 0 gives +0), so properties about signed zeros see only the zeros they ask for.
 */
import fc from 'fast-check';
import { checkPositive } from '../support/constraints.js';

export interface UniformDoubleConstraints {
  /** Half the width of the interval, > 0 and finite. Default 1. */
  halfWidth?: number;
}

const RESOLUTION = 2 ** 30;

export function uniformDouble(constraints: UniformDoubleConstraints = {}): fc.Arbitrary<number> {
  const { halfWidth = 1 } = constraints;
  checkPositive('uniformDouble', 'halfWidth', halfWidth);
  const step = halfWidth / RESOLUTION;
  return fc.integer({ min: -RESOLUTION, max: RESOLUTION }).map((k) => (k === 0 ? 0 : k * step));
}
