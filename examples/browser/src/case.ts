/**
 * The example's case: H = 16 hidden units, X = 8 inputs, T = 12 steps, every value from a small
 * linear congruential generator, so the same case can be rebuilt anywhere (the package's tests
 * rebuild it in Node and compare the browser's outputs with Node's, bit for bit).
 */
import type { Type1Weights, Type2Weights } from 'lstm-parity';

export const HIDDEN = 16;
export const INPUTS = 8;
export const STEPS = 12;

function numbers(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const matrix = (next: () => number, rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, next));

export function exampleSequence(): number[][] {
  return matrix(numbers(7), STEPS, INPUTS);
}

export function exampleType1Weights(): Type1Weights {
  const r = numbers(1);
  const [H, X] = [HIDDEN, INPUTS];
  return {
    w_i: matrix(r, H, X), u_i: matrix(r, H, H), b_i: matrix(r, 1, H)[0],
    w_g: matrix(r, H, X), u_g: matrix(r, H, H), b_g: matrix(r, 1, H)[0],
    w_o: matrix(r, H, X), u_o: matrix(r, H, H), b_o: matrix(r, 1, H)[0],
    w_c: matrix(r, H, X), u_c: matrix(r, H, H), b_c: matrix(r, 1, H)[0],
  };
}

export function exampleType2Weights(): Type2Weights {
  const r = numbers(2);
  const [H, X] = [HIDDEN, INPUTS];
  return {
    w_i: matrix(r, H, X), u_i: matrix(r, H, H), b_i: matrix(r, 1, H)[0],
    w_g: matrix(r, H, X), u_g: matrix(r, H, H), b_g: matrix(r, 1, H)[0],
    w_o: matrix(r, H, X), u_o: matrix(r, H, H), b_o: matrix(r, 1, H)[0],
    w_cell: matrix(r, H, X), b_cell: matrix(r, 1, H)[0],
  };
}
