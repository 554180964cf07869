/**
 * The seed's formulas evaluated with exact arithmetic wherever an order of evaluation could
 * change the answer's sign, zero-ness, overflow or NaN-ness: the arbiter when an implementation
 * and NumPy part in exactly those (a zero's sign, NaN against a number, an infinity against a
 * finite value), to say which of the two departs from exact arithmetic.
 *
 *   type 1                                     type 2
 *   i = σ(W_i x + U_i h + b_i)                 i = σ(W_i x + U_i c + b_i)
 *   f = σ(W_g x + U_g h + b_g)                 f = σ(W_g x + U_g c + b_g)
 *   o = σ(W_o x + U_o h + b_o)                 o = σ(W_o x + U_o c + b_o)
 *   ĉ = tanh(W_c x + U_c h + b_c)              ĉ = tanh(W_cell x + b_cell)
 *   c = f c_prev + i ĉ                         c = f c_prev + i ĉ
 *   h = o tanh(c)                              h = tanh(o c)
 *
 * Each pre-activation and each c is one sum of products evaluated exactly and rounded once
 * (../numeric/exact-sum.ts): what a fused or correctly rounded evaluation gives, whatever the
 * order of the terms. So a product that underflows keeps its sign, a partial sum never overflows
 * where the whole does not, and ∞ · 0 is NaN. σ and tanh are this package's (within one ULP of the
 * correctly rounded value; σ saturates to exactly 0 and 1 where the seed's formula does); the
 * single product of h is IEEE's, correctly rounded. The states start at +0, as the seed's
 * `np.zeros` does.
 */
import { sigmoid } from '../cells/math/sigmoid.js';
import { tanh } from '../cells/math/tanh.js';
import { sumOfProducts } from '../numeric/exact-sum.js';
import type { FlatCase, FlatOutputs } from './flat-case.js';
import type { Dtype } from './tolerance.js';

/** Options of {@link exactReference}. */
export interface ExactReferenceOptions {
  /** Only the first this many steps (default all). */
  steps?: number;
  /**
   * 'float32': S and W rounded to float32 first, and every result (each sum, activation, c and h)
   * rounded to float32: where a float32 computation overflows, underflows or turns NaN. Default
   * 'float64'.
   */
  dtype?: Dtype;
  /**
   * Round each product first (as an unfused evaluation does), then sum the rounded products
   * exactly: the other legitimate evaluation of a sum of products. It differs from the exact one
   * where products overflow: two of opposite signs give ∞ - ∞ = NaN where the exact sum is ±∞.
   */
  productsRounded?: boolean;
}

const same = (x: number) => x;

/** Every seed key of the case's cell, T x H, from the seed's formulas in exact arithmetic (see the module). */
export function exactReference(c: Pick<FlatCase, 'cell' | 'steps' | 'inputs' | 'hidden' | 'S' | 'W'>, options: ExactReferenceOptions = {}): FlatOutputs {
  const { cell, inputs: X, hidden: H } = c;
  const T = Math.min(options.steps ?? c.steps, c.steps);
  // In float32, each result is rounded once more: the exact value's double, then float32 (which
  // can round differently from once only on a tie, never in sign, zero-ness or class).
  const r = options.dtype === 'float32' ? Math.fround : same;
  const S = options.dtype === 'float32' ? c.S.map(Math.fround) : c.S;
  const W = options.dtype === 'float32' ? Object.fromEntries(Object.entries(c.W).map(([key, values]) => [key, values.map(Math.fround)])) : c.W;
  const sum = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) => {
    if (!options.productsRounded) return sumOfProducts(a, b, n);
    const products = new Float64Array(n);
    for (let k = 0; k < n; k++) products[k] = r(a[k] * b[k]);
    return sumOfProducts(products, new Float64Array(n).fill(1), n);
  };
  const n = X + H + 1;
  const array = () => new Float64Array(T * H);
  const out = { i: array(), f: array(), o: array(), cand: array(), c: array(), h: array() };
  // v = (x_t, the state the gates read, 1), and a row of (w, u, b) times it; type 2's candidate
  // has no recurrent term, so its row is (w, b) times (x_t, 1).
  const v = new Float64Array(n);
  const a = new Float64Array(n);
  const vx = new Float64Array(X + 1);
  const ax = new Float64Array(X + 1);
  vx[X] = 1;
  v[n - 1] = 1;
  let c0 = new Float64Array(H);
  let h0 = new Float64Array(H);
  const gate = (name: string, j: number) => {
    a.set(W[`w_${name}`].subarray(j * X, (j + 1) * X), 0);
    a.set(W[`u_${name}`].subarray(j * H, (j + 1) * H), X);
    a[n - 1] = W[`b_${name}`][j];
    return r(sum(a, v, n));
  };
  const inputOnly = (name: string, j: number) => {
    ax.set(W[`w_${name}`].subarray(j * X, (j + 1) * X), 0);
    ax[X] = W[`b_${name}`][j];
    return r(sum(ax, vx, X + 1));
  };
  for (let t = 0; t < T; t++) {
    v.set(S.subarray(t * X, (t + 1) * X), 0);
    vx.set(S.subarray(t * X, (t + 1) * X), 0);
    v.set(cell === 'type1' ? h0 : c0, X);
    const c1 = new Float64Array(H);
    const h1 = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const k = t * H + j;
      const i = r(sigmoid(gate('i', j)));
      const f = r(sigmoid(gate('g', j)));
      const o = r(sigmoid(gate('o', j)));
      const cand = r(tanh(cell === 'type1' ? gate('c', j) : inputOnly('cell', j)));
      const cNew = r(sum([f, i], [c0[j], cand], 2));
      out.i[k] = i;
      out.f[k] = f;
      out.o[k] = o;
      out.cand[k] = cand;
      out.c[k] = cNew;
      out.h[k] = cell === 'type1' ? r(o * r(tanh(cNew))) : r(tanh(r(o * cNew)));
      c1[j] = cNew;
      h1[j] = out.h[k];
    }
    c0 = c1;
    h0 = h1;
  }
  if (cell === 'type1') {
    return {
      Output: out.h,
      Output_gate_activations: out.o,
      input_gate_activations: out.i,
      forget_gate_activations: out.f,
      cell_input_activations: out.cand,
      cell_state_vectors: out.c,
    };
  }
  return { Output: out.h, input_gate_activations: out.i, output_gate_activations: out.o, forget_gate_activations: out.f, cell_state_vectors: out.c };
}
