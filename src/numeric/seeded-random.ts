/**
 * A small seeded generator (SplitMix64), so the golden corpus and the differential campaigns draw
 * the same inputs on every machine and every run: unlike Math.random it is reproducible, and
 * unlike a NumPy generator it needs no Python to replay.
 */
import { WEIGHT_KEYS, type CellType } from '../cells/schema.js';

/** 2^32, and the 64-bit SplitMix64 constants as (high, low) halves. */
const TWO_32 = 4294967296;
const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;
const MIX1_HI = 0xbf58476d;
const MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb;
const MIX2_LO = 0x133111eb;

/**
 * SplitMix64 on two unsigned 32-bit halves: BigInt arithmetic gave the same bits about 30 times
 * slower, and the live campaign draws about a thousand numbers per case. A 64 x 64-bit product
 * keeps its low 64 bits; the high half of lo x lo is assembled from 16-bit pieces, each product
 * exact in a double.
 */
export class SeededRandom {
  private hi: number;
  private lo: number;
  /** The last product, or the last output, as (high, low) halves. */
  private zHi = 0;
  private zLo = 0;

  /** Any integer; it is taken modulo 2^64 (two's complement for negative seeds). */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`SeededRandom: expected an integer seed, got ${seed}`);
    this.lo = seed >>> 0;
    this.hi = Math.floor(seed / TWO_32) >>> 0;
  }

  /** (ah, al) x (bh, bl) modulo 2^64, into (zHi, zLo). */
  private multiply(ah: number, al: number, bh: number, bl: number): void {
    const a0 = al & 0xffff;
    const a1 = al >>> 16;
    const b0 = bl & 0xffff;
    const b1 = bl >>> 16;
    const p01 = a0 * b1;
    const p10 = a1 * b0;
    const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
    this.zLo = Math.imul(al, bl) >>> 0;
    this.zHi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  }

  /** Advances the state and leaves the next 64-bit output in (zHi, zLo). */
  private next64(): void {
    const lo = this.lo + GAMMA_LO;
    this.lo = lo >>> 0;
    this.hi = (this.hi + GAMMA_HI + (lo >= TWO_32 ? 1 : 0)) >>> 0;
    // z = (z ^ (z >> 30)) * MIX1; z = (z ^ (z >> 27)) * MIX2; z ^ (z >> 31)
    let hi = this.hi;
    let lo2 = this.lo;
    this.multiply(hi ^ (hi >>> 30), lo2 ^ ((lo2 >>> 30) | (hi << 2)), MIX1_HI, MIX1_LO);
    hi = this.zHi;
    lo2 = this.zLo;
    this.multiply(hi ^ (hi >>> 27), lo2 ^ ((lo2 >>> 27) | (hi << 5)), MIX2_HI, MIX2_LO);
    hi = this.zHi;
    lo2 = this.zLo;
    this.zLo = (lo2 ^ ((lo2 >>> 31) | (hi << 1))) >>> 0;
    this.zHi = (hi ^ (hi >>> 31)) >>> 0;
  }

  /** Uniform on [0, 1): the top 53 bits of the next output. */
  uniform(): number {
    this.next64();
    return (this.zHi * 2097152 + (this.zLo >>> 11)) / 2 ** 53;
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
