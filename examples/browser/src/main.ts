/**
 * Both cells of lstm-parity in a page: the package's root entry, bundled by Vite. The WebAssembly
 * kernel is inlined in the JavaScript (no .wasm file to serve); where the page may not compile
 * WebAssembly (a Content-Security-Policy without 'wasm-unsafe-eval', an engine without SIMD), the
 * cells run in plain JavaScript with the same bits, and asking for backend 'wasm' says why not.
 */
import { lstmType1, lstmType2, prepareWeights, wasmSimdAvailable, type Backend } from 'lstm-parity';
import { exampleSequence, exampleType1Weights, exampleType2Weights } from './case.js';

interface CellResult {
  backend: Backend;
  steps: number;
  hidden: number;
  /** h_t for every step, T x H row-major. */
  output: number[];
  microsecondsPerCall: number;
}

/** What the page found; the package's tests read it from Chromium. */
export interface ExampleResults {
  wasmSimd: boolean;
  /** The error of prepareWeights(..., { backend: 'wasm' }) where WebAssembly SIMD is unavailable. */
  wasmRefusal?: string;
  type1: CellResult;
  type2: CellResult;
}

declare global {
  interface Window {
    lstmParityExample?: ExampleResults;
  }
}

const S = exampleSequence();
const W1 = exampleType1Weights();
const W2 = exampleType2Weights();

/** Runs `call` for about 50 ms and returns the mean time of one call in microseconds. */
function timePerCall(call: () => void): number {
  let calls = 0;
  const start = performance.now();
  do {
    call();
    calls++;
  } while (performance.now() - start < 50);
  return (1000 * (performance.now() - start)) / calls;
}

// Prepared weights choose their backend once ('auto'): WebAssembly SIMD where the page may use it.
const P1 = prepareWeights('type1', W1);
const P2 = prepareWeights('type2', W2);
const t1 = lstmType1(S, P1);
const t2 = lstmType2(S, P2);
const results: ExampleResults = {
  wasmSimd: wasmSimdAvailable(),
  type1: { backend: P1.backend, steps: t1.steps, hidden: t1.hidden, output: Array.from(t1.output), microsecondsPerCall: timePerCall(() => lstmType1(S, P1)) },
  type2: { backend: P2.backend, steps: t2.steps, hidden: t2.hidden, output: Array.from(t2.output), microsecondsPerCall: timePerCall(() => lstmType2(S, P2)) },
};
if (!results.wasmSimd) {
  try {
    prepareWeights('type1', W1, { backend: 'wasm' });
  } catch (error) {
    results.wasmRefusal = (error as Error).message;
  }
}

document.getElementById('engine')!.textContent = results.wasmSimd
  ? 'WebAssembly SIMD: available'
  : `WebAssembly SIMD: not available here, so the cells run in JavaScript (same bits). ${results.wasmRefusal}`;
const body = document.getElementById('results') as HTMLTableSectionElement;
for (const cell of ['type1', 'type2'] as const) {
  const r = results[cell];
  const last = r.output.slice((r.steps - 1) * r.hidden, (r.steps - 1) * r.hidden + 4);
  const row = body.insertRow();
  for (const text of [cell, r.backend, `${r.steps} x ${r.hidden}`, `${last.map((v) => v.toFixed(6)).join(', ')}, ...`, `${r.microsecondsPerCall.toFixed(1)} µs`]) row.insertCell().textContent = text;
}
window.lstmParityExample = results;
