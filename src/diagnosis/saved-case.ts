/**
 * A diagnosed case as a file in the golden file's format (../golden/format.ts): the inputs,
 * NumPy's answer and warnings, NumPy's noise floor, and the finding itself: which implementation
 * and check, the implementation's own answer, and the mistakes that reproduce it. `verify --case`
 * judges such a file without Python, against the recorded answer, as the golden corpus is.
 */
import { basename } from 'node:path';
import { GOLDEN_SCHEMA_VERSION, type GoldenFile } from '../golden/format.js';
import type { FlatOutputs, Reference } from '../judge/flat-case.js';
import { toFlatCase } from '../judge/flat-case.js';
import { DEFAULT_COPIES, measureNoiseFloors, type NoiseFloor } from '../judge/noise-floor.js';
import type { Implementation } from '../judge/implementation.js';
import { describeVerdict } from '../judge/verdict.js';
import type { Diagnosis, Floor, JudgedForm } from './diagnose.js';

function rows(values: Float64Array, steps: number, hidden: number): number[][] {
  return Array.from({ length: steps }, (_, t) => Array.from(values.subarray(t * hidden, (t + 1) * hidden)));
}

function asRows(outputs: FlatOutputs, steps: number, hidden: number): Record<string, number[][]> {
  return Object.fromEntries(Object.entries(outputs).map(([key, values]) => [key, rows(values, steps, hidden)]));
}

/**
 * The file name a diagnosed case is saved under: its name with / as -, `type1-live-1-1495.json`
 * and `type1-live-1-1495.shrunk.json`; a case read from a file goes by the file's own name.
 */
export function savedName(caseName: string, which: 'shrunk' | 'original'): string {
  const slug = caseName.endsWith('.json') ? basename(caseName, '.json').replace(/\.shrunk$/, '') : caseName;
  return `${slug.replace(/[^A-Za-z0-9._-]+/g, '-')}${which === 'shrunk' ? '.shrunk' : ''}.json`;
}

/**
 * The golden-format file of one form of a diagnosed case. A form judged without a noise floor
 * (it agreed with NumPy, or its check is not the comparison) gets one measured here.
 */
export async function savedCase(d: Diagnosis, which: 'shrunk' | 'original', allowNonFinite: boolean, implementation: Implementation, reference: Reference | undefined, dtype: 'float64' | 'float32'): Promise<GoldenFile> {
  const form: JudgedForm = which === 'shrunk' ? d.shrunk : d.original;
  const c = toFlatCase(d.cell, form.value, { allowNonFinite });
  let floor: Floor | undefined = form.floor;
  if (floor === undefined && reference !== undefined) [floor] = await measureNoiseFloors(reference, [c], [form.numpy], { dtype });
  const stepSpread = Object.fromEntries(Object.keys(form.numpy).map((key) => [key, Array.from(floor?.stepSpread[key] ?? new Float64Array(c.steps))]));
  const moved = Object.entries(floor?.classMoved ?? {}).map(([key, marks]) => [key, Array.from(marks.keys()).filter((k) => marks[k] === 1)] as const);
  const description =
    form.runError !== undefined ? `the implementation failed on the case: ${form.runError}` : (form.description ?? (form.verdict === undefined ? 'not judged' : describeVerdict(form.verdict)));
  return {
    schema: GOLDEN_SCHEMA_VERSION,
    name: which === 'shrunk' ? `${d.name} (shrunk)` : d.name,
    cell: d.cell,
    description: `${which === 'shrunk' ? 'Shrunk from' : 'Found as'} ${d.name}: ${d.check} said port bug for ${implementation.name}.`,
    source: { kind: 'finding', seed: 0, detail: d.name },
    allowNonFinite,
    case: form.value,
    expected: asRows(form.numpy, c.steps, c.hidden),
    numpyWarnings: [...form.warnings],
    noiseFloor: { copies: (floor as Partial<NoiseFloor> | undefined)?.copies ?? DEFAULT_COPIES, seed: (floor as Partial<NoiseFloor> | undefined)?.seed ?? 1, stepSpread, classMoved: moved.length === 0 ? undefined : Object.fromEntries(moved) },
    finding: {
      implementation: implementation.name,
      check: d.check,
      verdict: description,
      actual: form.actual === undefined ? undefined : asRows(form.actual, c.steps, c.hidden),
      runError: form.runError,
      shrunkFrom: which === 'shrunk' ? d.name : undefined,
      mistakes: d.mistakes.filter((m) => which === 'shrunk' || m.onOriginal).map(({ mistake }) => ({ id: mistake.id, title: mistake.title })),
    },
  };
}
