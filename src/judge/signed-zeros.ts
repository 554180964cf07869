/**
 * Signed zeros, judged where the reference's value is an exact zero: the tolerance policy lets +0
 * meet -0 (tolerance.ts), but an exact zero's sign is fixed by arithmetic (0 · negative = -0,
 * -0 + -0 = -0, tanh(-0) = -0), and a port that loses it computes something else.
 *
 * Which signs are right is decided by arithmetic, not by NumPy's bits. The element's formula (a
 * gate, the candidate's W x + U h + b, c = f c_prev + i ĉ, h = o tanh(c) or tanh(o c)) is
 * evaluated exactly on its operands, and a zero result can have:
 *
 *   one sign    where every evaluation gives it: an exact zero (IEEE 754: -0 only when every term
 *               is -0, whatever the order or fusion), or a tiny result whose terms all share its
 *               sign; σ is never -0; a product takes the XOR of its operands' signs
 *   either      where a tiny result has terms of both signs, or -0 terms beside +0 ones: then
 *               rounding the products first (the seed) or fusing them (fma(i, ĉ, f c), as GCC
 *               contracts it) legitimately gives different signs
 *
 * The operands are NumPy's outputs, and the implementation's own (where it does not return a key,
 * the seed's formulas in exact arithmetic stand in: exact-reference.ts). A zero whose sign
 * differs from NumPy's is then
 *
 *   NumPy's departure  where NumPy's own operands give one sign, the implementation's: NumPy's
 *                      last operation departed from exact arithmetic there (OpenBLAS sums a dot
 *                      product from +0, so products that are all -0 come back +0 on most kernels;
 *                      measured with OpenBLAS 0.3.31, an (H, 1) matrix times a vector keeps -0 on
 *                      its SkylakeX kernel for every H, on its Haswell kernel for H = 1 and 16
 *                      only): a reference platform quirk, with the exact sign as evidence
 *   consistent         where some operands allow the implementation's sign: it follows a value
 *                      the tolerance accepted (np.tanh rounds a candidate to exactly 1 from
 *                      18.990..., this package's tanh from 19.061..., so NumPy's c_t cancels to 0
 *                      where a port's is -5.6e-17, and h_t = 0 · tanh(c_t) takes c_t's sign), or
 *                      the sign is the formula's either way: not a fault
 *   wrong              anything else: a port bug
 */
import { tanh } from '../cells/math/tanh.js';
import type { CellType } from '../cells/schema.js';
import { correctlyRoundedSum } from '../numeric/exact-sum.js';
import type { FlatCase, FlatOutputs } from './flat-case.js';

/** Exact zeros whose sign differs from the reference's: how many, and the first of them. */
export interface SignedZeroMismatch {
  /** Elements of this kind. */
  count: number;
  /** The first one's seed key, */
  key: string;
  /** step, */
  step: number;
  /** and unit; */
  unit: number;
  /** the implementation's zero there, */
  actual: number;
  /** the reference's, */
  expected: number;
  /** and the sign(s) the element's formula has on NumPy's operands in exact arithmetic: '-0', '+0' or '±0'. */
  exact: string;
}

/**
 * {@link signedZeros}' answer: the comparison treats +0 and -0 as equal, so their signs are
 * judged here, split by who departs from arithmetic. Empty when every zero matches.
 */
export interface SignedZeroReport {
  /** Zeros of a sign no operands allow: a port bug. */
  wrong?: SignedZeroMismatch;
  /** Zeros where NumPy's own operands allow only the implementation's sign: NumPy's departure, a platform quirk. */
  numpyDeparts?: SignedZeroMismatch;
  /** Zeros whose sign the implementation's own operands (or exact arithmetic's) allow: not a fault. */
  consistent?: SignedZeroMismatch;
}

const negative = (x: number) => x < 0 || Object.is(x, -0);

/** The signs a zero result may have: '-', '+' or both. */
export type Signs = { minus: boolean; plus: boolean };
const ONLY = (x: number): Signs => ({ minus: negative(x), plus: !negative(x) });
const EITHER: Signs = { minus: true, plus: true };
const union = (a: Signs, b: Signs): Signs => ({ minus: a.minus || b.minus, plus: a.plus || b.plus });

/** The signs a zero result of Σ a_k b_k may have over every order and fusion of its evaluation. */
export function sumSigns(a: readonly number[], b: readonly number[]): Signs {
  const rounded = correctlyRoundedSum(a, b);
  if (Number.isNaN(rounded)) return EITHER;
  if (rounded !== 0) return ONLY(rounded);
  let plusTerm = false;
  let minusTerm = false;
  let plusZero = false;
  for (let k = 0; k < a.length; k++) {
    const sign = negative(a[k]) !== negative(b[k]);
    if (a[k] === 0 || b[k] === 0) {
      if (!sign) plusZero = true;
      continue;
    }
    if (sign) minusTerm = true;
    else plusTerm = true;
  }
  // A tiny result keeps its sign, unless terms of both signs, or -0 beside +0, let a rounding order
  // differ. Without nonzero terms it is an exact zero, whose IEEE 754 sign no order changes.
  if (plusTerm && minusTerm) return EITHER;
  return minusTerm && plusZero ? EITHER : ONLY(rounded);
}

/** The seed's keys by role, per cell. */
const KEYS: Record<CellType, { i: string; f: string; o: string; c: string; h: string; cand?: string }> = {
  type1: { i: 'input_gate_activations', f: 'forget_gate_activations', o: 'Output_gate_activations', c: 'cell_state_vectors', h: 'Output', cand: 'cell_input_activations' },
  type2: { i: 'input_gate_activations', f: 'forget_gate_activations', o: 'output_gate_activations', c: 'cell_state_vectors', h: 'Output' },
};

