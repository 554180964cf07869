/**
 * A small seeded generator (SplitMix64), so the golden corpus and the differential campaigns draw
 * the same inputs on every machine and every run: unlike Math.random it is reproducible, and
 * unlike a NumPy generator it needs no Python to replay.
 */
import { WEIGHT_KEYS, type CellType } from '../cells/schema.js';

const MASK = (1n << 64n) - 1n;

export class SeededRandom {
  private state: bigint;

  constructor(seed: number) {
    this.state = BigInt.asUintN(64, BigInt(seed));
  }

  private next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  }

  /** Uniform on [0, 1), 53 random bits. */
  uniform(): number {
    return Number(this.next64() >> 11n) / 2 ** 53;
  }

  /** Standard normal (Box-Muller; one draw per call keeps replay simple). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** A case as plain arrays, as a case file holds it. */
export type CaseValue = { S: number[][]; W: Record<string, number[][] | number[]> };

export type Draw = (random: SeededRandom) => number;

export function randomMatrix(random: SeededRandom, rows: number, cols: number, draw: Draw): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => draw(random)));
}

/** Every weight of the cell drawn from `draw`, keys in the seed's order. */
export function randomWeights(random: SeededRandom, cell: CellType, H: number, X: number, draw: Draw): CaseValue['W'] {
  const W: CaseValue['W'] = {};
  for (const key of WEIGHT_KEYS[cell]) {
    if (key.startsWith('b_')) W[key] = Array.from({ length: H }, () => draw(random));
    else W[key] = randomMatrix(random, H, key.startsWith('u_') ? H : X, draw);
  }
  return W;
}
