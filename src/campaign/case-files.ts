/**
 * Cases given as files (`verify --case`), each judged as verify judges its own: a golden-format
 * file against its recorded answer and noise floor (a float32 implementation against NumPy in
 * float32, live), any other case against NumPy live, with its noise floor where it disagrees;
 * then every check beside NumPy's comparison. Named by their paths in the findings.
 */
import type { CellType } from '../cells/schema.js';
import type { GoldenFile } from '../golden/format.js';
import { toFlatCase } from '../judge/flat-case.js';
import { ImplementationError, runImplementation, type CaseInput, type Implementation } from '../judge/implementation.js';
import { measureNoiseFloors } from '../judge/noise-floor.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import { reviewCases } from './case-checks.js';
import { failedRun, judgeLiveCase, type CaseOutcome } from './judge-case.js';
import type { Judging } from './judging.js';
import { judgeGolden } from './verify.js';

/** A case read from a file: a golden-format file, or a case with its cell. */
export type CaseFile = { path: string; golden: GoldenFile } | { path: string; cell: CellType; value: CaseValue; allowNonFinite: boolean };

/** Judges one file; `order` is its place among the files given. A failure for good is thrown. */
export async function judgeCaseFile(file: CaseFile, impl: Implementation, order: number, judging: Judging): Promise<CaseOutcome> {
  if ('golden' in file) return judgeGolden(file.golden, impl, order, judging, file.path);
  const c = { name: file.path, cell: file.cell, index: order, order, flat: toFlatCase(file.cell, file.value, { allowNonFinite: file.allowNonFinite }), value: file.value };
  const reference = judging.reference;
  if (reference === undefined) throw new Error(`${file.path}: judging a case without recorded answers needs NumPy`);
  const [numpy] = await reference.evaluate([c.flat]);
  if (!numpy.ok) throw new Error(`${file.path}: NumPy could not evaluate it: ${numpy.error}`);
  let actual;
  try {
    actual = await runImplementation(impl, c.flat, c.name, file.value as CaseInput);
  } catch (error) {
    if (!(error instanceof ImplementationError) || error.fatal) throw error;
    return failedRun(c, 'live', error);
  }
  const planned = { ...c, seed: 0, family: 'edge' as const, allowNonFinite: file.allowNonFinite };
  let judged = judgeLiveCase(planned, actual, numpy, { ran: [], notChecked: [], failures: [], quirks: [] }, undefined, judging.tolerance);
  if (judged.verdict.kind !== 'agrees') {
    const [floor] = await measureNoiseFloors(reference, [c.flat], [judged.expected], { dtype: judging.dtype });
    judged = judgeLiveCase(planned, actual, numpy, judged.review, floor, judging.tolerance);
  }
  const [review] = await reviewCases(impl, [{ name: c.name, index: order, flat: c.flat, input: file.value as CaseInput, actual, agreed: judged.verdict.kind === 'agrees' ? numpy.outputs : undefined }]);
  return { ...judged, review };
}
