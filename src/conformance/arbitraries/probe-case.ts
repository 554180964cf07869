/**
 * Cases whose gate pre-activations are exactly entries of S, so a property can place them on,
 * or one ULP beside, a saturation constant. Every input matrix is a selector: row r of gate
 * block g has a single 1, in column (r + g) mod X (`probeColumn`), and zeros elsewhere; every
 * recurrent matrix and bias is zero. Then
 *
 *   z = (Σ_k w_k x_k + Σ_k u_k v_k) + b = x_{(r+g) mod X}
 *
 * exactly, in any summation order: one nonzero term among products that are ±0, and adding ±0
 * to a nonzero double changes nothing. (A zero x may come out as +0 instead of -0; σ and tanh
 * do not care which.) S is drawn from edge doubles only, by default, and only S and the shape
 * shrink: the selectors are rebuilt for each shrunk shape.
 */
import fc from 'fast-check';
import { WEIGHT_KEYS, type CellType, type WeightsFor } from '../../cells/schema.js';
import type { CellCase } from './cell-case.js';
import { resolveSequenceConstraints, sequence, type SequenceConstraints } from './sequence.js';
import { resolveShapeConstraints, shape, type ShapeConstraints } from './shape.js';
import { shrinkingCase } from './shrinking-case.js';

export interface ProbeCaseConstraints {
  /** Bounds on H, X and T; defaults of ./shape.ts (H 1..16, X 1..8, T 0..40). */
  shape?: ShapeConstraints;
  /** Entries of S, which are the pre-activations. Default { edges: 'only' }. */
  sequence?: SequenceConstraints;
}

/** Gate blocks in the packed order of src/cells/weights.ts: i, f (the seed's g), o, candidate. */
const BLOCK = { i: 0, g: 1, o: 2, c: 3, cell: 3 } as const;

/** The column of S whose entry is the pre-activation of unit r of gate block g. */
export function probeColumn(block: number, unit: number, inputs: number): number {
  return (unit + block) % inputs;
}

function selectorWeights<C extends CellType>(cell: C, H: number, X: number): WeightsFor[C] {
  const W: Record<string, number[] | number[][]> = {};
  for (const key of WEIGHT_KEYS[cell]) {
    const block = BLOCK[key.slice(2) as keyof typeof BLOCK];
    if (key.startsWith('b_')) W[key] = new Array<number>(H).fill(0);
    else if (key.startsWith('u_')) W[key] = Array.from({ length: H }, () => new Array<number>(H).fill(0));
    else W[key] = Array.from({ length: H }, (_, r) => Array.from({ length: X }, (_, k) => (k === probeColumn(block, r, X) ? 1 : 0)));
  }
  return W as unknown as WeightsFor[C];
}

export function probeCase<C extends CellType>(cell: C, constraints: ProbeCaseConstraints = {}): fc.Arbitrary<CellCase<C>> {
  const sequenceConstraints = constraints.sequence ?? { edges: 'only' };
  resolveSequenceConstraints(sequenceConstraints);
  const limits = resolveShapeConstraints(constraints.shape);
  const drawn = shape(constraints.shape).chain((dims) =>
    sequence(dims, sequenceConstraints).map((S): CellCase<C> => ({ cell, ...dims, scale: 'selector', S, W: selectorWeights(cell, dims.hidden, dims.inputs) })),
  );
  // Shrinking changes the shape, so the selectors are rebuilt for it rather than shrunk.
  return shrinkingCase(drawn, { ...limits, rebuildWeights: (c) => selectorWeights(c.cell, c.hidden, c.inputs) });
}
