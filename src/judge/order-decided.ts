/**
 * Where the order of evaluation, not the formula, decides a pre-activation: its products overflow
 * with both signs. Rounded first, +∞ and -∞ meet and give NaN (the seed's own order and this
 * package's cells); fused into a chain, the first overflowing product in the chain's order wins and
 * the chain stays ±∞ of its sign; exact, the sum's sign wins. Each of NaN, +∞ and -∞ is some
 * legitimate evaluation's answer there, so σ or tanh of it is 0, 1 or NaN depending on how the
 * terms were ordered and fused, and every state after it inherits that choice.
 *
 * Found by the conformance suite on a port that fuses every multiply-add (type 1, X 6, S with
 * -1e308 twice, w_g row ending 48, -452): exactly w_g·x = +4.04e310, so +∞ and σ = 1 (NumPy's
 * answer too); the seed's order gives -∞ + ∞ = NaN; the fused chain meets 48 · -1e308 first and
 * keeps -∞, so σ = 0. None of the three is a porting mistake.
 *
 * A product is judged as the working precision rounds it alone (float32: S and W rounded to float32
 * first, the product rounded to float32). Overflow of one sign only is not order-decided: the
 * rounded products then sum to that infinity in any order. Nor is a sum with ∞ · 0 in it (NaN in
 * every order), nor one whose infinities all come from infinite operands (+∞ - ∞ = NaN exactly too).
 */
import type { FlatCase } from './flat-case.js';
import { exactReference } from './exact-reference.js';
import type { Dtype } from './tolerance.js';

/** A pre-activation whose products overflow with both signs, and the two that show it. */
export interface OrderDecidedSum {
  /** The step, from 0. */
  step: number;
  /** The unit (row of the gate's weights), from 0. */
  unit: number;
  /** The seed's gate key suffix: 'i', 'g' (forget), 'o', 'c' or type 2's 'cell'. */
  gate: string;
  /** The operands of the first product that overflows to +∞, and of the first to -∞. */
  positive: readonly [number, number];
  negative: readonly [number, number];
}

/** The first step at which some pre-activation is order-decided, with every such sum of that step. */
export interface OrderDecided {
  /** The first step at which a pre-activation is order-decided. */
  step: number;
  /** Every order-decided pre-activation of that step. */
  sums: OrderDecidedSum[];
}

const GATES = { type1: ['i', 'g', 'o', 'c'], type2: ['i', 'g', 'o', 'cell'] } as const;

/**
 * The first step, among the first `steps`, at which a pre-activation's products overflow with both
 * signs (see the module), on the trajectory of exact arithmetic (../judge/exact-reference.ts); the
 * states before it are what every legitimate evaluation agrees on to within rounding.
 */
export function firstOrderDecided(c: Pick<FlatCase, 'cell' | 'steps' | 'inputs' | 'hidden' | 'S' | 'W'>, options: { steps?: number; dtype?: Dtype } = {}): OrderDecided | undefined {
  const { cell, inputs: X, hidden: H } = c;
  const T = Math.min(options.steps ?? c.steps, c.steps);
  const r = options.dtype === 'float32' ? Math.fround : (x: number) => x;
  const S = options.dtype === 'float32' ? c.S.map(Math.fround) : c.S;
  const W = options.dtype === 'float32' ? Object.fromEntries(Object.entries(c.W).map(([key, values]) => [key, values.map(Math.fround)])) : c.W;
  const exact = exactReference(c, { steps: T, dtype: options.dtype });
  const states = cell === 'type1' ? exact.Output : exact.cell_state_vectors;
  for (let t = 0; t < T; t++) {
    const x = S.subarray(t * X, (t + 1) * X);
    const state = t === 0 ? new Float64Array(H) : states.subarray((t - 1) * H, t * H);
    const sums: OrderDecidedSum[] = [];
    for (let j = 0; j < H; j++) {
      for (const gate of GATES[cell]) {
        const pairs: [number, number][] = [];
        const w = W[`w_${gate}`];
        for (let k = 0; k < X; k++) pairs.push([w[j * X + k], x[k]]);
        if (gate !== 'cell') {
          const u = W[`u_${gate}`];
          for (let k = 0; k < H; k++) pairs.push([u[j * H + k], state[k]]);
        }
        pairs.push([W[`b_${gate}`][j], 1]);
        const products = pairs.map(([a, b]) => r(a * b));
        if (products.some(Number.isNaN)) continue;
        const overflowed = pairs.filter((_, k) => !Number.isFinite(products[k]));
        if (!overflowed.some(([a, b]) => Number.isFinite(a) && Number.isFinite(b))) continue;
        const positive = pairs.find((_, k) => products[k] === Infinity);
        const negative = pairs.find((_, k) => products[k] === -Infinity);
        if (positive !== undefined && negative !== undefined) sums.push({ step: t, unit: j, gate, positive, negative });
      }
    }
    if (sums.length > 0) return { step: t, sums };
  }
  return undefined;
}
