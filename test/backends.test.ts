/**
 * Which backend a forward pass uses, and what happens on engines without WebAssembly or without
 * its SIMD proposal (older browsers, some embedded engines): the cells must fall back to plain
 * JavaScript with the same bits, and only an explicit request for 'wasm' may fail, clearly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { preparePacked } from '../src/cells/prepared.js';
import { packType1 } from '../src/cells/weights.js';
import { AUTO_WASM_MIN_WEIGHTS, lstmType1, prepareWeights, wasmSimdAvailable, type Type1Weights } from '../src/index.js';

function type1Weights(H: number, X: number): Type1Weights {
  let s = 7;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const m = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, r));
  const v = (n: number) => Array.from({ length: n }, r);
  return { w_i: m(H, X), u_i: m(H, H), b_i: v(H), w_g: m(H, X), u_g: m(H, H), b_g: v(H), w_o: m(H, X), u_o: m(H, H), b_o: v(H), w_c: m(H, X), u_c: m(H, H), b_c: v(H) };
}

/** The backend a one-off call on raw weights of this shape gets. */
function oneOffBackend(H: number, X: number): string {
  return preparePacked('type1', packType1(type1Weights(H, X), { steps: 0, inputs: X, hidden: H })).backend;
}

describe.runIf(wasmSimdAvailable())('the automatic backend, where WebAssembly SIMD is available', () => {
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

describe.each([
  ['no WebAssembly at all', () => undefined],
  ['WebAssembly without SIMD', () => Object.create(WebAssembly, { validate: { value: () => false } })],
])('an engine with %s', (_, engine) => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  async function freshCells() {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', engine());
    return import('../src/index.js');
  }

  it('should run every call in JavaScript, with the bits of the JavaScript backend', async () => {
    const W = type1Weights(16, 8);
    const S = Array.from({ length: 5 }, (_, t) => Array.from({ length: 8 }, (_, k) => Math.sin(t + k)));
    const expected = lstmType1(S, prepareWeights('type1', W, { backend: 'scalar' }));
    const cells = await freshCells();
    expect(cells.wasmSimdAvailable()).toBe(false);
    expect(cells.prepareWeights('type1', W).backend).toBe('scalar');
    expect(cells.lstmType1(S, W)).toEqual(expected);
    expect(cells.lstmType1(S, cells.prepareWeights('type1', W))).toEqual(expected);
  });

  it("should refuse backend 'wasm' with a message that says why", async () => {
    const cells = await freshCells();
    expect(() => cells.prepareWeights('type1', type1Weights(2, 1), { backend: 'wasm' })).toThrow(
      "lstm-parity: backend 'wasm' needs WebAssembly SIMD, which this engine lacks",
    );
    const { instantiateDots } = await import('../src/cells/wasm-dots.js');
    expect(() => instantiateDots()).toThrow('lstm-parity: WebAssembly SIMD is not available here');
  });
});
