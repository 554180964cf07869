/**
 * Finite doubles where float64 code goes wrong: signed zeros, subnormals, the smallest normal,
 * and a few ULPs either side of the constants at which σ and tanh saturate (both signs), plus the
 * largest doubles, whose products overflow. Each draw picks one family; values shrink toward the
 * family's first member (+0, the first constant, exactly on it).
 */
import fc from 'fast-check';
import { checkInteger, checkPositive } from '../support/constraints.js';
import { MIN_NORMAL, SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY, stepUlps } from '../support/float64.js';

export interface EdgeDoubleConstraints {
  /** Largest magnitude produced (finite, > 0). Default Number.MAX_VALUE: every family. */
  maxAbs?: number;
  /** How many ULPs either side of each saturation constant may be drawn. Default 2. */
  ulpsAround?: number;
}

/** The saturation constants, positive; each is also drawn negated. */
export const SATURATION_CONSTANTS: readonly number[] = [SIGMOID_ONE_FROM, -SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY];

export function edgeDouble(constraints: EdgeDoubleConstraints = {}): fc.Arbitrary<number> {
  const { maxAbs = Number.MAX_VALUE, ulpsAround = 2 } = constraints;
  checkPositive('edgeDouble', 'maxAbs', maxAbs);
  checkInteger('edgeDouble', 'ulpsAround', ulpsAround, 0, 1000);
  const fits = (x: number) => Math.abs(x) <= maxAbs;
  const signed = (values: readonly number[]) => values.flatMap((x) => [x, -x]).filter(fits);

  const families: fc.WeightedArbitrary<number>[] = [{ arbitrary: fc.constantFrom(0, -0), weight: 2 }];
  const tiny = signed([5e-324, MIN_NORMAL - 5e-324, MIN_NORMAL]);
  if (tiny.length > 0) {
    const below = Math.min(MIN_NORMAL, maxAbs);
    families.push({ arbitrary: fc.oneof(fc.constantFrom(...tiny), fc.double({ min: -below, max: below, noNaN: true })), weight: 2 });
  }
  const ones = signed([1, 0.5]);
  if (ones.length > 0) families.push({ arbitrary: fc.constantFrom(...ones), weight: 1 });
  const constants = signed(SATURATION_CONSTANTS).filter((c) => fits(stepUlps(Math.abs(c), ulpsAround)));
  if (constants.length > 0) {
    const near = fc.tuple(fc.constantFrom(...constants), fc.integer({ min: -ulpsAround, max: ulpsAround })).map(([c, k]) => stepUlps(c, k));
    families.push({ arbitrary: near, weight: 4 });
  }
  const huge = signed([1e308, Number.MAX_VALUE, 2 ** 512]);
  if (huge.length > 0) families.push({ arbitrary: fc.constantFrom(...huge), weight: 1 });
  return fc.oneof(...families);
}
