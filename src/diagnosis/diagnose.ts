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
import { caseAsRead, explain, matchesUnderPolicy } from './explain.js';
import { localize, type Localization } from './localize.js';
import type { Mistake } from './mistake.js';
import { runVariant } from './seed-variant.js';
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
  /**
   * Catalogued mistakes that reproduce the implementation's answer on the shrunk case, whether also
   * on the original, and whether also on the controls (controlCases; undefined where they were not
   * run: one mistake or none, or the implementation answered no control).
   */
  mistakes: { mistake: Mistake; onOriginal: boolean; onControls?: boolean }[];
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
 * Controls for the mistakes that reproduce a shrunk case: the case with its zero entries given
 * small values (deterministic, in [-0.25, 0.25]), its other entries kept (the biases alone, then
 * the biases and recurrent weights, then every zero of S and W), and an ordinary case of its shape
 * (every entry such a value). A minimal case is mostly zeros, and on zeros many mistakes give the
 * same answer (swapping two gates whose weights are all 0 changes little); a mistake that is the
 * cause gives the implementation's answer on every input, so on these too, and on the ordinary
 * case, where an implementation that fails only at edges agrees with the seed, a mistake that
 * breaks every case shows itself. Filling in stages keeps a control whose gates a huge input does
 * not saturate (a weight filled in beside x = 1e308 would).
 */
export function controlCases(value: CaseValue): CaseValue[] {
  const fillWith = (which: (key: string) => boolean, alsoS: boolean, every = false): CaseValue => {
    let state = 0x2545f491;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state / 2 ** 32 - 0.5) / 2;
    };
    const fill = (x: number) => (x === 0 || every ? next() : x);
    const W: Record<string, number[] | number[][]> = {};
    for (const [key, entry] of Object.entries(value.W)) {
      W[key] = which(key) ? ((entry as (number | number[])[]).map((row) => (Array.isArray(row) ? row.map(fill) : fill(row))) as number[] | number[][]) : entry;
    }
    return { S: alsoS ? value.S.map((row) => row.map(fill)) : value.S, W } as CaseValue;
  };
  return [fillWith((key) => key.startsWith('b_'), false), fillWith((key) => !key.startsWith('w_'), false), fillWith(() => true, true), fillWith(() => true, true, true)];
}

/** Which of `mistakes` reproduce the implementation's answer on every control it answered; undefined when it answered none. */
async function onControls(request: DiagnosisRequest, form: JudgedForm, mistakes: readonly Mistake[], context: DiagnosisContext): Promise<Set<string> | undefined> {
  let kept: Set<string> | undefined;
  for (const value of controlCases(form.value)) {
    const c = toFlatCase(request.cell, value, { allowNonFinite: request.allowNonFinite });
    let actual: FlatOutputs;
    try {
      actual = await beforeDeadline(runImplementation(context.implementation, c, `${request.name} (control)`, value as CaseInput), Math.max(context.deadline, performance.now() + 10_000));
    } catch (error) {
      if (error instanceof ShrinkStopped || error instanceof ImplementationError) continue;
      throw error;
    }
    const policy = { tolerance: context.tolerance, signs: request.check === 'numpy:signed-zero' };
    const reproducing = mistakes.filter((mistake) => {
      const variant = runVariant(caseAsRead(c, context.tolerance), mistake.change);
      const compared = Object.fromEntries(Object.keys(actual).map((key) => [key, variant[key]]));
      return matchesUnderPolicy(actual, compared, mistake.tolerance === undefined ? policy : { ...policy, tolerance: mistake.tolerance }, c.hidden);
    });
    const ids = new Set(reproducing.map((mistake) => mistake.id));
    kept = kept === undefined ? ids : new Set([...kept].filter((id) => ids.has(id)));
  }
  return kept;
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
  const controlIds = onShrunk.mistakes.length > 1 && diagnosis.shrunk.actual !== undefined ? await onControls(request, diagnosis.shrunk, onShrunk.mistakes, context) : undefined;
  const marked = onShrunk.mistakes.map((mistake) => ({ mistake, onOriginal: originalIds.has(mistake.id), onControls: controlIds?.has(mistake.id) }));
  // Those that reproduce the original case come first, and of those, the ones that also reproduce
  // the controls: they explain what was found.
  const rank = (m: (typeof marked)[number]) => (m.onOriginal ? 0 : 2) + (m.onControls === false ? 1 : 0);
  diagnosis.mistakes = marked.map((m, k) => ({ m, k })).sort((a, b) => rank(a.m) - rank(b.m) || a.k - b.k).map(({ m }) => m);
  return diagnosis;
}
