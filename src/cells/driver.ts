/**
 * Drives a cell's step kernel over a sequence, a batch of sequences, or one input at a time.
 * The cells (lstm-type1.ts, lstm-type2.ts) own their arithmetic; this module owns the loops, the
 * buffers and the staging of vectors into the workspace, so the three ways of running a cell
 * share one code path and give the same bits:
 *
 *   every row of every step computes ((dot(W_in[r], x_t) + dot(U[r], s_{t-1})) + b[r]), each dot
 *   in the fixed order of kernels.ts, whatever the batch, the chunk or the backend.
 *
 * Buffers are allocated once per call (per stream for streams); the loop over steps allocates
 * nothing. Input projections W_in x_t are computed for chunks of at most 64 steps at a time, so
 * working memory does not grow with T: with trace 'output' a call holds the T x H outputs, the
 * final state and buffers of a size set by H and X only.
 */
import type { PreparedWeights } from './prepared.js';
import type { CellType, Matrix, Vector } from './schema.js';
import type { LstmOutputTrace, LstmState, LstmTrace, TraceMode } from './trace.js';

/**
 * One step of a cell for one sequence: reads the pre-activation parts wx[wo ..] and z[zo ..]
 * (4H each, gate blocks i, f, o, candidate) and bias b, and c_{t-1} at cPrev[cpo ..]; writes
 * c_t to c[co ..], h_t to h[ho ..], the state fed back (h_t or c_t) to v[vo ..], and the gates
 * and candidate to iG, fG, oG, cand at go. Reading c_{t-1} and writing c_t at the same place
 * is allowed (each unit reads its own entry before writing it).
 */
export type StepKernel = (
  H: number,
  wx: Float64Array, wo: number,
  z: Float64Array, zo: number,
  b: Float64Array,
  cPrev: Float64Array, cpo: number,
  c: Float64Array, co: number,
  h: Float64Array, ho: number,
  v: Float64Array, vo: number,
  iG: Float64Array, fG: Float64Array, oG: Float64Array, cand: Float64Array, go: number,
) => void;

export interface CellKernel {
  readonly cell: CellType;
  readonly step: StepKernel;
  /** The state the gates read back: h_{t-1} (type 1) or c_{t-1} (type 2). */
  readonly feedsBack: 'h' | 'c';
}

/** Steps whose input projections are computed in one product: enough to reuse each loaded weight. */
const CHUNK_DOUBLES = 32768;
const CHUNK_MAX_STEPS = 64;

function chunkSteps(steps: number, gateRows: number): number {
  return Math.max(1, Math.min(steps, CHUNK_MAX_STEPS, Math.floor(CHUNK_DOUBLES / gateRows)));
}

/**
 * A sequence as the driver reads it: packed (T x X row-major) or the caller's rows, read
 * straight into the workspace so a call needs no packed copy of S.
 */
export type SequenceInput = Float64Array | Matrix;

/** Copies steps t0 .. t0 + n - 1 of a sequence into dst from `at`, X values per step. */
function stage(dst: Float64Array, at: number, x: SequenceInput, t0: number, n: number, X: number): void {
  if (x instanceof Float64Array) {
    for (let k = 0; k < n * X; k++) dst[at + k] = x[t0 * X + k];
    return;
  }
  for (let s = 0; s < n; s++) {
    const row = x[t0 + s];
    const o = at + s * X;
    for (let k = 0; k < X; k++) dst[o + k] = row[k];
  }
}

interface FullArrays {
  output: Float64Array;
  outputGate: Float64Array;
  inputGate: Float64Array;
  forgetGate: Float64Array;
  cellInput: Float64Array;
  cellState: Float64Array;
}

/**
 * Results of at most this many bytes are carved from a shared 64 KiB ArrayBuffer, as Node's
 * Buffer pools small buffers: allocating an ArrayBuffer costs about 0.6 us, a fifth of a whole
 * call at H 4, X 3, T 6. Carving only moves forward, so every view starts as zeros like a fresh
 * buffer; the cost is that a small result keeps its 64 KiB slab alive.
 */
const POOLED_MAX_BYTES = 4096;
const POOL_BYTES = 65536;
let pool = new ArrayBuffer(0);
let poolUsed = 0;

/** Float64Arrays of the given lengths, all views of one ArrayBuffer (shared with other small results). */
function views(...lengths: number[]): Float64Array[] {
  let bytes = 0;
  for (const n of lengths) bytes += 8 * n;
  let buffer: ArrayBuffer;
  let at: number;
  if (bytes <= POOLED_MAX_BYTES) {
    if (poolUsed + bytes > pool.byteLength) {
      pool = new ArrayBuffer(POOL_BYTES);
      poolUsed = 0;
    }
    buffer = pool;
    at = poolUsed;
    poolUsed += bytes;
  } else {
    buffer = new ArrayBuffer(bytes);
    at = 0;
  }
  return lengths.map((n) => {
    const view = new Float64Array(buffer, at, n);
    at += 8 * n;
    return view;
  });
}

