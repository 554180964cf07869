/**
 * What the explorer looks for in one evaluated case. Each category says what happened and where,
 * in one line; a case may fall into several.
 */
import type { CellType } from '../cells/schema.js';
import type { FlatOutputs } from '../judge/flat-case.js';
import { where } from '../judge/compare.js';
import { describeVerdict, type Verdict } from '../judge/verdict.js';

/**
 * What the explorer sorts a case into (one case may fall into several): the three kinds of
 * disagreement with NumPy, NumPy's warnings, and float64 events worth knowing (a gate exactly 0 or
 * 1, |h| exactly 1, NaN from finite inputs).
 */
export type CategoryId =
  | 'implementation-error'
  | 'port-bug'
  | 'ill-conditioned'
  | 'platform-quirk'
  | 'numpy-overflow'
  | 'numpy-invalid'
  | 'numpy-other-warning'
  | 'gate-exact'
  | 'h-unit'
  | 'nan-from-finite';

export const CATEGORY_TITLES: Record<CategoryId, string> = {
  'implementation-error': 'the implementation failed or broke the interface',
  'port-bug': 'implementation vs NumPy beyond tolerance: port bug',
  'ill-conditioned': 'implementation vs NumPy beyond tolerance: ill-conditioned (within NumPy\'s own spread)',
  'platform-quirk': 'implementation vs NumPy beyond tolerance: reference platform quirk',
  'numpy-overflow': 'NumPy warning: overflow',
  'numpy-invalid': 'NumPy warning: invalid value',
  'numpy-other-warning': 'NumPy warning: other',
  'gate-exact': 'gate exactly 0 or 1',
  'h-unit': '|h| = 1 exactly',
  'nan-from-finite': 'NaN from finite inputs',
};

/** Categories in the order the report lists them: disagreements first. */
export const CATEGORY_ORDER: readonly CategoryId[] = [
  'implementation-error',
  'port-bug',
  'platform-quirk',
  'ill-conditioned',
  'numpy-overflow',
  'numpy-invalid',
  'numpy-other-warning',
  'nan-from-finite',
  'gate-exact',
  'h-unit',
];

export interface Evaluated {
  cell: CellType;
  value: { S: number[][]; W: Record<string, unknown> };
  steps: number;
  hidden: number;
  /** The implementation's outputs, flat T x H, for the seed keys it returns (none after an error). */
  port: FlatOutputs;
  warnings: readonly string[];
  numpy: FlatOutputs;
  /** The verdict on the outputs; undefined when the implementation failed on the case. */
  verdict?: Verdict;
  /** Why the implementation failed on the case (an error reply, a reply that breaks the interface). */
  error?: string;
}

/** Each cell's gate keys, in the seed's spelling. */
const GATE_KEYS: Record<CellType, readonly string[]> = {
  type1: ['input_gate_activations', 'forget_gate_activations', 'Output_gate_activations'],
  type2: ['input_gate_activations', 'forget_gate_activations', 'output_gate_activations'],
};

function allFinite(value: Evaluated['value']): boolean {
  const finite = (rows: unknown): boolean =>
    Array.isArray(rows) && rows.every((x) => (Array.isArray(x) ? finite(x) : Number.isFinite(x as number)));
  return finite(value.S) && Object.values(value.W).every(finite);
}

function firstIndex(values: Float64Array, test: (x: number) => boolean): number {
  for (let k = 0; k < values.length; k++) if (test(values[k])) return k;
  return -1;
}

/**
 * The categories this case falls into, each with a one-line detail. Categories about the port's
 * own values look only at the keys the implementation returned.
 */
export function categorize(e: Evaluated): Map<CategoryId, string> {
  const found = new Map<CategoryId, string>();
  const { port, cell, hidden: H } = e;
  const at = (key: string, k: number) => where({ key, step: Math.floor(k / H), unit: k % H });

  if (e.error !== undefined) found.set('implementation-error', e.error);
  if (e.verdict !== undefined && e.verdict.kind !== 'agrees') found.set(e.verdict.kind, describeVerdict(e.verdict));
  for (const warning of e.warnings) {
    const id: CategoryId = warning.startsWith('overflow') ? 'numpy-overflow' : warning.startsWith('invalid value') ? 'numpy-invalid' : 'numpy-other-warning';
    found.set(id, found.has(id) ? `${found.get(id)}; ${warning}` : warning);
  }
  if (e.error !== undefined) return found;

  for (const key of GATE_KEYS[cell].filter((key) => key in port)) {
    const k = firstIndex(port[key], (x) => x === 0 || x === 1);
    if (k >= 0) {
      found.set('gate-exact', `${at(key, k)} = ${port[key][k]} in the port`);
      break;
    }
  }
  const h = firstIndex(port.Output, (x) => Math.abs(x) === 1);
  if (h >= 0) found.set('h-unit', `${at('Output', h)} = ${port.Output[h]} in the port`);

  if (allFinite(e.value)) {
    for (const [key, values] of Object.entries(e.numpy)) {
      const k = firstIndex(values, Number.isNaN);
      if (k >= 0) {
        found.set('nan-from-finite', `NumPy: NaN first at ${at(key, k)}`);
        break;
      }
    }
    if (!found.has('nan-from-finite')) {
      for (const key of ['Output', 'cell_state_vectors', ...GATE_KEYS[cell]].filter((key) => key in port)) {
        const k = firstIndex(port[key], Number.isNaN);
        if (k >= 0) {
          found.set('nan-from-finite', `port: NaN first at ${at(key, k)}`);
          break;
        }
      }
    }
  }
  return found;
}
