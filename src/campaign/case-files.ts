/**
 * Cases given as files (`verify --case`), each judged as verify judges its own: a golden-format
 * file against its recorded answer and noise floor (a float32 implementation against NumPy in
 * float32, live), any other case against NumPy live, with its noise floor where it disagrees;
 * then every check beside NumPy's comparison. Named by their paths in the findings.
 */
import type { CellType } from '../cells/schema.js';
import type { GoldenFile } from '../golden/format.js';
import { toFlatCase, type FlatOutputs } from '../judge/flat-case.js';
import { ImplementationError, runImplementation, type CaseInput, type Implementation } from '../judge/implementation.js';
import { measureNoiseFloors, type NoiseFloor } from '../judge/noise-floor.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import { reviewCases } from './case-checks.js';
import { failedRun, judgeLiveCase, type CaseOutcome } from './judge-case.js';
import type { Judging } from './judging.js';
import { judgeGolden } from './verify.js';

/** A case read from a file: a golden-format file, or a case with its cell. */
export type CaseFile = { path: string; golden: GoldenFile } | { path: string; cell: CellType; value: CaseValue; allowNonFinite: boolean };

/** A file judged: its outcome, and NumPy's answer (every key) with its noise floor where one was measured. */
export interface JudgedFile {
  outcome: CaseOutcome;
  numpy?: { outputs: FlatOutputs; warnings: readonly string[]; floor?: NoiseFloor };
}

/** Judges one file; `order` is its place among the files given. A failure for good is thrown. */
export async function judgeCaseFile(file: CaseFile, impl: Implementation, order: number, judging: Judging): Promise<JudgedFile> {
  if ('golden' in file) return { outcome: await judgeGolden(file.golden, impl, order, judging, file.path) };
  const c = { name: file.path, cell: file.cell, index: order, order, flat: toFlatCase(file.cell, file.value, { allowNonFinite: file.allowNonFinite }), value: file.value };
  const reference = judging.reference;
  if (reference === undefined) throw new Error(`${file.path}: judging a case without recorded answers needs NumPy`);
  const [numpy] = await reference.evaluate([c.flat]);
  if (!numpy.ok) throw new Error(`${file.path}: NumPy could not evaluate it: ${numpy.error}`);
  const known = { outputs: numpy.outputs, warnings: numpy.warnings };
  let actual;
  try {
    actual = await runImplementation(impl, c.flat, c.name, file.value as CaseInput);
  } catch (error) {
    if (!(error instanceof ImplementationError) || error.fatal) throw error;
    return { outcome: failedRun(c, 'live', error), numpy: known };
  }
  const planned = { ...c, seed: 0, family: 'edge' as const, allowNonFinite: file.allowNonFinite };
  let judged = judgeLiveCase(planned, actual, numpy, { ran: [], notChecked: [], failures: [], quirks: [] }, undefined, judging.tolerance);
  let floor: NoiseFloor | undefined;
  if (judged.verdict.kind !== 'agrees') {
    [floor] = await measureNoiseFloors(reference, [c.flat], [judged.expected], { dtype: judging.dtype });
    judged = judgeLiveCase(planned, actual, numpy, judged.review, floor, judging.tolerance);
  }
  const [review] = await reviewCases(impl, [{ name: c.name, index: order, flat: c.flat, input: file.value as CaseInput, actual, agreed: judged.verdict.kind === 'agrees' ? numpy.outputs : undefined }]);
  return { outcome: { ...judged, review }, numpy: { ...known, floor } };
}
