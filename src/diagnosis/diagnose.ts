/**
 * From a port bug to its cause, for any implementation and any check: the failing case is shrunk
 * (./shrink.ts) to a small one on which the same check still says port bug, the first element
 * where the implementation parts from NumPy is found with the seed's terms there
 * (./localize.ts), and the catalogue of porting mistakes is run on the shrunk case and the
 * original (./explain.ts). Nothing here knows who asks: verify, `verify --case`, the conformance
 * suite and the scoreboard call {@link diagnose} alike.
 */
import type { CellType } from '../cells/schema.js';
import { reviewCases, type CheckName } from '../campaign/case-checks.js';
import { toFlatCase, type FlatCase, type FlatOutputs, type Reference, type ReferenceResult } from '../judge/flat-case.js';
import { ImplementationError, runImplementation, type CaseInput, type Implementation } from '../judge/implementation.js';
import { measureNoiseFloors, type NoiseFloor } from '../judge/noise-floor.js';
import type { Tolerance } from '../judge/tolerance.js';
import { judge, type Verdict } from '../judge/verdict.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import { explain } from './explain.js';
import { localize, type Localization } from './localize.js';
import type { Mistake } from './mistake.js';
import { shrinkCase, ShrinkStopped, type ShrinkStop } from './shrink.js';

/** NumPy's noise floor as a verdict reads it: spreads per step, and where NaN-ness moved. */
export type Floor = Pick<NoiseFloor, 'stepSpread'> & Partial<Pick<NoiseFloor, 'classMoved'>>;

/** A port bug to diagnose: the case, the check that caught it, and (for a golden file) the recorded answers. */
export interface DiagnosisRequest {
  /** The case's name, e.g. `type1/live-1-1495` or `golden/type2/nan-input`. */
  name: string;
  cell: CellType;
  /** The check that called it a port bug. */
  check: CheckName;
  value: CaseValue;
  allowNonFinite: boolean;
  /** NumPy's answers (every key), warnings and noise floor, where known (a golden file); else NumPy is asked live. */
  recorded?: { outputs: FlatOutputs; floor?: Floor; warnings: readonly string[] };
  /** The implementation's answer on the case, where known: it is then not asked again (a port that hangs may not answer twice). */
  actual?: FlatOutputs;
}

/** What the diagnosis needs: the implementation, NumPy in its precision, the policy, a budget. */
export interface DiagnosisContext {
  implementation: Implementation;
  /** NumPy in the implementation's precision; without it nothing is shrunk (the original is still localized and explained). */
  reference?: Reference;
  tolerance: Tolerance;
  /** Stop shrinking at this time (performance.now() milliseconds). */
  deadline: number;
  /** At most this many candidates tested per case (default 2000). */
  maxTests?: number;
}

/** A case as judged: NumPy's answer (every key), the implementation's, the verdict and the floor. */
export interface JudgedForm {
  value: CaseValue;
  shape: { steps: number; hidden: number; inputs: number };
  numpy: FlatOutputs;
  warnings: readonly string[];
  actual?: FlatOutputs;
  /** The implementation's error, where it failed to run the case. */
  runError?: string;
  verdict?: Verdict;
  floor?: Floor;
  /** The check's own description, for checks beside the comparison with NumPy. */
  description?: string;
}

/** The diagnosis of one port bug. */
export interface Diagnosis {
  name: string;
  cell: CellType;
  check: CheckName;
  original: JudgedForm;
  /** The smallest case that still fails the same check (the original when nothing smaller did). */
  shrunk: JudgedForm;
  /** Candidates tested, seconds spent, and why shrinking stopped; undefined where it could not run. */
  shrinking?: { tests: number; seconds: number; stopped: ShrinkStop; why?: string };
  /** Why the case was not shrunk, when it was not. */
  notShrunk?: string;
  /** The first element where the implementation parts from NumPy on the shrunk case. */
  localization?: Localization;
  /** Catalogued mistakes that reproduce the implementation's answer on the shrunk case, and whether also on the original. */
  mistakes: { mistake: Mistake; onOriginal: boolean }[];
}

