/**
 * Which backend a forward pass uses, and what happens on engines without WebAssembly or without
 * its SIMD proposal (older browsers, some embedded engines): the cells must fall back to plain
 * JavaScript with the same bits, and only an explicit request for 'wasm' may fail, clearly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { preparePacked } from '../src/cells/prepared.js';
import { packType1 } from '../src/cells/weights.js';
import * as cellsAsLoaded from '../src/index.js';
import { AUTO_WASM_MIN_WEIGHTS } from '../src/cells/prepared.js';
import { prepareWeights } from '../src/index.js';
import { type1Weights, type2Weights } from './helpers/weights.js';

/** The backend a one-off call on raw weights of this shape gets. */
function oneOffBackend(H: number, X: number): string {
  return preparePacked('type1', packType1(type1Weights(H, X), { steps: 0, inputs: X, hidden: H })).backend;
}

describe('the automatic backend, where WebAssembly SIMD is available (every supported Node)', () => {
  it(`should keep one-off calls below ${AUTO_WASM_MIN_WEIGHTS} weights (4H(X + H)) in JavaScript, and take WebAssembly from there`, () => {
    // 4 * 8 * (24 + 8) = 1024 exactly, one input feature fewer is 992.
    expect(oneOffBackend(8, 24)).toBe('wasm');
    expect(oneOffBackend(8, 23)).toBe('scalar');
    expect(oneOffBackend(4, 3)).toBe('scalar');
    expect(oneOffBackend(16, 8)).toBe('wasm');
  });

  it('should give prepared weights WebAssembly at any size, since they are reused', () => {
    expect(prepareWeights('type1', type1Weights(1, 1)).backend).toBe('wasm');
    expect(prepareWeights('type1', type1Weights(1, 1), { backend: 'auto' }).backend).toBe('wasm');
  });
});

/** The cells' entry points; loaded afresh from their own modules, not the package index, so only the cells' modules are re-evaluated. */
type Cells = Pick<typeof cellsAsLoaded, 'lstmType1' | 'lstmType1Batch' | 'createLstmType1' | 'lstmType2' | 'lstmType2Batch' | 'createLstmType2' | 'prepareWeights' | 'wasmSimdAvailable'>;

/**
 * Every entry point of both cells on raw and on prepared weights: sequences, batches (both
 * traces) and streams. Returns plain arrays so results from two module instances compare.
 */
