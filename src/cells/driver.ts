/**
 * Drives a cell over a sequence, a batch of sequences, or one input at a time. The arithmetic
 * lives in the workspace (workspace.ts: the products, and the cell's step in steps.ts or its
 * WebAssembly twin); this module owns the loops over chunks and sequences, the staging of inputs
 * and the copying of each step's vectors into the results, so the three ways of running a cell
 * share one code path and give the same bits:
 *
 *   every row of every step computes ((dot(W_in[r], x_t) + dot(U[r], s_{t-1})) + b[r]), each dot
 *   in the fixed order of kernels.ts, whatever the batch, the chunk or the backend.
 *
 * Buffers are allocated once per call (per stream for streams; none when the caller passes an
 * earlier result to write into, reuse.ts); the loop over steps allocates nothing. A sequence runs
 * in chunks of at most 64 steps (input projections, then the steps, then the chunk's vectors
 * copied out), so working memory does not grow with T: with trace 'output' a call holds the
 * T x H outputs, the final state and buffers of a size set by H and X only.
 */
import type { PreparedWeights } from './prepared.js';
import type { ReusableResult } from './reuse.js';
import type { BatchThreads } from './threads.js';
import type { Workspace } from './workspace.js';
import type { CellType, Matrix, Vector } from './schema.js';
import type { LstmOutputTrace, LstmState, LstmTrace, TraceMode } from './trace.js';

/** What a sequence needs of a workspace: its buffers, its projections and its steps. */
type SequenceWorkspace = Pick<Workspace, 'reserve' | 'project' | 'run' | 'x' | 'g' | 's' | 'h'>;

/**
 * Recurrent rows (4H for type 1, 3H for type 2) from which prepared weights with threads split a
 * single sequence's products over them. Two threads against one, by `npm run bench:split`
 * (docs/performance.md): 1.03x at 256 rows (0.85x in an earlier pass), 1.08x at 288, 1.14-1.19x
 * at 384, 1.24x at 512 and 1.69x at 2048.
 */
export const SPLIT_MIN_ROWS = 384;

/** Steps whose input projections are computed in one product: enough to reuse each loaded weight. */
const CHUNK_DOUBLES = 32768;
/** At most this many steps per chunk; verify's long cases cross two chunk boundaries of it. */
export const CHUNK_MAX_STEPS = 64;

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

const NO_CANDIDATE = new Float64Array(0);

