/**
 * An input sequence S (T x X): ordinary entries uniform on ±halfWidth, optionally mixed with edge
 * doubles (./edge-double.ts). Entries shrink toward +0.
 */
import fc from 'fast-check';
import { checkInteger, checkOneOf, checkPositive } from '../support/constraints.js';
import { edgeDouble } from './edge-double.js';
import { uniformDouble } from './uniform-double.js';

export const EDGE_MIXES = ['none', 'some', 'only'] as const;
export type EdgeMix = (typeof EDGE_MIXES)[number];

export interface SequenceConstraints {
  /** Half the width of the uniform draw of ordinary entries. Default 2. */
  halfWidth?: number;
  /** Edge doubles among the entries: 'none' (default), 'some' (about one in four) or 'only'. */
  edges?: EdgeMix;
  /** Largest magnitude of an edge double. Default Number.MAX_VALUE. */
  edgeMaxAbs?: number;
}

export function resolveSequenceConstraints(constraints: SequenceConstraints = {}): Required<SequenceConstraints> {
  const { halfWidth = 2, edges = 'none', edgeMaxAbs = Number.MAX_VALUE } = constraints;
  checkPositive('sequence', 'halfWidth', halfWidth);
  checkOneOf('sequence', 'edges', edges, EDGE_MIXES);
  checkPositive('sequence', 'edgeMaxAbs', edgeMaxAbs);
  return { halfWidth, edges, edgeMaxAbs };
}

export function sequenceEntry(constraints: SequenceConstraints = {}): fc.Arbitrary<number> {
  const { halfWidth, edges, edgeMaxAbs } = resolveSequenceConstraints(constraints);
  const ordinary = uniformDouble({ halfWidth });
  const edge = edgeDouble({ maxAbs: edgeMaxAbs });
  if (edges === 'none') return ordinary;
  if (edges === 'only') return edge;
  return fc.oneof({ arbitrary: ordinary, weight: 3 }, { arbitrary: edge, weight: 1 });
}

/** S with T rows of X entries each (T = 0 gives []). */
export function sequence(dims: { steps: number; inputs: number }, constraints: SequenceConstraints = {}): fc.Arbitrary<number[][]> {
  const value = sequenceEntry(constraints);
  const T = checkInteger('sequence', 'steps', dims.steps, 0);
  const X = checkInteger('sequence', 'inputs', dims.inputs, 1);
  return fc.array(fc.array(value, { minLength: X, maxLength: X }), { minLength: T, maxLength: T });
}
