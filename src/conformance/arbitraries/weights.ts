/**
 * A weight dictionary of either cell, every key of the seed's in the seed's order, every entry
 * drawn at one scale per case:
 *
 *   'well-scaled'  uniform on ±sqrt(3/H): variance 1/H, as N(0, 1/H); neither saturating nor
 *                  chaotic, the regime where the port and NumPy agree to ~1e-15
 *   'unit'         uniform on ±sqrt(3): variance 1, as the seed's N(0, 1)
 *   'saturating'   uniform on ±1000: pre-activations in the hundreds or thousands, so gates are
 *                  often exactly 0 or exactly 1 and the candidate exactly ±1
 *   'edge'         edge doubles (./edge-double.ts): zeros, subnormals, saturation constants and
 *                  the largest doubles, whose products overflow to Infinity and then NaN
 *
 * Entries shrink toward +0, so a failing case shrinks toward the zero-weight case.
 */
import fc from 'fast-check';
import { WEIGHT_KEYS, type CellType, type WeightsFor } from '../../cells/schema.js';
import { checkInteger, checkSubset } from '../support/constraints.js';
import { edgeDouble } from './edge-double.js';
import { uniformDouble } from './uniform-double.js';

export const WEIGHT_SCALES = ['well-scaled', 'unit', 'saturating', 'edge'] as const;
export type WeightScale = (typeof WEIGHT_SCALES)[number];

export interface WeightsConstraints {
  /**
   * Scales to draw from, one per case. Default ['well-scaled', 'unit', 'saturating']: 'edge' is
   * opt-in, since its overflows make NaN that most properties must then exclude.
   */
  scales?: readonly WeightScale[];
}

export interface DrawnWeights<C extends CellType> {
  scale: WeightScale;
  W: WeightsFor[C];
}

export function resolveWeightsConstraints(constraints: WeightsConstraints = {}): Required<WeightsConstraints> {
  const { scales = ['well-scaled', 'unit', 'saturating'] } = constraints;
  return { scales: checkSubset('weights', 'scales', scales, WEIGHT_SCALES) };
}

function entry(scale: WeightScale, hidden: number): fc.Arbitrary<number> {
  switch (scale) {
    case 'well-scaled':
      return uniformDouble({ halfWidth: Math.sqrt(3 / hidden) });
    case 'unit':
      return uniformDouble({ halfWidth: Math.sqrt(3) });
    case 'saturating':
      return uniformDouble({ halfWidth: 1000 });
    case 'edge':
      return edgeDouble();
  }
}

const rows = (value: fc.Arbitrary<number>, count: number, length: number) =>
  fc.array(fc.array(value, { minLength: length, maxLength: length }), { minLength: count, maxLength: count });

/** Weights for a cell of H hidden units and X input features. */
export function weights<C extends CellType>(cell: C, dims: { hidden: number; inputs: number }, constraints: WeightsConstraints = {}): fc.Arbitrary<DrawnWeights<C>> {
  const { scales } = resolveWeightsConstraints(constraints);
  const H = checkInteger('weights', 'hidden', dims.hidden, 1);
  const X = checkInteger('weights', 'inputs', dims.inputs, 1);
  return fc.constantFrom(...scales).chain((scale) => {
    const value = entry(scale, H);
    const parts: Record<string, fc.Arbitrary<number[] | number[][]>> = {};
    for (const key of WEIGHT_KEYS[cell]) {
      parts[key] = key.startsWith('b_') ? fc.array(value, { minLength: H, maxLength: H }) : rows(value, H, key.startsWith('u_') ? H : X);
    }
    return fc.record(parts).map((W) => ({ scale, W: W as unknown as WeightsFor[C] }));
  });
}
