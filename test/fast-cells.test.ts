/**
 * Prepared weights, trace 'output', batches and streams: their API contracts and errors. The
 * bit-for-bit agreement of all of them with the sequence API is a property (properties/fast-apis).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createLstmType1,
  createLstmType2,
  forwardType1,
  forwardType2,
  LstmInputError,
  lstmType1,
  lstmType1Batch,
  lstmType2,
  lstmType2Batch,
  prepareWeights,
  stepOf,
  wasmSimdAvailable,
} from '../src/index.js';
import {
  packSequence,
  packType1,
  packType2,
} from '../src/formats.js';
import { exactReference } from '../src/judge/exact-reference.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { assembleDots, MODULE_PATH, renderModule } from '../scripts/wasm-assemble.js';
import { sequence, type1Weights, type2Weights } from './helpers/weights.js';


describe('prepareWeights', () => {
  it('should validate W once, as lstmType1 would', () => {
    const W = type1Weights(3, 2);
    (W.u_g as number[][])[1] = [1, 2];
    expect(() => prepareWeights('type1', W)).toThrow('W.u_g[1]: expected 3 columns, got 2');
  });

  it('should validate S against the prepared X', () => {
    const P = prepareWeights('type1', type1Weights(3, 2));
    expect(() => lstmType1([[1, 2, 3]], P)).toThrow('S: expected shape [1, 2] (T x X), got [1, 3]');
    expect(() => lstmType1([[1, Number.NaN]], P)).toThrow(LstmInputError);
    expect(lstmType1([[1, Number.NaN]], P, { allowNonFinite: true }).output[0]).toBeNaN();
    expect(() => lstmType1(null as never, P)).toThrow(new LstmInputError([{ path: 'S', message: 'expected a matrix (array of rows), got null' }]));
    expect(() => lstmType1('abc' as never, P)).toThrow(new LstmInputError([{ path: 'S', message: 'expected a matrix (array of rows), got string "abc"' }]));
  });

  it('should refuse weights prepared for the other cell', () => {
    const P = prepareWeights('type2', type2Weights(3, 2));
    expect(() => lstmType1(sequence(2, 2), P as never)).toThrow('W: prepared for type2 but the cell is type1');
  });

  it('should give the same trace as the raw weights, on either backend', () => {
    const W = type1Weights(5, 3);
    const S = sequence(7, 3);
    const raw = lstmType1(S, W);
    expect(lstmType1(S, prepareWeights('type1', W, { backend: 'scalar' }))).toEqual(raw);
    if (wasmSimdAvailable()) expect(lstmType1(S, prepareWeights('type1', W, { backend: 'wasm' }))).toEqual(raw);
  });

  it('should still run forwardType1 on weights packed by packType1', () => {
    const W = type1Weights(4, 3);
    const S = sequence(5, 3);
    const shape = { steps: 5, inputs: 3, hidden: 4 };
    expect(forwardType1(packType1(W, shape), packSequence(S, shape), 5)).toEqual(lstmType1(S, W));
  });
});

describe("trace 'output'", () => {
  it('should hold only the outputs and the final state', () => {
    const W = type2Weights(4, 3);
    const out = lstmType2(sequence(6, 3), W, { trace: 'output' });
    expect(Object.keys(out).sort()).toEqual(['cell', 'finalState', 'hidden', 'output', 'steps']);
    expect(out.output.length).toBe(24);
    expect(Array.from(out.finalState.c)).toEqual(Array.from(lstmType2(sequence(6, 3), W).cellState.subarray(20)));
  });

  it('should hold T x H outputs and 2H state, with working buffers that do not grow with T', () => {
    const [H, X, T] = [8, 3, 5000];
    const P = prepareWeights('type1', type1Weights(H, X));
    const out = lstmType1(sequence(T, X), P, { trace: 'output' });
    // One buffer per result (this one is too large to share one): the outputs, then h_T and c_T.
    expect(out.output.buffer.byteLength).toBe(8 * (T * H + 2 * H));
    expect(out.finalState.c.byteOffset).toBe(8 * (T * H + H));
    // Input projections are staged for at most 64 steps at a time.
    expect(P.workspace.wx.length).toBeLessThanOrEqual(64 * 4 * H);
  });

  it("should show the input projections in the WebAssembly workspace's wx, as the JavaScript workspace holds them", () => {
    const [H, X, T] = [4, 3, 6];
    const W = type1Weights(H, X);
    const wasm = prepareWeights('type1', W, { backend: 'wasm' });
    const scalar = prepareWeights('type1', W, { backend: 'scalar' });
    lstmType1(sequence(T, X), wasm);
    lstmType1(sequence(T, X), scalar);
    expect(wasm.workspace.wx.length).toBe(T * 4 * H);
    expect(Array.from(wasm.workspace.wx)).toEqual(Array.from(scalar.workspace.wx));
  });

  it('should never let one small result share memory with another', () => {
    const P = prepareWeights('type2', type2Weights(3, 2));
    const first = lstmType2(sequence(4, 2, 5), P, { trace: 'output' });
    const kept = Array.from(first.output);
    // 200 full traces of 480 bytes each fill more than one 64 KiB slab.
    for (let k = 0; k < 200; k++) lstmType2(sequence(4, 2, k), P);
    expect(Array.from(first.output)).toEqual(kept);
  });

  it('should give a zero final state for T = 0', () => {
    const out = lstmType1([], type1Weights(3, 2), { trace: 'output' });
    expect(out.output.length).toBe(0);
    expect(Array.from(out.finalState.h)).toEqual([0, 0, 0]);
    expect(Array.from(out.finalState.c)).toEqual([0, 0, 0]);
  });
});

describe('batches', () => {
  it('should refuse sequences of unequal length, naming the odd one', () => {
    expect(() => lstmType1Batch([sequence(3, 2), sequence(4, 2)], type1Weights(3, 2))).toThrow('S[1]: expected 3 steps like S[0] (a batch has equal T), got 4');
  });

  it('should name the sequence and element of a bad value', () => {
    const S = [sequence(2, 2), [[1, 2], [3, 'x']]] as unknown as number[][][];
    expect(() => lstmType1Batch(S, type1Weights(3, 2))).toThrow('S[1][1][1]: expected a number, got string "x"');
  });

  it('should return nothing for an empty batch', () => {
    expect(lstmType1Batch([], type1Weights(3, 2))).toEqual([]);
  });
});

describe('streams', () => {
  it('should keep its state explicit: readable, and reset to zeros or to a given state', () => {
    const W = type1Weights(3, 2);
    const S = sequence(4, 2);
    const stream = createLstmType1(W);
    for (const x of S.slice(0, 2)) stream.step(x);
    const h = Array.from(stream.state.h);
    const c = Array.from(stream.state.c);
    stream.step(S[2]);
    const third = Array.from(stream.step(S[3]).output);
    stream.reset({ h, c });
    stream.step(S[2]);
    expect(Array.from(stream.step(S[3]).output)).toEqual(third);
    expect(third).toEqual(Array.from(lstmType1(S, W).output.subarray(9)));
    stream.reset();
    expect(Array.from(stream.state.h)).toEqual([0, 0, 0]);
  });

  it('should validate each input and a reset state', () => {
    const stream = createLstmType2(type2Weights(3, 2));
    expect(() => stream.step([1, 2, 3])).toThrow('x: expected 2 values (X), got 3');
    expect(() => stream.step([1, Infinity])).toThrow('x[1]: expected a finite number');
    expect(() => stream.reset({ h: [0], c: [0, 0, 0] })).toThrow('reset: expected h and c of 3 values (H)');
  });
});

describe('the WebAssembly kernel', () => {
  it('should be committed as assembled from dots.wat (run npm run wasm:build if not)', async () => {
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(renderModule(await assembleDots()));
  });
});

describe('the sign of a zero dot product', () => {
  it('should be -0 where every product is -0, as in exact arithmetic, on both backends and every row and vector block', () => {
    // W_c x: each product -1e-200 · 1e-200 underflows to -0; U_c h: -1 · (+0) = -0; b_c = -0. So
    // the candidate's pre-activation is -0 at every step, and tanh(-0) = -0.
    for (const X of [1, 3, 4]) {
      const H = 5;
      const W = type1Weights(H, X);
      const rows = (cols: number, v: number) => Array.from({ length: H }, () => new Array<number>(cols).fill(v));
      const tiny = { ...W, w_c: rows(X, -1e-200), u_c: rows(H, -1), b_c: new Array<number>(H).fill(-0) };
      const S = Array.from({ length: 3 }, () => new Array<number>(X).fill(1e-200));
      const flat = toFlatCase('type1', { S, W: tiny });
      const exact = exactReference(flat).cell_input_activations;
      expect(exact.every((x) => Object.is(x, -0)), `X ${X}: exact arithmetic`).toBe(true);
      for (const backend of ['scalar', 'wasm'] as const) {
        if (backend === 'wasm' && !wasmSimdAvailable()) continue;
        const trace = lstmType1(S, prepareWeights('type1', tiny, { backend }));
        expect(Array.from(trace.cellInput).map((x) => (Object.is(x, -0) ? '-0' : x)), `X ${X}, ${backend}`).toEqual(new Array(3 * H).fill('-0'));
      }
    }
  });
});

describe('backends and flags of prepared weights', () => {
  it('should use the backend asked for, and WebAssembly for prepared weights on auto', () => {
    const W = type1Weights(3, 2);
    expect(prepareWeights('type1', W, { backend: 'scalar' }).backend).toBe('scalar');
    expect(prepareWeights('type1', W, { backend: 'wasm' }).backend).toBe(wasmSimdAvailable() ? 'wasm' : expect.anything());
    expect(prepareWeights('type1', W).backend).toBe(wasmSimdAvailable() ? 'wasm' : 'scalar');
    expect(prepareWeights('type2', type2Weights(3, 2)).recurrentRows).toBe(9);
    expect(prepareWeights('type1', W).recurrentRows).toBe(12);
  });

  it('should remember allowNonFinite, and check S against it', () => {
    const W = type1Weights(2, 1);
    const strict = prepareWeights('type1', W);
    const lenient = prepareWeights('type1', W, { allowNonFinite: true });
    expect([strict.allowNonFinite, lenient.allowNonFinite]).toEqual([false, true]);
    expect(() => lstmType1([[NaN]], strict)).toThrow('S[0][0]: expected a finite number, got NaN');
    expect(Number.isNaN(lstmType1([[NaN]], strict, { allowNonFinite: true }).output[0])).toBe(true);
  });

  it('should run type 2 on weights packed by packType2 through forwardType2', () => {
    const W = type2Weights(3, 2);
    const S = sequence(4, 2);
    const shape = { steps: 4, inputs: 2, hidden: 3 };
    expect(Array.from(forwardType2(packType2(W, shape), packSequence(S, shape), 4).cellState)).toEqual(Array.from(lstmType2(S, W).cellState));
  });
});

describe('type 2 batches, output traces and streams', () => {
  it('should refuse unequal lengths and run an empty batch', () => {
    expect(() => lstmType2Batch([sequence(3, 2), sequence(2, 2)], type2Weights(3, 2))).toThrow('S[1]: expected 3 steps like S[0] (a batch has equal T), got 2');
    expect(lstmType2Batch([], type2Weights(3, 2))).toEqual([]);
  });

  it("should give each sequence of a batch its own outputs and final state with trace 'output'", () => {
    for (const backend of ['scalar', 'wasm'] as const) {
      if (backend === 'wasm' && !wasmSimdAvailable()) continue;
      const W = prepareWeights('type1', type1Weights(3, 2), { backend });
      const S = [sequence(5, 2, 7), sequence(5, 2, 8)];
      const batch = lstmType1Batch(S, W, { trace: 'output' });
      S.forEach((s, b) => {
        const one = lstmType1(s, W);
        expect(Array.from(batch[b].output), backend).toEqual(Array.from(one.output));
        expect(Array.from(batch[b].finalState.h)).toEqual(Array.from(one.output.subarray(12)));
        expect(Array.from(batch[b].finalState.c)).toEqual(Array.from(one.cellState.subarray(12)));
      });
    }
  });

  it('should name its cell and give step t of a trace as a view', () => {
    expect(createLstmType1(type1Weights(2, 1)).cell).toBe('type1');
    expect(createLstmType2(type2Weights(2, 1)).cell).toBe('type2');
    const trace = lstmType2(sequence(3, 2), type2Weights(2, 2));
    expect(Array.from(stepOf(trace.cellState, 2, 2))).toEqual(Array.from(trace.cellState.subarray(4, 6)));
  });
});

describe('prepared weights through every entry point', () => {
  const shape = { steps: 4, inputs: 2, hidden: 3 };
  const S = sequence(4, 2);

  it('should run type 1 prepared weights in forwardType1, and refuse type 2 ones there', () => {
    const W = type1Weights(3, 2);
    expect(forwardType1(prepareWeights('type1', W), packSequence(S, shape), 4)).toEqual(lstmType1(S, W));
    expect(() => forwardType1(prepareWeights('type2', type2Weights(3, 2)), packSequence(S, shape), 4)).toThrow('W: prepared for type2 but the cell is type1');
  });

  it('should run type 2 prepared weights in every type 2 entry point, and refuse type 1 ones', () => {
    const W = type2Weights(3, 2);
    const P = prepareWeights('type2', W);
    const raw = lstmType2(S, W);
    expect(lstmType2(S, P)).toEqual(raw);
    expect(forwardType2(P, packSequence(S, shape), 4)).toEqual(raw);
    expect(lstmType2Batch([S], P)[0]).toEqual(raw);
    const stream = createLstmType2(P);
    for (const x of S) stream.step(x);
    expect(Array.from(stream.state.c)).toEqual(Array.from(raw.cellState.subarray(9)));
    const other = prepareWeights('type1', type1Weights(3, 2));
    expect(() => forwardType2(other, packSequence(S, shape), 4)).toThrow('W: prepared for type1 but the cell is type2');
    expect(() => lstmType2Batch([S], other as never)).toThrow('W: prepared for type1 but the cell is type2');
  });

  it('should name the sequence and element of a bad value in a type 2 batch', () => {
    const bad = [sequence(2, 2), [[1, 2], [3, 'x']]] as unknown as number[][][];
    expect(() => lstmType2Batch(bad, type2Weights(3, 2))).toThrow('S[1][1][1]: expected a number, got string "x"');
  });

  it('should start every call from a zero state, however often the weights are reused', () => {
    for (const backend of ['scalar', 'wasm'] as const) {
      if (backend === 'wasm' && !wasmSimdAvailable()) continue;
      const P = prepareWeights('type1', type1Weights(3, 2), { backend });
      const batch = [sequence(5, 2, 7), sequence(5, 2, 8)];
      const first = lstmType1Batch(batch, P).map((trace) => Array.from(trace.output));
      lstmType1(sequence(9, 2, 9), P);
      expect(lstmType1Batch(batch, P).map((trace) => Array.from(trace.output)), backend).toEqual(first);
      expect(lstmType1Batch(batch, P, { trace: 'output' }).map((trace) => Array.from(trace.output)), backend).toEqual(first);
    }
  });

  it('should run its products on the backend it reports', () => {
    for (const backend of ['scalar', 'wasm', 'auto'] as const) {
      if (backend !== 'scalar' && !wasmSimdAvailable()) continue;
      const P = prepareWeights('type2', type2Weights(3, 2), { backend });
      expect(P.workspace.backend).toBe(P.backend);
    }
  });
});

describe('type 2 has no candidate in its results, as in the seed', () => {
  it('should leave cellInput out of traces, batches and stream steps', () => {
    const W = type2Weights(3, 2);
    const S = sequence(3, 2);
    expect('cellInput' in lstmType2(S, W)).toBe(false);
    expect('cellInput' in lstmType2Batch([S], W)[0]).toBe(false);
    expect('cellInput' in createLstmType2(W).step(S[0])).toBe(false);
    expect(createLstmType1(type1Weights(3, 2)).step(S[0]).cellInput).toHaveLength(3);
  });
});

describe('stream input checks', () => {
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      expect(error).toBeInstanceOf(LstmInputError);
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('should refuse numeric strings, and non-finite values even when every value is one', () => {
    const stream = createLstmType1(type1Weights(3, 2));
    expect(message(() => stream.step(['1', '2'] as never))).toBe('x[0]: expected a number, got string "1"');
    expect(message(() => stream.step([NaN, Infinity]))).toBe('x[0]: expected a finite number, got NaN; non-finite values need allowNonFinite (--allow-non-finite)');
    expect(message(() => stream.step('abc' as never))).toBe('x: expected a vector (array of numbers), got string "abc"');
    expect(message(() => stream.step(Float64Array.of(0.5, -0.5)))).toBe('accepted');
  });

  it('should, with allowNonFinite, accept NaN and still name a value that is not a number', () => {
    const stream = createLstmType2(type2Weights(3, 2), { allowNonFinite: true });
    expect(message(() => stream.step([NaN, -Infinity]))).toBe('accepted');
    expect(message(() => stream.step([NaN, 'a'] as never))).toBe('x[1]: expected a number, got string "a"');
  });

  it('should refuse a reset state whose c has the wrong length', () => {
    const stream = createLstmType1(type1Weights(3, 2));
    expect(() => stream.reset({ h: [0, 0, 0], c: [0] })).toThrow('reset: expected h and c of 3 values (H), got 3 and 1');
  });
});

describe('the engine', () => {
  it('should have WebAssembly SIMD on every Node this package supports (>= 20), so the fast kernel loads', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });
});
