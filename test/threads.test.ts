/**
 * The `threads` option: a batch split over threads must give the bits of one thread for every
 * sequence, in both cells and both traces, over several chunks of steps and for batches that do
 * not split evenly; and where threads cannot run, or were not asked for, one thread runs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchThreads, threads, threadsAvailable } from '../src/cells/threads.js';
import { SPLIT_MIN_ROWS } from '../src/cells/driver.js';
import { lstmType1, lstmType1Batch, lstmType2, lstmType2Batch, prepareWeights, type LstmOutputTrace, type LstmTrace } from '../src/index.js';
import { type1Weights, type2Weights } from './helpers/weights.js';

function batch(B: number, T: number, X: number, seed: number): number[][][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: X }, (_, k) => Math.sin(seed + 7 * b + 3 * t + k))));
}

/** Every array of every result as plain numbers, so results compare with toEqual. */
const plain = (results: (LstmTrace | LstmOutputTrace)[]) =>
  results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : k === 'finalState' ? [Array.from(v.h), Array.from(v.c)] : v])));

type RunOne = (S: number[][], W: unknown, options?: { trace?: 'full' | 'output' }) => LstmTrace | LstmOutputTrace;
const lstmBatch = (cell: 'type1' | 'type2') => (cell === 'type1' ? lstmType1Batch : lstmType2Batch) as (S: number[][][], W: unknown) => (LstmTrace | LstmOutputTrace)[];

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('threads for batches', () => {
  it('should be available on every Node this package supports from 20.16 (process.getBuiltinModule)', () => {
    expect(threadsAvailable()).toBe(true);
  });

  type Run = (S: number[][][], W: unknown, options?: { trace?: 'full' | 'output' }) => (LstmTrace | LstmOutputTrace)[];
  it.each([
    ['type1', lstmType1Batch as Run, type1Weights],
    ['type2', lstmType2Batch as Run, type2Weights],
  ] as const)('%s: should give every sequence the bits of one thread, with either trace, over several chunks and uneven shares', (cell, run, weights) => {
    const [H, X] = [64, 5];
    const W = weights(H, X);
    const one = prepareWeights(cell, W as never);
    const two = prepareWeights(cell, W as never, { threads: threads(2) });
    const three = prepareWeights(cell, W as never, { threads: threads(3) });
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    // 39 sequences of 150 steps: a full trace holds 6H doubles a step, so 2^21 of them make
    // chunks of 140 steps, and the shares are 20 + 19 and 13 + 13 + 13.
    const S = batch(39, 150, X, 1);
    for (const trace of ['full', 'output'] as const) {
      const expected = plain(run(S, one, { trace }));
      expect(plain(run(S, two, { trace })), trace).toEqual(expected);
      expect(plain(run(S, three, { trace })), trace).toEqual(expected);
    }
    // Again on the same threads, with another batch size: nothing carries over.
    const small = batch(3, 4, X, 2);
    expect(plain(run(small, two))).toEqual(plain(run(small, one)));
    expect(plain(run([small[0]], two))).toEqual(plain(run([small[0]], one)));
    expect(run([], two)).toEqual([]);
  });

  it.each([
    // 4H = 384 rows, the threshold; 3H = 387 rows, odd columns: a share of whole panels, then the tail rows.
    ['type1', lstmType1 as RunOne, type1Weights, 96],
    ['type2', lstmType2 as RunOne, type2Weights, 129],
  ] as const)('%s: should split a long sequence\'s products over threads from SPLIT_MIN_ROWS with the bits of one thread', (cell, run, weights, H) => {
    const X = 5;
    const W = weights(H, X);
    const one = prepareWeights(cell, W as never);
    const two = prepareWeights(cell, W as never, { threads: threads(2) });
    expect(cell === 'type1' ? 4 * H : 3 * H).toBeGreaterThanOrEqual(SPLIT_MIN_ROWS);
    // 70 steps: the input projections of two chunks, then every step's recurrent product split.
    const S = batch(1, 70, X, 4)[0];
    const split = vi.spyOn(BatchThreads.prototype, 'splitDots');
    for (const trace of ['full', 'output'] as const) {
      expect(plain([run(S, two, { trace })]), trace).toEqual(plain([run(S, one, { trace })]));
    }
    // Per call: two chunks' projections and 70 steps' recurrent products.
    expect(split).toHaveBeenCalledTimes(2 * 72);
    split.mockRestore();
    // A batch on the same threads afterwards reuses the memory the sequence used.
    const B = batch(3, 5, X, 5);
    expect(plain(lstmBatch(cell)(B, two))).toEqual(plain(lstmBatch(cell)(B, one)));
    expect(plain([run(S, two)])).toEqual(plain([run(S, one)]));
  });

  it('should keep one thread where none was asked for, on the JavaScript backend, and for weights used once', () => {
    expect(prepareWeights('type1', type1Weights(4, 3)).threads).toBe(1);
    expect(prepareWeights('type1', type1Weights(4, 3), { threads: threads(2), backend: 'scalar' }).threads).toBe(1);
    const S = batch(4, 3, 3, 3);
    const W = type1Weights(8, 3);
    expect(plain(lstmType1Batch(S, W, { threads: threads(2) }))).toEqual(plain(lstmType1Batch(S, W)));
  });

  it('should refuse a thread count that is not a positive integer, naming the option', () => {
    for (const count of [0, 1.5, -2]) expect(() => threads(count)).toThrow(`threads: expected an integer >= 1, got ${count}`);
    expect(() => prepareWeights('type2', type2Weights(2, 1), { threads: 2 as never })).toThrow('threads: expected threads(n), got 2');
  });

  it('should run one thread, with the same bits, where shared memory is missing', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(threadsAvailable()).toBe(false);
    const P = prepareWeights('type1', type1Weights(4, 2), { threads: threads(2) });
    expect(P.threads).toBe(1);
    vi.unstubAllGlobals();
    const S = batch(3, 5, 2, 4);
    expect(plain(lstmType1Batch(S, P))).toEqual(plain(lstmType1Batch(S, prepareWeights('type1', type1Weights(4, 2)))));
  });
});
