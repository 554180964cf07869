/**
 * The per-case judging step of the live campaign. `judgeLiveCase` takes one case, what the
 * implementation answered, what NumPy answered (and, on the second pass of a case that did not
 * agree, NumPy's noise floor for it) and the review of ./case-checks.ts, and returns the judged
 * case the tally counts; a case the implementation failed to run is a `FailedRun`. Every check a
 * live case gets is decided here and in case-checks, so that it runs the same whatever the number
 * of workers or shards.
 */
import type { FlatCase, FlatOutputs, ReferenceResult } from '../judge/flat-case.js';
import { caseFeatures, type Feature } from '../diagnosis/contrast.js';
import type { NoiseFloor } from '../judge/noise-floor.js';
import { FLOAT64_TOLERANCE, type Tolerance } from '../judge/tolerance.js';
import { judge, type Verdict } from '../judge/verdict.js';
import type { CellType } from '../cells/schema.js';
import type { ImplementationError } from '../judge/implementation.js';
import type { CaseReview } from './case-checks.js';
import type { PlannedCase } from './plan.js';
import type { CaseSource } from './result.js';

/** One live case judged: its verdict against NumPy, the arrays behind it, and its other checks. */
export interface JudgedCase {
  /** The case's stable name, e.g. `type1/live-7-42`. */
  name: string;
  /** Its cell. */
  cell: CellType;
  /** Live case or chaotic probe. */
  source: CaseSource;
  /** The case's place in the whole campaign (./plan.ts). */
  order: number;
  /** The verdict against NumPy, with the noise floor when one was measured. */
  verdict: Verdict;
  /** The implementation's outputs. */
  actual: FlatOutputs;
  /** NumPy's outputs for the keys the implementation returned. */
  expected: FlatOutputs;
  /** H, to turn a flat index into step and unit. */
  hidden: number;
  /** NumPy's spread per key and step, where the noise floor was measured. */
  stepSpread?: Record<string, ArrayLike<number>>;
  /** What the checks beside NumPy's comparison found. */
  review: CaseReview;
  /** A float32 implementation only: float64 NumPy's outputs for the same keys, for the error beside. */
  float64?: FlatOutputs;
  /** The case's input features, for the contrast of failing and passing cases. */
  features?: Feature[];
}

/** A case the implementation failed to run: a port bug, with nothing to compare. */
export interface FailedRun {
  name: string;
  cell: CellType;
  source: CaseSource;
  order: number;
  runError: string;
  /** The case's input features, for the contrast of failing and passing cases. */
  features?: Feature[];
}

export type CaseOutcome = JudgedCase | FailedRun;

export function failedRun(c: Pick<PlannedCase, 'name' | 'cell' | 'index' | 'order'> & { flat?: FlatCase }, source: CaseSource, error: ImplementationError): FailedRun {
  return { name: c.name, cell: c.cell, source, order: c.order, runError: error.message, features: c.flat === undefined ? undefined : caseFeatures(c.flat) };
}

export const sourceOf = (c: Pick<PlannedCase, 'index'>): CaseSource => (c.index < 0 ? 'probe' : 'live');

/** NumPy's outputs for the keys the implementation returned. */
export function pick(outputs: FlatOutputs, actual: FlatOutputs): FlatOutputs {
  return Object.fromEntries(Object.keys(actual).map((key) => [key, outputs[key]]));
}

/** Judges a live case; `tolerance` is the policy of the implementation's precision (../judge/tolerance.ts). */
export function judgeLiveCase(
  c: PlannedCase,
  actual: FlatOutputs,
  numpy: ReferenceResult,
  review: CaseReview,
  floor?: Pick<NoiseFloor, 'stepSpread'> & Partial<Pick<NoiseFloor, 'classMoved'>>,
  tolerance: Tolerance = FLOAT64_TOLERANCE,
): JudgedCase {
  if (!numpy.ok) throw new Error(`${c.name}: NumPy could not evaluate it: ${numpy.error}`);
  const expected = pick(numpy.outputs, actual);
  return {
    name: c.name,
    cell: c.cell,
    source: sourceOf(c),
    order: c.order,
    verdict: judge(c.flat, actual, expected, tolerance, floor),
    actual,
    expected,
    hidden: c.flat.hidden,
    stepSpread: floor?.stepSpread,
    review,
    features: caseFeatures(c.flat),
  };
}
