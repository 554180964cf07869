/**
 * A whole case for one cell: a shape (./shape.ts), weights at one scale (./weights.ts) and a
 * sequence (./sequence.ts). Counterexamples shrink by structure first, toward the shape's minimum
 * (H = 1, X = 1, T = 0 by default), and then their values toward +0 (./shrinking-case.ts).
 */
import fc from 'fast-check';
import type { CellType, WeightsFor } from '../../cells/schema.js';
import { resolveSequenceConstraints, sequence, type SequenceConstraints } from './sequence.js';
import { resolveShapeConstraints, shape, type ShapeConstraints } from './shape.js';
import { shrinkingCase } from './shrinking-case.js';
import { resolveWeightsConstraints, weights, type WeightScale, type WeightsConstraints } from './weights.js';

export interface CellCase<C extends CellType = CellType> {
  cell: C;
  hidden: number;
  inputs: number;
  steps: number;
  /** How W was drawn: a scale of ./weights.ts, or 'selector' for ./probe-case.ts. */
  scale: WeightScale | 'selector';
  S: number[][];
  W: WeightsFor[C];
}

export interface CellCaseConstraints {
  /** Bounds on H, X and T; defaults of ./shape.ts (H 1..16, X 1..8, T 0..40). */
  shape?: ShapeConstraints;
  /** Weight scales; defaults of ./weights.ts (well-scaled, unit, saturating). */
  weights?: WeightsConstraints;
  /** Sequence entries; defaults of ./sequence.ts (uniform on ±2, no edge doubles). */
  sequence?: SequenceConstraints;
}

export function cellCase<C extends CellType>(cell: C, constraints: CellCaseConstraints = {}): fc.Arbitrary<CellCase<C>> {
  // Resolved here so a bad nested constraint fails now, not inside the first chain().
  resolveWeightsConstraints(constraints.weights);
  resolveSequenceConstraints(constraints.sequence);
  const limits = resolveShapeConstraints(constraints.shape);
  const drawn = shape(constraints.shape).chain((dims) =>
    fc
      .record({ drawn: weights(cell, dims, constraints.weights), S: sequence(dims, constraints.sequence) })
      .map(({ drawn, S }): CellCase<C> => ({ cell, ...dims, scale: drawn.scale, S, W: drawn.W })),
  );
  return shrinkingCase(drawn, limits);
}
