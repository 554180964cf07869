/**
 * `options.into`: a call writing into an earlier result must give the bits of a fresh call in
 * every array, whatever the earlier result held, on both backends, for sequences and batches
 * (one thread or two); and a result that does not fit, or that shares memory with S or with
 * another result of the batch, must be refused with its key path, before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { threads } from '../src/cells/threads.js';
import {
  LstmInputError,
  lstmType1,
  lstmType1Batch,
  lstmType2,
  lstmType2Batch,
  prepareWeights,
  type LstmOutputTrace,
  type LstmTrace,
} from '../src/index.js';
import { sequence, type1Weights, type2Weights } from './helpers/weights.js';

type Result = LstmTrace | LstmOutputTrace;
type Options = { trace?: 'full' | 'output'; into?: unknown };
type Run = (S: unknown, W: unknown, options?: Options) => Result;
type RunBatch = (S: unknown, W: unknown, options?: Options) => Result[];

/** Every array of a result as plain numbers (NaN and -0 kept apart by Object.is in toEqual). */
function plain(r: Result): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : k === 'finalState' ? [Array.from(v.h), Array.from(v.c)] : v]));
}

const cells = [
  ['type1', lstmType1 as Run, lstmType1Batch as RunBatch, type1Weights],
  ['type2', lstmType2 as Run, lstmType2Batch as RunBatch, type2Weights],
] as const;

