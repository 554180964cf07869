/**
 * Element-wise comparison of two traces, key by key, and the mismatch report (after PyTorch's
 * assert_close): how many elements differ out of how many, the largest absolute error and the
 * largest ULP distance with their key, step and unit, and what was allowed there.
 */
import { agreement, allowedError, ulpsFor, ulpsMeaningful, type Tolerance } from './tolerance.js';

/** One element: where it is, both values and how far apart. */
export interface ElementDiff {
  key: string;
  step: number;
  unit: number;
  actual: number;
  expected: number;
  abs: number;
  ulps: number;
  allowed: number;
  kind: 'value' | 'nan' | 'infinity' | 'close';
}

/** How one seed key's T x H array compares with the reference's, under one tolerance. */
export interface KeyComparison {
  /** The seed key, e.g. `cell_state_vectors`. */
  key: string;
  /** Elements compared (T x H). */
  elements: number;
  /** Elements outside the tolerance, or whose NaN or infinity is not matched exactly. */
  mismatches: number;
  /** The largest |actual - expected| over finite pairs (0 when all are equal). */
  maxAbs: number;
  /** The largest distance in ULPs over finite pairs where the relative tolerance governs (ulpsMeaningful). */
  maxUlps: number;
  /** The first mismatching element, in step-major order, if any. */
  firstMismatch?: ElementDiff;
  /** The element with the largest absolute error among finite pairs, if any differ (the first of equals). */
  worstAbs?: ElementDiff;
  /** The element with the largest ULP distance among those pairs, if any differ (the first of equals). */
  worstUlps?: ElementDiff;
}

/**
 * A whole trace compared with the reference's, key by key: {@link compareTraces}' answer, and the
 * evidence behind every {@link Verdict}.
 */
export interface Comparison {
  /** Whether every element of every key agrees (within tolerance; NaN and infinities exact). */
  ok: boolean;
  /** Elements compared over all keys. */
  elements: number;
  /** Elements that disagree, over all keys. */
  mismatches: number;
  /** The largest |actual - expected| over all keys' finite pairs. */
  maxAbs: number;
  /** The largest distance in ULPs over all keys' finite pairs where the relative tolerance governs (ulpsMeaningful). */
  maxUlps: number;
  /** The tolerance the elements were judged with. */
  tolerance: Tolerance;
  /** Per key, in the order of the expected outputs. */
  keys: KeyComparison[];
  worstAbs?: ElementDiff;
  worstUlps?: ElementDiff;
}

/** Arrays by seed key, each row-major T x H. */
export type TraceArrays = Record<string, ArrayLike<number>>;

function diffAt(key: string, k: number, hidden: number, actual: number, expected: number, kind: ElementDiff['kind'], tolerance: Tolerance): ElementDiff {
  const abs = Math.abs(actual - expected);
  return {
    key,
    step: Math.floor(k / hidden),
    unit: k % hidden,
    actual,
    expected,
    abs: Number.isNaN(abs) ? Infinity : abs,
    ulps: ulpsFor(tolerance)(actual, expected),
    allowed: allowedError(expected, tolerance),
    kind,
  };
}

/** Compares one key's arrays element by element. Lengths must match: a shape bug is a bug. */
export function compareKey(key: string, actual: ArrayLike<number>, expected: ArrayLike<number>, hidden: number, tolerance: Tolerance): KeyComparison {
  if (actual.length !== expected.length) {
    throw new RangeError(`${key}: expected ${expected.length} values (${expected.length / hidden} steps), got ${actual.length}`);
  }
  const result: KeyComparison = { key, elements: expected.length, mismatches: 0, maxAbs: 0, maxUlps: 0 };
  const ulpDistance = ulpsFor(tolerance);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k];
    const e = expected[k];
    const kind = agreement(a, e, tolerance);
    if (kind === 'equal') continue;
    if (kind !== 'close') {
      result.mismatches++;
      result.firstMismatch ??= diffAt(key, k, hidden, a, e, kind, tolerance);
    }
    if (kind === 'close' || kind === 'value') {
      const abs = Math.abs(a - e);
      const ulps = ulpDistance(a, e);
      if (abs > result.maxAbs) {
        result.maxAbs = abs;
        result.worstAbs = diffAt(key, k, hidden, a, e, kind, tolerance);
      }
      if (ulps > result.maxUlps && ulpsMeaningful(e, tolerance)) {
        result.maxUlps = ulps;
        result.worstUlps = diffAt(key, k, hidden, a, e, kind, tolerance);
      }
    }
  }
  return result;
}

