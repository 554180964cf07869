/**
 * The seed's computation in float64, with one porting mistake at a time: what the catalogue of
 * mistakes (./catalogue.ts) runs to see whether a mistake reproduces an implementation's answer.
 *
 *   type 1                                     type 2
 *   i = σ((W_i x + U_i h) + b_i)               i = σ((W_i x + U_i c) + b_i)
 *   f = σ((W_g x + U_g h) + b_g)               f = σ((W_g x + U_g c) + b_g)
 *   o = σ((W_o x + U_o h) + b_o)               o = σ((W_o x + U_o c) + b_o)
 *   ĉ = tanh((W_c x + U_c h) + b_c)            ĉ = tanh(W_cell x + b_cell)
 *   c = f c_prev + i ĉ                         c = f c_prev + i ĉ
 *   h = o tanh(c)                              h = tanh(o c)
 *
 * Products are summed left to right, σ and tanh are this package's (within an ULP of NumPy's), so
 * with no mistake the outputs agree with NumPy within the tolerance policy on any case that is not
 * ill-conditioned; a mistake changes exactly one thing (`Mistake` below), so its outputs are the
 * seed's computation with that one change, in TypeScript, where any reference runs: no Python is
 * needed to explain a finding.
 */
import { sigmoid } from '../cells/math/sigmoid.js';
import { tanh } from '../cells/math/tanh.js';
import type { CellType } from '../cells/schema.js';
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';

/** A gate of the seed's weight dictionary: i (input), g (forget), o (output), c or cell (candidate). */
export type Gate = 'i' | 'g' | 'o' | 'c' | 'cell';

/**
 * One change to the seed's computation, as a port gets it wrong. Each field left out is the seed's
 * own; a catalogue entry sets one or two.
 */
export interface Change {
  /** The weights as the port reads them: gates swapped, matrices transposed, a bias dropped. */
  weights?: (W: Record<string, Float64Array>, shape: { hidden: number; inputs: number }) => Record<string, Float64Array>;
  /** Each value of S and W as the port reads it (denormals read as zero). */
  read?: (x: number) => number;
  /** Each arithmetic result (products, sums, activations, c and h): flushed, or rounded to float32. */
  result?: (x: number) => number;
  /** Each product of a weight and an input or state, and each sum of them (products in float32). */
  product?: (x: number) => number;
  /** σ and tanh: argument and result (activations in float32). */
  activation?: (x: number) => number;
  /** Type 2: the state each gate's recurrent term reads, c (the seed) or h. */
  reads?: Partial<Record<'i' | 'g' | 'o', 'h' | 'c'>>;
  /** h from o and c: the seed's is `o * tanh(c)` for type 1, `tanh(o * c)` for type 2. */
  output?: 'o*tanh(c)' | 'tanh(o*c)';
  /** Type 1: the candidate without its recurrent term U_c h. */
  candidateWithoutRecurrence?: boolean;
  /** Which state starts every step from zero: h, c, or both (never carried). */
  notCarried?: 'h' | 'c' | 'both';
  /** Both states zeroed after every k steps (a sequence split into chunks of k). */
  resetEvery?: number;
  /** Every pre-activation clipped to [-k, k] before its activation. */
  clip?: number;
  /** With `clip`: a NaN pre-activation comes out as +k, as C++'s `std::max(-k, std::min(k, z))` gives it (the seed's clip keeps NaN). */
  nanClipped?: boolean;
  /** The recurrent (or input) product computed in blocks of this many rows (where H has that many), the partial block dropped. */
  rowBlocks?: { product: 'input' | 'recurrent'; rows: number };
  /** Each output value as the port sends it (NaN as 0, -0 as +0). */
  send?: (x: number) => number;
}

const same = (x: number) => x;

/** The seed's keys of each cell, in the seed's order, with the quantity each holds. */
const KEYS: Record<CellType, [string, 'h' | 'o' | 'i' | 'f' | 'cand' | 'c'][]> = {
  type1: [['Output', 'h'], ['Output_gate_activations', 'o'], ['input_gate_activations', 'i'], ['forget_gate_activations', 'f'], ['cell_input_activations', 'cand'], ['cell_state_vectors', 'c']],
  type2: [['Output', 'h'], ['input_gate_activations', 'i'], ['output_gate_activations', 'o'], ['forget_gate_activations', 'f'], ['cell_state_vectors', 'c']],
};