/** The message of the LstmInputError that `f` throws. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(LstmInputError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe.each(cells)('%s into an earlier result', (cell, run, runBatch, weights) => {
  it('should return the result it was given, holding the bits of a fresh call, on both backends and both traces', () => {
    // 70 steps cross a chunk boundary; H 24, X 5 gives 24 * 4 * 29 weights, above the WebAssembly threshold.
    const [H, X, T] = [24, 5, 70];
    for (const backend of ['wasm', 'scalar'] as const) {
      const P = prepareWeights(cell, weights(H, X) as never, { backend });
      for (const trace of ['full', 'output'] as const) {
        // An earlier result holding other numbers, NaN among them, so stale values would show.
        const earlier = run(sequence(T, X, 9).map((row, t) => (t === 3 ? row.map(() => NaN) : row)), P, { trace, allowNonFinite: true } as Options);
        const S = sequence(T, X, 4);
        const reused = run(S, P, { trace, into: earlier });
        expect(reused, `${backend} ${trace}`).toBe(earlier);
        expect(plain(reused), `${backend} ${trace}`).toEqual(plain(run(S, P, { trace })));
      }
    }
  });

  it('should give each sequence of a batch the bits of a fresh batch, on one thread and on two', () => {
    const [H, X, T, B] = [16, 3, 9, 5];
    const W = weights(H, X);
    const S = Array.from({ length: B }, (_, b) => sequence(T, X, 10 + b));
    for (const P of [prepareWeights(cell, W as never), prepareWeights(cell, W as never, { threads: threads(2) })]) {
      for (const trace of ['full', 'output'] as const) {
        const fresh = runBatch(S, P, { trace });
        // Small results come carved side by side from one shared slab: adjacent, never overlapping.
        const earlier = runBatch(S.map((s) => s.map((row) => row.map((v) => -v))), P, { trace });
        const reused = runBatch(S, P, { trace, into: earlier });
        reused.forEach((r, b) => expect(r).toBe(earlier[b]));
        expect(reused.map(plain), `${P.threads} thread(s) ${trace}`).toEqual(fresh.map(plain));
        // A batch of one runs as a sequence, into its one result.
        const [one] = runBatch([S[2]], P, { trace, into: [earlier[0]] });
        expect(one).toBe(earlier[0]);
        expect(plain(one)).toEqual(plain(fresh[2]));
      }
    }
  });

  it('should refuse a result of another shape, naming what it expected and what it got', () => {
    const [H, X] = [4, 3];
    const P = prepareWeights(cell, weights(H, X) as never);
    const S = sequence(6, X);
    const other = cell === 'type1' ? 'type2' : 'type1';
    const otherResult = (cells.find(([c]) => c === other)![1])(S, prepareWeights(other, (other === 'type1' ? type1Weights : type2Weights)(H, X) as never));
    expect(refusal(() => run(S, P, { into: otherResult }))).toBe(`options.into: expected a ${cell} result, got a ${other} result`);
    expect(refusal(() => run(S, P, { into: run(S, P, { trace: 'output' }) }))).toBe("options.into: expected a result of trace 'full', got one of trace 'output'");
    expect(refusal(() => run(S, P, { trace: 'output', into: run(S, P) }))).toBe("options.into: expected a result of trace 'output', got one of trace 'full'");
    expect(refusal(() => run(S, P, { into: run(sequence(5, X), P) }))).toBe('options.into: expected a result of 6 steps x 4 hidden units (T x H), got 5 x 4');
    expect(refusal(() => run(S, P, { into: 7 }))).toBe(`options.into: expected a ${cell} result of an earlier call, got 7`);
    expect(refusal(() => run(S, P, { into: [run(S, P)] }))).toBe(`options.into: expected a ${cell} result of an earlier call, got an array of 1`);
    const full = run(S, P) as LstmTrace;
    expect(refusal(() => run(S, P, { into: { ...full, forgetGate: Array.from(full.forgetGate) } }))).toBe('options.into.forgetGate: expected a Float64Array of 24 values, got an array of 24');
    const out = run(S, P, { trace: 'output' }) as LstmOutputTrace;
    expect(refusal(() => run(S, P, { trace: 'output', into: { ...out, finalState: { h: out.finalState.h, c: new Float64Array(5) } } }))).toBe('options.into.finalState.c: expected a Float64Array of 4 values, got a Float64Array of 5');
  });

  it('should refuse a result whose arrays S reads or that share memory among themselves, and write nothing', () => {
    const [H, X, T] = [3, 3, 5];
    const P = prepareWeights(cell, weights(H, X) as never);
    const earlier = run(sequence(T, X), P, { trace: 'output' });
    const before = Array.from(earlier.output);
    // A stacked layer fed its own earlier output: row t of S is h_t of the result it would overwrite.
    const S = Array.from({ length: T }, (_, t) => earlier.output.subarray(t * H, (t + 1) * H));
    expect(refusal(() => run(S, P, { trace: 'output', into: earlier }))).toBe('options.into.output: shares memory with S[0], which this call reads; pass a result whose arrays nothing else in the call uses');
    expect(Array.from(earlier.output)).toEqual(before);
    // A copy of S is fine (taken before the call overwrites what S views).
    const copied = S.map((row) => Float64Array.from(row));
    const expected = plain(run(copied, P, { trace: 'output' }));
    expect(plain(run(copied, P, { trace: 'output', into: earlier }))).toEqual(expected);
    const full = run(sequence(T, X), P) as LstmTrace;
    expect(refusal(() => run(sequence(T, X), P, { into: { ...full, cellState: full.output } }))).toMatch(/^options\.into\.output: shares memory with options\.into\.cellState, which this call also writes/);
  });

  it('should refuse a batch whose results are not one per sequence or share memory, naming the pair', () => {
    const [H, X, T] = [4, 3, 4];
    const P = prepareWeights(cell, weights(H, X) as never);
    const S = [sequence(T, X, 1), sequence(T, X, 2), sequence(T, X, 3)];
    const results = runBatch(S, P, { trace: 'output' });
    expect(refusal(() => runBatch(S, P, { trace: 'output', into: results.slice(0, 2) }))).toBe('options.into: expected 3 results (one per sequence of S), got an array of 2');
    expect(refusal(() => runBatch(S, P, { trace: 'output', into: [results[0], results[1], results[0]] }))).toMatch(/^options\.into\[2\]\.output: shares memory with options\.into\[0\]\.output, which this call also writes/);
    const fed = [S[0], Array.from({ length: T }, (_, t) => results[2].output.subarray(t * H, t * H + X)), S[2]];
    expect(refusal(() => runBatch(fed, P, { trace: 'output', into: results }))).toBe('options.into[2].output: shares memory with S[1][0], which this call reads; pass a result whose arrays nothing else in the call uses');
    expect(refusal(() => runBatch(S, P, { trace: 'output', into: [results[0], results[1], 'x'] }))).toBe(`options.into[2]: expected a ${cell} result of an earlier call, got string "x"`);
  });
});

/** A result of trace 'output' built by hand from views of `buffer`, at the given byte offsets. */
function outputResult(T: number, H: number, buffer: ArrayBuffer, at: { output: number; h: number; c: number }): LstmOutputTrace<'type1'> {
  const view = (offset: number, n: number) => new Float64Array(buffer, offset, n);
  return { cell: 'type1', steps: T, hidden: H, output: view(at.output, T * H), finalState: { h: view(at.h, H), c: view(at.c, H) } };
}

