/**
 * Exact facts about a forward pass that need no reference: what float64 guarantees about the
 * seed's cells whatever order an implementation sums its dot products in, checked on one case's
 * outputs (flat T x H arrays by seed key). A fact whose keys the implementation did not return,
 * or whose inputs were not given, is reported as not checked, never as passed.
 *
 *   gates-in-unit-interval  no gate lies outside [0, 1]: σ is 1 / (1 + exp(-z))
 *   gate-saturation         a gate is exactly 1 where its pre-activation is >= 36.73680056967711,
 *                           exactly 0 where it is <= -709.7827128933841, strictly inside (0, 1)
 *                           between, and NaN where a term of it is NaN (0 x Infinity); the
 *                           pre-activation is recomputed from S, W and the trace's own state with
 *                           a rounding bound valid for any summation order (γ_n Σ|terms|, Higham),
 *                           and only units whose whole interval falls on one side are judged
 *   h-bounded               |h_t| <= 1 (type 1: o in [0, 1] times a tanh; type 2: a tanh)
 *   c-bounded               |c_t| <= t after t steps: |f c_{t-1}| <= t - 1 and |i ĉ| <= 1
 *   cell-state-recompute    c_t = f_t * c_{t-1} + i_t * ĉ_t, two rounded products and their rounded
 *                           sum, bit for bit (c_0 = 0). Type 2 traces no ĉ: it is read through the
 *                           implementation itself (`candidateReadout`)
 *   output-recompute        type 1 h_t = o_t * tanh(c_t), type 2 h_t = tanh(o_t * c_t), bit for bit,
 *                           with the tanh the implementation declares (the one fact that names an
 *                           activation's implementation)
 *   causality               the outputs for S[:k] are the first k steps of the outputs for S
 *   nan-propagation         NaN in S at step t makes every value NaN from step t on (every row of
 *                           W x_t reads it; type 1's state carries it to every gate, type 2's c does)
 *
 * The bit-for-bit recomputations assume the seed's elementwise arithmetic, as NumPy does it: no
 * fused multiply-add in c_t or h_t. Bounds hold with NaN, which no comparison can place: NaN is
 * judged by nan-propagation and gate-saturation.
 */
import type { CellType } from '../cells/schema.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO } from '../numeric/saturation.js';
import type { FlatCase, FlatOutputs } from './flat-case.js';
import type { CaseInput } from './implementation.js';

/** Every exact fact {@link checkExactFacts} knows, in the order it checks them (see the module). */
export const FACT_NAMES = [
  'gates-in-unit-interval',
  'gate-saturation',
  'h-bounded',
  'c-bounded',
  'cell-state-recompute',
  'output-recompute',
  'causality',
  'nan-propagation',
] as const;

/** One of {@link FACT_NAMES}: how violations and reports name a fact. */
export type FactName = (typeof FACT_NAMES)[number];

/** A tanh an implementation computes with, named so a failing recomputation says which. */
export interface Activation {
  /** Shown in a violation's recomputed formula, e.g. `tanh` ({@link CELLS_TANH}) or `Math.tanh`. */
  readonly name: string;
  /** The function itself, applied to c_t (type 1) or o_t c_t (type 2) to recompute h_t. */
  readonly tanh: (x: number) => number;
}

/**
 * What some facts need beyond one case's outputs: further runs of the same implementation. Each
 * fact whose input is missing is reported as not checked, with the reason.
 */
export interface FactInputs {
  /** The implementation's tanh; output-recompute is not checked without it. */
  tanh?: Activation;
  /** Type 2: the implementation's outputs on `candidateReadout(c)`; cell-state-recompute needs them. */
  candidates?: FlatOutputs;
  /** The implementation's outputs on `prefixOf(c, steps)`; causality needs them. */
  prefix?: { steps: number; outputs: FlatOutputs };
}

/** A fact the outputs break: how often, and the first element that breaks it. */
export interface FactViolation {
  /** The broken fact. */
  fact: FactName;
  /** Elements that break the fact. */
  count: number;
  /** The first of them, in step-major order: its seed key, */
  key: string;
  /** its step, */
  step: number;
  /** its unit, */
  unit: number;
  /** the value the implementation returned, */
  actual: number;
  /** and what the fact demands there, in words (e.g. `within [0, 1]`, `|h| <= 1`) or as the recomputed value. */
  expected: string;
}

