/**
 * The implementation against NumPy, live: random cases go through the NumPy worker (the seed's
 * computation op for op, in the implementation's precision: float32 implementations meet NumPy
 * on S and W rounded to float32) and both answers are compared.
 *
 * - On well-conditioned cases (well-scaled or unit weights, H <= 16, T <= 40, edge doubles in S
 *   within ±1), under the fixed tolerance policy: bit equality is out of reach (OpenBLAS sums with
 *   FMA in blocks; NumPy's exp and tanh are SIMD code), and the fixed policy is sized for
 *   well-conditioned cases only. With larger edge inputs, a pre-activation summed from terms of a
 *   few hundred can cancel to near zero, and a one-ULP difference in how they are summed then
 *   exceeds the fixed tolerance with no bug involved.
 * - With saturating weights and edge doubles of any size in S, a case that does not agree gets
 *   NumPy's noise floor and a verdict (src/judge/verdict.ts); only a port bug fails, and a
 *   port-bug verdict is checked against the high-precision truth first (closerToTruth).
 *
 * Each run sends one batch of up to 8 cases in one request. On failure fast-check shrinks the
 * batch to the one case that disagrees and that case to a minimal one.
 */
import fc from 'fast-check';
import { CELL_TYPES, type CellType } from '../../cells/schema.js';
import { compareTraces, formatComparison, type Comparison } from '../../judge/compare.js';
import { toFlatCase, type FlatCase, type FlatOutputs } from '../../judge/flat-case.js';
import type { Tolerance } from '../../judge/tolerance.js';
import { ulpDistance } from '../../numeric/ulp.js';
import type { NumpyOracle } from '../../oracle/numpy-oracle.js';
import { measureNoiseFloors } from '../../judge/noise-floor.js';
import { describeVerdict, judge } from '../../judge/verdict.js';
import { cellCase, type CellCase } from '../arbitraries/cell-case.js';
import { explainLines } from '../../diagnosis/record.js';
import { CELL_LABEL, needsNumpy, type ConformanceContext, type ConformanceProperty } from '../property.js';

export const BATCH = 8;

/**
 * Whether, on every element beyond the tolerance, the implementation is at least as close to the
 * 200-digit truth as NumPy (in ULP). Where a gate saturates, 1-ULP input perturbations move
 * nothing while a 1-ULP difference in the gate survives, and a cancellation in c_t followed by a
 * large recurrent weight can lift it past the tolerance (measured on this package's cells: c_t
 * cancelling to -2.7e-13, then u_c = -537 turned a 1.1e-16 difference into 6e-14 in the next
 * candidate, with the cells the closer to the truth on every such element). The noise floor now
 * moves NumPy's sigmoid and tanh results by one ULP too, which covers that; four copies of coins
 * can still miss the one combination a case is sensitive to, so a port-bug verdict on these
 * saturating cases is checked against the truth as well. Such a difference is NumPy's rounding,
 * not a port bug.
 */
export async function closerToTruth(oracle: NumpyOracle, c: FlatCase, actual: FlatOutputs, numpy: FlatOutputs, tolerance: Tolerance): Promise<boolean> {
  const [truth] = await oracle.truth([c]);
  if (!truth.ok || truth.converged === false) return false;
  for (const [key, expected] of Object.entries(numpy)) {
    const port = actual[key];
    for (let e = 0; e < expected.length; e++) {
      const differs = Number.isNaN(port[e]) !== Number.isNaN(expected[e]) || Math.abs(port[e] - expected[e]) > tolerance.atol + tolerance.rtol * Math.abs(expected[e]);
      if (differs && !(ulpDistance(port[e], truth.outputs[key][e]) <= ulpDistance(expected[e], truth.outputs[key][e]))) return false;
    }
  }
  return true;
}

/** One case compared: the comparison, and both answers (NumPy's with every key) for the diagnosis. */
export interface CaseComparison {
  comparison: Comparison;
  flat: FlatCase;
  actual: FlatOutputs;
  numpy: FlatOutputs;
}