const shapeOf = (c: FlatCase) => ({ steps: c.steps, hidden: c.hidden, inputs: c.inputs });

/** Rejects when `deadline` passes first: a hanging implementation must not hold shrinking past its budget. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  if (deadline === Infinity) return promise;
  const left = deadline - performance.now();
  if (left <= 0) return Promise.reject(new ShrinkStopped('the shrink budget ran out while the implementation was still computing a case'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ShrinkStopped('the implementation did not answer within the shrink budget')), left);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Judges cases as verify does, for one check: whether each still fails it. */
async function judgeForms(request: Pick<DiagnosisRequest, 'cell' | 'check' | 'allowNonFinite' | 'name'>, values: readonly CaseValue[], context: DiagnosisContext, reference: Reference): Promise<(JudgedForm & { fails: boolean })[]> {
  const flats = values.map((value) => toFlatCase(request.cell, value, { allowNonFinite: request.allowNonFinite }));
  const results: ReferenceResult[] = [...(await reference.evaluate(flats))];
  const forms: (JudgedForm & { fails: boolean })[] = [];
  for (const [k, value] of values.entries()) {
    const c = flats[k];
    const result = results[k];
    if (!result.ok) {
      forms.push({ value, shape: shapeOf(c), numpy: {}, warnings: [], fails: false });
      continue;
    }
    const form: JudgedForm & { fails: boolean } = { value, shape: shapeOf(c), numpy: result.outputs, warnings: result.warnings, fails: false };
    try {
      form.actual = await beforeDeadline(runImplementation(context.implementation, c, `${request.name} (shrinking)`, value as CaseInput), context.deadline);
    } catch (error) {
      if (error instanceof ShrinkStopped) throw error;
      if (!(error instanceof ImplementationError)) throw error;
      if (error.fatal) throw new ShrinkStopped(`the implementation failed for good while shrinking: ${error.message}`);
      form.runError = error.message;
      form.fails = request.check === 'run';
    }
    forms.push(form);
  }
  const judged = forms.filter((f) => f.actual !== undefined);
  for (const f of judged) f.verdict = judge(toFlatCase(request.cell, f.value, { allowNonFinite: request.allowNonFinite }), f.actual!, pick(f.numpy, f.actual!), context.tolerance);
  const unsettled = judged.filter((f) => f.verdict!.kind !== 'agrees');
  if (unsettled.length > 0) {
    const cases = unsettled.map((f) => toFlatCase(request.cell, f.value, { allowNonFinite: request.allowNonFinite }));
    const floors = await measureNoiseFloors(reference, cases, unsettled.map((f) => pick(f.numpy, f.actual!)), { dtype: context.tolerance.dtype });
    unsettled.forEach((f, k) => {
      f.floor = floors[k];
      f.verdict = judge(cases[k], f.actual!, pick(f.numpy, f.actual!), context.tolerance, floors[k]);
    });
  }
  if (request.check === 'numpy') {
    for (const f of judged) f.fails = f.verdict!.kind === 'port-bug';
  } else if (request.check !== 'run') {
    const reviews = await reviewCases(
      context.implementation,
      judged.map((f, k) => ({
        name: `${request.name} (shrinking)`,
        index: k,
        flat: toFlatCase(request.cell, f.value, { allowNonFinite: request.allowNonFinite }),
        input: f.value as CaseInput,
        actual: f.actual!,
        agreed: f.verdict!.kind === 'agrees' ? f.numpy : undefined,
      })),
    );
    judged.forEach((f, k) => {
      const failure = reviews[k].failures.find((x) => x.check === request.check);
      f.fails = failure !== undefined;
      f.description = failure?.description;
    });
  }
  return forms;
}

function pick(outputs: FlatOutputs, like: FlatOutputs): FlatOutputs {
  return Object.fromEntries(Object.keys(like).map((key) => [key, outputs[key]]));
}

