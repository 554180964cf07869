/**
 * Signed zeros, judged where the reference's value is an exact zero: the tolerance policy lets +0
 * meet -0 (tolerance.ts), but an exact zero's sign is fixed by arithmetic (0 · negative = -0,
 * -0 + -0 = -0, tanh(-0) = -0), and a port that loses it computes something else.
 *
 * Which sign is right is decided by exact arithmetic, not by NumPy: the seed's formula at that
 * element evaluated exactly (exact-reference.ts). NumPy's own signs depend on its BLAS kernel:
 * OpenBLAS sums a dot product from +0, so a product that underflows to -0 comes back +0 on most
 * shapes, and -0 on others (measured with OpenBLAS 0.3.31: an (H, 1) matrix times a vector keeps
 * -0 on its SkylakeX kernel for every H, on its Haswell kernel for H = 1 and 16 only), while a
 * port that fuses the multiply-adds (fma(i, ĉ, f c)) rounds once and keeps the exact sign. So a
 * zero whose sign differs from NumPy's is
 *
 *   NumPy's departure  where the implementation's sign is the exact one and NumPy's is not: a
 *                      reference platform quirk, with the exact value as evidence
 *   followed           where it is not, but the sign follows a difference within tolerance next to
 *                      it (in its unit, at its step or the one before, some value is zero in one
 *                      and not in the other, of the other sign, or NaN in one only): a product
 *                      takes its operands' signs and a sum is an exact zero only where its terms
 *                      cancel exactly, so the zero follows a value the tolerance already accepted
 *                      (measured: np.tanh rounds a candidate to exactly 1 from 18.990..., V8's and
 *                      this package's tanh from 19.061..., so NumPy's c_t cancels to 0 where a
 *                      port's is -5.6e-17, and h_t = 0 · tanh(c_t) takes c_t's sign); not a fault
 *   wrong              anything else: a port bug
 */
import type { FlatOutputs } from './flat-case.js';

/** Exact zeros whose sign differs from the reference's: how many, and the first of them. */
export interface SignedZeroMismatch {
  /** Elements of this kind. */
  count: number;
  /** The first one's seed key, */
  key: string;
  /** step, */
  step: number;
  /** and unit; */
  unit: number;
  /** the implementation's zero there, */
  actual: number;
  /** the reference's, */
  expected: number;
  /** and the seed's formula there in exact arithmetic (NaN where even that is NaN). */
  exact: number;
}

/** A mismatch whose sign follows a difference within tolerance next to it: not a fault. */
export interface FollowedZero extends SignedZeroMismatch {
  /** The value in the same unit, at the same step or the one before, whose sign or zero-ness differs from NumPy's. */
  because: { key: string; step: number; actual: number; expected: number };
}

/**
 * {@link signedZeros}' answer: the comparison treats +0 and -0 as equal, so their signs are
 * judged here, split by who departs from exact arithmetic. Empty when every zero matches.
 */
export interface SignedZeroReport {
  /** Zeros of the wrong sign: neither exact arithmetic's nor following an accepted difference. A port bug. */
  wrong?: SignedZeroMismatch;
  /** Zeros where the implementation has exact arithmetic's sign and NumPy does not: NumPy's departure, a platform quirk. */
  numpyDeparts?: SignedZeroMismatch;
  /** Zeros whose sign follows a difference within tolerance next to them: not a fault. */
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

const negative = (x: number) => x < 0 || Object.is(x, -0);

/**
 * Every exact zero of the reference whose sign the implementation does not share, sorted into the
 * three kinds (see the module). `exact` gives the seed's formulas in exact arithmetic for the case
 * ({@link exactReference}); it is called only when some zero's sign differs.
 */
export function signedZeros(actual: FlatOutputs, expected: FlatOutputs, hidden: number, exact: () => FlatOutputs): SignedZeroReport {
  const report: SignedZeroReport = {};
  let exactOutputs: FlatOutputs | undefined;
  for (const [key, values] of Object.entries(actual)) {
    const reference = expected[key];
    for (let k = 0; k < values.length; k++) {
      if (reference[k] !== 0 || values[k] !== 0 || Object.is(values[k], reference[k])) continue;
      exactOutputs ??= exact();
      const at = { key, step: Math.floor(k / hidden), unit: k % hidden, actual: values[k], expected: reference[k], exact: exactOutputs[key][k] };
      const byExact = !Number.isNaN(at.exact) && negative(at.exact) === negative(at.actual);
      const because = byExact ? undefined : differenceAround(actual, expected, hidden, at.step, at.unit);
      if (byExact) {
        report.numpyDeparts ??= { ...at, count: 0 };
        report.numpyDeparts.count++;
      } else if (because !== undefined) {
        report.followed ??= { ...at, count: 0, because };
        report.followed.count++;
      } else {
        report.wrong ??= { ...at, count: 0 };
        report.wrong.count++;
      }
    }
  }
  return report;
}

const zero = (x: number) => (Object.is(x, -0) ? '-0' : x === 0 ? '+0' : String(x));
const zeros = (n: number) => `${n} zero${n === 1 ? '' : 's'}`;
const first = (m: SignedZeroMismatch) => `first ${m.key} step ${m.step} unit ${m.unit}: ${zero(m.actual)}, NumPy ${zero(m.expected)}, exact arithmetic ${zero(m.exact)}`;

/** One line for a report: how many zeros have the wrong sign, and where the first is. */
export function describeSignedZeroMismatch(m: SignedZeroMismatch): string {
  return `${m.count} exact zero${m.count === 1 ? '' : 's'} of the wrong sign (neither NumPy's nor exact arithmetic's); ${first(m)}`;
}

/** One line for a report: the zeros where NumPy departs from exact arithmetic and the implementation does not. */
export function describeNumpyDeparture(m: SignedZeroMismatch): string {
  return `reference platform quirk: ${zeros(m.count)} where NumPy's sign is not exact arithmetic's and the implementation's is; ${first(m)}`;
}

/** One line: the zeros whose sign follows a difference within tolerance next to them. */
export function describeFollowedZero(m: FollowedZero): string {
  const { because: b } = m;
  return `${zeros(m.count)} whose sign follows a difference within tolerance; ${first(m)}, where ${b.key} step ${b.step} is ${b.actual}, NumPy ${b.expected}`;
}
