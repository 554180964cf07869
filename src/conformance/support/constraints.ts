/**
 * Up-front checks of arbitrary constraints, after fast-check's own: a bad constraint fails when
 * the arbitrary is built, with a message naming the arbitrary and the key, not later as a
 * puzzling generated value.
 */

export class ConstraintError extends RangeError {
  override readonly name = 'ConstraintError';
}

export function fail(owner: string, key: string, message: string): never {
  throw new ConstraintError(`${owner}: ${key}: ${message}`);
}

/** An integer in [min, max]. */
export function checkInteger(owner: string, key: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    fail(owner, key, `expected an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** A finite double > 0. */
export function checkPositive(owner: string, key: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(owner, key, `expected a finite number > 0, got ${String(value)}`);
  return value;
}

/** `lowKey <= highKey`, both already checked. */
export function checkOrdered(owner: string, lowKey: string, low: number, highKey: string, high: number): void {
  if (low > high) fail(owner, lowKey, `expected ${lowKey} <= ${highKey}, got ${low} > ${high}`);
}

/** One of a fixed set of names. */
export function checkOneOf<T extends string>(owner: string, key: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) fail(owner, key, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/** A non-empty list drawn from a fixed set of names. */
export function checkSubset<T extends string>(owner: string, key: string, values: readonly T[], allowed: readonly T[]): readonly T[] {
  if (!Array.isArray(values) || values.length === 0) fail(owner, key, 'expected a non-empty list');
  values.forEach((value) => checkOneOf(owner, key, value, allowed));
  return values;
}
