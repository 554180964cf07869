/**
 * Deterministic weights and sequences for the API tests: values in [-0.5, 0.5) from a linear
 * congruential generator, so a failure replays exactly.
 */
import type { Type1Weights, Type2Weights } from '../../src/index.js';

function numbers(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function type1Weights(H: number, X: number, seed = 1): Type1Weights {
  const r = numbers(seed);
  const m = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, r));
  const v = (n: number) => Array.from({ length: n }, r);
  return { w_i: m(H, X), u_i: m(H, H), b_i: v(H), w_g: m(H, X), u_g: m(H, H), b_g: v(H), w_o: m(H, X), u_o: m(H, H), b_o: v(H), w_c: m(H, X), u_c: m(H, H), b_c: v(H) };
}

export function type2Weights(H: number, X: number, seed = 2): Type2Weights {
  const { w_c, u_c: _u, b_c, ...rest } = type1Weights(H, X, seed);
  return { ...rest, w_cell: w_c, b_cell: b_c };
}

export function sequence(T: number, X: number, seed = 3): number[][] {
  const r = numbers(seed);
  return Array.from({ length: T }, () => Array.from({ length: X }, r));
}
