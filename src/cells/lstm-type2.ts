/**
 * LSTM type 2 (the seed's architecture 2): peephole-style gates that read the previous cell
 * state instead of the previous output, and a candidate with no recurrent term.
 *
 *   f_t = σ(W_g x_t + U_g c_{t-1} + b_g)        forget gate (the seed's g)
 *   o_t = σ(W_o x_t + U_o c_{t-1} + b_o)        output gate
 *   i_t = σ(W_i x_t + U_i c_{t-1} + b_i)        input gate
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ tanh(W_cell x_t + b_cell)
 *   h_t = tanh(o_t ⊙ c_t)                       (sic: tanh of the product, as in the seed)
 *
 * with c_0 = 0 and σ(z) = 1 / (1 + exp(-z)). Since every gate lies in [0, 1], |c_t| <= t.
 */
import { inputProjection, recurrentPreactivation } from './kernels.js';
import { validateCase, type Matrix, type Type2Weights, type ValidationOptions } from './schema.js';
import type { LstmType2Trace } from './trace.js';
import { packSequence, packType2, type PackedWeights } from './weights.js';

export type LstmType2Options = ValidationOptions;

/** Runs type 2 over a whole sequence S (T x X) and returns every per-step vector. */
export function lstmType2(S: Matrix, W: Type2Weights, options: LstmType2Options = {}): LstmType2Trace {
  const shape = validateCase('type2', { S, W }, options);
  return forwardType2(packType2(W, shape), packSequence(S, shape), shape.steps);
}

export function forwardType2(weights: PackedWeights, x: Float64Array, steps: number): LstmType2Trace {
  const { hidden: H, inputs: X, recurrent: U, bias: b } = weights;
  const G = 4 * H;
  const trace: LstmType2Trace = {
    cell: 'type2',
    steps,
    hidden: H,
    output: new Float64Array(steps * H),
    outputGate: new Float64Array(steps * H),
    inputGate: new Float64Array(steps * H),
    forgetGate: new Float64Array(steps * H),
    cellState: new Float64Array(steps * H),
  };
  const { output: h, outputGate, inputGate, forgetGate, cellState: c } = trace;
  const wx = inputProjection(weights.input, G, X, x, steps);
  const z = new Float64Array(G);
  // c_0, multiplied rather than skipped so NaN or Infinity in U poisons step 0 as in NumPy.
  const zero = new Float64Array(H);

  for (let t = 0; t < steps; t++) {
    const now = t * H;
    const cPrev = t === 0 ? zero : c;
    const prev = t === 0 ? 0 : now - H;
    // Gates (3H rows) read c_{t-1}; the candidate block has no recurrent term: W x + b only.
    recurrentPreactivation(z, wx, t * G, U, 3 * H, H, cPrev, prev, b);
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-z[j]));
      const f = 1 / (1 + Math.exp(-z[H + j]));
      const o = 1 / (1 + Math.exp(-z[2 * H + j]));
      const cand = Math.tanh(wx[t * G + 3 * H + j] + b[3 * H + j]);
      const cell = f * cPrev[prev + j] + i * cand;
      inputGate[now + j] = i;
      forgetGate[now + j] = f;
      outputGate[now + j] = o;
      c[now + j] = cell;
      h[now + j] = Math.tanh(o * cell);
    }
  }
  return trace;
}
