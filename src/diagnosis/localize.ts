/**
 * Where an implementation first parts from NumPy, in the order the seed computes: step by step,
 * and within a step the gates (input, forget, output), the candidate, the cell state, the output.
 * At that element: both values, and the seed's terms there from NumPy's own operands (the inputs,
 * the weights, NumPy's h_{t-1} or c_{t-1}):
 *
 *   a gate or the candidate   w·x, u·h (type 2's gates: u·c), b, the pre-activation and its
 *                             activation
 *   the cell state            f·c_prev and i·ĉ (type 2's ĉ from its formula: it is not traced)
 *   the output                o and tanh(c) (type 1), or o·c (type 2)
 *
 * Each term is summed left to right in float64: what the seed computes up to NumPy's last bits.
 */
import { sigmoid } from '../cells/math/sigmoid.js';
import { tanh } from '../cells/math/tanh.js';
import type { CellType } from '../cells/schema.js';
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';
import { matchesUnderPolicy, type ExplainInput } from './explain.js';

/** One of the seed's terms at an element: its name as the seed writes it, and its value. */
export interface Term {
  name: string;
  value: number;
}

/** The first element where the implementation parts from NumPy, in computation order. */
export interface Localization {
  step: number;
  key: string;
  unit: number;
  /** NumPy's value there. */
  numpy: number;
  /** The implementation's. */
  actual: number;
  /** The seed's terms there, from NumPy's operands. */
  terms: Term[];
  /** Keys the implementation does not return: the divergence may start in one of them, before this element. */
  unseen: string[];
}

/** The seed's keys in computation order within a step. */
const ORDER: Record<CellType, string[]> = {
  type1: ['input_gate_activations', 'forget_gate_activations', 'Output_gate_activations', 'cell_input_activations', 'cell_state_vectors', 'Output'],
  type2: ['input_gate_activations', 'forget_gate_activations', 'output_gate_activations', 'cell_state_vectors', 'Output'],
};

const GATE_OF: Record<string, string> = {
  input_gate_activations: 'i',
  forget_gate_activations: 'g',
  Output_gate_activations: 'o',
  output_gate_activations: 'o',
  cell_input_activations: 'c',
};

function dot(M: Float64Array, j: number, cols: number, v: ArrayLike<number>, offset: number): number {
  let s = 0;
  for (let k = 0; k < cols; k++) s += M[j * cols + k] * v[offset + k];
  return s;
}

/** The seed's terms at (key, t, j), from the case and NumPy's outputs (every key of the cell). */
export function seedTerms(c: FlatCase, numpy: FlatOutputs, key: string, t: number, j: number): Term[] {
  const { hidden: H, inputs: X } = c;
  const at = (name: string, step: number) => (step < 0 ? 0 : numpy[name][step * H + j]);
  const type1 = c.cell === 'type1';
  const gate = GATE_OF[key];
  if (gate !== undefined) {
    const stateName = type1 ? 'h' : 'c';
    const state = type1 ? numpy.Output : numpy.cell_state_vectors;
    const previous = new Float64Array(H);
    if (t > 0) previous.set(state.subarray((t - 1) * H, t * H));
    const wx = dot(c.W[`w_${gate}`], j, X, c.S, t * X);
    const uh = dot(c.W[`u_${gate}`], j, H, previous, 0);
    const b = c.W[`b_${gate}`][j];
    const z = wx + uh + b;
    return [
      { name: `w_${gate}·x`, value: wx },
      { name: `u_${gate}·${stateName}`, value: uh },
      { name: `b_${gate}`, value: b },
      { name: 'pre-activation', value: z },
      { name: gate === 'c' ? 'tanh' : 'σ', value: gate === 'c' ? tanh(z) : sigmoid(z) },
    ];
  }
  const i = at('input_gate_activations', t);
  const f = at('forget_gate_activations', t);
  const o = at(type1 ? 'Output_gate_activations' : 'output_gate_activations', t);
  const cPrev = at('cell_state_vectors', t - 1);
  const cNow = at('cell_state_vectors', t);
  if (key === 'cell_state_vectors') {
    const cand = type1 ? at('cell_input_activations', t) : tanh(dot(c.W.w_cell, j, X, c.S, t * X) + c.W.b_cell[j]);
    return [
      { name: 'f', value: f },
      { name: 'c_prev', value: cPrev },
      { name: 'i', value: i },
      { name: 'ĉ', value: cand },
      { name: 'f·c_prev', value: f * cPrev },
      { name: 'i·ĉ', value: i * cand },
    ];
  }
  return type1
    ? [
        { name: 'o', value: o },
        { name: 'c', value: cNow },
        { name: 'tanh(c)', value: tanh(cNow) },
      ]
    : [
        { name: 'o', value: o },
        { name: 'c', value: cNow },
        { name: 'o·c', value: o * cNow },
      ];
}

/**
 * The first element, in computation order, where the implementation's value does not match
 * NumPy's under the policy; undefined when none does. `numpy` holds every key of the cell.
 */
export function localize(c: FlatCase, actual: FlatOutputs, numpy: FlatOutputs, policy: Pick<ExplainInput, 'tolerance' | 'floor' | 'signs'>): Localization | undefined {
  const H = c.hidden;
  const unseen = ORDER[c.cell].filter((key) => !(key in actual));
  for (let t = 0; t < c.steps; t++) {
    for (const key of ORDER[c.cell]) {
      if (!(key in actual)) continue;
      for (let j = 0; j < H; j++) {
        const k = t * H + j;
        const one = (values: FlatOutputs) => ({ [key]: values[key].subarray(k, k + 1) });
        const floor = policy.floor === undefined ? undefined : { stepSpread: { [key]: policy.floor.stepSpread[key]?.subarray(t, t + 1) ?? Float64Array.of(0) }, classMoved: policy.floor.classMoved?.[key] === undefined ? undefined : { [key]: policy.floor.classMoved[key].subarray(k, k + 1) } };
        if (matchesUnderPolicy(one(actual), one(numpy), { ...policy, floor }, 1)) continue;
        return { step: t, key, unit: j, numpy: numpy[key][k], actual: actual[key][k], terms: seedTerms(c, numpy, key, t, j), unseen };
      }
    }
  }
  return undefined;
}