/** The seed's keys of a cell, in the seed's order. */
export function keysOf(cell: CellType): string[] {
  return KEYS[cell].map(([key]) => key);
}

/**
 * Runs the seed's computation on `c` with `change` (none: the seed's own), every key of the cell
 * as T x H.
 */
export function runVariant(c: Pick<FlatCase, 'cell' | 'steps' | 'inputs' | 'hidden' | 'S' | 'W'>, change: Change = {}): FlatOutputs {
  const { cell, steps: T, inputs: X, hidden: H } = c;
  const read = change.read ?? same;
  const result = change.result ?? same;
  const product = change.product ?? same;
  const activation = change.activation ?? same;
  const W = change.weights === undefined ? c.W : change.weights(c.W, { hidden: H, inputs: X });
  const w = Object.fromEntries(Object.entries(W).map(([key, values]) => [key, values.map(read)]));
  const S = c.S.map(read);
  const out = { h: new Float64Array(T * H), o: new Float64Array(T * H), i: new Float64Array(T * H), f: new Float64Array(T * H), cand: new Float64Array(T * H), c: new Float64Array(T * H) };
  const σ = (z: number) => result(activation(sigmoid(activation(z))));
  const tanhOf = (z: number) => result(activation(tanh(activation(z))));
  const clip =
    change.clip === undefined ? same : change.nanClipped ? (z: number) => (Number.isNaN(z) ? change.clip! : Math.min(change.clip!, Math.max(-change.clip!, z))) : (z: number) => Math.min(change.clip!, Math.max(-change.clip!, z));
  const block = change.rowBlocks;
  const kept = (rows: number) => (block === undefined || rows < block.rows ? rows : rows - (rows % block.rows));
  const inputRows = block?.product === 'input' ? kept(H) : H;
  const recurrentRows = block?.product === 'recurrent' ? kept(H) : H;
  /** Σ_k M[j, k] v[k] left to right, or +0 for a row the port never computes. */
  const dot = (M: Float64Array, j: number, cols: number, v: ArrayLike<number>, offset: number, rows: number) => {
    if (j >= rows) return 0;
    let s = 0;
    for (let k = 0; k < cols; k++) s = result(product(s + result(product(M[j * cols + k] * v[offset + k]))));
    return s;
  };
  let h = new Float64Array(H);
  let cPrev = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    if (change.resetEvery !== undefined && t > 0 && t % change.resetEvery === 0) {
      h = new Float64Array(H);
      cPrev = new Float64Array(H);
    }
    if (change.notCarried === 'h' || change.notCarried === 'both') h = new Float64Array(H);
    if (change.notCarried === 'c' || change.notCarried === 'both') cPrev = new Float64Array(H);
    const pre = (gate: Gate, j: number, state: Float64Array | undefined) => {
      const wx = dot(w[`w_${gate}`], j, X, S, t * X, inputRows);
      const uh = state === undefined ? 0 : dot(w[`u_${gate}`], j, H, state, 0, recurrentRows);
      return clip(result(result(wx + uh) + w[`b_${gate}`][j]));
    };
    const stateFor = (gate: 'i' | 'g' | 'o') => (cell === 'type1' ? h : (change.reads?.[gate] ?? 'c') === 'h' ? h : cPrev);
    const hNext = new Float64Array(H);
    const cNext = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const i = σ(pre('i', j, stateFor('i')));
      const f = σ(pre('g', j, stateFor('g')));
      const o = σ(pre('o', j, stateFor('o')));
      const cand = cell === 'type1' ? tanhOf(pre('c', j, change.candidateWithoutRecurrence ? undefined : h)) : tanhOf(pre('cell', j, undefined));
      const cj = result(result(f * cPrev[j]) + result(i * cand));
      const formula = change.output ?? (cell === 'type1' ? 'o*tanh(c)' : 'tanh(o*c)');
      const hj = formula === 'o*tanh(c)' ? result(o * tanhOf(cj)) : tanhOf(result(o * cj));
      const k = t * H + j;
      out.i[k] = i;
      out.f[k] = f;
      out.o[k] = o;
      out.cand[k] = cand;
      out.c[k] = cj;
      out.h[k] = hj;
      hNext[j] = hj;
      cNext[j] = cj;
    }
    h = hNext;
    cPrev = cNext;
  }
  const send = change.send;
  return Object.fromEntries(KEYS[cell].map(([key, quantity]) => [key, send === undefined ? out[quantity] : out[quantity].map(send)]));
}