/** Each case's comparison of the implementation with NumPy (in its precision), from one request. */
export async function compareWithNumpy(context: ConformanceContext, cases: readonly CellCase[]): Promise<CaseComparison[]> {
  const { subject, oracle } = context;
  const flats = cases.map((c) => toFlatCase(c.cell, { S: c.S, W: c.W }));
  const results = await oracle!.evaluate(flats, { dtype: subject.dtype });
  const comparisons: CaseComparison[] = [];
  for (const [k, c] of cases.entries()) {
    const result = results[k];
    if (!result.ok) throw new Error(`NumPy could not evaluate case ${k}: ${result.error}`);
    const actual = await subject.run(c.cell, c);
    const expected = Object.fromEntries(Object.keys(actual).map((key) => [key, result.outputs[key]]));
    comparisons.push({ comparison: compareTraces(actual, expected, c.hidden, subject.tolerance), flat: flats[k], actual, numpy: result.outputs });
  }
  return comparisons;
}

/**
 * One report per case that disagrees, each with its diagnosis (where it first parts from NumPy,
 * the catalogued mistakes that reproduce it), or undefined when all agree.
 */
export function disagreements(cases: readonly CellCase[], comparisons: readonly CaseComparison[], tolerance: Tolerance): string | undefined {
  const lines = comparisons.flatMap(({ comparison, flat, actual, numpy }, k) =>
    comparison.ok
      ? []
      : [formatComparison(comparison, `case ${k} (${CELL_LABEL[cases[k].cell]}, H = ${cases[k].hidden}, X = ${cases[k].inputs}, T = ${cases[k].steps}, ${cases[k].scale})`), ...explainLines(flat, actual, numpy, { tolerance })],
  );
  return lines.length === 0 ? undefined : lines.join('\n');
}

export const wellConditionedBatches = (cell: CellType) =>
  fc.array(cellCase(cell, { weights: { scales: ['well-scaled', 'unit'] }, sequence: { edges: 'some', edgeMaxAbs: 1 } }), { minLength: 1, maxLength: BATCH });

export function differentialTitle(cell: CellType): string {
  return `${CELL_LABEL[cell]}: every output agrees with NumPy in the implementation's precision within the tolerance policy, NaN and infinities exactly, on well-conditioned cases`;
}

export function differentialProperties(): ConformanceProperty[] {
  return CELL_TYPES.flatMap((cell: CellType): ConformanceProperty[] => [
    {
      kind: 'property',
      suite: 'differential',
      cell,
      title: differentialTitle(cell),
      needs: [],
      notFor: needsNumpy,
      make: (context) =>
        fc.asyncProperty(wellConditionedBatches(cell), async (cases) => {
          const failed = disagreements(cases, await compareWithNumpy(context, cases), context.subject.tolerance);
          if (failed !== undefined) throw new Error(failed);
        }),
    },
    {
      kind: 'property',
      suite: 'differential',
      cell,
      title: `${CELL_LABEL[cell]}: any difference from NumPy on cases with saturating weights and edge inputs stays within NumPy's own noise floor (never a port bug)`,
      needs: [],
      notFor: needsNumpy,
      make: ({ subject, oracle }) =>
        fc.asyncProperty(fc.array(cellCase(cell, { sequence: { edges: 'some' } }), { minLength: 1, maxLength: BATCH }), async (cases) => {
          const flat = cases.map((c) => toFlatCase(c.cell, { S: c.S, W: c.W }));
          const reference = oracle!.reference(subject.dtype);
          const results = await reference.evaluate(flat);
          const bugs: string[] = [];
          for (const [k, c] of cases.entries()) {
            const result = results[k];
            if (!result.ok) throw new Error(`NumPy could not evaluate case ${k}: ${result.error}`);
            const actual = await subject.run(cell, c);
            const expected = Object.fromEntries(Object.keys(actual).map((key) => [key, result.outputs[key]]));
            let verdict = judge(flat[k], actual, expected, subject.tolerance);
            if (verdict.kind !== 'agrees') {
              const [floor] = await measureNoiseFloors(reference, [flat[k]], [expected], { dtype: subject.dtype });
              verdict = judge(flat[k], actual, expected, subject.tolerance, floor);
            }
            if (verdict.kind === 'port-bug' && !(await closerToTruth(oracle!, flat[k], actual, expected, subject.tolerance))) {
              bugs.push(`case ${k} (H = ${c.hidden}, X = ${c.inputs}, T = ${c.steps}, ${c.scale}): ${describeVerdict(verdict)}`, ...explainLines(flat[k], actual, result.outputs, { tolerance: subject.tolerance }));
            }
          }
          if (bugs.length > 0) throw new Error(bugs.join('\n'));
        }),
    },
  ]);
}