function fullArrays(cell: CellType, steps: number, H: number, into?: ReusableResult): FullArrays {
  if (into) {
    const t = into as LstmTrace;
    const { output, outputGate, inputGate, forgetGate, cellState } = t;
    return { output, outputGate, inputGate, forgetGate, cellInput: t.cell === 'type1' ? t.cellInput : NO_CANDIDATE, cellState };
  }
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
function outputArrays(steps: number, H: number, into?: ReusableResult): { output: Float64Array; h: Float64Array; c: Float64Array } {
  if (into) {
    const { output, finalState } = into as LstmOutputTrace;
    return { output, h: finalState.h, c: finalState.c };
  }
  const [output, h, c] = views(steps * H, H, H);
  return { output, h, c };
}

/** dst[d + k] = src[from + k] for k < n: plain loops, which beat creating subarray views at small n. */
function copy(dst: Float64Array, d: number, src: Float64Array, from: number, n: number): void {
  for (let k = 0; k < n; k++) dst[d + k] = src[from + k];
}

/** Copies gate row `row` of g (4H: i, f, o, candidate; from `base`) to step `at` of the trace's gate arrays. */
function copyGates(a: FullArrays, cell: CellType, g: Float64Array, row: number, H: number, at: number, base = 0): void {
  const from = base + row * 4 * H;
  copy(a.inputGate, at, g, from, H);
  copy(a.forgetGate, at, g, from + H, H);
  copy(a.outputGate, at, g, from + 2 * H, H);
  if (cell === 'type1') copy(a.cellInput, at, g, from + 3 * H, H);
}

/** Runs one sequence of T steps, into the arrays of `into` (checked by reuse.ts) when given. */
export function runSequence(cell: CellType, p: PreparedWeights, x: SequenceInput, steps: number, mode: TraceMode, into?: ReusableResult): LstmTrace | LstmOutputTrace {
  const { hidden: H, inputs: X, batchThreads } = p;
  // Threads split a sequence's products by rows only where a step's product repays the hand-offs.
  const ws: SequenceWorkspace = batchThreads !== null && p.recurrentRows >= SPLIT_MIN_ROWS && batchThreads.ready() ? batchThreads.sequenceWorkspace() : p.workspace;
  const chunk = chunkSteps(steps, 4 * H);
  ws.reserve(chunk);
  const { x: xs, g, s, h } = ws;
  // c_0 = h_0 = 0, multiplied, not skipped: NaN or Infinity in the weights must still poison step 0.
  s.fill(0, 0, H);
  h.fill(0, 0, H);
  const a = mode === 'full' ? fullArrays(cell, steps, H, into) : undefined;
  const only = a ? undefined : outputArrays(steps, H, into);
  const output = a ? a.output : only!.output;

  for (let t0 = 0; t0 < steps; t0 += chunk) {
    const n = Math.min(chunk, steps - t0);
    stage(xs, 0, x, t0, n, X);
    ws.project(n);
    ws.run(n);
    copy(output, t0 * H, h, H, n * H);
    if (a) {
      copy(a.cellState, t0 * H, s, H, n * H);
      for (let k = 0; k < n; k++) copyGates(a, cell, g, k, H, (t0 + k) * H);
    }
    // The last state is where the next chunk starts.
    copy(s, 0, s, n * H, H);
    copy(h, 0, h, n * H, H);
  }
  if (!a) {
    copy(only!.h, 0, h, 0, H);
    copy(only!.c, 0, s, 0, H);
  }
  if (into) return into;
  return a ? fullTrace(cell, steps, H, a) : { cell, steps, hidden: H, output, finalState: { h: only!.h, c: only!.c } };
}

/** Runs B sequences of equal length T in lockstep; xs[b] is sequence b, written into into[b] when given. */
export function runBatch(cell: CellType, p: PreparedWeights, xs: readonly SequenceInput[], steps: number, mode: TraceMode, into?: readonly ReusableResult[]): (LstmTrace | LstmOutputTrace)[] {
  // A batch of one is a sequence: chunked projections, and the row split where threads pay.
  if (xs.length === 1) return [runSequence(cell, p, xs[0], steps, mode, into?.[0])];
  const { hidden: H, inputs: X, workspace: ws, batchThreads } = p;
  const B = xs.length;
  const full = mode === 'full';
  const arrays = xs.map((_, k) => (full ? fullArrays(cell, steps, H, into?.[k]) : undefined));
  const onlies = xs.map((_, k) => (full ? undefined : outputArrays(steps, H, into?.[k])));
  if (batchThreads !== null && B > 1 && batchThreads.ready()) {
    runShares(cell, batchThreads, xs, steps, H, X, arrays, onlies);
    return into ? [...into] : batchResults(cell, steps, H, arrays, onlies);
  }
  ws.reserve(Math.max(1, B));
  const { x: staged, g, s, h } = ws;
  s.fill(0, 0, (B + 1) * H);
  h.fill(0, 0, (B + 1) * H);

  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < B; k++) stage(staged, k * X, xs[k], t, 1, X);
    ws.project(B);
    ws.batch(B);
    for (let k = 0; k < B; k++) {
      const a = arrays[k];
      if (a) {
        copy(a.output, t * H, h, (k + 1) * H, H);
        copy(a.cellState, t * H, s, (k + 1) * H, H);
        copyGates(a, cell, g, k, H, t * H);
      } else {
        copy(onlies[k]!.output, t * H, h, (k + 1) * H, H);
      }
    }
  }
  onlies.forEach((only, k) => {
    if (only === undefined) return;
    copy(only.h, 0, h, (k + 1) * H, H);
    copy(only.c, 0, s, (k + 1) * H, H);
  });
  return into ? [...into] : batchResults(cell, steps, H, arrays, onlies);
}