/** The pre-activation's terms: (w row, x_t), (u row, state), (b, 1). */
export function preActivationTerms(c: FlatCase, gate: string, t: number, j: number, state: ArrayLike<number> | undefined): [number[], number[]] {
  const { inputs: X, hidden: H } = c;
  const a = [...c.W[`w_${gate}`].subarray(j * X, (j + 1) * X)];
  const b = [...c.S.subarray(t * X, (t + 1) * X)];
  if (state !== undefined) {
    a.push(...c.W[`u_${gate}`].subarray(j * H, (j + 1) * H));
    for (let r = 0; r < H; r++) b.push(t === 0 ? 0 : state[(t - 1) * H + r]);
  }
  a.push(c.W[`b_${gate}`][j]);
  b.push(1);
  return [a, b];
}

/** The signs a zero at (key, t, j) may have, its formula evaluated on `operands` (T x H by key). */
export function elementSigns(c: FlatCase, operands: FlatOutputs, key: string, t: number, j: number): Signs {
  const names = KEYS[c.cell];
  const H = c.hidden;
  const at = (name: string, step = t) => (step < 0 ? 0 : operands[name][step * H + j]);
  if (key === names.i || key === names.f || key === names.o) return { minus: false, plus: true };
  if (key === names.h) {
    // h = o tanh(c) or tanh(o c): one product, whose zero takes the XOR of its operands' signs.
    const o = at(names.o);
    const state = at(names.c);
    return Number.isNaN(o) || Number.isNaN(state) ? EITHER : ONLY(negative(o) !== negative(state) ? -0 : 0);
  }
  const state = c.cell === 'type1' ? operands[names.h] : operands[names.c];
  if (key === names.cand) return sumSigns(...preActivationTerms(c, 'c', t, j, state));
  // c = f c_prev + i ĉ, over the signs ĉ may have (type 2's is not in the trace: from its formula).
  let candidates: number[];
  if (names.cand !== undefined) {
    candidates = [at(names.cand)];
  } else {
    const [a, b] = preActivationTerms(c, 'cell', t, j, undefined);
    const value = tanh(correctlyRoundedSum(a, b));
    if (value !== 0) {
      candidates = [value];
    } else {
      const signs = sumSigns(a, b);
      candidates = [...(signs.plus ? [0] : []), ...(signs.minus ? [-0] : [])];
    }
  }
  return candidates.map((cand) => sumSigns([at(names.f), at(names.i)], [at(names.c, t - 1), cand])).reduce(union);
}

const show = (s: Signs) => (s.minus && s.plus ? '±0' : s.minus ? '-0' : '+0');

/**
 * Every exact zero of the reference whose sign the implementation does not share, sorted into the
 * three kinds (see the module). `expected` holds NumPy's outputs for every key of the cell (the
 * operands); `exact` gives the seed's formulas in exact arithmetic ({@link exactReference}),
 * called only when some zero's sign differs and the implementation lacks a key.
 */
export function signedZeros(c: FlatCase, actual: FlatOutputs, expected: FlatOutputs, exact: () => FlatOutputs): SignedZeroReport {
  const report: SignedZeroReport = {};
  const H = c.hidden;
  // The implementation's own operands; where it does not return a key, exact arithmetic's.
  let own: FlatOutputs | undefined;
  const ownOperands = () => (own ??= Object.keys(expected).every((key) => key in actual) ? actual : { ...exact(), ...actual });
  for (const [key, values] of Object.entries(actual)) {
    const reference = expected[key];
    for (let k = 0; k < values.length; k++) {
      if (reference[k] !== 0 || values[k] !== 0 || Object.is(values[k], reference[k])) continue;
      const step = Math.floor(k / H);
      const unit = k % H;
      const mine = negative(values[k]) ? 'minus' : 'plus';
      const numpys = elementSigns(c, expected, key, step, unit);
      const at = { key, step, unit, actual: values[k], expected: reference[k], exact: show(numpys) };
      let kind: keyof SignedZeroReport;
      if (numpys[mine] && !numpys[mine === 'minus' ? 'plus' : 'minus']) kind = 'numpyDeparts';
      else if (numpys[mine] || elementSigns(c, ownOperands(), key, step, unit)[mine]) kind = 'consistent';
      else kind = 'wrong';
      const entry = (report[kind] ??= { ...at, count: 0 });
      entry.count++;
    }
  }
  return report;
}

const zero = (x: number) => (Object.is(x, -0) ? '-0' : '+0');
const zeros = (n: number) => `${n} zero${n === 1 ? '' : 's'}`;
const first = (m: SignedZeroMismatch) => `first ${m.key} step ${m.step} unit ${m.unit}: ${zero(m.actual)}, NumPy ${zero(m.expected)}, exact arithmetic on NumPy's operands ${m.exact}`;

/** One line for a report: how many zeros have the wrong sign, and where the first is. */
export function describeSignedZeroMismatch(m: SignedZeroMismatch): string {
  return `${m.count} exact zero${m.count === 1 ? '' : 's'} of a sign no evaluation of the seed's formula gives; ${first(m)}`;
}

/** One line for a report: the zeros where NumPy departs from exact arithmetic and the implementation does not. */
export function describeNumpyDeparture(m: SignedZeroMismatch): string {
  return `reference platform quirk: ${zeros(m.count)} where NumPy's sign is not the one exact arithmetic gives on NumPy's own operands, and the implementation's is; ${first(m)}`;
}

/** One line: the zeros whose sign the implementation's own operands allow. */
export function describeConsistentZero(m: SignedZeroMismatch): string {
  return `${zeros(m.count)} whose sign differs from NumPy's and follows from the implementation's own operands (within tolerance of NumPy's) or either way from the formula; ${first(m)}`;
}
