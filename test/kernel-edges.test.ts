/**
 * The kernel where hand-made breaks hid: the row split of `threads(n)` at row counts that do not
 * divide into whole panels or even shares, `into` at every entry point that takes it (with a full
 * trace, and with the output trace's final state), and the carry from one chunk of input
 * projections to the next at T = k * chunk - 1, k * chunk and k * chunk + 1. Each result is
 * compared bit for bit with a way of running the same case that does not share the path under
 * test: one thread, a fresh result, a stream stepping one input at a time.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_STEPS, SPLIT_MIN_ROWS } from '../src/cells/driver.js';
import { createLstmType1, createLstmType2, lstmType1, lstmType1Batch, lstmType2, lstmType2Batch, prepareWeights, threads, type LstmOutputTrace, type LstmTrace } from '../src/index.js';
import { type1Weights, type2Weights } from './helpers/weights.js';

type Cell = 'type1' | 'type2';
type Trace = LstmTrace | LstmOutputTrace;
type Mode = 'full' | 'output';

const sequence = (T: number, X: number, seed: number) => Array.from({ length: T }, (_, t) => Array.from({ length: X }, (_, k) => Math.sin(seed + 3 * t + 5 * k) * 1.5));
const weightsOf = (cell: Cell, H: number, X: number) => (cell === 'type1' ? type1Weights(H, X) : type2Weights(H, X));
const run = (cell: Cell) => (cell === 'type1' ? lstmType1 : lstmType2) as (S: number[][], W: unknown, options?: { trace?: Mode; into?: Trace }) => Trace;
const runBatch = (cell: Cell) => (cell === 'type1' ? lstmType1Batch : lstmType2Batch) as (S: number[][][], W: unknown, options?: { trace?: Mode; into?: Trace[] }) => Trace[];

/** Every array of a result as plain numbers (the final state included), so results compare with toEqual, NaN and -0 exactly. */
const plain = (r: Trace) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : k === 'finalState' ? { h: Array.from(v.h), c: Array.from(v.c) } : v]));

/** Overwrites every array of a result with NaN, so an element the next call fails to write shows. */
function poison(r: Trace): void {
  for (const v of Object.values(r)) {
    if (v instanceof Float64Array) v.fill(NaN);
    else if (typeof v === 'object' && v !== null && 'h' in v) {
      v.h.fill(NaN);
      v.c.fill(NaN);
    }
  }
}

/** Recurrent rows of the cell's product: 4H for type 1 (i, f, o, candidate), 3H for type 2 (no recurrent candidate). */
const recurrentRows = (cell: Cell, H: number) => (cell === 'type1' ? 4 : 3) * H;

describe('the row split of threads(n) at rows that do not divide evenly', () => {
  // 388 = 97 panels of 4 rows, 393 = 98 panels and 1 row, 387 = 96 panels and 3 rows: shares of
  // whole panels that differ between threads, then the tail rows.
  it.each([
    ['type1', 97],
    ['type2', 129],
    ['type2', 131],
  ] as const)('%s, H = %i: should give the bits of one thread on 2, 3 and 4 threads, both traces', (cell, H) => {
    expect(recurrentRows(cell, H)).toBeGreaterThanOrEqual(SPLIT_MIN_ROWS);
    const X = 3;
    const W = weightsOf(cell, H, X);
    const S = sequence(5, X, H);
    const one = prepareWeights(cell, W as never);
    for (const n of [2, 3, 4]) {
      const split = prepareWeights(cell, W as never, { threads: threads(n) });
      expect(split.threads).toBe(n);
      for (const trace of ['full', 'output'] as const) {
        expect(plain(run(cell)(S, split, { trace })), `${n} threads, ${trace}`).toEqual(plain(run(cell)(S, one, { trace })));
      }
    }
  });
});

describe('into at every entry point that takes it', () => {
  const X = 4;
  const T = 7;
  const H = 6;
  // Weights used once pick JavaScript under 'auto'; both backends and a threaded batch are named.
  const ways = [
    ['the seed dictionary', (cell: Cell) => weightsOf(cell, H, X)],
    ['prepared, WebAssembly', (cell: Cell) => prepareWeights(cell, weightsOf(cell, H, X) as never, { backend: 'wasm' })],
    ['prepared, JavaScript', (cell: Cell) => prepareWeights(cell, weightsOf(cell, H, X) as never, { backend: 'scalar' })],
    ['prepared, 2 threads', (cell: Cell) => prepareWeights(cell, weightsOf(cell, H, X) as never, { threads: threads(2) })],
  ] as const;

  for (const cell of ['type1', 'type2'] as const) {
    for (const [way, weights] of ways) {
      for (const trace of ['full', 'output'] as const) {
        it(`${cell}, ${way}, trace '${trace}': should write every element of the sequence's result${trace === 'output' ? ' and its final state' : ''}, and return it`, () => {
          const W = weights(cell);
          const S = sequence(T, X, 1);
          const expected = plain(run(cell)(S, W, { trace }));
          const into = run(cell)(sequence(T, X, 2), W, { trace });
          poison(into);
          const result = run(cell)(S, W, { trace, into });
          expect(result).toBe(into);
          expect(plain(result)).toEqual(expected);
        });

        it(`${cell}, ${way}, trace '${trace}': should write every element of each batch result${trace === 'output' ? ' and its final state' : ''}, and return them`, () => {
          const W = weights(cell);
          const batch = [1, 2, 3].map((seed) => sequence(T, X, seed));
          const expected = runBatch(cell)(batch, W, { trace }).map(plain);
          const into = runBatch(cell)([4, 5, 6].map((seed) => sequence(T, X, seed)), W, { trace });
          for (const r of into) poison(r);
          const results = runBatch(cell)(batch, W, { trace, into });
          results.forEach((r, k) => expect(r).toBe(into[k]));
          expect(results.map(plain)).toEqual(expected);
        });
      }
    }
  }
});

describe('chunks of input projections', () => {
  // At H = 8 a chunk holds CHUNK_MAX_STEPS steps (64): its input projections for the chunk are
  // computed at once, then the state carries into the next chunk.
  const H = 8;
  const X = 5;
  const lengths = [1, 2, 3].flatMap((k) => [k * CHUNK_MAX_STEPS - 1, k * CHUNK_MAX_STEPS, k * CHUNK_MAX_STEPS + 1]);

  it.each(['type1', 'type2'] as const)('%s: should give the bits of a stream stepping one input at a time at T = k * chunk - 1, k * chunk, k * chunk + 1', (cell) => {
    const W = weightsOf(cell, H, X);
    const prepared = prepareWeights(cell, W as never);
    for (const T of lengths) {
      const S = sequence(T, X, T);
      const whole = run(cell)(S, prepared, { trace: 'output' }) as LstmOutputTrace;
      const stream = cell === 'type1' ? createLstmType1(prepared as never) : createLstmType2(prepared as never);
      const stepped: number[] = [];
      for (const x of S) stepped.push(...stream.step(x).output);
      expect(Array.from(whole.output), `T = ${T}`).toEqual(stepped);
      expect({ h: Array.from(whole.finalState.h), c: Array.from(whole.finalState.c) }, `T = ${T}: final state`).toEqual({ h: Array.from(stream.state.h), c: Array.from(stream.state.c) });
    }
  });
});
