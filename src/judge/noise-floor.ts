/**
 * The reference's own noise floor for a case: how far NumPy's outputs move when every input is
 * nudged by one ULP, and every activation's result too. A well-conditioned case moves by a few
 * ULP; a chaotic one (large unscaled weights over many steps) moves by as much as the outputs
 * themselves. A port can only be judged against NumPy down to this floor.
 *
 * Each copy moves every nonzero finite element of S and W one ULP up or down (a seeded coin);
 * zeros stay exact (they carry no rounding) and non-finite values stay as they are, and no value
 * is moved onto zero or an infinity (it then moves the other way). Each copy also
 * carries a jitter seed, with which the reference moves every sigmoid and tanh result one ULP
 * (FlatCase.jitter): nudging the inputs cannot move a saturated gate, yet a port whose σ rounds
 * one ULP apart from NumPy's there is faithful, and cancellation downstream (c_t = f c + i ĉ with
 * large opposite terms) can amplify that ULP far beyond the inputs' floor. The spread of
 * an element is the largest |copy - unperturbed| over the copies where both are finite numbers;
 * an element whose NaN-ness or infinity moved in some copy is marked in `classMoved` instead. The
 * spread is kept per key and step, the largest over the step's units: once a chaotic trajectory
 * has parted, any unit can land anywhere, and a few copies say little about one unit but reliably
 * how far the step as a whole can move. A NaN or an infinity is kept per element: that one unit
 * sits on an edge (a product on the brink of overflow) says nothing about its neighbours, and
 * letting it excuse the whole step let a port that drops subnormal weights pass as noise.
 *
 * For a float32 implementation the reference runs in float32, and each copy moves every element,
 * first rounded to float32, by one float32 ULP: the floor of the float32 computation.
 */
import type { FlatCase, Reference } from './flat-case.js';
import { SeededRandom } from '../numeric/seeded-random.js';
import { nextAfter, nextAfter32 } from '../numeric/ulp.js';
import type { Dtype } from './tolerance.js';

/** How far the reference's outputs move under 1-ULP nudges of inputs and activations: {@link measureNoiseFloors}' answer per case. */
export interface NoiseFloor {
  /** Perturbed copies the spread was measured over. */
  copies: number;
  /** The seed of the coins that chose each nudge's direction; the same seed gives the same copies. */
  seed: number;
  /** Per seed key, per step: the largest spread of NumPy's output over the step's units, where both values are finite. */
  stepSpread: Record<string, Float64Array>;
  /** Per seed key: the largest of its step spreads. */
  maxSpread: Record<string, number>;
  /** Per seed key, T x H: 1 where NumPy's NaN-ness or infinity moved under the perturbations (keys without any are left out). */
  classMoved: Record<string, Uint8Array>;
}

/** Perturbed copies per case when not told otherwise: enough to see chaos, cheap enough to run on every live case. */
export const DEFAULT_COPIES = 4;

function perturb(values: Float64Array, random: SeededRandom, dtype: Dtype): Float64Array {
  const out = new Float64Array(values.length);
  const step = dtype === 'float32' ? nextAfter32 : nextAfter;
  for (let k = 0; k < values.length; k++) {
    const x = dtype === 'float32' ? Math.fround(values[k]) : values[k];
    const up = random.uniform() < 0.5;
    if (x === 0 || !Number.isFinite(x)) {
      out[k] = x;
      continue;
    }
    // Never onto zero or an infinity (the smallest subnormal down, the largest double up): that
    // would change what the value is, not how it was rounded, and ∞ · 0 would pass for noise.
    const moved = step(x, up ? 'up' : 'down');
    out[k] = moved === 0 || !Number.isFinite(moved) ? step(x, up ? 'down' : 'up') : moved;
  }
  return out;
}

/** K perturbed copies of a case, drawn from `seed`, in float64 ULPs or float32 ones, each with its activations' jitter seed. */
export function perturbedCopies(c: FlatCase, copies: number, seed: number, dtype: Dtype = 'float64'): FlatCase[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: copies }, () => ({
    ...c,
    S: perturb(c.S, random, dtype),
    W: Object.fromEntries(Object.entries(c.W).map(([key, values]) => [key, perturb(values, random, dtype)])),
    jitter: Math.floor(random.uniform() * 2 ** 31),
  }));
}

/** NaN, +∞, -∞ and finite numbers are four classes; a copy that changes an element's class moved it. */
function sameClass(a: number, b: number): boolean {
  return Number.isNaN(a) ? Number.isNaN(b) : Number.isFinite(a) ? Number.isFinite(b) : a === b;
}

function spreadOf(base: Float64Array, runs: readonly Float64Array[], hidden: number): { stepSpread: Float64Array; classMoved?: Uint8Array } {
  const stepSpread = new Float64Array(base.length / hidden);
  let classMoved: Uint8Array | undefined;
  for (const run of runs) {
    for (let k = 0; k < base.length; k++) {
      const a = base[k];
      const b = run[k];
      if (!sameClass(a, b)) {
        (classMoved ??= new Uint8Array(base.length))[k] = 1;
        continue;
      }
      if (!Number.isFinite(a)) continue;
      const t = Math.floor(k / hidden);
      const d = Math.abs(a - b);
      if (d > stepSpread[t]) stepSpread[t] = d;
    }
  }
  return { stepSpread, classMoved };
}

/**
 * Measures the noise floor of each case around NumPy's unperturbed outputs `bases` (one per
 * case, as the oracle returned them). All copies of all cases go to the worker in one call.
 * Case k is perturbed from `seeds[k]` when given, else from `seed + k`: a campaign passes a seed
 * per case so that a case's floor does not depend on which other cases share its batch.
 */
export async function measureNoiseFloors(
  reference: Reference,
  cases: readonly FlatCase[],
  bases: readonly Record<string, Float64Array>[],
  options: { copies?: number; seed?: number; seeds?: readonly number[]; dtype?: Dtype } = {},
): Promise<NoiseFloor[]> {
  const copies = options.copies ?? DEFAULT_COPIES;
  const seed = options.seed ?? 1;
  const seeds = options.seeds ?? cases.map((_, k) => seed + k);
  if (seeds.length !== cases.length) throw new RangeError(`measureNoiseFloors: expected ${cases.length} seeds, one per case, got ${seeds.length}`);
  const all = cases.flatMap((c, k) => perturbedCopies(c, copies, seeds[k], options.dtype));
  const results = await reference.evaluate(all);
  return cases.map((_, k) => {
    const runs = results.slice(k * copies, (k + 1) * copies);
    const stepSpread: Record<string, Float64Array> = {};
    const maxSpread: Record<string, number> = {};
    const classMoved: Record<string, Uint8Array> = {};
    for (const [key, base] of Object.entries(bases[k])) {
      const outputs = runs.map((run) => {
        if (!run.ok) throw new Error(`noise floor: the reference could not evaluate a perturbed copy: ${run.error}`);
        return run.outputs[key];
      });
      const spread = spreadOf(base, outputs, cases[k].hidden);
      stepSpread[key] = spread.stepSpread;
      maxSpread[key] = spread.stepSpread.reduce((m, x) => Math.max(m, x), 0);
      if (spread.classMoved !== undefined) classMoved[key] = spread.classMoved;
    }
    return { copies, seed: seeds[k], stepSpread, maxSpread, classMoved };
  });
}
