/**
 * What a difference between the port and NumPy means, judged against the case's noise floor.
 *
 *   agrees           every element within the tolerance policy; NaN and infinities exact
 *   ill-conditioned  some elements differ, but each by no more than tolerance + κ · spread, where
 *                    spread is how far NumPy itself moves at that step (largest over the step's
 *                    units) under 1-ULP perturbations of its inputs and activations: the case cannot tell a correct port
 *                    from a wrong one at that precision
 *   platform-quirk   NaN where NumPy is finite (or the reverse) in a case with non-finite inputs or
 *                    overflowing products: OpenBLAS treats inf * 0 as 0 and fuses multiply-adds,
 *                    which a left-to-right port cannot and should not copy
 *   port-bug         anything else: a difference beyond NumPy's own noise
 *
 * κ = 4: the spread comes from a few perturbed copies and underestimates the worst case by a small
 * factor; a real port bug exceeds it by orders of magnitude (its error shows at the first step,
 * where the spread is a few ULP).
 */
import { compareTraces, where, type Comparison, type ElementDiff, type TraceArrays } from '../judge/compare.js';
import { agreement, allowedError, ulpsFor, type Tolerance } from '../judge/tolerance.js';
import type { FlatCase } from './flat-case.js';
import type { NoiseFloor } from './noise-floor.js';

/** κ, the factor on NumPy's measured spread a difference may reach and still be noise (why 4: see the module). */
export const NOISE_FACTOR = 4;

/**
 * What a difference means: 'agrees', 'ill-conditioned' (within NumPy's own noise), 'platform-quirk'
 * (a known OpenBLAS behaviour on non-finite or overflowing cases) or 'port-bug'.
 */
export type VerdictKind = 'agrees' | 'ill-conditioned' | 'platform-quirk' | 'port-bug';

/** The element a verdict rests on: its difference, and how far beyond tolerance plus noise it lies. */
export interface JudgedElement extends Omit<ElementDiff, 'kind'> {
  /** NumPy's spread at this element's step (0 when no floor was measured). */
  spread: number;
  /** abs / (allowed + κ · spread): above 1 means beyond the noise floor. */
  excess: number;
}

/** {@link judge}'s answer: the kind of (dis)agreement and the evidence for it. */
export interface Verdict {
  /** What the difference means. */
  kind: VerdictKind;
  /** The plain comparison under the tolerance, before the noise floor was considered. */
  comparison: Comparison;
  /** The largest spread NumPy showed over all keys (when measured). */
  spread?: number;
  /** The element furthest beyond tolerance + κ · spread (when anything differs). */
  worst?: JudgedElement;
  /** For platform quirks: which known class. */
  quirk?: string;
}

/** A case where some product may overflow, or that holds non-finite values: OpenBLAS's FMA and
 * its inf * 0 handling can then differ from left-to-right arithmetic in NaN-ness. */
export function quirkProne(c: Pick<FlatCase, 'S' | 'W' | 'steps' | 'inputs' | 'hidden'>): boolean {
  let maxW = 0;
  for (const values of Object.values(c.W)) for (const w of values) maxW = Math.max(maxW, Math.abs(w));
  let maxS = 0;
  for (const x of c.S) maxS = Math.max(maxS, Math.abs(x));
  const maxState = Math.max(1, c.steps);
  return !Number.isFinite(maxW) || !Number.isFinite(maxS) || maxW * Math.max(maxS, maxState) * Math.max(c.inputs, c.hidden) > 1e307;
}

/**
 * Judges an implementation's outputs against the reference's for one case.
 *
 * @param c - the case's shape and inputs (the inputs decide whether a NaN flip can be a quirk).
 * @param actual - the implementation's outputs, flat T x H by seed key.
 * @param expected - the reference's outputs; only these keys are compared.
 * @param tolerance - the tolerance policy, e.g. {@link FLOAT64_TOLERANCE}.
 * @param floor - the reference's noise floor for this case; without it a difference beyond
 *   tolerance is a port bug (nothing can show it is noise).
 * @returns the verdict; 'agrees' whenever the comparison is ok, whatever the floor.
 */
