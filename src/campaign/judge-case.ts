/**
 * The per-case judging step of the live campaign. `judgeLiveCase` takes one case, what the
 * implementation answered and what NumPy answered (and, on the second pass of a case that did not
 * agree, NumPy's noise floor for it) and returns the judged case the tally counts. Every check a
 * live case gets belongs here, so that it runs the same whatever the number of workers or shards.
 */
import type { FlatOutputs, ReferenceResult } from '../judge/flat-case.js';
import type { NoiseFloor } from '../judge/noise-floor.js';
import { FLOAT64_TOLERANCE } from '../judge/tolerance.js';
import { judge, type Verdict } from '../judge/verdict.js';
import type { CellType } from '../cells/schema.js';
import type { PlannedCase } from './plan.js';
import type { CaseSource } from './result.js';

export interface JudgedCase {
  name: string;
  cell: CellType;
  source: CaseSource;
  /** The case's place in the whole campaign (./plan.ts). */
  order: number;
  verdict: Verdict;
  actual: FlatOutputs;
  /** NumPy's outputs for the keys the implementation returned. */
  expected: FlatOutputs;
  hidden: number;
  /** NumPy's spread per key and step, where the noise floor was measured. */
  stepSpread?: Record<string, ArrayLike<number>>;
}

/** NumPy's outputs for the keys the implementation returned. */
function pick(outputs: FlatOutputs, actual: FlatOutputs): FlatOutputs {
  return Object.fromEntries(Object.keys(actual).map((key) => [key, outputs[key]]));
}

export function judgeLiveCase(c: PlannedCase, actual: FlatOutputs, numpy: ReferenceResult, floor?: Pick<NoiseFloor, 'stepSpread'>): JudgedCase {
  if (!numpy.ok) throw new Error(`${c.name}: NumPy could not evaluate it: ${numpy.error}`);
  const expected = pick(numpy.outputs, actual);
  return {
    name: c.name,
    cell: c.cell,
    source: c.index < 0 ? 'probe' : 'live',
    order: c.order,
    verdict: judge(c.flat, actual, expected, FLOAT64_TOLERANCE, floor),
    actual,
    expected,
    hidden: c.flat.hidden,
    stepSpread: floor?.stepSpread,
  };
}
