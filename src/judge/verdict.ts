/**
 * What a difference between the port and NumPy means, judged against the case's noise floor.
 *
 *   agrees           every element within the tolerance policy; NaN and infinities exact
 *   ill-conditioned  some elements differ, but each by no more than tolerance + κ · spread, where
 *                    spread is how far NumPy itself moves at that step (largest over the step's
 *                    units) under 1-ULP perturbations of its inputs and activations, and each
 *                    NaN or infinity that differs is one NumPy's own turned into or out of under
 *                    them: the case cannot tell a correct port from a wrong one at that precision
 *   ill-conditioned  also: NaN or an infinity differs where products overflow and the two legitimate
 *                    evaluations part (rounded first, ∞ - ∞ = NaN; fused or exact, ±∞), and the
 *                    implementation has one of them
 *   ill-conditioned  also: everything that differs lies at or after the first step where some
 *                    pre-activation's products overflow with both signs (order-decided.ts), in
 *                    that step's units whose sums those are or at a later step: there NaN, +∞ and
 *                    -∞ are each some legitimate order's answer, and σ or tanh of it 0, 1 or NaN
 *   platform-quirk   NaN where NumPy is finite, an infinity where it is not (or the reverse), and at
 *                    every such element NumPy is the one that departs from exact arithmetic: the
 *                    seed's formulas evaluated exactly (exact-reference.ts) agree with the
 *                    implementation in NaN-ness and infinity there and not with NumPy (OpenBLAS
 *                    treats inf * 0 as 0 in some kernels, where exact arithmetic gives NaN)
 *   port-bug         anything else: a difference beyond NumPy's own noise, or a NaN or infinity
 *                    NumPy computes as exact arithmetic does (a flushed subnormal turning
 *                    -1e-310 · -∞ into NaN; a NaN sent as 0; a partial sum that overflows where
 *                    the whole sum does not)
 *
 * κ = 4: the spread comes from a few perturbed copies and underestimates the worst case by a small
 * factor; a real port bug exceeds it by orders of magnitude (its error shows at the first step,
 * where the spread is a few ULP).
 */
import { compareTraces, where, type Comparison, type ElementDiff, type TraceArrays } from '../judge/compare.js';
import { agreement, allowedError, ulpsFor, type Tolerance } from '../judge/tolerance.js';
import { exactReference } from './exact-reference.js';
import type { FlatCase } from './flat-case.js';
import type { NoiseFloor } from './noise-floor.js';
import { firstOrderDecided, type OrderDecided } from './order-decided.js';

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
  /** Elements whose NaN or infinity differs where NumPy's own moved under the perturbations. */
  classMoved?: number;
  /** Elements whose NaN or infinity differs where a legitimate order of evaluation gives the implementation's (see judge). */
  evaluationOrder?: number;
  /** The first pre-activations whose products overflow with both signs, when every difference lies at or after them (see judge). */
  orderDecided?: OrderDecided;
}

/** NaN, +∞, -∞ or a finite number: what a NaN or infinity check compares. */
function classOf(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x === Infinity ? '+inf' : x === -Infinity ? '-inf' : 'finite';
}

/**
 * What explains the elements where the implementation and NumPy part in NaN-ness or infinity:
 * 'numpy' where at every one exact arithmetic agrees with the implementation and not with NumPy
 * (NumPy departs); 'order' where each is that, or the implementation's class is what the other
 * legitimate evaluation gives (products rounded before they are summed: two products that
 * overflow with opposite signs give ∞ - ∞ = NaN where the exact sum is ±∞); 'port' otherwise.
 */
function flipCause(c: Pick<FlatCase, 'cell' | 'hidden' | 'S' | 'W' | 'steps' | 'inputs'>, flips: readonly { key: string; k: number; actual: number; expected: number }[], dtype: Tolerance['dtype']): 'numpy' | 'order' | 'port' {
  // A reduce, not Math.max(...): a long case can have more flips than a call takes arguments.
  const last = Math.floor(flips.reduce((m, flip) => Math.max(m, flip.k), 0) / c.hidden);
  const exact = exactReference(c, { steps: last + 1, dtype });
  let rounded: ReturnType<typeof exactReference> | undefined;
  let cause: 'numpy' | 'order' = 'numpy';
  for (const { key, k, actual, expected } of flips) {
    // A flip's two classes differ, so where the implementation's is exact arithmetic's, NumPy's is not.
    if (classOf(actual) === classOf(exact[key][k])) continue;
    rounded ??= exactReference(c, { steps: last + 1, dtype, productsRounded: true });
    if (classOf(actual) !== classOf(rounded[key][k])) return 'port';
    cause = 'order';
  }
  return cause;
}