/**
 * {@link checkExactFacts}' answer. A fact is in exactly one of `checked` and `notChecked`; the
 * outputs pass when `violations` is empty, but only for the facts in `checked`.
 */
export interface FactReport {
  /** Facts that were checked (whether or not they held). */
  checked: FactName[];
  /** Facts that could not be checked, each with the key or input it lacked. */
  notChecked: { fact: FactName; reason: string }[];
  /** The checked facts that failed, in {@link FACT_NAMES} order. */
  violations: FactViolation[];
}

const OUTPUT_GATE: Record<CellType, string> = { type1: 'Output_gate_activations', type2: 'output_gate_activations' };
const STATE = 'cell_state_vectors';
const CANDIDATE = 'cell_input_activations';

/** The gate keys of a cell with the weight keys of their pre-activation. */
function gatesOf(cell: CellType): { key: string; w: string; u: string; b: string }[] {
  return [
    { key: 'input_gate_activations', w: 'w_i', u: 'u_i', b: 'b_i' },
    { key: 'forget_gate_activations', w: 'w_g', u: 'u_g', b: 'b_g' },
    { key: OUTPUT_GATE[cell], w: 'w_o', u: 'u_o', b: 'b_o' },
  ];
}

const show = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

/** Collects the violations of one fact: a count and the first element. */
class Violations {
  count = 0;
  first?: Omit<FactViolation, 'fact' | 'count'>;

  add(key: string, k: number, hidden: number, actual: number, expected: () => string): void {
    this.count++;
    this.first ??= { key, step: Math.floor(k / hidden), unit: k % hidden, actual, expected: expected() };
  }
}

const U = 2 ** -53;

/** What is certain about a pre-activation: NaN, or within [lo, hi]. */
export type Preactivation = { kind: 'nan' } | { kind: 'within'; lo: number; hi: number };

/**
 * What is certain about the pre-activation of unit r of a gate at step t, whatever order its sums
 * run in (fused multiply-adds included), from S, W and the trace's own h_{t-1} (type 1) or c_{t-1}
 * (type 2), the state at t = 0 being zeros that multiply (as the seed's do):
 *
 * - NaN where a term is NaN: 0 x ±Infinity or a NaN factor makes the sum NaN in any order;
 * - else within γ_n Σ|terms| of this left-to-right sum, where both it and the implementation's
 *   lie (n terms, products rounded too, γ_n = n u / (1 - n u)), plus one subnormal ULP per term for
 *   products that underflow; where every product is ±0 it is the bias exactly, in any order (adding
 *   ±0 changes no nonzero double), so a bias on or one ULP beside a constant is judged exactly;
 * - undefined where a term or the sum is infinite: the order, or a fused multiply-add, decides.
 */
export function preactivationBounds(c: FlatCase, state: Float64Array, gate: { w: string; u: string; b: string }, t: number, r: number): Preactivation | undefined {
  const { inputs: X, hidden: H } = c;
  const w = c.W[gate.w];
  const u = c.W[gate.u];
  let sum = 0;
  let size = 0;
  for (let k = 0; k < X; k++) {
    const p = w[r * X + k] * c.S[t * X + k];
    sum += p;
    size += Math.abs(p);
  }
  for (let k = 0; k < H; k++) {
    const p = u[r * H + k] * (t > 0 ? state[(t - 1) * H + k] : 0);
    sum += p;
    size += Math.abs(p);
  }
  const b = c.W[gate.b][r];
  const z = sum + b;
  if (Number.isNaN(size) || Number.isNaN(b)) return { kind: 'nan' };
  if (!Number.isFinite(z) || !Number.isFinite(size)) return undefined;
  if (size === 0) return { kind: 'within', lo: b, hi: b };
  size += Math.abs(b);
  const n = X + H + 2;
  const gamma = (n * U) / (1 - n * U);
  const margin = 2.01 * gamma * size + 2 * n * 5e-324;
  return { kind: 'within', lo: z - margin, hi: z + margin };
}

/** What σ must give at a pre-activation z: exactly 0, exactly 1, or strictly between. */
function sigmoidAt(z: number): 0 | 1 | 'inside' {
  if (z <= SIGMOID_ZERO_UPTO) return 0;
  if (z >= SIGMOID_ONE_FROM) return 1;
  return 'inside';
}

