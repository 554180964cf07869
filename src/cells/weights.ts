/**
 * Packing of validated weights into contiguous Float64Arrays, done once per call.
 *
 * Both cells stack their gates' rows in one block order, so row r of gate k is row k * H + r:
 *
 *   block 0: i (input gate)     w_i, u_i, b_i
 *   block 1: f (forget gate)    w_g, u_g, b_g      (the seed names the forget gate g)
 *   block 2: o (output gate)    w_o, u_o, b_o
 *   block 3: candidate          type 1: w_c, u_c, b_c    type 2: w_cell, b_cell (no recurrent term)
 *
 * `input` is 4H x X and `bias` 4H for both cells; `recurrent` is 4H x H for type 1 and 3H x H for
 * type 2. Input and recurrent weights stay separate matrices so each dot product keeps the seed's
 * association ((W x) + (U h)) + b.
 */
import type { CaseShape, Matrix, Type1Weights, Type2Weights, Vector } from './schema.js';

/**
 * A cell's weights stacked gate by gate (i, f, o, candidate) into row-major Float64Arrays, the
 * layout every kernel reads. Made by {@link packType1} / {@link packType2}.
 */
export interface PackedWeights {
  /** H, the number of hidden units. */
  readonly hidden: number;
  /** X, the length of an input vector. */
  readonly inputs: number;
  /** The input weights, 4H x X. */
  readonly input: Float64Array;
  /** The recurrent weights: 4H x H for type 1, 3H x H for type 2 (its candidate has no U). */
  readonly recurrent: Float64Array;
  /** The biases, 4H. */
  readonly bias: Float64Array;
}

function packRows(blocks: readonly Matrix[], rows: number, cols: number): Float64Array {
  const out = new Float64Array(blocks.length * rows * cols);
  let offset = 0;
  for (const block of blocks) {
    for (let r = 0; r < rows; r++) {
      const row = block[r];
      for (let k = 0; k < cols; k++) out[offset++] = row[k];
    }
  }
  return out;
}

function packBias(blocks: readonly Vector[], rows: number): Float64Array {
  const out = new Float64Array(blocks.length * rows);
  blocks.forEach((block, k) => {
    for (let r = 0; r < rows; r++) out[k * rows + r] = block[r];
  });
  return out;
}

/**
 * Packs type 1 weights already validated for `shape` (by {@link lstm-parity!validateCase}); nothing is checked
 * here, so unvalidated weights give garbage rather than an error.
 * @param W - the seed's type 1 dictionary.
 * @param shape - H and X, as validateCase returned them.
 * @returns fresh arrays: later changes to W do not reach them.
 */
export function packType1(W: Type1Weights, shape: CaseShape): PackedWeights {
  const { hidden: H, inputs: X } = shape;
  return {
    hidden: H,
    inputs: X,
    input: packRows([W.w_i, W.w_g, W.w_o, W.w_c], H, X),
    recurrent: packRows([W.u_i, W.u_g, W.u_o, W.u_c], H, H),
    bias: packBias([W.b_i, W.b_g, W.b_o, W.b_c], H),
  };
}

/**
 * Packs type 2 weights already validated for `shape` (by {@link lstm-parity!validateCase}); nothing is checked
 * here. `recurrent` is 3H x H: type 2's candidate has no recurrent term.
 * @param W - the seed's type 2 dictionary.
 * @param shape - H and X, as validateCase returned them.
 * @returns fresh arrays: later changes to W do not reach them.
 */
export function packType2(W: Type2Weights, shape: CaseShape): PackedWeights {
  const { hidden: H, inputs: X } = shape;
  return {
    hidden: H,
    inputs: X,
    input: packRows([W.w_i, W.w_g, W.w_o, W.w_cell], H, X),
    recurrent: packRows([W.u_i, W.u_g, W.u_o], H, H),
    bias: packBias([W.b_i, W.b_g, W.b_o, W.b_cell], H),
  };
}

/** S as one row-major T x X Float64Array. */
export function packSequence(S: Matrix, shape: CaseShape): Float64Array {
  return packRows([S], shape.steps, shape.inputs);
}
