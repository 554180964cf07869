/**
 * Where a forward pass runs: the packed weights, the buffers of a step, and the operations every
 * step needs. One workspace belongs to one set of prepared weights and is reused by every call on
 * them (calls are synchronous, so they never interleave). With `capacity` vectors reserved:
 *
 *   x   staged input vectors, capacity x X        wx  dot(W_in[r], x[t]), capacity x 4H
 *   z   dot(U[r], state[b]), capacity x 4H (the first `recurrentRows` rows of each vector)
 *   g   gate rows, capacity x 4H: i, f, o and the candidate (type 2's candidate is not traced)
 *   s   cell-state rows and h output rows, (capacity + 1) x H each: row 0 holds the state a run
 *   h   starts from, row k + 1 the state after gate row k
 *
 * A sequence runs n steps at a time (`run`): step k reads state row k and writes row k + 1. A
 * batch runs one step of B sequences (`batch`): sequence k's state is row k + 1, read and
 * rewritten in place. Either way gate row k goes with state row k + 1.
 *
 * Two backends, same bits: plain JavaScript over Float64Arrays (kernels.ts and steps.ts), or the WebAssembly SIMD kernel over views of its memory (wasm/dots.wat), whose every
 * dot product, activation and state update follows the JavaScript's operations in order.
 */
import { dots } from './kernels.js';
import type { CellType } from './schema.js';
import { STEPS, type StepKernel } from './steps.js';
import { CELL_CODE, even, growTo, instantiateDots, writeWeights, type DotsInstance, type WasmMemory } from './wasm-dots.js';
import type { PackedWeights } from './weights.js';

/**
 * Where a cell's products run: 'wasm' (the WebAssembly SIMD kernel) or 'scalar' (plain
 * JavaScript). Both give the same bits; they differ in speed only.
 */
export type Backend = 'wasm' | 'scalar';

export interface Workspace {
  readonly backend: Backend;
  x: Float64Array;
  wx: Float64Array;
  g: Float64Array;
  s: Float64Array;
  h: Float64Array;
  /** Makes room for `vectors` staged vectors; the buffer fields may be replaced, so read them after. */
  reserve(vectors: number): void;
  /** wx[t] = W_in x[t] for t < n. */
  project(n: number): void;
  /** n steps of one sequence from state row 0, input projections wx rows 0 .. n - 1. */
  run(n: number): void;
  /** One step of B sequences, sequence k's input projection in wx row k and its state in row k + 1. */
  batch(B: number): void;
}

class ScalarWorkspace implements Workspace {
  readonly backend = 'scalar';
  x = new Float64Array(0);
  wx = new Float64Array(0);
  g = new Float64Array(0);
  s = new Float64Array(0);
  h = new Float64Array(0);
  private z = new Float64Array(0);
  private capacity = 0;
  private readonly gateRows: number;

  private readonly step: StepKernel;

  constructor(
    private readonly weights: PackedWeights,
    private readonly cell: CellType,
    private readonly recurrentRows: number,
  ) {
    this.gateRows = 4 * weights.hidden;
    this.step = STEPS[cell];
  }

  reserve(vectors: number): void {
    if (vectors <= this.capacity) return;
    const { hidden: H, inputs: X } = this.weights;
    const G = this.gateRows;
    this.capacity = vectors;
    this.x = new Float64Array(vectors * X);
    this.wx = new Float64Array(vectors * G);
    this.z = new Float64Array(vectors * G);
    this.g = new Float64Array(vectors * G);
    this.s = new Float64Array((vectors + 1) * H);
    this.h = new Float64Array((vectors + 1) * H);
  }

  project(n: number): void {
    const G = this.gateRows;
    dots(this.weights.input, 0, G, this.weights.inputs, this.x, 0, n, this.wx, 0, G);
  }

  run(n: number): void {
    const { hidden: H, recurrent: U, bias: b } = this.weights;
    const G = this.gateRows;
    const state = this.cell === 'type1' ? this.h : this.s;
    for (let k = 0; k < n; k++) {
      dots(U, 0, this.recurrentRows, H, state, k * H, 1, this.z, 0, G);
      this.step(1, H, this.wx, k * G, this.z, b, this.g, k * G, this.s, k * H, (k + 1) * H, this.h, (k + 1) * H);
    }
  }

  batch(B: number): void {
    const { hidden: H, recurrent: U, bias: b } = this.weights;
    const G = this.gateRows;
    dots(U, 0, this.recurrentRows, H, this.cell === 'type1' ? this.h : this.s, H, B, this.z, 0, G);
    this.step(B, H, this.wx, 0, this.z, b, this.g, 0, this.s, H, H, this.h, H);
  }
}

