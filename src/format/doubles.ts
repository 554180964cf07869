/**
 * How doubles cross JSON in both directions. JSON has no NaN, Infinity or negative zero, so:
 *   NaN, +Infinity, -Infinity  <->  the strings "NaN", "Infinity", "-Infinity"
 *   -0                         <->  -0.0 (JSON.parse reads it back as -0; Python reads -0.0 too)
 *   anything else              <->  the shortest decimal that round-trips (Number.prototype.toString)
 */

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** The JSON text of one double. */
export function encodeDouble(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (Object.is(x, -0)) return '-0.0';
  return String(x);
}

/** A JSON.parse reviver that turns the three non-finite strings back into numbers. */
export function reviveDouble(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
}

/**
 * The same revival applied to a value already parsed without the reviver (a fetched JSON object,
 * say): a copy in which the three non-finite strings are numbers again. -0 survives either way.
 */
export function reviveDoubles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDoubles);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, reviveDoubles(v)]));
  return reviveDouble('', value);
}
