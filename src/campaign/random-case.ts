/**
 * Random cases for the live differential campaign. Case k of a campaign with seed s is drawn from
 * its own SeededRandom(mix(s, k)), so a case is replayed from (seed, index) alone and shards that
 * take disjoint indices draw disjoint cases.
 *
 * Four families, by the slot k mod 16 of case k:
 *   edge         slots 3, 7, 11, 15 (1/4)  the explorer's extreme cases (../explore/arbitraries.ts:
 *                biases on and beside the saturation and overflow constants, weights up to ±2000,
 *                subnormals, -0, NaN and ±Infinity in S, T up to 129), and in one case of two the
 *                input and recurrent rows of about half the (unit, gate) pairs zeroed, so that
 *                those pre-activations are their biases exactly
 *   long         slot 6 (1/16)  H 1..8, X 1..4, W ~ N(0, 1/H), S ~ N(0, 1), and T past the cells'
 *                chunking of input projections (CHUNK_MAX_STEPS = 64 steps): half the time one of
 *                63, 64, 65, 127, 128, 129, else 65..160
 *   well-scaled  the other even slots (7/16)  H 1..16, X 1..8, T 0..40, W ~ N(0, 1/H), S ~ N(0, 1):
 *                the regime a trained network lives in
 *   seed-style   the other odd slots (4/16)  the same shapes, W ~ N(0, 1), S ~ U[0, 1): the seed
 *                notebook's own draws
 * One well-scaled or seed-style case in 192 is wide instead: H and X up to 300, where real kernels
 * block their rows and columns (3 in 4 draws from 2^k - 1, 2^k and 2^k + 1 for k = 2..8, the
 * others uniform in 1..300; X = H in one case of four, X cut to keep 4H (H + X) within
 * WIDE_WEIGHTS), and T in 1 .. the most steps a work budget of WIDE_BUDGET multiply-adds allows
 * (at least 1, at most 40). A kernel that drops the
 * partial block of 32 rows fails there; at H <= 16 nothing can show it.
 * Edge cases are short (T 0..12, one in eight up to 129) and cheap for NumPy; a quarter of them
 * gives each exact fact its extreme inputs at small case counts. Long, well-scaled and seed-style
 * cases are well-conditioned at these sizes: the port must agree within the tolerance policy.
 * Edge cases saturate and overflow; they are judged against NumPy's noise floor like any other,
 * and non-finite values in them are expected (they are validated with allowNonFinite).
 *
 * Well-scaled, seed-style and long cases are drawn straight into the flat arrays the judge and the
 * NumPy bridge read (the same draws, in the same order, as randomMatrix and randomWeights), so the
 * campaign skips validating and flattening cases it made itself; the nested arrays an
 * implementation receives are views copied from them. Edge cases come from fast-check's
 * arbitraries as nested arrays and are flattened once.
 */
import fc from 'fast-check';
import { CHUNK_MAX_STEPS } from '../cells/driver.js';
import { WEIGHT_KEYS, type CellType } from '../cells/schema.js';
import { extremeCase } from '../explore/arbitraries.js';
import { toFlatCase, type FlatCase } from '../judge/flat-case.js';
import { SeededRandom, type CaseValue, type Draw } from '../numeric/seeded-random.js';

/** The largest number of distinct cases per cell: caseSeedOf mixes the index as 32 bits. */
export const MAX_CASES_PER_CELL = 2 ** 32 - 1;

/**
 * The kinds of live case: 'well-scaled' (W ~ N(0, 1/H), where trained networks live),
 * 'seed-style' (W ~ N(0, 1), S ~ U[0, 1), as the seed notebook draws), 'long' (T past the cells'
 * chunking of input projections), 'edge' (the explorer's extremes: saturation, overflow,
 * subnormals, non-finite values). Their shares are in the module comment.
 */
export type CaseFamily = 'well-scaled' | 'seed-style' | 'long' | 'edge';

