/**
 * Exact powers of two for scaling by 2^m without bit casts: POW2[m + POW2_BIAS] = 2^m for
 * -POW2_BIAS <= m <= POW2_BIAS, every one a normal double. Scaling a double by one is exact unless
 * the product leaves the normal range, which is where the WebAssembly twin (which builds 2^m from
 * its exponent bits) scales by the same value.
 */
export const POW2_BIAS = 600;

export const POW2 = new Float64Array(2 * POW2_BIAS + 1);
{
  let up = 1;
  let down = 1;
  for (let m = 0; m <= POW2_BIAS; m++) {
    POW2[POW2_BIAS + m] = up;
    POW2[POW2_BIAS - m] = down;
    up *= 2;
    down /= 2;
  }
}