/** Compares every key of `expected`; a key missing from `actual` is an error, not a pass. */
export function compareTraces(actual: TraceArrays, expected: TraceArrays, hidden: number, tolerance: Tolerance): Comparison {
  const keys: KeyComparison[] = [];
  for (const key of Object.keys(expected)) {
    const values = actual[key];
    if (values === undefined) throw new RangeError(`${key}: missing from the actual trace`);
    keys.push(compareKey(key, values, expected[key], hidden, tolerance));
  }
  const pick = (field: 'worstAbs' | 'worstUlps', by: 'abs' | 'ulps') =>
    keys.reduce<ElementDiff | undefined>((best, key) => {
      const candidate = key[field];
      return candidate !== undefined && (best === undefined || candidate[by] > best[by]) ? candidate : best;
    }, undefined);
  const mismatches = keys.reduce((sum, key) => sum + key.mismatches, 0);
  return {
    ok: mismatches === 0,
    elements: keys.reduce((sum, key) => sum + key.elements, 0),
    mismatches,
    maxAbs: Math.max(0, ...keys.map((key) => key.maxAbs)),
    maxUlps: Math.max(0, ...keys.map((key) => key.maxUlps)),
    tolerance,
    keys,
    worstAbs: pick('worstAbs', 'abs'),
    worstUlps: pick('worstUlps', 'ulps'),
  };
}

const g = (x: number) => (Number.isFinite(x) ? x.toPrecision(17).replace(/\.?0+(e|$)/, '$1') : String(x));
const e = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

/** `Output step 3 unit 1` */
export function where(diff: Pick<ElementDiff, 'key' | 'step' | 'unit'>): string {
  return `${diff.key} step ${diff.step} unit ${diff.unit}`;
}

function describeDiff(diff: ElementDiff): string {
  const values = `actual ${g(diff.actual)}, expected ${g(diff.expected)}`;
  if (diff.kind === 'nan') return `${where(diff)}: ${values} (NaN positions must match exactly)`;
  if (diff.kind === 'infinity') return `${where(diff)}: ${values} (infinities must match exactly)`;
  return `${where(diff)}: ${values}, error ${e(diff.abs)} (${diff.ulps} ULP), allowed ${e(diff.allowed)}`;
}

/** A multi-line report; the first line alone says whether and how badly the traces disagree. */
export function formatComparison(comparison: Comparison, label: string): string {
  const { tolerance: tol } = comparison;
  if (comparison.ok) {
    return `${label}: ${comparison.elements} elements agree (rtol ${tol.rtol}, atol ${tol.atol}); largest error ${e(comparison.maxAbs)}, ${comparison.maxUlps} ULP`;
  }
  const share = ((100 * comparison.mismatches) / comparison.elements).toFixed(1);
  const lines = [`${label}: mismatched elements: ${comparison.mismatches} / ${comparison.elements} (${share}%), allowed |actual - expected| <= ${tol.atol} + ${tol.rtol} * |expected|`];
  for (const key of comparison.keys) {
    if (key.firstMismatch === undefined) continue;
    lines.push(`  ${key.key}: ${key.mismatches} / ${key.elements} differ; first at ${describeDiff(key.firstMismatch)}`);
  }
  if (comparison.worstAbs !== undefined) lines.push(`  largest absolute error: ${describeDiff(comparison.worstAbs)}`);
  if (comparison.worstUlps !== undefined) lines.push(`  largest ULP distance: ${describeDiff(comparison.worstUlps)}`);
  return lines.join('\n');
}