describe('which results into accepts: only what nothing else in the call uses', () => {
  const [H, X, T] = [3, 2, 4];
  const P = prepareWeights('type1', type1Weights(H, X) as never);

  it('should refuse what is not a result, saying what it got', () => {
    const S = sequence(T, X);
    const out = lstmType1(S, P, { trace: 'output' });
    expect(refusal(() => lstmType1(S, P, { trace: 'output', into: null as never }))).toBe('options.into: expected a type1 result of an earlier call, got null');
    expect(refusal(() => lstmType1(S, P, { trace: 'output', into: {} as never }))).toBe('options.into: expected a type1 result, got an object');
    expect(refusal(() => lstmType1(S, P, { trace: 'output', into: { ...out, cell: 5 } as never }))).toBe('options.into: expected a type1 result, got an object');
    expect(refusal(() => lstmType1(S, P, { trace: 'output', into: { ...out, finalState: null } as never }))).toBe("options.into: expected a result of trace 'output', got one of trace 'full'");
    const wider = lstmType1(S, prepareWeights('type1', type1Weights(H + 1, X) as never), { trace: 'output' });
    expect(refusal(() => lstmType1(S, P, { trace: 'output', into: wider }))).toBe('options.into: expected a result of 4 steps x 3 hidden units (T x H), got 4 x 4');
  });

  it('should accept arrays of their own buffers, and arrays or rows of S that only touch in one buffer', () => {
    const S = sequence(T, X);
    const expected = plain(lstmType1(S, P, { trace: 'output' }));
    // Each array alone in its buffer: their offsets coincide, their memory does not.
    const own: LstmOutputTrace<'type1'> = { cell: 'type1', steps: T, hidden: H, output: new Float64Array(T * H), finalState: { h: new Float64Array(H), c: new Float64Array(H) } };
    expect(plain(lstmType1(S, P, { trace: 'output', into: own }))).toEqual(expected);
    // One buffer: S's rows right before the result's arrays or right after them, the arrays one after another.
    const bytes = 8 * (T * H + 2 * H + 2 * T * X);
    const arena = new ArrayBuffer(bytes);
    const first = 8 * T * X;
    const place = (from: number) =>
      S.map((row, t) => {
        const view = new Float64Array(arena, from + 8 * t * X, X);
        view.set(row);
        return view;
      });
    const viewsBefore = place(0);
    const viewsAfter = place(first + 8 * (T * H + 2 * H));
    const inArena = outputResult(T, H, arena, { output: first, h: first + 8 * T * H, c: first + 8 * (T * H + H) });
    expect(plain(lstmType1(viewsBefore, P, { trace: 'output', into: inArena }))).toEqual(expected);
    expect(plain(lstmType1(viewsAfter, P, { trace: 'output', into: inArena }))).toEqual(expected);
  });

  it('should accept an empty array lying inside another, since nothing is written to it (T = 0)', () => {
    const arena = new ArrayBuffer(32 * H);
    const empty = outputResult(0, H, arena, { output: 8, h: 0, c: 8 * H });
    expect(lstmType1([], P, { trace: 'output', into: empty })).toBe(empty);
    const second = outputResult(0, H, arena, { output: 16 * H + 8, h: 16 * H, c: 24 * H });
    expect(lstmType1Batch([[], []], P, { trace: 'output', into: [empty, second] })).toEqual([empty, second]);
  });

  it('should let the sequences of a batch share rows of S, in the buffer of the results', () => {
    const S = sequence(T, X);
    const expected = plain(lstmType1(S, P, { trace: 'output' }));
    const size = 8 * (T * H + 2 * H);
    const arena = new ArrayBuffer(2 * size + 8 * T * X);
    const results = [0, 1].map((k) => outputResult(T, H, arena, { output: k * size, h: k * size + 8 * T * H, c: k * size + 8 * (T * H + H) }));
    const shared = S.map((row, t) => {
      const view = new Float64Array(arena, 2 * size + 8 * t * X, X);
      view.set(row);
      return view;
    });
    const reused = lstmType1Batch([shared, shared], P, { trace: 'output', into: results });
    expect(reused.map(plain)).toEqual([expected, expected]);
  });
});