/** Localizes and explains one judged form. */
function examine(request: DiagnosisRequest, form: JudgedForm, tolerance: Tolerance): { localization?: Localization; mistakes: Mistake[] } {
  if (form.actual === undefined || Object.keys(form.numpy).length === 0) return { mistakes: [] };
  const c = toFlatCase(request.cell, form.value, { allowNonFinite: request.allowNonFinite });
  const policy = { tolerance, floor: form.floor, signs: request.check === 'numpy:signed-zero' };
  return {
    localization: localize(c, form.actual, form.numpy, policy),
    mistakes: explain({ case: c, actual: form.actual, numpy: pick(form.numpy, form.actual), ...policy }),
  };
}

/**
 * Diagnoses one port bug: shrinks it within the context's budget (when NumPy is there to judge
 * the candidates), localizes it and explains it. Never throws for the implementation's faults:
 * a crash or a hang while shrinking ends the shrinking, and the diagnosis says so.
 */
export async function diagnose(request: DiagnosisRequest, context: DiagnosisContext): Promise<Diagnosis> {
  const { reference } = context;
  let original: JudgedForm;
  if (request.recorded !== undefined) {
    const c = toFlatCase(request.cell, request.value, { allowNonFinite: request.allowNonFinite });
    original = { value: request.value, shape: shapeOf(c), numpy: request.recorded.outputs, warnings: request.recorded.warnings, floor: request.recorded.floor };
    try {
      original.actual = request.actual ?? (await runImplementation(context.implementation, c, request.name, request.value as CaseInput));
      original.verdict = judge(c, original.actual, pick(request.recorded.outputs, original.actual), context.tolerance, request.recorded.floor);
    } catch (error) {
      if (!(error instanceof ImplementationError)) throw error;
      original.runError = error.message;
    }
  } else if (reference !== undefined) {
    try {
      [original] = await judgeForms(request, [request.value], { ...context, deadline: Infinity }, reference);
    } catch (error) {
      if (!(error instanceof ShrinkStopped)) throw error;
      const c = toFlatCase(request.cell, request.value, { allowNonFinite: request.allowNonFinite });
      original = { value: request.value, shape: shapeOf(c), numpy: {}, warnings: [], runError: error.message };
    }
  } else {
    throw new Error(`${request.name}: diagnosing a live case needs NumPy`);
  }
  const diagnosis: Diagnosis = { name: request.name, cell: request.cell, check: request.check, original, shrunk: original, mistakes: [] };
  if (reference === undefined) {
    diagnosis.notShrunk = 'NumPy is unavailable, and judging a smaller case needs it';
  } else if (performance.now() >= context.deadline) {
    diagnosis.notShrunk = 'no time was left for shrinking (--shrink-time)';
  } else {
    const started = performance.now();
    let last: JudgedForm | undefined;
    const result = await shrinkCase(
      request.value,
      async (candidates) => {
        const forms = await judgeForms(request, candidates, context, reference);
        const first = forms.find((f) => f.fails);
        if (first !== undefined) last = first;
        return forms.map((f) => f.fails);
      },
      { deadline: context.deadline, maxTests: context.maxTests },
    );
    diagnosis.shrinking = { tests: result.tests, seconds: (performance.now() - started) / 1000, stopped: result.stopped, why: result.why };
    if (last !== undefined && result.value !== request.value) diagnosis.shrunk = last.value === result.value ? last : (await judgeForms(request, [result.value], { ...context, deadline: Infinity }, reference))[0];
  }
  const onShrunk = examine(request, diagnosis.shrunk, context.tolerance);
  const onOriginal = diagnosis.shrunk === original ? onShrunk : examine(request, original, context.tolerance);
  diagnosis.localization = onShrunk.localization;
  const originalIds = new Set(onOriginal.mistakes.map((m) => m.id));
  // Those that reproduce the original case too come first: they explain what was found.
  const marked = onShrunk.mistakes.map((mistake) => ({ mistake, onOriginal: originalIds.has(mistake.id) }));
  diagnosis.mistakes = [...marked.filter((m) => m.onOriginal), ...marked.filter((m) => !m.onOriginal)];
  return diagnosis;
}
