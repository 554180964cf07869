/**
 * Sums of products of doubles, Σ a_k b_k, evaluated exactly and rounded once: what a fused or
 * correctly rounded evaluation of the seed's `w·x + u·h + b` gives, whatever the order of its
 * terms. It decides the three things a summation order can change and exact arithmetic cannot:
 *
 *   the sign of a zero   a nonzero exact sum that underflows keeps its sign (-1e-200 · 1e-200 is
 *                        -0, not +0); an exact zero is -0 only when every term is -0 (IEEE 754's
 *                        rule for x + y and fma), else +0
 *   overflow             the exact sum is ±Infinity only when it lies beyond the largest double,
 *                        never because a partial sum did (1e308 + 1e308 - 1e308 is 1e308)
 *   NaN                  only from a NaN operand, ∞ · 0, or +∞ and -∞ in one sum
 *
 * Exact path: every double is m 2^e with an integer m < 2^53 and e >= -1074, so every product is
 * an integer multiple of 2^-2148 and their sum an integer N (a BigInt of up to ~4100 bits); N
 * 2^-2148 is rounded to the nearest double, ties to even. A compensated sum comes first (Dot2, as if
 * in twice the precision): where every product lies well inside the normal range and the terms
 * cancel by less than a factor 2^20, its result is within about one ULP of the exact sum and its
 * sign and class are certain, and it is returned as it is. So the result is exact in sign,
 * zero-ness, overflow and NaN-ness, and within about one ULP of the exact sum in value (equal to
 * its correct rounding wherever the exact path ran).
 */

/** Products below this may have been rounded as subnormals, or have an error term that underflows. */
const TINY = 2 ** -900;
/** Sums of magnitudes past this might overflow in float64. */
const HUGE = 2 ** 1020;
/** Every product of two doubles is an integer multiple of 2^-SCALE. */
const SCALE = 2148;

const view = new DataView(new ArrayBuffer(8));

/** |x| = m 2^e, m an integer < 2^53 (x finite and nonzero). */
function decompose(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return field === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: field - 1075 };
}

function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** q 2^e for an integer q < 2^54 whose result is a double (or overflows to Infinity). */
function scaleBy(q: number, e: number): number {
  let x = q;
  let k = e;
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/** N 2^-2148 rounded to the nearest double, ties to even. */
function roundScaled(n: bigint): number {
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  // 53 significant bits, but no finer than 2^-1074 (the subnormals' spacing).
  const shift = Math.max(bitLength(magnitude) - 53, SCALE - 1074);
  let q = magnitude >> BigInt(shift);
  const rest = magnitude - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  const value = scaleBy(Number(q), shift - SCALE);
  return negative ? -value : value;
}

/**
 * Σ a[k] b[k] over k < n evaluated exactly and rounded once to the nearest double, ties to even:
 * the correctly rounded sum, always by the exact path (slower than {@link sumOfProducts}). With
 * two terms it is IEEE 754's fused multiply-add, fma(a0, b0, a1) = correctlyRoundedSum([a0, a1], [b0, 1]).
 */
export function correctlyRoundedSum(a: ArrayLike<number>, b: ArrayLike<number>, n: number = a.length): number {
  return exactSum(a, b, n);
}

function exactSum(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let total = 0n;
  let allNegativeZero = true;
  let plusInfinity = false;
  let minusInfinity = false;
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
    const negative = x < 0 || Object.is(x, -0) ? !(y < 0 || Object.is(y, -0)) : y < 0 || Object.is(y, -0);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x === 0 || y === 0) return NaN;
      if (negative) minusInfinity = true;
      else plusInfinity = true;
      continue;
    }
    if (x === 0 || y === 0) {
      if (!negative) allNegativeZero = false;
      continue;
    }
    allNegativeZero = false;
    const p = decompose(x);
    const q = decompose(y);
    const term = (p.m * q.m) << BigInt(p.e + q.e + SCALE);
    total += negative ? -term : term;
  }
  if (plusInfinity && minusInfinity) return NaN;
  if (plusInfinity) return Infinity;
  if (minusInfinity) return -Infinity;
  if (total === 0n) return allNegativeZero && n > 0 ? -0 : 0;
  return roundScaled(total);
}

/** Veltkamp's splitter for TwoProduct: 2^27 + 1. */
const SPLITTER = 134217729;
/** Operands past this could overflow in the splitter. */
const OPERAND_MAX = 2 ** 995;

/**
 * Σ a[k] b[k] over k < n, exact in sign, zero-ness, overflow and NaN-ness, and within about one
 * ULP of the exact sum in value (see the module). An empty sum is +0. Give b[k] = 1 for a term that
 * is a value rather than a product.
 */
export function sumOfProducts(a: ArrayLike<number>, b: ArrayLike<number>, n: number = a.length): number {
  // Dot2 (Ogita, Rump and Oishi): TwoProduct and TwoSum carry every rounding error, so the result
  // is as if computed in twice the precision: |result - exact| <= u |exact| + (n u)^2 Σ|a_k b_k|.
  let sum = 0;
  let compensation = 0;
  let bound = 0;
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (x === 0 || y === 0) {
      // An exact zero adds nothing, but NaN and ∞ · 0 are for the exact path to name.
      if (Number.isFinite(x) && Number.isFinite(y)) continue;
      return exactSum(a, b, n);
    }
    const p = x * y;
    const magnitude = Math.abs(p);
    // Outside these, TwoProduct's error term could underflow or its split overflow.
    if (!(magnitude >= TINY && magnitude <= HUGE && Math.abs(x) <= OPERAND_MAX && Math.abs(y) <= OPERAND_MAX)) return exactSum(a, b, n);
    let t = SPLITTER * x;
    const xh = t - (t - x);
    const xl = x - xh;
    t = SPLITTER * y;
    const yh = t - (t - y);
    const yl = y - yh;
    const productError = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
    const s = sum + p;
    const v = s - sum;
    const sumError = (sum - (s - v)) + (p - v);
    sum = s;
    compensation += productError + sumError;
    bound += magnitude;
  }
  const result = sum + compensation;
  // Cancellation beyond 2^-20 of the terms' magnitudes, or none left at all: only exact
  // arithmetic can say what remains.
  if (bound === 0 || bound > HUGE || !(Math.abs(result) > 2 ** -20 * bound)) return exactSum(a, b, n);
  return result;
}