function fullArrays(cell: CellType, steps: number, H: number): FullArrays {
  const size = steps * H;
  // Type 2 has no candidate in its trace: its kernel never writes cellInput.
  const [output, outputGate, inputGate, forgetGate, cellInput, cellState] = views(size, size, size, size, cell === 'type1' ? size : 0, size);
  return { output, outputGate, inputGate, forgetGate, cellInput, cellState };
}

function fullTrace(cell: CellType, steps: number, H: number, a: FullArrays): LstmTrace {
  const { output, outputGate, inputGate, forgetGate, cellInput, cellState } = a;
  return cell === 'type1'
    ? { cell, steps, hidden: H, output, outputGate, inputGate, forgetGate, cellInput, cellState }
    : { cell, steps, hidden: H, output, outputGate, inputGate, forgetGate, cellState };
}

/** Results of trace 'output': h_t for every step, and the final h and c. */
function outputArrays(steps: number, H: number): { output: Float64Array; h: Float64Array; c: Float64Array } {
  const [output, h, c] = views(steps * H, H, H);
  return { output, h, c };
}

/** Copies the last row of a T x H array into h (which stays zero when T = 0). */
function copyLastRow(h: Float64Array, values: Float64Array, steps: number, H: number): Float64Array {
  if (steps > 0) for (let j = 0; j < H; j++) h[j] = values[(steps - 1) * H + j];
  return h;
}

/** Runs one sequence of T steps. */
export function runSequence(kernel: CellKernel, p: PreparedWeights, x: SequenceInput, steps: number, mode: TraceMode): LstmTrace | LstmOutputTrace {
  const { hidden: H, inputs: X, bias: b, workspace: ws } = p;
  const G = 4 * H;
  const chunk = chunkSteps(steps, G);
  ws.reserve(chunk);
  const { x: xs, wx, v, z } = ws;
  v.fill(0, 0, H);
  const step = kernel.step;
  const full = mode === 'full';
  const a = full ? fullArrays(kernel.cell, steps, H) : undefined;
  const only = full ? undefined : outputArrays(steps, H);
  const output = a ? a.output : only!.output;
  // Trace 'output' keeps c_t in place and the gates in the workspace's scratch rows.
  const i = a ? a.inputGate : ws.scratch.i;
  const f = a ? a.forgetGate : ws.scratch.f;
  const o = a ? a.outputGate : ws.scratch.o;
  const cand = a && kernel.cell === 'type1' ? a.cellInput : ws.scratch.cand;
  const cells = a ? a.cellState : only!.c;
  // c_0 = 0 is multiplied, not skipped: NaN or Infinity in the weights must still poison step 0.
  const zero = ws.zero;

  for (let t0 = 0; t0 < steps; t0 += chunk) {
    const n = Math.min(chunk, steps - t0);
    stage(xs, 0, x, t0, n, X);
    ws.project(n);
    for (let s = 0; s < n; s++) {
      const t = t0 + s;
      ws.recur(1);
      const now = full ? t * H : 0;
      const cPrev = full && t === 0 ? zero : cells;
      const cpo = full && t > 0 ? now - H : 0;
      step(H, wx, s * G, z, 0, b, cPrev, cpo, cells, now, output, t * H, v, 0, i, f, o, cand, now);
    }
  }
  if (a) return fullTrace(kernel.cell, steps, H, a);
  return { cell: kernel.cell, steps, hidden: H, output, finalState: { h: copyLastRow(only!.h, output, steps, H), c: cells } };
}

