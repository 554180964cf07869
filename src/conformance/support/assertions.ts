/**
 * Assertions for properties: each throws an Error naming the key, step and unit of the first
 * element that breaks the fact, with both values in full (shortest round-trip, -0 shown as -0),
 * so fast-check's report says what broke without a debugger.
 */
import { compareTraces, formatComparison } from '../../judge/compare.js';
import type { Tolerance } from '../../judge/tolerance.js';
import { sameBits } from './float64.js';

export const show = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

/** Every element of `actual` equals `expected` bit for bit (NaN meets NaN; -0 is not +0). */
export function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, hidden: number, label: string): void {
  if (actual.length !== expected.length) throw new PropertyViolation(`${label}: ${actual.length} values, expected ${expected.length}`);
  for (let k = 0; k < expected.length; k++) {
    if (!sameBits(actual[k], expected[k])) {
      throw new PropertyViolation(`${label} step ${Math.floor(k / hidden)} unit ${k % hidden}: ${show(actual[k])}, expected ${show(expected[k])} bit for bit`);
    }
  }
}

/** Every key of `expected` is in `actual` with the same bits. */
export function assertSameFields(actual: Record<string, ArrayLike<number>>, expected: Record<string, ArrayLike<number>>, hidden: number, label: string): void {
  for (const [key, values] of Object.entries(expected)) {
    if (actual[key] === undefined) throw new PropertyViolation(`${label}: ${key} missing`);
    assertSameBits(actual[key], values, hidden, `${label} ${key}`);
  }
}

/** `holds(x, t, j)` for every element; `fact` says what was expected. */
export function assertEvery(values: ArrayLike<number>, hidden: number, label: string, fact: string, holds: (x: number, t: number, j: number) => boolean): void {
  for (let k = 0; k < values.length; k++) {
    const t = Math.floor(k / hidden);
    const j = k % hidden;
    if (!holds(values[k], t, j)) throw new PropertyViolation(`${label} step ${t} unit ${j}: ${show(values[k])} breaks ${fact}`);
  }
}

/** Every key of `expected` agrees with `actual` under the tolerance policy (NaN and infinities exactly). */
export function assertClose(actual: Record<string, ArrayLike<number>>, expected: Record<string, ArrayLike<number>>, hidden: number, label: string, tolerance: Tolerance): void {
  const comparison = compareTraces(actual, expected, hidden, tolerance);
  if (!comparison.ok) throw new PropertyViolation(formatComparison(comparison, label));
}