class WasmWorkspace implements Workspace {
  readonly backend = 'wasm';
  x = new Float64Array(0);
  wx = new Float64Array(0);
  g = new Float64Array(0);
  s = new Float64Array(0);
  h = new Float64Array(0);
  private capacity = 0;
  private readonly instance: DotsInstance;
  private readonly cellCode: number;
  private readonly gateRows: number;
  // Byte offsets into the instance's memory: exp's table, the weights and bias, then the buffers.
  private readonly inputAt: number;
  private readonly recurrentAt: number;
  private readonly biasAt: number;
  private readonly xAt: number;
  private wxAt = 0;
  private zAt = 0;
  private gAt = 0;
  private sAt = 0;
  private hAt = 0;

  constructor(
    private readonly weights: PackedWeights,
    cell: CellType,
    private readonly recurrentRows: number,
  ) {
    this.gateRows = 4 * weights.hidden;
    this.cellCode = CELL_CODE[cell];
    this.instance = instantiateDots();
    ({ inputAt: this.inputAt, recurrentAt: this.recurrentAt, biasAt: this.biasAt, end: this.xAt } = writeWeights(this.instance.memory, weights, recurrentRows));
  }

  reserve(vectors: number): void {
    if (vectors <= this.capacity) return;
    this.capacity = vectors;
    ({ wxAt: this.wxAt, zAt: this.zAt, gAt: this.gAt, sAt: this.sAt, hAt: this.hAt, x: this.x, wx: this.wx, g: this.g, s: this.s, h: this.h } = layBuffers(this.instance.memory, this.xAt, vectors, this.weights));
  }

  project(n: number): void {
    const G = this.gateRows;
    this.instance.dots(this.inputAt, G, this.weights.inputs, this.xAt, n, this.wxAt, G);
  }

  run(n: number): void {
    this.instance.run(this.cellCode, n, this.weights.hidden, this.recurrentAt, this.recurrentRows, this.wxAt, this.zAt, this.biasAt, this.gAt, this.sAt, this.hAt);
  }

  batch(B: number): void {
    const H = this.weights.hidden;
    const row1 = 8 * H;
    const state = this.cellCode === CELL_CODE.type1 ? this.hAt : this.sAt;
    this.instance.dots(this.recurrentAt, this.recurrentRows, H, state + row1, B, this.zAt, this.gateRows);
    this.instance.rows(this.cellCode, B, H, this.wxAt, this.zAt, this.biasAt, this.gAt, this.sAt + row1, this.sAt + row1, this.hAt + row1);
  }
}

/** Where a workspace's buffers sit in a WebAssembly memory (byte offsets), with views of them. */
export interface BufferLayout {
  xAt: number;
  wxAt: number;
  zAt: number;
  gAt: number;
  sAt: number;
  hAt: number;
  x: Float64Array<ArrayBuffer>;
  wx: Float64Array<ArrayBuffer>;
  g: Float64Array<ArrayBuffer>;
  s: Float64Array<ArrayBuffer>;
  h: Float64Array<ArrayBuffer>;
}

/**
 * Lays out the buffers for `vectors` staged vectors from byte `xAt` of a memory (growing it as
 * needed), in the order of the table at the top of this file: x, wx, z, g, then s and h.
 */
export function layBuffers(memory: WasmMemory, xAt: number, vectors: number, weights: { hidden: number; inputs: number }): BufferLayout {
  const { hidden: H, inputs: X } = weights;
  const G = 4 * H;
  const wxAt = xAt + 8 * even(vectors * X);
  const zAt = wxAt + 8 * vectors * G;
  const gAt = zAt + 8 * vectors * G;
  const sAt = gAt + 8 * vectors * G;
  const hAt = sAt + 8 * even((vectors + 1) * H);
  growTo(memory, hAt + 8 * (vectors + 1) * H);
  const buffer = memory.buffer;
  return {
    xAt,
    wxAt,
    zAt,
    gAt,
    sAt,
    hAt,
    x: new Float64Array(buffer, xAt, vectors * X),
    wx: new Float64Array(buffer, wxAt, vectors * G),
    g: new Float64Array(buffer, gAt, vectors * G),
    s: new Float64Array(buffer, sAt, (vectors + 1) * H),
    h: new Float64Array(buffer, hAt, (vectors + 1) * H),
  };
}

export function createWorkspace(backend: Backend, weights: PackedWeights, cell: CellType, recurrentRows: number): Workspace {
  return backend === 'wasm' ? new WasmWorkspace(weights, cell, recurrentRows) : new ScalarWorkspace(weights, cell, recurrentRows);
}