/** Runs B sequences of equal length T in lockstep; xs[b] is sequence b. */
export function runBatch(kernel: CellKernel, p: PreparedWeights, xs: readonly SequenceInput[], steps: number, mode: TraceMode): (LstmTrace | LstmOutputTrace)[] {
  const { hidden: H, inputs: X, bias: b, workspace: ws } = p;
  const G = 4 * H;
  const B = xs.length;
  ws.reserve(Math.max(1, B));
  const { x: staged, wx, v, z } = ws;
  v.fill(0, 0, B * H);
  const step = kernel.step;
  const full = mode === 'full';
  const arrays = xs.map(() => (full ? fullArrays(kernel.cell, steps, H) : undefined));
  const onlies = xs.map(() => (full ? undefined : outputArrays(steps, H)));
  const outputs = arrays.map((a, k) => (a ? a.output : onlies[k]!.output));
  const states = onlies.map((only) => (only ? only.c : new Float64Array(0)));
  const { scratch, zero } = ws;

  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < B; k++) stage(staged, k * X, xs[k], t, 1, X);
    ws.project(B);
    ws.recur(B);
    const now = full ? t * H : 0;
    for (let k = 0; k < B; k++) {
      const a = arrays[k];
      if (a) {
        const cand = kernel.cell === 'type1' ? a.cellInput : scratch.cand;
        const cPrev = t === 0 ? zero : a.cellState;
        step(H, wx, k * G, z, k * G, b, cPrev, t === 0 ? 0 : now - H, a.cellState, now, outputs[k], t * H, v, k * H, a.inputGate, a.forgetGate, a.outputGate, cand, now);
      } else {
        const c = states[k];
        step(H, wx, k * G, z, k * G, b, c, 0, c, 0, outputs[k], t * H, v, k * H, scratch.i, scratch.f, scratch.o, scratch.cand, 0);
      }
    }
  }
  return xs.map((_, k) => {
    const a = arrays[k];
    if (a) return fullTrace(kernel.cell, steps, H, a);
    const only = onlies[k]!;
    return { cell: kernel.cell, steps, hidden: H, output: only.output, finalState: { h: copyLastRow(only.h, only.output, steps, H), c: only.c } };
  });
}

/** The vectors of the latest step of a stream; rewritten in place by the next step. */
export interface StepVectors {
  /** h_t (the same array as the stream's state.h). */
  readonly output: Float64Array;
  /** c_t (the same array as the stream's state.c). */
  readonly cellState: Float64Array;
  readonly inputGate: Float64Array;
  readonly forgetGate: Float64Array;
  readonly outputGate: Float64Array;
}

/**
 * A cell run one input at a time, for inference as inputs arrive. Its state is explicit:
 * `state.h` and `state.c` are h_t and c_t after the latest step (zeros at first and after
 * reset), and may be read, or replaced with `reset(state)`. Streams on the same prepared weights
 * share their workspace but never their state.
 */
export class LstmStream {
  readonly hidden: number;
  readonly inputs: number;
  readonly state: LstmState;
  /** Type 1's vectors carry its candidate ĉ_t too; type 2 does not trace one. */
  protected readonly vectors: StepVectors & { cellInput?: Float64Array };
  private readonly candidate: Float64Array;

  constructor(
    private readonly kernel: CellKernel,
    private readonly weights: PreparedWeights,
  ) {
    const H = weights.hidden;
    this.hidden = H;
    this.inputs = weights.inputs;
    this.state = { h: new Float64Array(H), c: new Float64Array(H) };
    this.candidate = new Float64Array(H);
    const gates = { inputGate: new Float64Array(H), forgetGate: new Float64Array(H), outputGate: new Float64Array(H) };
    this.vectors = kernel.cell === 'type1'
      ? { output: this.state.h, cellState: this.state.c, ...gates, cellInput: this.candidate }
      : { output: this.state.h, cellState: this.state.c, ...gates };
  }

  /** Sets the state to zeros, or to copies of the given h and c (H values each). */
  reset(state?: { h: Vector; c: Vector }): void {
    const H = this.hidden;
    if (state === undefined) {
      this.state.h.fill(0);
      this.state.c.fill(0);
      return;
    }
    if (state.h.length !== H || state.c.length !== H) {
      throw new RangeError(`reset: expected h and c of ${H} values (H), got ${state.h.length} and ${state.c.length}`);
    }
    for (let j = 0; j < H; j++) {
      this.state.h[j] = state.h[j];
      this.state.c[j] = state.c[j];
    }
  }

  /** Advances one step on x (X numbers, already validated) and returns the step's vectors. */
  protected advance(x: Vector): StepVectors & { cellInput?: Float64Array } {
    const { hidden: H, inputs: X, bias: b, workspace: ws } = this.weights;
    ws.reserve(1);
    const { x: staged, wx, v, z } = ws;
    for (let k = 0; k < X; k++) staged[k] = x[k];
    const back = this.kernel.feedsBack === 'h' ? this.state.h : this.state.c;
    for (let j = 0; j < H; j++) v[j] = back[j];
    ws.project(1);
    ws.recur(1);
    const s = this.vectors;
    const c = this.state.c;
    this.kernel.step(H, wx, 0, z, 0, b, c, 0, c, 0, this.state.h, 0, v, 0, s.inputGate, s.forgetGate, s.outputGate, this.candidate, 0);
    return s;
  }
}
