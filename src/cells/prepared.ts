/**
 * Prepared weights: validated and packed once, with their workspace, so repeated calls on the same
 * weights skip both. `lstmType1` / `lstmType2`, their batched forms and the streams accept them
 * wherever they accept the seed's weight dictionary; only S is validated then.
 */
import { LstmInputError, validateCase, type CellType, type ValidationOptions, type WeightsFor } from './schema.js';
import { wasmSimdAvailable, wasmUnavailableReason } from './wasm-dots.js';
import { packType1, packType2, type PackedWeights } from './weights.js';
import type { BatchThreads, Threads } from './threads.js';
// For the TSDoc link only.
import type { SPLIT_MIN_ROWS } from './driver.js';
import { createWorkspace, type Backend, type Workspace } from './workspace.js';

export type { Backend } from './workspace.js';

/**
 * How {@link prepareWeights} (and a cell given raw weights) validates and where it runs the
 * products. No choice here changes a result's bits, only its cost.
 */
export interface PrepareOptions extends ValidationOptions {
  /**
   * Where the products run: 'wasm' (WebAssembly SIMD), 'scalar' (plain JavaScript), or 'auto'
   * (the default): WebAssembly where available, except when weights used for one call only are
   * too small to repay a WebAssembly instance (under 1024 weights). Both give the same bits.
   */
  backend?: 'auto' | Backend;
  /**
   * Threads a batch may be split over: `threads(n)`, this one included (default one thread);
   * from 384 recurrent rows (`SPLIT_MIN_ROWS`, measured by `npm run bench:split`), a single sequence's products too, by rows.
   * Takes effect for prepared weights on the WebAssembly backend where threads can run (Node;
   * browsers with cross-origin isolation whose Content-Security-Policy, if any, allows `blob:` in
   * `worker-src`), otherwise one thread runs, or, for `threads(n, { required: true })`, an error
   * is thrown (see {@link threads}); the bits are the same either way. Each extra thread holds its
   * own copy of nothing but a WebAssembly instance: the weights are shared. A factory rather than
   * a number, so that an app that never asks for threads does not bundle them (their code and a
   * second WebAssembly module).
   */
  threads?: Threads;
}

const PREPARED: unique symbol = Symbol('lstm-parity.prepared');

/**
 * Weights for cell `C`, validated and packed once, with the buffers every call on them reuses.
 * Made only by {@link prepareWeights}; pass them wherever a cell takes W. Treat them as opaque:
 * the fields say how they were prepared, for logging and tests.
 */
export interface PreparedWeights<C extends CellType = CellType> extends PackedWeights {
  /** The cell the weights were validated for; a cell of the other type refuses them. */
  readonly cell: C;
  /** Where the products run, as resolved from the `backend` option ('auto' is never left). */
  readonly backend: Backend;
  /** Whether the weights were checked with allowNonFinite (S is checked per call, by its options). */
  readonly allowNonFinite: boolean;
  /** Rows of the recurrent matrix: 4H for type 1, 3H for type 2 (its candidate has no U). */
  readonly recurrentRows: number;
  /**
   * Where the products run: the packed weights and scratch buffers every call on them reuses.
   * @internal
   */
  readonly workspace: Workspace;
  /**
   * Threads a batch (or a long sequence's products) is split over (1 where threads were not asked
   * for or cannot run here). Read it when it matters: in a browser it turns 1 once the workers are
   * known to have failed to start, which {@link PreparedWeights.threadsReady} waits for.
   */
  readonly threads: number;
  /**
   * Settles with the number of threads that will run once that is known: at once where one
   * thread runs and in Node (whose threads start during prepareWeights); in a browser when every
   * worker has started (the threads asked for), or when one could not (1; a Content-Security-Policy
   * without `blob:` in `worker-src` blocks them). Never rejects. Calls need not wait for it: until
   * then they run on one thread, with the same bits.
   */
  readonly threadsReady: Promise<number>;
  /**
   * The threads themselves, when more than one.
   * @internal
   */
  readonly batchThreads: BatchThreads | null;
  readonly [PREPARED]: true;
}

/**
 * Below this many weights (4H x (X + H)), a call on raw weights keeps to JavaScript: a fresh
 * WebAssembly instance costs about 16 us, which small weights used once do not repay. Measured
 * (one call, validation included): H 8, X 4, T 20 is a tie; from H 16, X 8, T 50 WebAssembly
 * wins. Weights from prepareWeights are meant for reuse and take WebAssembly at any size (at
 * H 4, X 3, T 6 it was 4.5 us a call against 5.4 us).
 */
export const AUTO_WASM_MIN_WEIGHTS = 1024;

