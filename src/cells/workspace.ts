/**
 * Where a forward pass does its products: the packed weights plus four scratch buffers, and the
 * two products every step needs. One workspace belongs to one set of prepared weights and is
 * reused by every call on them (calls are synchronous, so they never interleave).
 *
 *   x   staged input vectors, `capacity` x X       wx  dot(W_in[r], x[t]), `capacity` x 4H
 *   v   staged recurrent vectors (h or c), `capacity` x H
 *   z   dot(U[r], v[b]) for the first `recurrentRows` rows, `capacity` x 4H
 *
 * Beside them, plain rows of H: `zero` (c_0, never written) and `scratch` gate rows for results
 * that do not keep the gates.
 *
 * Two backends, same bits (both sum every dot product in the order of kernels.ts): plain
 * JavaScript over Float64Arrays, or the WebAssembly SIMD kernel over views of its memory.
 */
import { dots } from './kernels.js';
import { instantiateDots, packPanels, panelLength, WASM_PAGE_BYTES, type DotsInstance } from './wasm-dots.js';
import type { PackedWeights } from './weights.js';

export type Backend = 'wasm' | 'scalar';

export interface ScratchRows {
  readonly i: Float64Array;
  readonly f: Float64Array;
  readonly o: Float64Array;
  readonly cand: Float64Array;
}

function scratchRows(H: number): ScratchRows {
  return { i: new Float64Array(H), f: new Float64Array(H), o: new Float64Array(H), cand: new Float64Array(H) };
}

export interface Workspace {
  readonly backend: Backend;
  readonly zero: Float64Array;
  readonly scratch: ScratchRows;
  x: Float64Array;
  wx: Float64Array;
  v: Float64Array;
  z: Float64Array;
  /** Makes room for `vectors` staged vectors; the buffer fields may be replaced, so read them after. */
  reserve(vectors: number): void;
  /** wx[t * 4H + r] = dot(W_in[r], x[t]) for every row, t < n. */
  project(n: number): void;
  /** z[b * 4H + r] = dot(U[r], v[b]) for the recurrent rows, b < n. */
  recur(n: number): void;
}

class ScalarWorkspace implements Workspace {
  readonly backend = 'scalar';
  readonly zero: Float64Array;
  readonly scratch: ScratchRows;
  x = new Float64Array(0);
  wx = new Float64Array(0);
  v = new Float64Array(0);
  z = new Float64Array(0);
  private capacity = 0;
  private readonly gateRows: number;

  constructor(
    private readonly weights: PackedWeights,
    private readonly recurrentRows: number,
  ) {
    this.gateRows = 4 * weights.hidden;
    this.zero = new Float64Array(weights.hidden);
    this.scratch = scratchRows(weights.hidden);
  }

  reserve(vectors: number): void {
    if (vectors <= this.capacity) return;
    const { hidden: H, inputs: X } = this.weights;
    this.capacity = vectors;
    this.x = new Float64Array(vectors * X);
    this.wx = new Float64Array(vectors * this.gateRows);
    this.v = new Float64Array(vectors * H);
    this.z = new Float64Array(vectors * this.gateRows);
  }

  project(n: number): void {
    const G = this.gateRows;
    dots(this.weights.input, 0, G, this.weights.inputs, this.x, 0, n, this.wx, 0, G);
  }

  recur(n: number): void {
    const G = this.gateRows;
    dots(this.weights.recurrent, 0, this.recurrentRows, this.weights.hidden, this.v, 0, n, this.z, 0, G);
  }
}

/** Rounds a count of doubles up to an even one, so every buffer starts 16-byte aligned. */
const even = (n: number) => n + (n & 1);

class WasmWorkspace implements Workspace {
  readonly backend = 'wasm';
  readonly zero: Float64Array;
  readonly scratch: ScratchRows;
  x = new Float64Array(0);
  wx = new Float64Array(0);
  v = new Float64Array(0);
  z = new Float64Array(0);
  private capacity = 0;
  private readonly instance: DotsInstance;
  private readonly gateRows: number;
  // Byte offsets into the instance's memory: weights first, then the buffers.
  private readonly inputAt = 0;
  private readonly recurrentAt: number;
  private xAt = 0;
  private wxAt = 0;
  private vAt = 0;
  private zAt = 0;

  constructor(
    private readonly weights: PackedWeights,
    private readonly recurrentRows: number,
  ) {
    const { hidden: H, inputs: X } = weights;
    this.gateRows = 4 * H;
    this.zero = new Float64Array(H);
    this.scratch = scratchRows(H);
    this.instance = instantiateDots();
    this.recurrentAt = 8 * even(panelLength(this.gateRows, X));
    const weightsEnd = this.recurrentAt + 8 * even(panelLength(recurrentRows, H));
    this.grow(weightsEnd);
    const memory = new Float64Array(this.instance.memory.buffer);
    packPanels(weights.input, this.gateRows, X, memory, this.inputAt / 8);
    packPanels(weights.recurrent, recurrentRows, H, memory, this.recurrentAt / 8);
    this.xAt = weightsEnd;
  }

  private grow(bytes: number): void {
    const have = this.instance.memory.buffer.byteLength;
    if (bytes > have) this.instance.memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
  }

  reserve(vectors: number): void {
    if (vectors <= this.capacity) return;
    const { hidden: H, inputs: X } = this.weights;
    const G = this.gateRows;
    this.capacity = vectors;
    this.wxAt = this.xAt + 8 * even(vectors * X);
    this.vAt = this.wxAt + 8 * even(vectors * G);
    this.zAt = this.vAt + 8 * even(vectors * H);
    this.grow(this.zAt + 8 * vectors * G);
    const buffer = this.instance.memory.buffer;
    this.x = new Float64Array(buffer, this.xAt, vectors * X);
    this.wx = new Float64Array(buffer, this.wxAt, vectors * G);
    this.v = new Float64Array(buffer, this.vAt, vectors * H);
    this.z = new Float64Array(buffer, this.zAt, vectors * G);
  }

  project(n: number): void {
    const G = this.gateRows;
    this.instance.dots(this.inputAt, G, this.weights.inputs, this.xAt, n, this.wxAt, G);
  }

  recur(n: number): void {
    this.instance.dots(this.recurrentAt, this.recurrentRows, this.weights.hidden, this.vAt, n, this.zAt, this.gateRows);
  }
}

export function createWorkspace(backend: Backend, weights: PackedWeights, recurrentRows: number): Workspace {
  return backend === 'wasm' ? new WasmWorkspace(weights, recurrentRows) : new ScalarWorkspace(weights, recurrentRows);
}