function everyEntryPoint(cells: Cells, backend?: 'scalar') {
  const W1 = type1Weights(16, 8);
  const W2 = type2Weights(16, 8);
  const S = Array.from({ length: 5 }, (_, t) => Array.from({ length: 8 }, (_, k) => Math.sin(t + k)));
  const plain = (trace: object) => Object.fromEntries(Object.entries(trace).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
  const streamed = (stream: { step(x: number[]): { output: Float64Array; cellState: Float64Array } }) =>
    S.map((x) => { const r = stream.step(x); return [...r.output, ...r.cellState]; });
  const options = backend === undefined ? {} : { backend };
  const P1 = cells.prepareWeights('type1', W1, options);
  const P2 = cells.prepareWeights('type2', W2, options);
  return {
    backends: [P1.backend, P2.backend],
    type1: [cells.lstmType1(S, W1), cells.lstmType1(S, P1), ...cells.lstmType1Batch([S, S], P1), cells.lstmType1Batch([S], W1)[0]].map(plain),
    type1Output: [cells.lstmType1(S, P1, { trace: 'output' }), ...cells.lstmType1Batch([S], P1, { trace: 'output' })].map((t) => Array.from(t.output)),
    type1Stream: [streamed(cells.createLstmType1(W1)), streamed(cells.createLstmType1(P1))],
    type2: [cells.lstmType2(S, W2), cells.lstmType2(S, P2), ...cells.lstmType2Batch([S, S], P2), cells.lstmType2Batch([S], W2)[0]].map(plain),
    type2Output: [cells.lstmType2(S, P2, { trace: 'output' }), ...cells.lstmType2Batch([S], P2, { trace: 'output' })].map((t) => Array.from(t.output)),
    type2Stream: [streamed(cells.createLstmType2(W2)), streamed(cells.createLstmType2(P2))],
    type1Into: reused(cells.lstmType1 as never, cells.lstmType1Batch as never, P1, S),
    type2Into: reused(cells.lstmType2 as never, cells.lstmType2Batch as never, P2, S),
  };
}

type AnyRun = (S: number[][], W: unknown, options?: object) => Record<string, unknown> & { output: Float64Array; finalState: { h: Float64Array; c: Float64Array } };

/**
 * Calls writing into an earlier result (both traces, a sequence and a batch), whether each returns
 * that result, and the refusals of results with a wrong array, which name the array.
 */
function reused(run: AnyRun, runBatch: (S: number[][][], W: unknown, options?: object) => ReturnType<AnyRun>[], P: unknown, S: number[][]) {
  const out = run(S, P, { trace: 'output' });
  const full = run(S, P);
  const batch = runBatch([S, S], P, { trace: 'output' });
  const refusal = (into: object, trace = 'output') => {
    try {
      run(S, P, { trace, into });
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  };
  const short = new Float64Array(1);
  return {
    output: [run(S, P, { trace: 'output', into: out }) === out, Array.from(out.output), Array.from(out.finalState.c)],
    full: [run(S, P, { into: full }) === full, Array.from(full.outputGate as Float64Array)],
    batch: runBatch([S, S], P, { trace: 'output', into: batch }).map((r, k) => [r === batch[k], Array.from(r.output)]),
    refusals: [
      refusal({ ...out, output: short }),
      refusal({ ...out, finalState: { h: short, c: out.finalState.c } }),
      refusal({ ...out, finalState: { h: out.finalState.h, c: short } }),
      refusal({ ...full, forgetGate: short }, 'full'),
    ],
  };
}

/** What every entry point gives on the JavaScript backend, from the module loaded normally (before any stub). */
function javascriptBits() {
  const expected = everyEntryPoint(cellsAsLoaded, 'scalar');
  const same = <T>(runs: T[]) => runs.map(() => runs[0]);
  return {
    type1: same(expected.type1), type1Output: same(expected.type1Output), type1Stream: same(expected.type1Stream),
    type2: same(expected.type2), type2Output: same(expected.type2Output), type2Stream: same(expected.type2Stream),
    type1Into: expected.type1Into, type2Into: expected.type2Into,
  };
}

/** What a browser throws when a page's Content-Security-Policy forbids compiling WebAssembly (Chromium's wording, shortened). */
const REFUSED = "WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script";

/** Each engine's WebAssembly global, whether the SIMD kernel can load there, and why not. */
const ENGINES = {
  'WebAssembly SIMD': { global: () => WebAssembly, simd: true, why: '' },
  'no WebAssembly at all': { global: () => undefined, simd: false, why: 'this engine has no WebAssembly' },
  'WebAssembly without SIMD': { global: () => Object.create(WebAssembly, { validate: { value: () => false } }), simd: false, why: "this engine's WebAssembly lacks SIMD" },
  'WebAssembly that a Content-Security-Policy forbids to compile': {
    global: () => Object.create(WebAssembly, { Module: { value: function Module() { throw new WebAssembly.CompileError(REFUSED); } } }),
    simd: false,
    why: `compiling WebAssembly was refused here (CompileError: ${REFUSED}); a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src`,
  },
};
type Engine = keyof typeof ENGINES;
const engines = Object.keys(ENGINES) as Engine[];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** The package's modules evaluated afresh, in an engine whose WebAssembly is as given. */
async function freshCells(engine: Engine): Promise<Cells> {
  vi.resetModules();
  vi.stubGlobal('WebAssembly', ENGINES[engine].global());
  const [type1, type2, prepared, wasm] = await Promise.all([
    import('../src/cells/lstm-type1.js'),
    import('../src/cells/lstm-type2.js'),
    import('../src/cells/prepared.js'),
    import('../src/cells/wasm-dots.js'),
  ]);
  return { ...type1, ...type2, prepareWeights: prepared.prepareWeights, wasmSimdAvailable: wasm.wasmSimdAvailable };
}

describe.each(engines)('an engine with %s, the cells loaded afresh', (engine) => {
  const { simd } = ENGINES[engine];
  it(`should ${simd ? 'use' : 'do without'} the WebAssembly kernel, and give the bits of the JavaScript backend at every entry point of both cells`, async () => {
    const expected = javascriptBits();
    const cells = await freshCells(engine);
    expect(cells.wasmSimdAvailable()).toBe(simd);
    const { wasmUnavailableReason } = await import('../src/cells/wasm-dots.js');
    expect(wasmUnavailableReason()).toBe(simd ? undefined : ENGINES[engine].why);
    const { backends, ...results } = everyEntryPoint(cells);
    expect(backends).toEqual(simd ? ['wasm', 'wasm'] : ['scalar', 'scalar']);
    expect(results).toEqual(expected);
  });
});

describe.each(engines.filter((engine) => !ENGINES[engine].simd))('an engine with %s', (engine) => {
  it("should refuse backend 'wasm' with a message that says why", async () => {
    const { why } = ENGINES[engine];
    const cells = await freshCells(engine);
    expect(() => cells.prepareWeights('type1', type1Weights(2, 1), { backend: 'wasm' })).toThrow(`lstm-parity: backend 'wasm' needs WebAssembly SIMD: ${why}`);
    const { instantiateDots, wasmUnavailableReason } = await import('../src/cells/wasm-dots.js');
    expect(wasmUnavailableReason()).toBe(why);
    expect(() => instantiateDots()).toThrow(`lstm-parity: WebAssembly SIMD is not available: ${why}`);
  });
});