/** A live case as drawn: the value and its flat form, and what it takes to draw it again. */
export interface CampaignCase {
  /** Stable name: `<cell>/live-<seed>-<index>`, or `<cell>/chaotic-probe`. */
  name: string;
  /** Its cell. */
  cell: CellType;
  /** The campaign seed it was drawn from. */
  seed: number;
  /** The case's index in its campaign; -1 for the chaotic probe. */
  index: number;
  /** What kind of case it is. */
  family: CaseFamily;
  /** Whether S and W may hold NaN and ±Infinity (edge cases only). */
  allowNonFinite: boolean;
  /** The case as plain arrays, as a case file holds it (findings print it). */
  value: CaseValue;
  /** The same case, flat and row-major. */
  flat: FlatCase;
}

/** Where in each run of 16 cases the long case sits; edge cases take every fourth. */
const FAMILY_PERIOD = 16;
const LONG_AT = 6;

/** The share of each family. */
export const FAMILY_SHARE: Record<CaseFamily, number> = { edge: 4 / 16, long: 1 / 16, 'well-scaled': 7 / 16, 'seed-style': 4 / 16 };

/** A 32-bit mix of campaign seed and case index (murmur3's finaliser). */
export function caseSeedOf(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function drawFlat(random: SeededRandom, length: number, draw: Draw): Float64Array {
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) out[k] = draw(random);
  return out;
}

