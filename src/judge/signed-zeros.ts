/**
 * Signed zeros, judged exactly where the reference's value is an exact zero: the tolerance policy
 * lets +0 meet -0 (tolerance.ts), but an exact zero's sign is fixed by the seed's arithmetic
 * (0 * negative = -0, -0 + -0 = -0, tanh(-0) = -0), and a port that loses it computes something
 * else.
 *
 * Except where the sign follows a value that already differs within tolerance in a way a sign can
 * inherit: in its unit, at its step or the step before, some value is zero in one and not in the
 * other, of the other sign, or NaN in one only (a product takes its operands' signs, and a sum is
 * an exact zero only where its terms cancel exactly; two nonzero values of one sign pass on the
 * same sign, whatever their last bits). There the zero's sign is the reference platform's, not the
 * port's. Measured: on the golden corpus and
 * 2500 edge cases NumPy returned about 28,000 exact zeros (2,500 of them -0) and the cells matched
 * every sign; at 20000 live cases per cell, 6 zeros of `Output` (in 5 edge cases) came back -0
 * where NumPy's are +0, each in a unit where np.tanh had rounded a candidate to exactly 1 and
 * Math.tanh to 0.9999999999999999 (np.tanh saturates from 18.990..., V8's from 19.061...), so
 * NumPy's c_t cancelled to 0 and the port's to -5.6e-17 or -1.1e-16, and h_t = 0 * tanh(c_t)
 * took c_t's sign.
 */
import type { FlatOutputs } from './flat-case.js';

/** Exact zeros whose sign differs from the reference's: how many, and the first of them. */
export interface SignedZeroMismatch {
  /** Elements where the reference is an exact zero and the implementation the other zero. */
  count: number;
  /** The first one's seed key, */
  key: string;
  /** step, */
  step: number;
  /** and unit; */
  unit: number;
  /** the implementation's zero there, */
  actual: number;
  /** and the reference's. */
  expected: number;
}

/** A signed-zero mismatch explained by a difference within tolerance next to it: the platform's, not a bug. */
export interface FollowedZero extends SignedZeroMismatch {
  /** The value in the same unit, at the same step or the one before, whose sign or zero-ness differs from NumPy's. */
  because: { key: string; step: number; actual: number; expected: number };
}

/**
 * {@link signedZeros}' answer: the comparison treats +0 and -0 as equal, so their signs are
 * judged here, split into the port's fault and the platform's. Empty when every zero matches.
 */
export interface SignedZeroReport {
  /** Zeros of the wrong sign where every value around them is NumPy's: a port bug. */
  wrong?: SignedZeroMismatch;
  /** Zeros of the wrong sign that follow a difference within tolerance: the platform's. */
  followed?: FollowedZero;
}

/** Whether a and b could pass different signs on: zero in one only, opposite signs, or NaN in one only. */
function signsPart(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) !== Number.isNaN(b);
  if (a === 0 || b === 0) return (a === 0) !== (b === 0);
  return a < 0 !== b < 0;
}

/** A value of this unit at this step or the one before whose sign could differ from NumPy's, if any. */
function differenceAround(actual: FlatOutputs, expected: FlatOutputs, hidden: number, step: number, unit: number): FollowedZero['because'] | undefined {
  for (const t of [step, step - 1]) {
    if (t < 0) continue;
    const k = t * hidden + unit;
    for (const [key, values] of Object.entries(actual)) {
      if (signsPart(values[k], expected[key][k])) return { key, step: t, actual: values[k], expected: expected[key][k] };
    }
  }
  return undefined;
}

/** Every exact zero of the reference whose sign the implementation does not share, sorted into the two kinds. */
export function signedZeros(actual: FlatOutputs, expected: FlatOutputs, hidden: number): SignedZeroReport {
  const report: SignedZeroReport = {};
  for (const [key, values] of Object.entries(actual)) {
    const reference = expected[key];
    for (let k = 0; k < values.length; k++) {
      if (reference[k] !== 0 || values[k] !== 0 || Object.is(values[k], reference[k])) continue;
      const at = { key, step: Math.floor(k / hidden), unit: k % hidden, actual: values[k], expected: reference[k] };
      const because = differenceAround(actual, expected, hidden, at.step, at.unit);
      if (because === undefined) {
        report.wrong ??= { count: 0, ...at };
        report.wrong.count++;
      } else {
        report.followed ??= { count: 0, ...at, because };
        report.followed.count++;
      }
    }
  }
  return report;
}

const zero = (x: number) => (Object.is(x, -0) ? '-0' : '+0');

/** One line for a report: how many zeros have the wrong sign, and where the first is. */
export function describeSignedZeroMismatch(m: SignedZeroMismatch): string {
  return `${m.count} exact zero${m.count === 1 ? '' : 's'} of the wrong sign; first ${m.key} step ${m.step} unit ${m.unit}: ${zero(m.actual)}, NumPy ${zero(m.expected)}`;
}

/** One line for a report: the zeros of the wrong sign and the in-tolerance difference they follow. */
export function describeFollowedZero(m: FollowedZero): string {
  const { because: b } = m;
  return `reference platform quirk: ${m.count} zero${m.count === 1 ? '' : 's'} whose sign follows a difference within tolerance; first ${m.key} step ${m.step} unit ${m.unit}: ${zero(m.actual)}, NumPy ${zero(m.expected)}, where ${b.key} step ${b.step} is ${b.actual}, NumPy ${b.expected}`;
}