function chooseBackend(choice: PrepareOptions['backend'], weights: number): Backend {
  if (choice === 'scalar') return 'scalar';
  if (choice === 'wasm') {
    const why = wasmUnavailableReason();
    if (why !== undefined) throw new Error(`lstm-parity: backend 'wasm' needs WebAssembly SIMD: ${why}`);
    return 'wasm';
  }
  return wasmSimdAvailable() && weights >= AUTO_WASM_MIN_WEIGHTS ? 'wasm' : 'scalar';
}

/**
 * Wraps weights packed by packType1 / packType2 (already validated) with their workspace.
 * `reused` says whether they will serve many calls (prepareWeights) or one.
 */
export function preparePacked<C extends CellType>(cell: C, packed: PackedWeights, options: PrepareOptions = {}, reused = false): PreparedWeights<C> {
  const { hidden: H, inputs: X } = packed;
  const recurrentRows = cell === 'type1' ? 4 * H : 3 * H;
  const backend = chooseBackend(options.backend, reused ? Infinity : 4 * H * (X + H));
  const asked = options.threads;
  if (asked !== undefined && (typeof asked !== 'object' || asked === null || typeof asked.start !== 'function')) {
    throw new TypeError(`threads: expected threads(n), got ${typeof asked === 'number' ? asked : typeof asked}`);
  }
  if (reused && backend !== 'wasm' && asked?.required === true && asked.count > 1) {
    throw new Error(`lstm-parity: threads(${asked.count}, { required: true }) cannot run: threads need the WebAssembly backend, and these weights run on '${backend}'`);
  }
  // Threads start once per set of weights, so weights used for one call only keep to one.
  const batchThreads = reused && backend === 'wasm' && asked !== undefined ? asked.start(packed, cell, recurrentRows) : null;
  return {
    ...packed,
    cell,
    backend,
    allowNonFinite: options.allowNonFinite === true,
    recurrentRows,
    workspace: createWorkspace(backend, packed, cell, recurrentRows),
    get threads() {
      return batchThreads === null ? 1 : batchThreads.running;
    },
    threadsReady: batchThreads === null ? Promise.resolve(1) : batchThreads.settled,
    batchThreads,
    [PREPARED]: true,
  };
}

/**
 * Validates W for `cell` (as lstmType1 / lstmType2 would) and packs it once. Pass the result in
 * place of W to run many sequences on the same weights: only S is validated then.
 *
 * @param cell - which cell W is for; the other cell's functions refuse the result.
 * @param W - the seed's weight dictionary for that cell; later changes to it are not seen.
 * @param options - validation, backend and threads (see {@link PrepareOptions}).
 * @throws {@link lstm-parity!LstmInputError} for bad weights; Error for `backend: 'wasm'` where WebAssembly
 *   SIMD is unavailable.
 *
 * @example
 * ```ts
 * import { lstmType1, prepareWeights } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input; the seed's dictionary: w_* are H x X, u_* H x H, b_* H.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_c: [[0.7], [-0.5]], u_c: [[0.1, -0.3], [0.2, 0.1]], b_c: [0, 0],
 * };
 * const prepared = prepareWeights('type1', W);
 * prepared.backend; // 'wasm' where WebAssembly SIMD is available, else 'scalar'
 * for (const S of [[[1], [2]], [[0.5]]]) lstmType1(S, prepared); // W checked once, not per call
 * ```
 */
export function prepareWeights<C extends CellType>(cell: C, W: WeightsFor[C], options: PrepareOptions = {}): PreparedWeights<C> {
  options ??= {}; // plain JavaScript callers may pass null
  const shape = validateCase(cell, { S: [], W }, options);
  const packed = cell === 'type1' ? packType1(W as WeightsFor['type1'], shape) : packType2(W as WeightsFor['type2'], shape);
  return preparePacked(cell, packed, options, true);
}

/**
 * Whether `value` came from {@link prepareWeights} (a brand, not the shape: a look-alike object
 * is not prepared weights). The cells use it to skip validating W.
 */
export function isPreparedWeights(value: unknown): value is PreparedWeights {
  return typeof value === 'object' && value !== null && (value as Partial<PreparedWeights>)[PREPARED] === true;
}

/** The prepared weights themselves, after checking they were prepared for this cell. */
export function preparedFor<C extends CellType>(cell: C, W: PreparedWeights): PreparedWeights<C> {
  if (W.cell !== cell) throw new LstmInputError([{ path: 'W', message: `prepared for ${W.cell} but the cell is ${cell}` }]);
  return W as PreparedWeights<C>;
}

/**
 * Ends the threads of prepared weights now, rather than when the weights are collected; they run
 * on one thread from then on, with the same bits.
 * @internal
 */
export function releaseThreads(W: PreparedWeights): void {
  W.batchThreads?.stop();
}
