/**
 * How far the port and NumPy each are from the truth (reference/lstm_mpmath.py, evaluated until
 * two precisions agree in float64), per key: largest and median ULP distance, largest absolute
 * error. Differences between port and NumPy say which of the two is wrong only against this.
 *
 * A float32 implementation is set beside NumPy in float32 (the seed's computation on S and W
 * rounded to float32), with distances counted in float32 ULPs; NumPy in float64 is reported too,
 * as the accuracy float64 would give.
 */
import type { CellType } from '../cells/schema.js';
import { lstmParityImplementation } from '../implementations/lstm-parity.js';
import { runImplementation, type CaseInput, type Implementation } from '../judge/implementation.js';
import { ulpDistance, ulpDistance32 } from '../numeric/ulp.js';
import type { Dtype } from '../judge/tolerance.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import { toFlatCase } from '../judge/flat-case.js';

/** How far one set of outputs is from the truth. NaN against a number counts as Infinity ULPs. */
export interface ErrorSummary {
  /** The largest ULP distance to the truth. */
  maxUlps: number;
  /** The median ULP distance: the typical element, which the largest alone misrepresents. */
  medianUlps: number;
  /** The largest absolute error. */
  maxAbs: number;
}

/** The port's and NumPy's distance to the truth on one seed key. */
export interface KeyAccuracy {
  /** The seed key. */
  key: string;
  /** The implementation's error (this package's cells unless another was given). */
  port: ErrorSummary;
  /** NumPy in the implementation's precision. */
  numpy: ErrorSummary;
  /** A float32 implementation only: NumPy in float64, in float64 ULPs. */
  numpy64?: ErrorSummary;
  /** Which side is closer to the truth: see {@link closerSide}. */
  closer: Closer;
}

/** Which side is closer to the truth on a key: the port, NumPy, neither ('tie'), or each on some measure ('mixed'). */
export type Closer = 'port' | 'numpy' | 'tie' | 'mixed';

/**
 * Which side is closer to the truth, by the three measures the table shows (the largest ULP
 * distance, the median ULP distance, the largest absolute error): a side is closer when it is no
 * farther by any of them and nearer by at least one; 'tie' when all three are equal; 'mixed' when
 * each side is nearer by some. So a side is never called closer where the other's largest error,
 * in ULPs or absolute, is smaller: ranking by the median, then the largest ULP distance, called
 * NumPy closer on type1/seed-shape's cell_state_vectors, where the port's largest absolute error
 * was smaller with the same median.
 */
export function closerSide(port: ErrorSummary, numpy: ErrorSummary): Closer {
  const measures: [number, number][] = [
    [port.maxUlps, numpy.maxUlps],
    [port.medianUlps, numpy.medianUlps],
    [port.maxAbs, numpy.maxAbs],
  ];
  const portNearer = measures.some(([p, n]) => p < n);
  const numpyNearer = measures.some(([p, n]) => n < p);
  if (portNearer) return numpyNearer ? 'mixed' : 'port';
  return numpyNearer ? 'numpy' : 'tie';
}

/** {@link measureAccuracy}'s answer for one case: who is closer to the truth, key by key and overall. */
export interface AccuracyResult {
  /** The case's cell. */
  implementation: { name: string; version?: string; dtype: Dtype };
  cell: CellType;
  /** T. */
  steps: number;
  /** H. */
  hidden: number;
  /** X. */
  inputs: number;
  /** Decimal digits the high-precision reference settled at. */
  digits: number;
  /** Whether two precisions agreed in float64; if not, the truth itself is in doubt. */
  converged: boolean;
  /** Per seed key the implementation returned, in the truth's key order. */
  keys: KeyAccuracy[];
  /** Over all keys' elements together. */
  overall: { port: ErrorSummary; numpy: ErrorSummary };
  /** Every element's ULP distance to the truth, by key, for pooling over many cases. */
  distances: Record<string, { port: Float64Array; numpy: Float64Array }>;
}

