/**
 * The step of each cell in plain JavaScript, for `count` rows (one step of one sequence, or of
 * each sequence of a batch): the twins of $rows in wasm/dots.wat, which performs the same
 * operations on every value in the same order, so both backends give the same bits.
 *
 *   type 1 (lstm-type1.ts)                         type 2 (lstm-type2.ts)
 *   i = σ((W_i x + U_i h) + b_i)                  i = σ((W_i x + U_i c) + b_i)
 *   f = σ((W_g x + U_g h) + b_g)                  f = σ((W_g x + U_g c) + b_g)
 *   o = σ((W_o x + U_o h) + b_o)                  o = σ((W_o x + U_o c) + b_o)
 *   ĉ = tanh((W_c x + U_c h) + b_c)               ĉ = tanh(W_cell x + b_cell)
 *   c = f c_prev + i ĉ                            c = f c_prev + i ĉ
 *   h = o tanh(c)                                 h = tanh(o c)
 *
 * with σ and tanh the package's own (math/), whose bits the WebAssembly lanes reproduce. Row k
 * reads W_in x from wx at wo + k 4H and U h (or U c) from z at k 4H, both in gate blocks i, f,
 * o, candidate (type 2's z has no candidate block); it writes the gates in the same blocks to g
 * from go + k 4H, c to s at sOut + k H (reading c_prev at sPrev + k H: the same place is allowed,
 * each unit reads its own entry first) and h to h at ho + k H.
 */
import { sigmoid } from './math/sigmoid.js';
import { tanh } from './math/tanh.js';
import type { CellType } from './schema.js';

export type StepKernel = (
  count: number,
  H: number,
  wx: Float64Array, wo: number,
  z: Float64Array,
  b: Float64Array,
  g: Float64Array, go: number,
  s: Float64Array, sPrev: number, sOut: number,
  h: Float64Array, ho: number,
) => void;

function stepType1(
  count: number, H: number, wx: Float64Array, wo: number, z: Float64Array, b: Float64Array,
  g: Float64Array, go: number, s: Float64Array, sPrev: number, sOut: number, h: Float64Array, ho: number,
): void {
  const G = 4 * H;
  for (let k = 0; k < count; k++) {
    const w = wo + k * G, zr = k * G, gr = go + k * G, sp = sPrev + k * H, so = sOut + k * H, hr = ho + k * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid((wx[w + j] + z[zr + j]) + b[j]);
      const f = sigmoid((wx[w + H + j] + z[zr + H + j]) + b[H + j]);
      const o = sigmoid((wx[w + 2 * H + j] + z[zr + 2 * H + j]) + b[2 * H + j]);
      const cHat = tanh((wx[w + 3 * H + j] + z[zr + 3 * H + j]) + b[3 * H + j]);
      const c = f * s[sp + j] + i * cHat;
      g[gr + j] = i;
      g[gr + H + j] = f;
      g[gr + 2 * H + j] = o;
      g[gr + 3 * H + j] = cHat;
      s[so + j] = c;
      h[hr + j] = o * tanh(c);
    }
  }
}

function stepType2(
  count: number, H: number, wx: Float64Array, wo: number, z: Float64Array, b: Float64Array,
  g: Float64Array, go: number, s: Float64Array, sPrev: number, sOut: number, h: Float64Array, ho: number,
): void {
  const G = 4 * H;
  for (let k = 0; k < count; k++) {
    const w = wo + k * G, zr = k * G, gr = go + k * G, sp = sPrev + k * H, so = sOut + k * H, hr = ho + k * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid((wx[w + j] + z[zr + j]) + b[j]);
      const f = sigmoid((wx[w + H + j] + z[zr + H + j]) + b[H + j]);
      const o = sigmoid((wx[w + 2 * H + j] + z[zr + 2 * H + j]) + b[2 * H + j]);
      const cHat = tanh(wx[w + 3 * H + j] + b[3 * H + j]);
      const c = f * s[sp + j] + i * cHat;
      g[gr + j] = i;
      g[gr + H + j] = f;
      g[gr + 2 * H + j] = o;
      g[gr + 3 * H + j] = cHat;
      s[so + j] = c;
      h[hr + j] = tanh(o * c);
    }
  }
}

export const STEPS: Record<CellType, StepKernel> = { type1: stepType1, type2: stepType2 };
