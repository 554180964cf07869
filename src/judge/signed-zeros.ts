/**
 * Signed zeros, judged exactly where the reference's value is an exact zero: the tolerance policy
 * lets +0 meet -0 (tolerance.ts), but an exact zero's sign is fixed by the seed's arithmetic
 * (0 * negative = -0, -0 + -0 = -0, tanh(-0) = -0), and a port that loses it computes something
 * else. Measured before this check was made strict: on the golden corpus and 2500 of verify's
 * edge cases, NumPy returned about 28,000 exact zeros (2,500 of them -0) and the cells matched the
 * sign of every one, so no platform quirk needs classifying.
 */
import type { FlatOutputs } from './flat-case.js';

export interface SignedZeroMismatch {
  /** Elements where the reference is an exact zero and the implementation the other zero. */
  count: number;
  key: string;
  step: number;
  unit: number;
  actual: number;
  expected: number;
}

/** The first element (in key, then step-major order) whose zero has the wrong sign, with the count. */
export function signedZeroMismatch(actual: FlatOutputs, expected: FlatOutputs, hidden: number): SignedZeroMismatch | undefined {
  let found: SignedZeroMismatch | undefined;
  for (const [key, values] of Object.entries(actual)) {
    const reference = expected[key];
    for (let k = 0; k < values.length; k++) {
      if (reference[k] !== 0 || values[k] !== 0 || Object.is(values[k], reference[k])) continue;
      if (found === undefined) found = { count: 0, key, step: Math.floor(k / hidden), unit: k % hidden, actual: values[k], expected: reference[k] };
      found.count++;
    }
  }
  return found;
}

const show = (x: number) => (Object.is(x, -0) ? '-0' : '+0');

export function describeSignedZeroMismatch(m: SignedZeroMismatch): string {
  return `${m.count} exact zero${m.count === 1 ? '' : 's'} of the wrong sign; first ${m.key} step ${m.step} unit ${m.unit}: ${show(m.actual)}, NumPy ${show(m.expected)}`;
}