export function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** ULP distances to the truth (in the dtype's ULPs); NaN meeting NaN is 0, NaN against a number is Infinity. */
function distances(values: Float64Array, truth: Float64Array, dtype: Dtype): Float64Array {
  const out = new Float64Array(truth.length);
  const ulps = dtype === 'float32' ? ulpDistance32 : ulpDistance;
  for (let k = 0; k < truth.length; k++) {
    const d = ulps(values[k], truth[k]);
    out[k] = Number.isNaN(d) ? (Number.isNaN(values[k]) && Number.isNaN(truth[k]) ? 0 : Infinity) : d;
  }
  return out;
}

function summarize(values: Float64Array, truth: Float64Array, dtype: Dtype = 'float64'): ErrorSummary & { ulps: Float64Array } {
  const ulps = distances(values, truth, dtype);
  let maxAbs = 0;
  for (let k = 0; k < truth.length; k++) {
    const d = Math.abs(values[k] - truth[k]);
    if (d > maxAbs) maxAbs = d;
  }
  return { maxUlps: ulps.reduce((m, x) => Math.max(m, x), 0), medianUlps: median(ulps), maxAbs, ulps };
}

export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Options of {@link measureAccuracy}. */
export interface MeasureAccuracyOptions {
  /** Accept NaN and infinities in the case (false by default). */
  allowNonFinite?: boolean;
  /** What to measure; this package's cells by default. */
  impl?: Implementation;
}

/**
 * Runs one case through the implementation, NumPy and the high-precision reference
 * (reference/lstm_mpmath.py) and measures how far each of the first two is from the third.
 *
 * @param oracle - a started {@link NumpyOracle}; it serves both NumPy and the truth.
 * @param cell - the case's cell.
 * @param value - the case `{ S, W }` as parsed; validated here (`LstmInputError` if it is not a case).
 * @throws Error when NumPy or the high-precision reference cannot evaluate the case.
 */
export async function measureAccuracy(oracle: NumpyOracle, cell: CellType, value: unknown, options: MeasureAccuracyOptions = {}): Promise<AccuracyResult> {
  const { allowNonFinite = false, impl = lstmParityImplementation() } = options;
  const c = toFlatCase(cell, value, { allowNonFinite });
  const dtype = impl.dtype;
  const port = await runImplementation(impl, c, 'the case', value as CaseInput);
  const [numpy] = await oracle.evaluate([c], { dtype });
  const [numpy64] = dtype === 'float32' ? await oracle.evaluate([c]) : [undefined];
  const [truth] = await oracle.truth([c]);
  if (!numpy.ok) throw new Error(`NumPy could not evaluate the case: ${numpy.error}`);
  if (numpy64 !== undefined && !numpy64.ok) throw new Error(`NumPy could not evaluate the case in float64: ${numpy64.error}`);
  if (!truth.ok) throw new Error(`the high-precision reference could not evaluate the case: ${truth.error}`);
  const keys: KeyAccuracy[] = [];
  const portUlps: Float64Array[] = [];
  const numpyUlps: Float64Array[] = [];
  const raw: AccuracyResult['distances'] = {};
  for (const [key, exact] of Object.entries(truth.outputs)) {
    if (!(key in port)) continue;
    const { ulps: pu, ...p } = summarize(port[key], exact, dtype);
    const { ulps: nu, ...n } = summarize(numpy.outputs[key], exact, dtype);
    portUlps.push(pu);
    numpyUlps.push(nu);
    raw[key] = { port: pu, numpy: nu };
    const closer = closerSide(p, n);
    const beside = numpy64?.ok ? (({ ulps: _u, ...summary }) => summary)(summarize(numpy64.outputs[key], exact)) : undefined;
    keys.push({ key, port: p, numpy: n, ...(beside === undefined ? {} : { numpy64: beside }), closer });
  }
  const all = (parts: Float64Array[], which: 'port' | 'numpy'): ErrorSummary => {
    const ulps = concat(parts);
    return { maxUlps: ulps.reduce((m, x) => Math.max(m, x), 0), medianUlps: median(ulps), maxAbs: Math.max(0, ...keys.map((k) => k[which].maxAbs)) };
  };
  return {
    implementation: { name: impl.name, version: impl.version, dtype },
    cell,
    steps: c.steps,
    hidden: c.hidden,
    inputs: c.inputs,
    digits: truth.digits ?? 0,
    converged: truth.converged ?? false,
    keys,
    overall: { port: all(portUlps, 'port'), numpy: all(numpyUlps, 'numpy') },
    distances: raw,
  };
}
