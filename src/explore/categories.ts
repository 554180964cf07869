/**
 * What the explorer looks for in one evaluated case. Each category says what happened and where,
 * in one line; a case may fall into several.
 */
import type { CellType } from '../cells/schema.js';
import { SEED_KEYS, type LstmTrace } from '../cells/trace.js';
import { where } from '../numeric/compare.js';
import { describeVerdict, type Verdict } from '../campaign/verdict.js';

export type CategoryId =
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
  'port-bug': 'TypeScript vs NumPy beyond tolerance: port bug',
  'ill-conditioned': 'TypeScript vs NumPy beyond tolerance: ill-conditioned (within NumPy\'s own spread)',
  'platform-quirk': 'TypeScript vs NumPy beyond tolerance: reference platform quirk',
  'numpy-overflow': 'NumPy warning: overflow',
  'numpy-invalid': 'NumPy warning: invalid value',
  'numpy-other-warning': 'NumPy warning: other',
  'gate-exact': 'gate exactly 0 or 1',
  'h-unit': '|h| = 1 exactly',
  'nan-from-finite': 'NaN from finite inputs',
};

/** Categories in the order the report lists them: disagreements first. */
export const CATEGORY_ORDER: readonly CategoryId[] = [
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
  trace: LstmTrace;
  warnings: readonly string[];
  numpy: Record<string, Float64Array>;
  verdict: Verdict;
}

const GATE_FIELDS = ['inputGate', 'forgetGate', 'outputGate'] as const;

function seedKeyOf(cell: CellType, field: string): string {
  return Object.entries(SEED_KEYS[cell]).find(([, f]) => f === field)?.[0] ?? field;
}

function allFinite(value: Evaluated['value']): boolean {
  const finite = (rows: unknown): boolean =>
    Array.isArray(rows) && rows.every((x) => (Array.isArray(x) ? finite(x) : Number.isFinite(x as number)));
  return finite(value.S) && Object.values(value.W).every(finite);
}

function firstIndex(values: Float64Array, test: (x: number) => boolean): number {
  for (let k = 0; k < values.length; k++) if (test(values[k])) return k;
  return -1;
}

/** The categories this case falls into, each with a one-line detail. */
export function categorize(e: Evaluated): Map<CategoryId, string> {
  const found = new Map<CategoryId, string>();
  const { trace, cell } = e;
  const H = trace.hidden;
  const at = (field: string, k: number) => where({ key: seedKeyOf(cell, field), step: Math.floor(k / H), unit: k % H });

  if (e.verdict.kind !== 'agrees') found.set(e.verdict.kind, describeVerdict(e.verdict));
  for (const warning of e.warnings) {
    const id: CategoryId = warning.startsWith('overflow') ? 'numpy-overflow' : warning.startsWith('invalid value') ? 'numpy-invalid' : 'numpy-other-warning';
    found.set(id, found.has(id) ? `${found.get(id)}; ${warning}` : warning);
  }

  for (const field of GATE_FIELDS) {
    const k = firstIndex(trace[field], (x) => x === 0 || x === 1);
    if (k >= 0) {
      found.set('gate-exact', `${at(field, k)} = ${trace[field][k]} in the port`);
      break;
    }
  }
  const h = firstIndex(trace.output, (x) => Math.abs(x) === 1);
  if (h >= 0) found.set('h-unit', `${at('output', h)} = ${trace.output[h]} in the port`);

  if (allFinite(e.value)) {
    for (const [key, values] of Object.entries(e.numpy)) {
      const k = firstIndex(values, Number.isNaN);
      if (k >= 0) {
        found.set('nan-from-finite', `NumPy: NaN first at ${where({ key, step: Math.floor(k / H), unit: k % H })}`);
        break;
      }
    }
    if (!found.has('nan-from-finite')) {
      for (const field of ['output', 'cellState', ...GATE_FIELDS] as const) {
        const k = firstIndex(trace[field], Number.isNaN);
        if (k >= 0) {
          found.set('nan-from-finite', `port: NaN first at ${at(field, k)}`);
          break;
        }
      }
    }
  }
  return found;
}
