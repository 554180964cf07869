/**
 * The kernel where hand-made breaks hid: the row split of `threads(n)` at row counts that do not
 * divide into whole panels or even shares, `into` at every entry point that takes it (with a full
 * trace, and with the output trace's final state), and the carry from one chunk of input
 * projections to the next at T = k * chunk - 1, k * chunk and k * chunk + 1. Each result is
 * compared bit for bit with a way of running the same case that does not share the path under
 * test: one thread, a fresh result, a stream stepping one input at a time. And the WebAssembly
 * dots kernel alone, with canaries around its output.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_STEPS, SPLIT_MIN_ROWS } from '../src/cells/driver.js';
import { createLstmType1, createLstmType2, lstmType1, lstmType1Batch, lstmType2, lstmType2Batch, prepareWeights, threads, type LstmOutputTrace, type LstmTrace } from '../src/index.js';
import { KERNEL_DATA_BYTES, growTo, instantiateDots, packPanels, wasmSimdAvailable } from '../src/cells/wasm-dots.js';
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

describe('the WebAssembly dots kernel, called directly', () => {
  // The cells' buffers leave room past every product, so a kernel that writes one vector too many
  // or starts a row early can go unseen through them; here every double around the output is a
  // canary, and the products are checked against the order dots.wat documents.
  it.skipIf(!wasmSimdAvailable())('should write out[t * stride + r] for t < n and r < rows, each in the documented order, and nothing else', () => {
    const kernel = instantiateDots();
    growTo(kernel.memory, KERNEL_DATA_BYTES + 64 * 1024);
    const heap = new Float64Array(kernel.memory.buffer);
    const base = Math.ceil(KERNEL_DATA_BYTES / 16) * 2; // in doubles, 16-byte aligned
    const CANARY = 1234.5;
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
    for (let rows = 1; rows <= 9; rows++) {
      for (let cols = 1; cols <= 5; cols++) {
        for (let n = 1; n <= 5; n++) {
          const stride = rows + 3;
          const M = Float64Array.from({ length: rows * cols }, next);
          const V = Float64Array.from({ length: (n + 1) * cols }, next); // one vector more than n: never read into the output
          const P = base;
          const Vat = P + rows * cols + 2;
          const out = Vat + V.length + 2;
          const end = out + (n + 2) * stride;
          heap.fill(0, base, end);
          packPanels(M, rows, cols, heap, P);
          heap.set(V, Vat);
          heap.fill(CANARY, out, end);
          kernel.dots(8 * P, rows, cols, 8 * Vat, n, 8 * out, stride);
          const problems: string[] = [];
          for (let k = out; k < end; k++) {
            const t = Math.floor((k - out) / stride);
            const r = (k - out) % stride;
            if (t < n && r < rows) {
              // s0 over even k and s1 over odd k, each from -0, then s0 + s1, then the odd last column.
              let s0 = -0;
              let s1 = -0;
              for (let c = 0; c + 1 < cols; c += 2) {
                s0 += M[r * cols + c] * V[t * cols + c];
                s1 += M[r * cols + c + 1] * V[t * cols + c + 1];
              }
              let dot = s0 + s1;
              if (cols % 2 === 1) dot += M[r * cols + cols - 1] * V[t * cols + cols - 1];
              if (!Object.is(heap[k], dot)) problems.push(`out[${t}][${r}] = ${heap[k]}, expected ${dot}`);
            } else if (heap[k] !== CANARY) problems.push(`wrote ${heap[k]} at vector ${t}, row ${r} (outside the ${n} x ${rows} products)`);
          }
          expect(problems.slice(0, 3), `rows ${rows}, cols ${cols}, n ${n}`).toEqual([]);
        }
      }
    }
  });
});

describe('the memory of a WebAssembly kernel', () => {
  it.skipIf(!wasmSimdAvailable())('should grow to the first page boundary at or past the bytes asked for, and never shrink', () => {
    const { memory } = instantiateDots();
    const have = memory.buffer.byteLength;
    growTo(memory, have);
    expect(memory.buffer.byteLength).toBe(have);
    growTo(memory, have + 1);
    expect(memory.buffer.byteLength).toBe(have + 65536);
    growTo(memory, have + 3 * 65536);
    expect(memory.buffer.byteLength).toBe(have + 3 * 65536);
    growTo(memory, 10);
    expect(memory.buffer.byteLength).toBe(have + 3 * 65536);
  });
});
