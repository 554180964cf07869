/**
 * Distance between doubles in units in the last place: the number of representable doubles
 * between them. Doubles are mapped to integers that order like the reals they encode (negative
 * values mirrored below zero), so +0 and -0 are 0 apart and the distance across zero is the sum
 * of both sides' distances to it. Distances of NaN are NaN; distances to or between infinities are
 * Infinity unless the two are equal.
 */
const buffer = new ArrayBuffer(8);
const asFloat = new Float64Array(buffer);
const asInt = new BigInt64Array(buffer);
const words = new Uint32Array(buffer);
const TWO_32 = 4294967296;

/**
 * Plain double arithmetic on the two 32-bit halves, no BigInt: this runs on every element of every
 * comparison. Exact while the distance is below 2^53, which covers every distance that matters.
 */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  asFloat[0] = a;
  const ha = words[1];
  const la = words[0];
  asFloat[0] = b;
  const hb = words[1];
  const lb = words[0];
  const ma = (ha & 0x7fffffff) * TWO_32 + la;
  const mb = (hb & 0x7fffffff) * TWO_32 + lb;
  if (ha >>> 31 !== hb >>> 31) return ma + mb;
  return Math.abs(((ha & 0x7fffffff) - (hb & 0x7fffffff)) * TWO_32 + (la - lb));
}

/** The spacing of doubles at x: the gap from |x| to the next double away from zero. */
export function ulpOf(x: number): number {
  const m = Math.abs(x);
  if (!Number.isFinite(m)) return NaN;
  asFloat[0] = m;
  asInt[0] += 1n;
  return asFloat[0] - m;
}

/** The next double after x toward +Infinity (up) or -Infinity (down); NaN and infinities stay. */
export function nextAfter(x: number, direction: 'up' | 'down'): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return direction === 'up' ? Number.MIN_VALUE : -Number.MIN_VALUE;
  asFloat[0] = x;
  // Away from zero adds one to the magnitude bits, toward zero subtracts one.
  asInt[0] += (x > 0) === (direction === 'up') ? 1n : -1n;
  return asFloat[0];
}

const buffer32 = new ArrayBuffer(4);
const asFloat32 = new Float32Array(buffer32);
const asInt32 = new Int32Array(buffer32);

/** A float32's bits as an integer that orders like the reals (negatives mirrored below zero). */
function ordered32(x: number): number {
  asFloat32[0] = x;
  const bits = asInt32[0];
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/**
 * The same distance counted in float32 steps: both values are first rounded to float32 (exact
 * for values a float32 computation produced). Used to judge float32 implementations, whose
 * errors in float64 ULPs would all be multiples of 2^29.
 */
export function ulpDistance32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  if (fa === fb) return 0;
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return Infinity;
  return Math.abs(ordered32(fa) - ordered32(fb));
}

/** The next float32 after the float32 nearest x, toward +Infinity or -Infinity. */
export function nextAfter32(x: number, direction: 'up' | 'down'): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return f;
  if (f === 0) return direction === 'up' ? 2 ** -149 : -(2 ** -149);
  asFloat32[0] = f;
  asInt32[0] += (f > 0) === (direction === 'up') ? 1 : -1;
  return asFloat32[0];
}