/** A case in both forms the harness holds it: flat for checks, nested for the implementation. */
export interface CaseForms {
  flat: FlatCase;
  input: CaseInput;
}

/**
 * Type 2's candidate ĉ_t = tanh(W_cell x_t + b_cell), read through the implementation: the same
 * case with the forget gate forced to exactly 0 (zero weights, bias -1000) and the input gate to
 * exactly 1 (bias +1000) has c_t = 0 * c_{t-1} + 1 * ĉ_t = ĉ_t, since ĉ's row is untouched. Exact
 * while S is finite (0 * x is then ±0); only the sign of a zero ĉ may come back changed.
 */
export function candidateReadout({ flat, input }: CaseForms): CaseForms {
  const { hidden: H, inputs: X } = flat;
  const matrix = (cols: number) => Array.from({ length: H }, () => new Array<number>(cols).fill(0));
  const forced = { w_g: matrix(X), u_g: matrix(H), b_g: new Array<number>(H).fill(-1000), w_i: matrix(X), u_i: matrix(H), b_i: new Array<number>(H).fill(1000) };
  const W = { ...flat.W };
  for (const [key, rows] of Object.entries(forced)) W[key] = Float64Array.from(rows.flat());
  return { flat: { ...flat, W }, input: { S: input.S, W: { ...input.W, ...forced } } };
}

/** The case cut to its first `steps` steps. */
export function prefixOf({ flat, input }: CaseForms, steps: number): CaseForms {
  if (!Number.isInteger(steps) || steps < 0 || steps > flat.steps) throw new RangeError(`prefixOf: expected 0 <= steps <= ${flat.steps}, got ${steps}`);
  return { flat: { ...flat, steps, S: flat.S.slice(0, steps * flat.inputs) }, input: { S: input.S.slice(0, steps), W: input.W } };
}

/** The first step of S that holds a value matching `test`, or T. */
function firstStep(c: FlatCase, test: (x: number) => boolean): number {
  for (let k = 0; k < c.S.length; k++) if (test(c.S[k])) return Math.floor(k / c.inputs);
  return c.steps;
}

type Check = (v: Violations) => void;

