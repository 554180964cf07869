/**
 * The one dense product both cells need, in plain JavaScript: the fallback when WebAssembly SIMD
 * is missing, and the faster choice for tiny sizes. A plain top-level function over flat
 * Float64Arrays: V8 optimises these better than closures, and nothing here allocates.
 *
 * Every dot product is summed in the order of the f64x2 SIMD kernel (wasm/dots.wat), so both
 * give the same bits:
 *
 *   s0 = sum over even k of M[k] v[k], s1 = sum over odd k of M[k] v[k], each left to right
 *   from -0; dot = s0 + s1, then + M[K-1] v[K-1] when K is odd.
 *
 * From -0, not +0: -0 is the identity of IEEE addition (-0 + x = x for every x, +0 included), so
 * the sum holds its products alone. Where every product is -0 (products of zeros, or products that
 * underflow from a negative exact value) the dot product is then -0, the sign exact arithmetic and
 * a fused evaluation give it; from +0 it would be +0.
 *
 * The order depends on K only, never on how many rows or vectors share a call, so a row's value
 * never depends on T, on the batch or on the other rows. NumPy's BLAS uses a blocked FMA order
 * of its own, which is why agreement with it is judged in ULPs, not bits.
 */

/**
 * out[outOffset + t * stride + r] = dot(M[r, :], V[vOffset + t * cols ...]) for r < rows, t < n,
 * with M row-major (rows x cols) from mOffset.
 */
export function dots(
  M: Float64Array,
  mOffset: number,
  rows: number,
  cols: number,
  V: Float64Array,
  vOffset: number,
  n: number,
  out: Float64Array,
  outOffset: number,
  stride: number,
): void {
  const pairs = cols - (cols & 1);
  for (let t = 0; t < n; t++) {
    const vo = vOffset + t * cols;
    const oo = outOffset + t * stride;
    for (let r = 0; r < rows; r++) {
      const mo = mOffset + r * cols;
      let s0 = -0;
      let s1 = -0;
      for (let k = 0; k < pairs; k += 2) {
        s0 += M[mo + k] * V[vo + k];
        s1 += M[mo + k + 1] * V[vo + k + 1];
      }
      let dot = s0 + s1;
      if (pairs !== cols) dot += M[mo + pairs] * V[vo + pairs];
      out[oo + r] = dot;
    }
  }
}