type OutputArrays = ReturnType<typeof outputArrays>;

function batchResults(cell: CellType, steps: number, H: number, arrays: (FullArrays | undefined)[], onlies: (OutputArrays | undefined)[]): (LstmTrace | LstmOutputTrace)[] {
  return arrays.map((a, k) => {
    if (a) return fullTrace(cell, steps, H, a);
    const only = onlies[k]!;
    return { cell, steps, hidden: H, output: only.output, finalState: { h: only.h, c: only.c } };
  });
}

/**
 * A batch split over threads (threads.ts): each chunk of steps, stage every share's inputs, run
 * the shares, copy each sequence's rows (h, or h, c and the gate row) into its results.
 */
function runShares(cell: CellType, threads: BatchThreads, xs: readonly SequenceInput[], steps: number, H: number, X: number, arrays: (FullArrays | undefined)[], onlies: (OutputArrays | undefined)[]): void {
  const full = arrays[0] !== undefined;
  const W = full ? 6 * H : H;
  threads.plan(xs.length, steps, W);
  const { chunk, parts } = threads;
  for (let t0 = 0; t0 < steps; t0 += chunk) {
    const n = Math.min(chunk, steps - t0);
    let memory = threads.doubles();
    for (const part of parts) {
      for (let t = 0; t < n; t++) {
        for (let k = 0; k < part.count; k++) stage(memory, part.xsAt / 8 + (t * part.count + k) * X, xs[part.first + k], t0 + t, 1, X);
      }
    }
    threads.step(n, full);
    memory = threads.doubles();
    for (const part of parts) {
      for (let t = 0; t < n; t++) {
        for (let k = 0; k < part.count; k++) {
          const row = part.outAt / 8 + (t * part.count + k) * W;
          const at = (t0 + t) * H;
          const a = arrays[part.first + k];
          if (a) {
            copy(a.output, at, memory, row, H);
            copy(a.cellState, at, memory, row + H, H);
            copyGates(a, cell, memory, 0, H, at, row + 2 * H);
          } else {
            copy(onlies[part.first + k]!.output, at, memory, row, H);
          }
        }
      }
    }
  }
  if (full) return;
  // The final state is each share's rows after the last step.
  const memory = threads.doubles();
  for (const part of parts) {
    for (let k = 0; k < part.count; k++) {
      const only = onlies[part.first + k]!;
      copy(only.h, 0, memory, part.hAt / 8 + (k + 1) * H, H);
      copy(only.c, 0, memory, part.sAt / 8 + (k + 1) * H, H);
    }
  }
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

  constructor(
    private readonly cellType: CellType,
    private readonly weights: PreparedWeights,
  ) {
    const H = weights.hidden;
    this.hidden = H;
    this.inputs = weights.inputs;
    this.state = { h: new Float64Array(H), c: new Float64Array(H) };
    const gates = { inputGate: new Float64Array(H), forgetGate: new Float64Array(H), outputGate: new Float64Array(H) };
    this.vectors = cellType === 'type1'
      ? { output: this.state.h, cellState: this.state.c, ...gates, cellInput: new Float64Array(H) }
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
    const { hidden: H, inputs: X, workspace: ws } = this.weights;
    ws.reserve(1);
    const { x: staged, g, s, h } = ws;
    for (let k = 0; k < X; k++) staged[k] = x[k];
    // A batch of one: the state in row 1, rewritten in place.
    copy(h, H, this.state.h, 0, H);
    copy(s, H, this.state.c, 0, H);
    ws.project(1);
    ws.batch(1);
    const v = this.vectors;
    copy(this.state.h, 0, h, H, H);
    copy(this.state.c, 0, s, H, H);
    copy(v.inputGate, 0, g, 0, H);
    copy(v.forgetGate, 0, g, H, H);
    copy(v.outputGate, 0, g, 2 * H, H);
    if (v.cellInput) copy(v.cellInput, 0, g, 3 * H, H);
    return v;
  }
}
