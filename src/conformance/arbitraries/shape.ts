/**
 * Case shapes: H hidden units, X input features, T steps. Each dimension is drawn on its own and
 * shrinks toward its minimum, so a failure shrinks toward H = 1, X = 1, T = 0.
 */
import fc from 'fast-check';
import type { CaseShape } from '../../cells/schema.js';
import { checkInteger, checkOrdered } from '../support/constraints.js';

export interface ShapeConstraints {
  /** Fewest hidden units H. Default 1, also the least allowed: the cells reject H = 0. */
  minHidden?: number;
  /** Most hidden units H. Default 16. */
  maxHidden?: number;
  /** Fewest input features X. Default 1, also the least allowed: the cells reject X = 0. */
  minInputs?: number;
  /** Most input features X. Default 8. */
  maxInputs?: number;
  /** Fewest steps T. Default 0: an empty sequence is valid input. */
  minSteps?: number;
  /** Most steps T. Default 40. */
  maxSteps?: number;
}

export type ResolvedShapeConstraints = Required<ShapeConstraints>;

export function resolveShapeConstraints(constraints: ShapeConstraints = {}): ResolvedShapeConstraints {
  const { minHidden = 1, maxHidden = 16, minInputs = 1, maxInputs = 8, minSteps = 0, maxSteps = 40 } = constraints;
  const owner = 'shape';
  checkInteger(owner, 'minHidden', minHidden, 1);
  checkInteger(owner, 'maxHidden', maxHidden, 1);
  checkInteger(owner, 'minInputs', minInputs, 1);
  checkInteger(owner, 'maxInputs', maxInputs, 1);
  checkInteger(owner, 'minSteps', minSteps, 0);
  checkInteger(owner, 'maxSteps', maxSteps, 0);
  checkOrdered(owner, 'minHidden', minHidden, 'maxHidden', maxHidden);
  checkOrdered(owner, 'minInputs', minInputs, 'maxInputs', maxInputs);
  checkOrdered(owner, 'minSteps', minSteps, 'maxSteps', maxSteps);
  return { minHidden, maxHidden, minInputs, maxInputs, minSteps, maxSteps };
}

export function shape(constraints: ShapeConstraints = {}): fc.Arbitrary<CaseShape> {
  const c = resolveShapeConstraints(constraints);
  return fc.record({
    hidden: fc.integer({ min: c.minHidden, max: c.maxHidden }),
    inputs: fc.integer({ min: c.minInputs, max: c.maxInputs }),
    steps: fc.integer({ min: c.minSteps, max: c.maxSteps }),
  });
}
