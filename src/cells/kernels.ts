/**
 * The dense products both cells share. Plain top-level functions over flat Float64Arrays: V8
 * inlines and optimises these better than closures, and nothing here allocates.
 *
 * Each dot product is summed left to right from +0, as a textbook loop would; NumPy's BLAS uses
 * a blocked FMA order instead, which is why agreement is judged in ULPs, not bits.
 */

/** W x_t for every step: out[t * rows + r] = sum_k W[r, k] x[t, k]. */
export function inputProjection(W: Float64Array, rows: number, cols: number, x: Float64Array, steps: number): Float64Array {
  const out = new Float64Array(steps * rows);
  for (let t = 0; t < steps; t++) {
    const xo = t * cols;
    const oo = t * rows;
    for (let r = 0; r < rows; r++) {
      const wo = r * cols;
      let acc = 0;
      for (let k = 0; k < cols; k++) acc += W[wo + k] * x[xo + k];
      out[oo + r] = acc;
    }
  }
  return out;
}

/**
 * Pre-activations of one step, keeping the seed's association ((W x) + (U v)) + b:
 * z[r] = (wx[wxOffset + r] + sum_k U[r, k] v[vOffset + k]) + b[r] for r < rows.
 */
export function recurrentPreactivation(
  z: Float64Array,
  wx: Float64Array,
  wxOffset: number,
  U: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  vOffset: number,
  b: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const uo = r * cols;
    let acc = 0;
    for (let k = 0; k < cols; k++) acc += U[uo + k] * v[vOffset + k];
    z[r] = wx[wxOffset + r] + acc + b[r];
  }
}