/**
 * Judges an implementation's outputs against the reference's for one case.
 *
 * @param c - the case (a NaN or infinity NumPy does not share is judged by exact arithmetic on it).
 * @param actual - the implementation's outputs, flat T x H by seed key.
 * @param expected - the reference's outputs; only these keys are compared.
 * @param tolerance - the tolerance policy, e.g. {@link FLOAT64_TOLERANCE}.
 * @param floor - the reference's noise floor for this case; without it a difference beyond
 *   tolerance is a port bug (nothing can show it is noise).
 * @returns the verdict; 'agrees' whenever the comparison is ok, whatever the floor.
 */
export function judge(
  c: Pick<FlatCase, 'cell' | 'hidden' | 'S' | 'W' | 'steps' | 'inputs'>,
  actual: TraceArrays,
  expected: Record<string, Float64Array>,
  tolerance: Tolerance,
  floor?: Pick<NoiseFloor, 'stepSpread'> & Partial<Pick<NoiseFloor, 'classMoved'>>,
): Verdict {
  const comparison = compareTraces(actual, expected, c.hidden, tolerance);
  if (comparison.ok) return { kind: 'agrees', comparison };
  const spreadMax = floor === undefined ? undefined : Math.max(0, ...Object.values(floor.stepSpread).map((s) => s.reduce((m, x) => Math.max(m, x), 0)));
  const ulpDistance = ulpsFor(tolerance);
  let worst: JudgedElement | undefined;
  let beyondNoise = false;
  let classMoved = 0;
  const flips: { key: string; k: number; actual: number; expected: number }[] = [];
  const beyond: { key: string; k: number; actual: number }[] = [];
  for (const [key, exp] of Object.entries(expected)) {
    const act = actual[key];
    const spread = floor?.stepSpread[key];
    const moved = floor?.classMoved?.[key];
    for (let k = 0; k < exp.length; k++) {
      const kind = agreement(act[k], exp[k], tolerance);
      if (kind === 'equal' || kind === 'close') continue;
      const s = spread === undefined ? 0 : spread[Math.floor(k / c.hidden)];
      const allowed = allowedError(exp[k], tolerance);
      const abs = Math.abs(act[k] - exp[k]);
      let excess: number;
      if (kind === 'value') {
        excess = abs / (allowed + NOISE_FACTOR * s);
      } else if (moved !== undefined && moved[k] === 1) {
        // NumPy's own NaN-ness or infinity moved here: noise.
        excess = 0;
        classMoved++;
      } else {
        excess = Infinity;
        flips.push({ key, k, actual: act[k], expected: exp[k] });
      }
      if (kind === 'value' && excess > 1) {
        beyondNoise = true;
        beyond.push({ key, k, actual: act[k] });
      }
      if (worst === undefined || excess > worst.excess || (excess === worst.excess && abs > worst.abs)) {
        worst = { key, step: Math.floor(k / c.hidden), unit: k % c.hidden, actual: act[k], expected: exp[k], abs, ulps: ulpDistance(act[k], exp[k]), allowed, spread: s, excess };
      }
    }
  }
  const cause = flips.length === 0 ? undefined : flipCause(c, flips, tolerance.dtype);
  if (beyondNoise || cause === 'port') {
    const decided = orderDecidedCover(c, tolerance.dtype, [...beyond, ...flips]);
    if (decided !== undefined) return { kind: 'ill-conditioned', comparison, spread: spreadMax, worst, orderDecided: decided };
    return { kind: 'port-bug', comparison, spread: spreadMax, worst };
  }
  if (cause === 'order') return { kind: 'ill-conditioned', comparison, spread: spreadMax, worst, classMoved: classMoved > 0 ? classMoved : undefined, evaluationOrder: flips.length };
  if (cause === 'numpy') {
    return {
      kind: 'platform-quirk',
      comparison,
      spread: spreadMax,
      worst,
      quirk: `NaN or an infinity differs where NumPy departs from exact arithmetic and the implementation does not (${flips.length} element${flips.length === 1 ? '' : 's'}; e.g. OpenBLAS computes inf * 0 as 0)`,
    };
  }
  // Only a floor gets here: without one, an element beyond tolerance is either a value, whose
  // excess abs / allowed is above 1 (a port bug above), or a NaN or infinity that differs, which
  // flipCause has judged above (no classMoved to excuse it). A test for a missing floor here
  // could never be true (mutation testing found it so), so there is none.
  return { kind: 'ill-conditioned', comparison, spread: spreadMax, worst, classMoved: classMoved > 0 ? classMoved : undefined };
}

/** The gate each activation key holds, by the seed's gate key suffix (h reads every gate, c all but o). */
const GATE_OF_KEY: Record<string, string> = {
  input_gate_activations: 'i',
  forget_gate_activations: 'g',
  Output_gate_activations: 'o',
  output_gate_activations: 'o',
  cell_input_activations: 'c',
};