export function judge(
  c: Pick<FlatCase, 'hidden' | 'S' | 'W' | 'steps' | 'inputs'>,
  actual: TraceArrays,
  expected: Record<string, Float64Array>,
  tolerance: Tolerance,
  floor?: Pick<NoiseFloor, 'stepSpread'>,
): Verdict {
  const comparison = compareTraces(actual, expected, c.hidden, tolerance);
  if (comparison.ok) return { kind: 'agrees', comparison };
  const spreadMax = floor === undefined ? undefined : Math.max(0, ...Object.values(floor.stepSpread).map((s) => s.reduce((m, x) => Math.max(m, x), 0)));
  const ulpDistance = ulpsFor(tolerance);
  let worst: JudgedElement | undefined;
  let beyondNoise = false;
  let nanFlip = false;
  for (const [key, exp] of Object.entries(expected)) {
    const act = actual[key];
    const spread = floor?.stepSpread[key];
    for (let k = 0; k < exp.length; k++) {
      const kind = agreement(act[k], exp[k], tolerance);
      if (kind === 'equal' || kind === 'close') continue;
      const s = spread === undefined ? 0 : spread[Math.floor(k / c.hidden)];
      const allowed = allowedError(exp[k], tolerance);
      const abs = Math.abs(act[k] - exp[k]);
      let excess: number;
      if (kind === 'value') {
        excess = abs / (allowed + NOISE_FACTOR * s);
      } else {
        // NaN-ness or an infinity differs: noise only if NumPy's own NaN-ness moved.
        excess = s === Infinity ? 0 : Infinity;
        if (s !== Infinity) nanFlip = true;
      }
      if (kind === 'value' && excess > 1) beyondNoise = true;
      if (worst === undefined || excess > worst.excess || (excess === worst.excess && abs > worst.abs)) {
        worst = { key, step: Math.floor(k / c.hidden), unit: k % c.hidden, actual: act[k], expected: exp[k], abs, ulps: ulpDistance(act[k], exp[k]), allowed, spread: s, excess };
      }
    }
  }
  if (beyondNoise || (nanFlip && !quirkProne(c))) return { kind: 'port-bug', comparison, spread: spreadMax, worst };
  if (nanFlip) {
    return {
      kind: 'platform-quirk',
      comparison,
      spread: spreadMax,
      worst,
      quirk: 'NaN-ness differs where inputs are non-finite or products overflow (OpenBLAS: inf * 0 as 0, fused multiply-add)',
    };
  }
  if (floor === undefined) return { kind: 'port-bug', comparison, worst };
  return { kind: 'ill-conditioned', comparison, spread: spreadMax, worst };
}

const e = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

/** One line: the verdict and the evidence for it. */
export function describeVerdict(verdict: Verdict): string {
  const { comparison: c, worst } = verdict;
  switch (verdict.kind) {
    case 'agrees':
      return `agrees: ${c.elements} elements within rtol ${c.tolerance.rtol}, atol ${c.tolerance.atol}; largest error ${e(c.maxAbs)} (${c.maxUlps} ULP)`;
    case 'ill-conditioned':
      if (verdict.spread === Infinity) {
        return `ill-conditioned: ${c.mismatches}/${c.elements} elements differ where NumPy's own output turns NaN or not under 1-ULP perturbations of its inputs and activations${worst ? `; e.g. ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
      }
      return `ill-conditioned: ${c.mismatches}/${c.elements} elements differ, all within NumPy's own spread under 1-ULP perturbations of its inputs and activations (up to ${e(verdict.spread ?? 0)})${worst ? `; worst ${where(worst)}: error ${e(worst.abs)} vs spread ${e(worst.spread)}` : ''}`;
    case 'platform-quirk':
      return `reference platform quirk: ${verdict.quirk}${worst ? `; first seen at ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
    case 'port-bug':
      return `PORT BUG: ${c.mismatches}/${c.elements} elements differ${worst ? `; worst ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}, error ${e(worst.abs)} (${worst.ulps} ULP), allowed ${e(worst.allowed)}${verdict.spread !== undefined ? ` + ${NOISE_FACTOR} x spread ${e(worst.spread)}` : ' (noise floor not measured)'}` : ''}`;
  }
}
