/** Judging an implementation, or a fresh NumPy run, against a golden file. */
import type { GoldenFile } from '../golden/format.js';
import { toFlatCase, type FlatOutputs, type Reference } from './flat-case.js';
import { runImplementation, type Implementation } from './implementation.js';
import { FLOAT64_TOLERANCE, type Tolerance } from './tolerance.js';
import { judge, type Verdict } from './verdict.js';
import { measureNoiseFloors } from './noise-floor.js';

export function flattenRows(rows: readonly (readonly number[])[]): Float64Array {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const out = new Float64Array(rows.length * cols);
  rows.forEach((row, t) => out.set(row, t * cols));
  return out;
}

/** The file's expected outputs as flat T x H arrays, by seed key. */
export function expectedArrays(file: GoldenFile): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(file.expected).map(([key, rows]) => [key, flattenRows(rows)]));
}

export function hiddenOf(file: GoldenFile): number {
  return (file.case.W.u_i as number[][]).length;
}

/** The file's own tolerance where the table widened it, else the float64 default. */
export function toleranceOf(file: GoldenFile): Tolerance {
  return file.tolerance ?? FLOAT64_TOLERANCE;
}

/** {@link judgeGoldenFile}'s answer: the verdict on one golden file and the arrays behind it. */
export interface GoldenJudgement {
  /** The verdict, judged with the file's tolerance and recorded noise floor. */
  verdict: Verdict;
  /** The implementation's outputs, flat T x H by seed key. */
  actual: FlatOutputs;
  /** NumPy's recorded outputs, for the keys the implementation returned. */
  expected: FlatOutputs;
  /** The file's recorded noise floor per key and step (see {@link NoiseFloor}). */
  stepSpread: Record<string, Float64Array>;
  /** H, to turn a flat index into step and unit. */
  hidden: number;
}

/**
 * Runs the implementation on the file's inputs and judges it against NumPy's recorded outputs and
 * the recorded noise floor, on the keys it returned. The file passes when the verdict is 'agrees',
 * or exactly the verdict it was kept for (`expectedVerdict`).
 */
export async function judgeGoldenFile(file: GoldenFile, impl: Implementation): Promise<GoldenJudgement> {
  const c = toFlatCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const actual = await runImplementation(impl, c, `golden/${file.cell}/${file.name}`, file.case);
  const recorded = expectedArrays(file);
  const expected: FlatOutputs = {};
  for (const key of Object.keys(actual)) {
    if (!(key in recorded)) throw new Error(`golden/${file.cell}/${file.name}: golden file lacks key ${key}`);
    expected[key] = recorded[key];
  }
  const floor = recordedFloor(file);
  const { stepSpread } = floor;
  const verdict = judge(c, actual, expected, toleranceOf(file), floor);
  return { verdict, actual, expected, stepSpread, hidden: c.hidden };
}

/** The file's recorded noise floor as a verdict reads it: spreads per key and step, and where NaN-ness moved. */
export function recordedFloor(file: GoldenFile): { stepSpread: Record<string, Float64Array>; classMoved: Record<string, Uint8Array> } {
  const elements = file.case.S.length * hiddenOf(file);
  const stepSpread = Object.fromEntries(Object.entries(file.noiseFloor.stepSpread).map(([key, values]) => [key, Float64Array.from(values)]));
  const classMoved = Object.fromEntries(
    Object.entries(file.noiseFloor.classMoved ?? {}).map(([key, indices]) => {
      const marks = new Uint8Array(elements);
      for (const k of indices) marks[k] = 1;
      return [key, marks];
    }),
  );
  return { stepSpread, classMoved };
}

/**
 * Whether a verdict passes a golden file: 'agrees' always does; otherwise only the verdict the
 * file records as expected (a chaotic case expects 'ill-conditioned'), so a file cannot pass by
 * drifting into a different kind of disagreement.
 */
export function goldenPasses(file: GoldenFile, verdict: Verdict): boolean {
  return verdict.kind === 'agrees' || verdict.kind === file.expectedVerdict;
}

/**
 * Judges an implementation on a golden file's inputs against a live reference instead of the
 * recorded answers: how a float32 implementation meets the corpus, since the files record NumPy
 * in float64. The noise floor, when needed, is measured live in the reference's precision.
 */
export async function judgeGoldenFileLive(file: GoldenFile, impl: Implementation, reference: Reference, tolerance: Tolerance): Promise<GoldenJudgement> {
  const c = toFlatCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const name = `golden/${file.cell}/${file.name}`;
  const actual = await runImplementation(impl, c, name, file.case);
  const [result] = await reference.evaluate([c]);
  if (!result.ok) throw new Error(`${name}: the reference could not evaluate it: ${result.error}`);
  const expected: FlatOutputs = Object.fromEntries(Object.keys(actual).map((key) => [key, result.outputs[key]]));
  let verdict = judge(c, actual, expected, tolerance);
  let stepSpread: Record<string, Float64Array> = {};
  if (verdict.kind !== 'agrees') {
    const [floor] = await measureNoiseFloors(reference, [c], [expected], { seed: file.source.seed, dtype: tolerance.dtype });
    stepSpread = floor.stepSpread;
    verdict = judge(c, actual, expected, tolerance, floor);
  }
  return { verdict, actual, expected, stepSpread, hidden: c.hidden };
}
