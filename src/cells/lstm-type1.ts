/**
 * LSTM type 1 (the seed's architecture 1): a standard LSTM with a forget gate.
 *
 *   i_t = σ(W_i x_t + U_i h_{t-1} + b_i)        input gate
 *   f_t = σ(W_g x_t + U_g h_{t-1} + b_g)        forget gate (the seed's g)
 *   o_t = σ(W_o x_t + U_o h_{t-1} + b_o)        output gate
 *   ĉ_t = tanh(W_c x_t + U_c h_{t-1} + b_c)     cell input
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ ĉ_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * with h_0 = c_0 = 0 and σ(z) = 1 / (1 + exp(-z)), the seed's formula: it saturates to exactly
 * 1 for z >= 36.7368... and to exactly 0 (exp overflowing to Infinity) for z <= -709.78...
 */
import { inputProjection, recurrentPreactivation } from './kernels.js';
import { validateCase, type Matrix, type Type1Weights, type ValidationOptions } from './schema.js';
import type { LstmType1Trace } from './trace.js';
import { packSequence, packType1, type PackedWeights } from './weights.js';

export type LstmType1Options = ValidationOptions;

/** Runs type 1 over a whole sequence S (T x X) and returns every per-step vector. */
export function lstmType1(S: Matrix, W: Type1Weights, options: LstmType1Options = {}): LstmType1Trace {
  const shape = validateCase('type1', { S, W }, options);
  return forwardType1(packType1(W, shape), packSequence(S, shape), shape.steps);
}

export function forwardType1(weights: PackedWeights, x: Float64Array, steps: number): LstmType1Trace {
  const { hidden: H, inputs: X, recurrent: U, bias: b } = weights;
  const G = 4 * H;
  const trace: LstmType1Trace = {
    cell: 'type1',
    steps,
    hidden: H,
    output: new Float64Array(steps * H),
    outputGate: new Float64Array(steps * H),
    inputGate: new Float64Array(steps * H),
    forgetGate: new Float64Array(steps * H),
    cellInput: new Float64Array(steps * H),
    cellState: new Float64Array(steps * H),
  };
  const { output: h, outputGate, inputGate, forgetGate, cellInput, cellState: c } = trace;
  const wx = inputProjection(weights.input, G, X, x, steps);
  const z = new Float64Array(G);
  // h_0 and c_0. The zero state is multiplied, not skipped: NaN or Infinity in U must still
  // poison the first step, as it does in NumPy.
  const zero = new Float64Array(H);

  for (let t = 0; t < steps; t++) {
    const now = t * H;
    const hPrev = t === 0 ? zero : h;
    const cPrev = t === 0 ? zero : c;
    const prev = t === 0 ? 0 : now - H;
    recurrentPreactivation(z, wx, t * G, U, G, H, hPrev, prev, b);
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-z[j]));
      const f = 1 / (1 + Math.exp(-z[H + j]));
      const o = 1 / (1 + Math.exp(-z[2 * H + j]));
      const cand = Math.tanh(z[3 * H + j]);
      const cell = f * cPrev[prev + j] + i * cand;
      inputGate[now + j] = i;
      forgetGate[now + j] = f;
      outputGate[now + j] = o;
      cellInput[now + j] = cand;
      c[now + j] = cell;
      h[now + j] = o * Math.tanh(cell);
    }
  }
  return trace;
}
