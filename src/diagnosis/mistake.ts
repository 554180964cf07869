/**
 * A catalogued porting mistake: a name, the cells and shapes it can happen in, and the one change
 * to the seed's computation it makes (./seed-variant.ts). Adding one is a file in ./mistakes/
 * and a line in ./catalogue.ts.
 */
import type { CellType } from '../cells/schema.js';
import type { Tolerance } from '../judge/tolerance.js';
import type { Change } from './seed-variant.js';

/** The shape of a case, as a mistake's `applies` sees it. */
export interface CaseShape {
  cell: CellType;
  steps: number;
  hidden: number;
  inputs: number;
}

/** A porting mistake of the catalogue: the seed's computation with one change, and where it can show. */
export interface Mistake {
  /** Stable and short, e.g. `swap-i-g`: what `--json` and saved findings carry. */
  id: string;
  /** What a report says, e.g. "input and forget gates swapped (weights and biases)". */
  title: string;
  /** The cells it can happen in. */
  cells: readonly CellType[];
  /** Where it can show at all (a transposed W needs H = X); everywhere when left out. */
  applies?: (shape: CaseShape) => boolean;
  /** The seed's computation with this mistake. */
  change: Change;
  /**
   * The policy its answer is compared with the implementation's by, when not the verdict's: a
   * float32 mistake rounds as float32 code does, a few float32 ULPs from any float64 emulation.
   */
  tolerance?: Tolerance;
}

/** Weights with some keys' arrays replaced, the others kept. */
export function withKeys(W: Record<string, Float64Array>, changes: Record<string, Float64Array>): Record<string, Float64Array> {
  return { ...W, ...changes };
}
