/**
 * Ports of the seed written the way a developer porting it to C would write them, for judging
 * what fused arithmetic and flushed subnormals do to a verdict. Plain JavaScript, independent of
 * the cells and of the diagnosis: the seed's loops, libm's exp and tanh (Math.exp, Math.tanh), and
 *
 *   fuse 'all'         every multiply-add fused as GCC contracts it (-ffp-contract=fast):
 *                      each dot product s = fma(w_k, x_k, s) from s = +0, and
 *                      c = fma(i, ĉ, f c); one rounding each, exactly as IEEE 754's fma
 *   fuse 'cell-state'  only c = fma(i, ĉ, f c)
 *   fuse 'none'        the seed's operations, each rounded
 *   flush              denormals read as zero and every result flushed to zero (-ffast-math's
 *                      DAZ and FTZ): a subnormal input, weight or result becomes a zero of its sign
 *
 * fma is emulated exactly: TwoProduct, TwoSum and a rounding to odd (Boldo and Melquiond), and
 * the correctly rounded exact sum where a product or an operand is too small or too large for it.
 */
import type { CellType } from '../../src/cells/schema.js';
import type { Implementation, ImplementationOutputs } from '../../src/judge/implementation.js';
import { correctlyRoundedSum } from '../../src/numeric/exact-sum.js';

export interface PortOptions {
  fuse: 'all' | 'cell-state' | 'none';
  flush?: boolean;
}

const SPLITTER = 134217729;
const view = new DataView(new ArrayBuffer(8));

/** x + y rounded to odd: exact when representable, else the neighbour with an odd last bit. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const v = s - x;
  const e = (x - (s - v)) + (y - v);
  if (e === 0) return s;
  view.setFloat64(0, s);
  if ((view.getUint32(4) & 1) === 1) return s;
  // Step one ULP toward the exact value (s is finite and nonzero here, so the bits move by one).
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, (e > 0) === (s > 0) ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** IEEE 754's fusedMultiplyAdd: a · b + c with one rounding. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const safe = (x: number) => x === 0 || (Math.abs(x) >= 2 ** -900 && Math.abs(x) <= 2 ** 1000);
  if (!(p !== 0 && safe(p) && safe(c) && Math.abs(a) <= 2 ** 995 && Math.abs(b) <= 2 ** 995)) return correctlyRoundedSum([a, c], [b, 1], 2);
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = c + p;
  const v = s - c;
  const sl = (c - (s - v)) + (p - v);
  return s + addRoundToOdd(sl, pl);
}

const flushed = (x: number) => (Math.abs(x) < 2 ** -1022 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : x);
const asIs = (x: number) => x;

/** The seed's two cells as `options` port them. */
export function seedPort(name: string, options: PortOptions): Implementation {
  const f = options.flush ? flushed : asIs;
  const mul = (a: number, b: number) => f(a * b);
  const add = (a: number, b: number) => f(a + b);
  const multiplyAdd = (a: number, b: number, c: number) => f(fma(a, b, c));
  const dot = (w: number[], v: readonly number[]) => {
    let s = 0;
    for (let k = 0; k < w.length; k++) s = options.fuse === 'all' ? multiplyAdd(f(w[k]), f(v[k]), s) : add(s, mul(f(w[k]), f(v[k])));
    return s;
  };
  const sigmoid = (z: number) => f(1 / f(1 + f(Math.exp(-z))));
  const tanh = (z: number) => f(Math.tanh(z));
  const run = (cell: CellType, S: number[][], W: Record<string, number[][] | number[]>): ImplementationOutputs => {
    const m = (key: string) => W[key] as number[][];
    const b = (key: string) => W[key] as number[];
    const H = m('u_i').length;
    let h = new Array<number>(H).fill(0);
    let c = new Array<number>(H).fill(0);
    const keys = cell === 'type1'
      ? ['Output', 'Output_gate_activations', 'input_gate_activations', 'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors']
      : ['Output', 'input_gate_activations', 'output_gate_activations', 'forget_gate_activations', 'cell_state_vectors'];
    const out: Record<string, number[][]> = Object.fromEntries(keys.map((key) => [key, []]));
    for (const x of S) {
      const state = cell === 'type1' ? h : c;
      const pre = (gate: string, j: number) => add(add(dot(m(`w_${gate}`)[j], x), dot(m(`u_${gate}`)[j], state)), f(b(`b_${gate}`)[j]));
      const gates = { i: [] as number[], g: [] as number[], o: [] as number[], cand: [] as number[] };
      for (let j = 0; j < H; j++) {
        gates.g.push(sigmoid(pre('g', j)));
        gates.i.push(sigmoid(pre('i', j)));
        gates.o.push(sigmoid(pre('o', j)));
        gates.cand.push(tanh(cell === 'type1' ? pre('c', j) : add(dot(m('w_cell')[j], x), f(b('b_cell')[j]))));
      }
      const next = gates.cand.map((cand, j) => (options.fuse === 'none' ? add(mul(gates.g[j], c[j]), mul(gates.i[j], cand)) : multiplyAdd(gates.i[j], cand, mul(gates.g[j], c[j]))));
      h = next.map((cj, j) => (cell === 'type1' ? mul(gates.o[j], tanh(cj)) : tanh(mul(gates.o[j], cj))));
      c = next;
      const values = cell === 'type1' ? [h, gates.o, gates.i, gates.g, gates.cand, c] : [h, gates.i, gates.o, gates.g, c];
      keys.forEach((key, k) => out[key].push(values[k]));
    }
    return out;
  };
  return { name, cells: ['type1', 'type2'], dtype: 'float64', run };
}