/** Runs every fact the outputs and inputs allow, and says which could not be checked and why. */
export function checkExactFacts(c: FlatCase, outputs: FlatOutputs, inputs: FactInputs = {}): FactReport {
  const { cell, hidden: H } = c;
  const report: FactReport = { checked: [], notChecked: [], violations: [] };
  const gates = gatesOf(cell);
  const h = outputs.Output;
  const s = outputs[STATE];
  const o = outputs[OUTPUT_GATE[cell]];
  const i = outputs.input_gate_activations;
  const f = outputs.forget_gate_activations;

  const run = (fact: FactName, needs: Record<string, unknown>, check: Check) => {
    const missing = Object.entries(needs).filter(([, value]) => value === undefined).map(([name]) => name);
    if (missing.length > 0) {
      report.notChecked.push({ fact, reason: `needs ${missing.join(', ')}` });
      return;
    }
    report.checked.push(fact);
    const v = new Violations();
    check(v);
    if (v.first !== undefined) report.violations.push({ fact, count: v.count, ...v.first });
  };

  const gateArrays = Object.fromEntries(gates.map((g) => [g.key, outputs[g.key]]));

  run('gates-in-unit-interval', gateArrays, (v) => {
    for (const g of gates) {
      const values = outputs[g.key];
      for (let k = 0; k < values.length; k++) if (values[k] < 0 || values[k] > 1) v.add(g.key, k, H, values[k], () => 'within [0, 1]');
    }
  });

  const state = cell === 'type1' ? h : s;
  run('gate-saturation', { ...gateArrays, [cell === 'type1' ? 'Output' : STATE]: state }, (v) => {
    for (const g of gates) {
      const values = outputs[g.key];
      for (let t = 0; t < c.steps; t++) {
        for (let r = 0; r < H; r++) {
          const z = preactivationBounds(c, state, g, t, r);
          if (z === undefined) continue;
          const k = t * H + r;
          const gate = values[k];
          if (z.kind === 'nan') {
            if (!Number.isNaN(gate)) v.add(g.key, k, H, gate, () => 'NaN: a term of its pre-activation is NaN (0 x Infinity or a NaN factor)');
            continue;
          }
          const want = sigmoidAt(z.lo);
          if (want !== sigmoidAt(z.hi)) continue;
          const ok = want === 'inside' ? gate > 0 && gate < 1 : gate === want;
          if (!ok) {
            v.add(g.key, k, H, gate, () =>
              `${want === 'inside' ? 'strictly inside (0, 1)' : `exactly ${want}`}: pre-activation in [${z.lo}, ${z.hi}] (σ is 0 at <= ${SIGMOID_ZERO_UPTO}, 1 at >= ${SIGMOID_ONE_FROM})`,
            );
          }
        }
      }
    }
  });

  run('h-bounded', { Output: h }, (v) => {
    for (let k = 0; k < h.length; k++) if (Math.abs(h[k]) > 1) v.add('Output', k, H, h[k], () => '|h| <= 1');
  });

  run('c-bounded', { [STATE]: s }, (v) => {
    for (let k = 0; k < s.length; k++) {
      const t = Math.floor(k / H) + 1;
      if (Math.abs(s[k]) > t) v.add(STATE, k, H, s[k], () => `|c_t| <= ${t} after ${t} steps`);
    }
  });

  // Type 2's read-out is exact only while S is finite (see candidateReadout).
  const candidate = cell === 'type1' ? outputs[CANDIDATE] : inputs.candidates?.[STATE];
  const candidateSteps = cell === 'type1' ? c.steps : firstStep(c, (x) => !Number.isFinite(x));
  const candidateName = cell === 'type1' ? CANDIDATE : `${STATE} of the candidate read-out (type 2 traces no candidate)`;
  run('cell-state-recompute', { input_gate_activations: i, forget_gate_activations: f, [STATE]: s, [candidateName]: candidate }, (v) => {
    for (let k = 0; k < candidateSteps * H; k++) {
      const previous = k < H ? 0 : s[k - H];
      const cand = candidate![k];
      const expected = f[k] * previous + i[k] * cand;
      // A zero ĉ read through type 2's cell may have lost its sign: either sign is ĉ then.
      const other = cell === 'type2' && cand === 0 ? f[k] * previous + i[k] * -cand : expected;
      if (!Object.is(s[k], expected) && !Object.is(s[k], other)) v.add(STATE, k, H, s[k], () => `${show(expected)} = f * c_prev + i * cand`);
    }
  });

  run('output-recompute', { Output: h, [OUTPUT_GATE[cell]]: o, [STATE]: s, "the implementation's tanh": inputs.tanh }, (v) => {
    const { tanh, name } = inputs.tanh!;
    for (let k = 0; k < h.length; k++) {
      const expected = cell === 'type1' ? o[k] * tanh(s[k]) : tanh(o[k] * s[k]);
      if (!Object.is(h[k], expected)) v.add('Output', k, H, h[k], () => `${show(expected)} = ${cell === 'type1' ? `o * ${name}(c)` : `${name}(o * c)`}`);
    }
  });

  const prefixNeed = c.steps < 2 ? 'a proper prefix of S, which has fewer than 2 steps' : 'the outputs for a prefix of S';
  run('causality', { [prefixNeed]: inputs.prefix }, (v) => {
    const { steps: k, outputs: prefix } = inputs.prefix!;
    for (const [key, values] of Object.entries(prefix)) {
      const whole = outputs[key];
      if (whole === undefined) continue;
      for (let e = 0; e < values.length; e++) if (!Object.is(values[e], whole[e])) v.add(key, e, H, values[e], () => `${show(whole[e])}, the same step for the whole S (run on S[:${k}])`);
    }
  });

  run('nan-propagation', {}, (v) => {
    const from = firstStep(c, Number.isNaN);
    for (const [key, values] of Object.entries(outputs)) {
      for (let k = from * H; k < values.length; k++) if (!Number.isNaN(values[k])) v.add(key, k, H, values[k], () => `NaN: S holds NaN at step ${from}`);
    }
  });

  return report;
}

/** One line: which fact, where, what was found and what it should be. */
export function describeViolation(v: FactViolation): string {
  return `${v.fact}: ${v.count} element${v.count === 1 ? ' breaks' : 's break'} it; first ${v.key} step ${v.step} unit ${v.unit}: ${show(v.actual)}, expected ${v.expected}`;
}
