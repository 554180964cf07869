/**
 * Random cases for the live differential campaign. Case k of a campaign with seed s is drawn from
 * its own SeededRandom(mix(s, k)), so a case is replayed from (seed, index) alone and shards that
 * take disjoint indices draw disjoint cases.
 *
 * Shapes: H in 1..16, X in 1..8, T in 0..40. Two weight families, alternating:
 *   well-scaled   W ~ N(0, 1/H), S ~ N(0, 1): the regime a trained network lives in
 *   seed-style    W ~ N(0, 1),   S ~ U[0, 1): the seed notebook's own draws
 * Both are well-conditioned at these sizes: the port must agree within the tolerance policy.
 */
import type { CellType } from '../cells/schema.js';
import { randomMatrix, randomWeights, SeededRandom, type CaseValue } from '../numeric/seeded-random.js';

export interface CampaignCase {
  /** Stable name: `<cell>/live-<seed>-<index>`. */
  name: string;
  cell: CellType;
  seed: number;
  index: number;
  family: 'well-scaled' | 'seed-style';
  value: CaseValue;
}

/** A 32-bit mix of campaign seed and case index (murmur3's finaliser). */
export function caseSeedOf(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function campaignCase(cell: CellType, seed: number, index: number): CampaignCase {
  const random = new SeededRandom(caseSeedOf(seed, index) ^ (cell === 'type1' ? 0 : 0x5bd1e995));
  const H = 1 + random.below(16);
  const X = 1 + random.below(8);
  const T = random.below(41);
  const family = index % 2 === 0 ? 'well-scaled' : 'seed-style';
  const value: CaseValue =
    family === 'well-scaled'
      ? { S: randomMatrix(random, T, X, (r) => r.normal()), W: randomWeights(random, cell, H, X, (r) => r.normal() / Math.sqrt(H)) }
      : { S: randomMatrix(random, T, X, (r) => r.uniform()), W: randomWeights(random, cell, H, X, (r) => r.normal()) };
  return { name: `${cell}/live-${seed}-${index}`, cell, seed, index, family, value };
}

/**
 * The chaotic probe: H = 128 with unscaled N(0, 1) weights over T = 200. NumPy itself parts from
 * its own 1-ULP-perturbed copies after ~100 steps, so no port can match it bit for bit there; the
 * verdict must be "ill-conditioned", with the spread measured.
 */
export function chaoticProbe(cell: CellType): CampaignCase {
  const random = new SeededRandom(0x0c4a0531 ^ (cell === 'type1' ? 1 : 2));
  const value: CaseValue = { S: randomMatrix(random, 200, 16, (r) => r.normal()), W: randomWeights(random, cell, 128, 16, (r) => r.normal()) };
  return { name: `${cell}/chaotic-probe`, cell, seed: 0, index: -1, family: 'seed-style', value };
}
