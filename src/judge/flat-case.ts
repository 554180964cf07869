/**
 * A case as the judge and every reference see it: validated, every array flat and row-major, so
 * that a comparison or a perturbation is a loop over Float64Arrays.
 */
import { validateCase, WEIGHT_KEYS, type CellType, type Matrix, type ValidationOptions, type Vector } from '../cells/schema.js';

/**
 * A validated case with every array flattened row-major into a Float64Array: what references and
 * the judge work on (cheap to perturb, to send to a worker, to compare). Made by {@link toFlatCase}.
 */
export interface FlatCase {
  /** Which cell the weights are for. */
  cell: CellType;
  /** T, the number of steps. */
  steps: number;
  /** X, the length of an input vector. */
  inputs: number;
  /** H, the number of hidden units. */
  hidden: number;
  /** S, T x X. */
  S: Float64Array;
  /** W by the seed's key, each array flat in its own shape (matrices row-major). */
  W: Record<string, Float64Array>;
  /**
   * For a reference only (the noise floor's copies): a seed from which every sigmoid and tanh
   * result moves one ULP up or down, as a faithful port's rounding of them may. Absent: the seed's
   * computation exactly.
   */
  jitter?: number;
}

/** Outputs by seed key, each flat T x H, row-major. */
export type FlatOutputs = Record<string, Float64Array>;

/** What a reference (NumPy, the high-precision truth) answers for one case. */
export type ReferenceResult =
  | {
      ok: true;
      outputs: FlatOutputs;
      warnings: string[];
      /** High-precision results only: the digits that settled, and whether they did. */
      digits?: number;
      converged?: boolean;
    }
  | { ok: false; error: string };

/**
 * Anything that evaluates cases the way the seed does. The judge needs only this, so a noise
 * floor can be measured against NumPy's worker or any other reference.
 */
export interface Reference {
  /**
   * Evaluates every case; one result per case, in order. A case the reference cannot run (an
   * error in NumPy, a timeout) is an `ok: false` result, not a rejection: a rejected promise
   * means the reference itself failed.
   */
  evaluate(cases: readonly FlatCase[]): Promise<readonly ReferenceResult[]>;
}

function flatten(value: Matrix | Vector): Float64Array {
  const rows = value as ArrayLike<ArrayLike<number> | number>;
  if (rows.length === 0 || typeof rows[0] === 'number') return Float64Array.from(value as Vector);
  const cols = (rows[0] as ArrayLike<number>).length;
  const out = new Float64Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) out.set(rows[r] as ArrayLike<number>, r * cols);
  return out;
}

/** Validates a case value `{S, W}` and flattens it. */
export function toFlatCase(cell: CellType, value: unknown, options: ValidationOptions = {}): FlatCase {
  const shape = validateCase(cell, value, options);
  const { S, W } = value as { S: Matrix; W: Record<string, Matrix | Vector> };
  const flat: Record<string, Float64Array> = {};
  for (const key of WEIGHT_KEYS[cell]) flat[key] = flatten(W[key]);
  return { cell, steps: shape.steps, inputs: shape.inputs, hidden: shape.hidden, S: shape.steps === 0 ? new Float64Array(0) : flatten(S), W: flat };
}