function rows(values: Float64Array, cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

/** S (T x X) then every weight in the seed's key order, as randomMatrix and randomWeights draw them. */
function drawCase(random: SeededRandom, cell: CellType, T: number, H: number, X: number, drawS: Draw, drawW: Draw): { value: CaseValue; flat: FlatCase } {
  const S = drawFlat(random, T * X, drawS);
  const W: Record<string, Float64Array> = {};
  const nested: CaseValue['W'] = {};
  for (const key of WEIGHT_KEYS[cell]) {
    const cols = key.startsWith('b_') ? 1 : key.startsWith('u_') ? H : X;
    W[key] = drawFlat(random, H * cols, drawW);
    nested[key] = key.startsWith('b_') ? Array.from(W[key]) : rows(W[key], cols);
  }
  return { value: { S: T === 0 ? [] : rows(S, X), W: nested }, flat: { cell, steps: T, inputs: X, hidden: H, S, W } };
}

export function familyOf(index: number): CaseFamily {
  if (index % 4 === 3) return 'edge';
  if (index % FAMILY_PERIOD === LONG_AT) return 'long';
  return index % 2 === 0 ? 'well-scaled' : 'seed-style';
}

/** Sequence lengths just below, on and past one and two chunks of input projections. */
const CHUNK_EDGES = [CHUNK_MAX_STEPS - 1, CHUNK_MAX_STEPS, CHUNK_MAX_STEPS + 1, 2 * CHUNK_MAX_STEPS - 1, 2 * CHUNK_MAX_STEPS, 2 * CHUNK_MAX_STEPS + 1];
const LONG_MAX_STEPS = 2 * CHUNK_MAX_STEPS + CHUNK_MAX_STEPS / 2;

function longSteps(random: SeededRandom): number {
  if (random.uniform() < 0.5) return CHUNK_EDGES[random.below(CHUNK_EDGES.length)];
  return CHUNK_MAX_STEPS + 1 + random.below(LONG_MAX_STEPS - CHUNK_MAX_STEPS);
}

/** The share of well-scaled and seed-style cases drawn wide. */
const WIDE_SHARE = 1 / 192;
/** Multiply-adds of the products of a wide case (T x 4H x (H + X)), at most, save for one step. */
export const WIDE_BUDGET = 500_000;
/** Weights of a wide case (4H x (H + X)), at most, save where H alone passes it (H = 300: X = 1). */
export const WIDE_WEIGHTS = 400_000;
/** Widths real kernels block by, and one past and short of each: 2^k - 1, 2^k, 2^k + 1 for k = 2..8. */
export const BLOCK_WIDTHS = [2, 3, 4, 5, 6, 7, 8].flatMap((k) => [2 ** k - 1, 2 ** k, 2 ** k + 1]);
const MAX_WIDTH = 300;

function width(random: SeededRandom): number {
  return random.uniform() < 0.75 ? BLOCK_WIDTHS[random.below(BLOCK_WIDTHS.length)] : 1 + random.below(MAX_WIDTH);
}

/** H, X and T of a wide case (see the module). */
function wideShape(random: SeededRandom): { H: number; X: number; T: number } {
  const H = width(random);
  // X as drawn, cut to keep the weights (4H (H + X)) within WIDE_WEIGHTS: drawing, validating and
  // packing them through every entry point costs about a microsecond per weight.
  const X = Math.max(1, Math.min(random.uniform() < 0.25 ? H : width(random), Math.floor(WIDE_WEIGHTS / (4 * H)) - H));
  const most = Math.max(1, Math.min(40, Math.floor(WIDE_BUDGET / (4 * H * (H + X)))));
  return { H, X, T: 1 + random.below(most) };
}

/** The gate rows of a cell: input weights, recurrent weights (type 2's candidate has none). */
const ROWS: Record<CellType, [w: string, u: string | undefined][]> = {
  type1: [['w_i', 'u_i'], ['w_g', 'u_g'], ['w_o', 'u_o'], ['w_c', 'u_c']],
  type2: [['w_i', 'u_i'], ['w_g', 'u_g'], ['w_o', 'u_o'], ['w_cell', undefined]],
};

/** Zeroes the input and recurrent rows of about half the (unit, gate) pairs: their pre-activation is then the bias. */
function exposeBiases(cell: CellType, value: CaseValue, random: SeededRandom): CaseValue {
  const W = structuredClone(value.W) as Record<string, number[][]>;
  const H = W.u_i.length;
  for (let r = 0; r < H; r++) {
    for (const [w, u] of ROWS[cell]) {
      if (random.uniform() < 0.5) continue;
      W[w][r] = W[w][r].map(() => 0);
      if (u !== undefined) W[u][r] = W[u][r].map(() => 0);
    }
  }
  return { S: value.S, W };
}

function edgeCase(cell: CellType, caseSeed: number, random: SeededRandom): { value: CaseValue; flat: FlatCase } {
  const [drawn] = fc.sample(extremeCase(cell, { maxLongSteps: 2 * CHUNK_MAX_STEPS + 1 }), { seed: caseSeed | 0, numRuns: 1, unbiased: true });
  const value = random.uniform() < 0.5 ? exposeBiases(cell, drawn, random) : drawn;
  return { value, flat: toFlatCase(cell, value, { allowNonFinite: true }) };
}

export function campaignCase(cell: CellType, seed: number, index: number): CampaignCase {
  const caseSeed = caseSeedOf(seed, index) ^ (cell === 'type1' ? 0 : 0x5bd1e995);
  const random = new SeededRandom(caseSeed);
  const family = familyOf(index);
  const base = { name: `${cell}/live-${seed}-${index}`, cell, seed, index, family, allowNonFinite: family === 'edge' };
  if (family === 'edge') return { ...base, ...edgeCase(cell, caseSeed, random) };
  const long = family === 'long';
  const wide = !long && random.uniform() < WIDE_SHARE;
  const { H, X, T } = wide
    ? wideShape(random)
    : { H: 1 + random.below(long ? 8 : 16), X: 1 + random.below(long ? 4 : 8), T: long ? longSteps(random) : random.below(41) };
  const root = Math.sqrt(H);
  const drawn =
    family === 'seed-style'
      ? drawCase(random, cell, T, H, X, (r) => r.uniform(), (r) => r.normal())
      : drawCase(random, cell, T, H, X, (r) => r.normal(), (r) => r.normal() / root);
  return { ...base, ...drawn };
}

/**
 * The chaotic probe: H = 128 with unscaled N(0, 1) weights over T = 200 (past three chunks of
 * input projections). NumPy itself parts from its own 1-ULP-perturbed copies after ~100 steps, so
 * no port can match it bit for bit there; the verdict must be "ill-conditioned", with the spread
 * measured.
 */
export function chaoticProbe(cell: CellType): CampaignCase {
  const random = new SeededRandom(0x0c4a0531 ^ (cell === 'type1' ? 1 : 2));
  const drawn = drawCase(random, cell, 200, 128, 16, (r) => r.normal(), (r) => r.normal());
  return { name: `${cell}/chaotic-probe`, cell, seed: 0, index: -1, family: 'seed-style', allowNonFinite: false, ...drawn };
}