/** σ or tanh (type 1's candidate; type 2 traces none) of +∞, -∞ and NaN: the only values an order-decided gate can legitimately hold. */
function activationOfInfinities(gate: string, x: number): boolean {
  if (Number.isNaN(x)) return true;
  return gate === 'c' ? x === 1 || x === -1 : x === 0 || x === 1;
}

/**
 * The first order-decided step (order-decided.ts) when it covers every element that would make
 * the case a port bug: each lies at a later step, or at that step in a unit one of whose sums is
 * order-decided there (a unit's outputs at a step read only its own pre-activations and its own
 * previous state); an activation key of that step must hold its gate's value at +∞, -∞ or NaN
 * if that gate is the order-decided one, and agree as usual if not. Elements before it are judged
 * as usual, and one of them fails the case.
 */
function orderDecidedCover(c: Pick<FlatCase, 'cell' | 'hidden' | 'S' | 'W' | 'steps' | 'inputs'>, dtype: Tolerance['dtype'], elements: readonly { key: string; k: number; actual: number }[]): OrderDecided | undefined {
  const first = Math.floor(elements.reduce((m, { k }) => Math.min(m, k), Infinity) / c.hidden);
  const decided = firstOrderDecided(c, { steps: first + 1, dtype });
  if (decided === undefined) return undefined;
  const covered = ({ key, k, actual }: { key: string; k: number; actual: number }) => {
    if (Math.floor(k / c.hidden) > decided.step) return true;
    const sums = decided.sums.filter((sum) => sum.unit === k % c.hidden);
    const gate = GATE_OF_KEY[key];
    if (gate === undefined) return sums.some((sum) => key === 'Output' || sum.gate !== 'o');
    return sums.some((sum) => sum.gate === gate) && activationOfInfinities(gate, actual);
  };
  return elements.every(covered) ? decided : undefined;
}

const e = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

const GATE_LABEL: Record<string, string> = { i: 'input gate', g: 'forget gate', o: 'output gate', c: 'candidate', cell: 'candidate' };

/** One line: the verdict and the evidence for it. */
export function describeVerdict(verdict: Verdict): string {
  const { comparison: c, worst } = verdict;
  switch (verdict.kind) {
    case 'agrees':
      return `agrees: ${c.elements} elements within rtol ${c.tolerance.rtol}, atol ${c.tolerance.atol}; largest error ${e(c.maxAbs)} (${c.maxUlps} ULP)`;
    case 'ill-conditioned': {
      if (verdict.orderDecided !== undefined) {
        const { step, sums } = verdict.orderDecided;
        const [sum] = sums;
        const units = [...new Set(sums.map((s) => s.unit))];
        return `ill-conditioned: ${c.mismatches}/${c.elements} elements differ, from step ${step} on, where products overflow with both signs in a pre-activation (${GATE_LABEL[sum.gate]} of unit ${sum.unit}: ${sum.positive.join(' x ')} = +inf and ${sum.negative.join(' x ')} = -inf${sums.length > 1 ? `; ${sums.length} such sums in unit${units.length === 1 ? '' : 's'} ${units.join(', ')}` : ''}): the order of evaluation decides whether it is +inf, -inf or NaN${worst ? `; e.g. ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
      }
      if (verdict.evaluationOrder !== undefined) {
        return `ill-conditioned: ${verdict.evaluationOrder} element${verdict.evaluationOrder === 1 ? '' : 's'} NaN or infinite in one and not the other, where products overflow and the order of evaluation decides: products rounded before they are summed give the implementation's${worst ? `; e.g. ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
      }
      const moved = verdict.classMoved ?? 0;
      const turned = `NumPy's own output turns NaN or infinite or back under 1-ULP perturbations of its inputs and activations`;
      if (moved === c.mismatches) {
        return `ill-conditioned: ${c.mismatches}/${c.elements} elements differ where ${turned}${worst ? `; e.g. ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
      }
      const also = moved > 0 ? `; ${moved} more differ in NaN or infinity where ${turned}` : '';
      return `ill-conditioned: ${c.mismatches - moved}/${c.elements} elements differ, all within NumPy's own spread under 1-ULP perturbations of its inputs and activations (up to ${e(verdict.spread ?? 0)})${worst ? `; worst ${where(worst)}: error ${e(worst.abs)} vs spread ${e(worst.spread)}` : ''}${also}`;
    }
    case 'platform-quirk':
      return `reference platform quirk: ${verdict.quirk}${worst ? `; first seen at ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}` : ''}`;
    case 'port-bug':
      return `PORT BUG: ${c.mismatches}/${c.elements} elements differ${worst ? `; worst ${where(worst)}: port ${worst.actual}, NumPy ${worst.expected}, error ${e(worst.abs)} (${worst.ulps} ULP), allowed ${e(worst.allowed)}${verdict.spread !== undefined ? ` + ${NOISE_FACTOR} x spread ${e(worst.spread)}` : ' (noise floor not measured)'}` : ''}`;
  }
}
