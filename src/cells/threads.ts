/**
 * Threads for batches and long sequences: the sequences of a batch split into shares, one per
 * thread, each share run by the same WebAssembly kernel (its batchRun) on one shared memory that
 * holds the weights once; or one sequence's products split by rows (SplitWorkspace, below).
 * A sequence's arithmetic never depends on which sequences share its call, so every result has the
 * bits of the one-thread run (tested).
 *
 *   memory: exp's table, constants | packed weights, bias | share 0 | share 1 | ...
 *   share:  inputs (chunk x B_s x X) | wx, z, g (B_s x 4H) | s, h ((B_s + 1) x H) | out (chunk x B_s x W)
 *
 * The calling thread stages every share's inputs for a chunk of steps, starts the other threads
 * (a word in a shared Int32Array per thread, Atomics.notify), runs share 0 itself, waits for the
 * others, and copies the rows out. One hand-off per chunk, not per step: waking a sleeping thread
 * costs tens of microseconds, which only a chunk's work repays.
 *
 * Where: Node (worker_threads, reached through process.getBuiltinModule, so nothing here imports a
 * node: module and the package stays browser-safe) and browsers with cross-origin isolation (Web
 * Workers; SharedArrayBuffer needs it). A browser's workers start asynchronously, so calls run on
 * one thread until they report ready; a browser's main thread may not block, so it spins while it
 * waits. Elsewhere `threads` quietly means one thread.
 *
 * A worker that cannot start (a Content-Security-Policy without blob: in worker-src: the browser
 * fires the worker's error event, and securitypolicyviolation, asynchronously, and the constructor
 * does not throw) is not waited for forever: its weights fall back to one thread, with one console
 * warning a page, or refuse to run when the caller demanded threads; threadsAvailable() says false
 * from then on, so no later weights try again.
 */
import type { CellType } from './schema.js';
import { CELL_CODE, even, growTo, instantiateSharedDots, sharedDotsModule, sharedMemory, writeWeights, type DotsInstance, type WasmMemory, type WeightsLayout } from './wasm-dots.js';
import type { PackedWeights } from './weights.js';
import { layBuffers, type BufferLayout } from './workspace.js';

// Words of a thread's control array: its state, whether it is ready, what to run (batchRun or
// dots), then that function's arguments.
const STATE = 0;
const READY = 1;
const COMMAND = 2;
const ARGS = 3;
const IDLE = 0;
const GO = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;
const BATCH_RUN = 0;
const DOTS = 1;
const CONTROL_WORDS = ARGS + 17;
/**
 * Polls of its state word a thread makes after a job before it sleeps: a split product hands
 * work over at every step, every few to hundred microseconds, and waking a sleeping thread costs
 * tens of them. About a millisecond of polling; then Atomics.wait, so an idle thread sleeps.
 */
const SPINS = 1 << 18;

/** Doubles of output rows all shares hold at once; a chunk of steps is sized to fit. */
const OUT_DOUBLES = 1 << 21;

/** What a browser's worker posts once it has its kernel (or could not instantiate it). */
const READY_MESSAGE = 'lstm-parity:ready';

/** The thread's program: instantiate the shared kernel, then run batchRun whenever told to. */
const WORKER_SOURCE = `
const start = ({ module, memory, control }, announce) => {
  const c = new Int32Array(control);
  let kernel;
  try {
    kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
  } catch (error) {
    Atomics.store(c, ${STATE}, ${FAILED});
  }
  Atomics.store(c, ${READY}, 1);
  Atomics.notify(c, ${READY});
  if (announce !== undefined) announce();
  if (kernel === undefined) return;
  for (;;) {
    let s;
    let spins = 0;
    while ((s = Atomics.load(c, ${STATE})) !== ${GO} && s !== ${STOP}) if (++spins > ${SPINS}) Atomics.wait(c, ${STATE}, s);
    if (s === ${STOP}) return;
    try {
      const a = ${ARGS};
      if (c[${COMMAND}] === ${DOTS}) kernel.dots(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6]);
      else kernel.batchRun(...c.subarray(a, ${CONTROL_WORDS}));
      Atomics.store(c, ${STATE}, ${DONE});
    } catch (error) {
      Atomics.store(c, ${STATE}, ${FAILED});
    }
    Atomics.notify(c, ${STATE});
  }
};
if (typeof require === 'function' && typeof process === 'object') start(require('node:worker_threads').workerData);
else self.onmessage = (event) => start(event.data, () => self.postMessage('${READY_MESSAGE}'));
`;

interface ThreadHandle {
  readonly control: Int32Array;
  terminate(): void;
}

/**
 * How a thread's start ends, told by its host where it can tell (a browser's worker posts a
 * message or fires its error event); Node's threads are waited for instead.
 */
interface StartListener {
  started(): void;
  failed(why: string): void;
}

interface Host {
  /** Whether this thread may block in Atomics.wait (Node, and workers; not a browser's main thread). */
  readonly canBlock: boolean;
  spawn(data: { module: object; memory: WasmMemory; control: SharedArrayBuffer }, listener: StartListener): ThreadHandle;
}

interface BrowserWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: 'message' | 'error', listener: (event: { data?: unknown }) => void): void;
}

type Global = {
  process?: { getBuiltinModule?: (id: string) => unknown };
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string; revokeObjectURL?(url: string): void };
  crossOriginIsolated?: boolean;
  window?: unknown;
  addEventListener?: (type: 'securitypolicyviolation', listener: (event: { effectiveDirective?: string; blockedURI?: string }) => void) => void;
};

/** What threads(n) needs from a Content-Security-Policy, as the warnings and errors say it. */
const WORKER_CSP = "blob: in worker-src (e.g. worker-src 'self' blob:)";

/**
 * Why threads cannot start on this page, once a worker has failed to: from then on
 * threadsAvailable() is false and no weights try again (each try would log another violation).
 */
let refused: string | undefined;
/** Whether this page has seen its policy refuse a blob: worker (the securitypolicyviolation event). */
let cspRefusedWorker = false;
let watchingPolicy = false;
/** The failure handlers of this page's workers that have not reported yet. */
const unstarted = new Set<() => void>();
/** Whether the one-thread fallback has been announced on the console (once a page). */
let warned = false;

/** Why threads cannot run here, or undefined where they can. */
function unavailableReason(): string | undefined {
  if (refused !== undefined) return refused;
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'this engine has no SharedArrayBuffer (a browser page needs cross-origin isolation: Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (sharedDotsModule() === null) return "this engine cannot compile the threads' WebAssembly kernel (shared memory and SIMD)";
  return host() === null ? 'this engine has no worker threads (a browser page needs cross-origin isolation for them)' : undefined;
}

/** Where threads can run here, or null. */
function host(): Host | null {
  if (refused !== undefined || typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object' || sharedDotsModule() === null) return null;
  const g = globalThis as Global;
  const nodeThreads = g.process?.getBuiltinModule?.('node:worker_threads') as
    | { Worker: new (source: string, options: object) => { unref(): void; terminate(): void } }
    | undefined;
  if (nodeThreads !== undefined) {
    return {
      canBlock: true,
      spawn(data) {
        const worker = new nodeThreads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
        // An idle thread must not keep the process alive.
        worker.unref();
        return { control: new Int32Array(data.control), terminate: () => void worker.terminate() };
      },
    };
  }
  const { Worker, Blob, URL } = g;
  if (Worker !== undefined && Blob !== undefined && URL !== undefined && g.crossOriginIsolated === true) {
    if (!watchingPolicy && typeof g.addEventListener === 'function') {
      watchingPolicy = true;
      // Fired before the worker's error event (Chromium), which says nothing of why. The policy
      // refuses every blob: worker of the page alike, so those still starting have failed too,
      // whether or not an error event follows.
      g.addEventListener('securitypolicyviolation', (event) => {
        if (event.effectiveDirective !== 'worker-src' || event.blockedURI !== 'blob') return;
        cspRefusedWorker = true;
        for (const fail of [...unstarted]) fail();
      });
    }
    return {
      canBlock: g.window === undefined,
      spawn(data, listener) {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new Worker(url);
        // The listeners hold the start's state, never the threads' owner, which must stay collectable.
        const done = () => {
          unstarted.delete(onError);
          worker.removeEventListener('message', onMessage);
          worker.removeEventListener('error', onError);
          URL.revokeObjectURL?.(url);
        };
        const onMessage = (event: { data?: unknown }) => {
          if (event.data !== READY_MESSAGE) return;
          done();
          listener.started();
        };
        const onError = () => {
          done();
          const why = cspRefusedWorker ? `its Web Workers were blocked by the Content-Security-Policy, which must allow ${WORKER_CSP}` : 'a Web Worker failed to start';
          // No weights try again on this page: each try would only log another violation.
          refused ??= why;
          listener.failed(why);
        };
        worker.addEventListener('message', onMessage);
        worker.addEventListener('error', onError);
        unstarted.add(onError);
        worker.postMessage(data);
        return { control: new Int32Array(data.control), terminate: () => worker.terminate() };
      },
    };
  }
  return null;
}

/** What `threads(n)` gives the `threads` option of prepareWeights: how to start them. */
export interface Threads {
  /** Threads asked for, the calling one included; fewer may run (see {@link threadsAvailable}). */
  readonly count: number;
  /** Whether the caller demanded the threads: an error, not one thread, where they cannot run. */
  readonly required: boolean;
  /**
   * The threads for these weights, or null where one thread must do (or count is 1).
   * @internal
   */
  start(weights: PackedWeights, cell: CellType, recurrentRows: number): BatchThreads | null;
}

/**
 * Threads for prepareWeights' `threads` option: a batch (or a long sequence's products) split over `count` threads, this one
 * included. The bits are one thread's either way.
 *
 * By default threads are a wish: where they cannot run (no SharedArrayBuffer, a browser page
 * without cross-origin isolation, the JavaScript backend) one thread runs, quietly; where their
 * workers fail to start (in a browser, a Content-Security-Policy without `blob:` in `worker-src`:
 * the workers run from a blob: URL) one thread runs, with one console warning a page naming the
 * directive, and {@link threadsAvailable} turns false. A browser's workers start asynchronously,
 * so such a failure is found after prepareWeights returns; the weights' `threadsReady` settles
 * once it is known how many threads run.
 *
 * With `{ required: true }` threads are a demand: prepareWeights throws where they cannot run
 * here (saying why, also for the JavaScript backend), and a call on the weights throws, instead of
 * warning, once their workers are known to have failed to start. Weights used for one call (raw
 * weights given to a cell with this option) never start threads, demanded or not.
 *
 * @example
 * ```ts
 * import { lstmType1Batch, prepareWeights, threads, type Type1Weights } from 'lstm-parity';
 *
 * declare const W: Type1Weights;
 * declare const batch: number[][][];
 * const prepared = prepareWeights('type1', W, { threads: threads(4) });
 * await prepared.threadsReady; // 4 where the workers started, 1 where they could not
 * lstmType1Batch(batch, prepared);
 * ```
 */
export function threads(count: number, options: { required?: boolean } = {}): Threads {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`threads: expected an integer >= 1, got ${count}`);
  const required = options?.required === true;
  return {
    count,
    required,
    start: (weights, cell, recurrentRows) => {
      if (required && count > 1) {
        const why = unavailableReason();
        if (why !== undefined) throw new Error(`lstm-parity: threads(${count}, { required: true }) cannot run: ${why}`);
      }
      return BatchThreads.create(weights, cell, recurrentRows, count, required);
    },
  };
}

/**
 * Whether `threads` above 1 can take effect here. In a browser, a Content-Security-Policy that
 * blocks the workers is found only when they first try to start (asynchronously, after
 * prepareWeights with `threads(n)` returns): this is true until then and false from then on.
 */
export function threadsAvailable(): boolean {
  return host() !== null;
}

/** One thread's share of a batch: its sequences and its buffers' byte offsets. */
interface Share {
  first: number;
  count: number;
  xsAt: number;
  wxAt: number;
  zAt: number;
  gAt: number;
  sAt: number;
  hAt: number;
  outAt: number;
}

/**
 * How the start of one set of weights' threads went: what their hosts report, kept apart from
 * BatchThreads so that the workers' listeners do not keep the weights alive.
 */
class ThreadStart implements StartListener {
  failure: string | undefined;
  handles: ThreadHandle[] = [];
  readonly promise: Promise<number>;
  private resolve!: (running: number) => void;
  private pending: number;
  private cancelled = false;

  constructor(
    private readonly count: number,
    readonly required: boolean,
  ) {
    this.pending = count - 1;
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }

  started(): void {
    if (--this.pending === 0 && this.failure === undefined) this.settle(this.count);
  }

  /** The threads were stopped: a browser worker may never report, and a late failure says nothing. */
  cancel(): void {
    this.cancelled = true;
    this.settle(1);
  }

  failed(why: string): void {
    if (this.failure !== undefined || this.cancelled) return;
    this.failure = why;
    for (const handle of this.handles) stop(handle);
    if (!this.required && !warned) {
      warned = true;
      console.warn(`lstm-parity: threads(${this.count}) is running on one thread: ${why}`);
    }
    this.settle(1);
  }

  settle(running: number): void {
    this.resolve(running);
  }
}

const threadsOf = new FinalizationRegistry<ThreadHandle[]>((handles) => {
  for (const handle of handles) stop(handle);
});

function stop(handle: ThreadHandle): void {
  Atomics.store(handle.control, STATE, STOP);
  Atomics.notify(handle.control, STATE);
  handle.terminate();
}

export class BatchThreads {
  /** Threads a batch is split over, the calling one included. */
  readonly count: number;
  private readonly memory: WasmMemory;
  private readonly kernel: DotsInstance;
  private readonly layout: WeightsLayout;
  private readonly threads: ThreadHandle[];
  private readonly canBlock: boolean;
  private shares: Share[] = [];
  private planned = '';
  private split: SplitWorkspace | undefined;
  private stopped = false;
  private readonly start: ThreadStart;
  chunk = 0;

  private constructor(
    private readonly weights: PackedWeights,
    private readonly cellCode: number,
    private readonly recurrentRows: number,
    count: number,
    where: Host,
    required: boolean,
  ) {
    this.memory = sharedMemory(1);
    this.layout = writeWeights(this.memory, weights, recurrentRows);
    this.kernel = instantiateSharedDots(this.memory);
    this.canBlock = where.canBlock;
    this.count = count;
    const start = new ThreadStart(count, required);
    this.start = start;
    const module = sharedDotsModule()!;
    this.threads = Array.from({ length: count - 1 }, () => where.spawn({ module, memory: this.memory, control: new SharedArrayBuffer(4 * CONTROL_WORDS) }, start));
    start.handles = this.threads;
    if (where.canBlock) {
      // Node starts a thread without this one's help: wait (bounded) until each has its kernel.
      for (const { control } of this.threads) Atomics.wait(control, READY, 0, 10_000);
      if (this.threads.every(({ control }) => Atomics.load(control, READY) === 1)) start.settle(count);
      else start.failed('a worker thread did not start within 10 s');
    }
    threadsOf.register(this, this.threads, this);
  }

  /** Threads for batches on these weights, or null where only one thread can run. */
  static create(weights: PackedWeights, cell: CellType, recurrentRows: number, count: number, required = false): BatchThreads | null {
    const where = host();
    if (where === null || count < 2) return null;
    return new BatchThreads(weights, CELL_CODE[cell], recurrentRows, count, where, required);
  }

  /** Threads that run: count, or 1 once they are known to have failed to start (or were stopped). */
  get running(): number {
    return this.stopped || this.start.failure !== undefined ? 1 : this.count;
  }

  /** Settles with {@link running} once every thread has started or one has failed to. */
  get settled(): Promise<number> {
    return this.start.promise;
  }

  /**
   * Ends the threads now rather than when the weights are collected: for a caller that prepares
   * many short-lived threaded weights (verify's entry-point check). The weights then run on one
   * thread, with the same bits.
   */
  stop(): void {
    threadsOf.unregister(this);
    for (const handle of this.threads) stop(handle);
    this.stopped = true;
    this.start.cancel();
  }

  /**
   * Whether every thread has started (a browser's start asynchronously; until then, one thread).
   * Throws, where the threads were demanded, once they are known to have failed to start.
   */
  ready(): boolean {
    if (this.stopped) return false;
    const { failure } = this.start;
    if (failure !== undefined) {
      if (this.start.required) throw new Error(`lstm-parity: threads(${this.count}, { required: true }) cannot run: ${failure}`);
      return false;
    }
    for (const { control } of this.threads) {
      if (Atomics.load(control, READY) !== 1) return false;
      if (Atomics.load(control, STATE) === FAILED) {
        // Only a thread without its kernel is FAILED before its first job: a failed job throws in step().
        this.start.failed('a worker thread could not instantiate the WebAssembly kernel');
        return this.ready();
      }
    }
    return true;
  }

  /**
   * Splits B sequences of T steps into shares, sizes the chunk of steps, makes room, and zeroes
   * every share's state. W is the doubles a sequence's step leaves in `out`.
   */
  plan(B: number, steps: number, W: number): void {
    const { hidden: H, inputs: X } = this.weights;
    const G = 4 * H;
    const parts = Math.min(this.count, B);
    this.chunk = Math.max(1, Math.min(steps, Math.floor(OUT_DOUBLES / (B * W))));
    const key = `${B} ${this.chunk} ${W}`;
    if (key !== this.planned) {
      this.planned = key;
      this.shares = [];
      let at = this.layout.end;
      for (let s = 0, first = 0; s < parts; s++) {
        const count = Math.floor(B / parts) + (s < B % parts ? 1 : 0);
        const share: Share = { first, count, xsAt: at, wxAt: 0, zAt: 0, gAt: 0, sAt: 0, hAt: 0, outAt: 0 };
        share.wxAt = share.xsAt + 8 * even(this.chunk * count * X);
        share.zAt = share.wxAt + 8 * count * G;
        share.gAt = share.zAt + 8 * count * G;
        share.sAt = share.gAt + 8 * count * G;
        share.hAt = share.sAt + 8 * even((count + 1) * H);
        share.outAt = share.hAt + 8 * even((count + 1) * H);
        at = share.outAt + 8 * even(this.chunk * count * W);
        this.shares.push(share);
        first += count;
      }
      growTo(this.memory, at);
    }
    const doubles = this.doubles();
    for (const share of this.shares) doubles.fill(0, share.sAt / 8, share.outAt / 8);
  }

  /** The shares of the current plan. */
  get parts(): readonly Share[] {
    return this.shares;
  }

  /** The shared memory as doubles (a fresh view: the memory may have grown). */
  doubles(): Float64Array {
    return new Float64Array(this.memory.buffer);
  }

  /** Runs n steps of every share, each thread its own, and returns when all are done. */
  step(n: number, full: boolean): void {
    const { hidden: H, inputs: X } = this.weights;
    const { inputAt, recurrentAt, biasAt } = this.layout;
    const args = (s: Share) => [this.cellCode, s.count, n, H, X, inputAt, recurrentAt, this.recurrentRows, biasAt, s.xsAt, s.wxAt, s.zAt, s.gAt, s.sAt, s.hAt, s.outAt, full ? 1 : 0] as const;
    for (let k = 1; k < this.shares.length; k++) {
      const { control } = this.threads[k - 1];
      control[COMMAND] = BATCH_RUN;
      control.set(args(this.shares[k]), ARGS);
      Atomics.store(control, STATE, GO);
      Atomics.notify(control, STATE);
    }
    this.kernel.batchRun(...args(this.shares[0]));
    for (let k = 1; k < this.shares.length; k++) {
      const { control } = this.threads[k - 1];
      let s: number;
      while ((s = Atomics.load(control, STATE)) === GO) if (this.canBlock) Atomics.wait(control, STATE, GO);
      Atomics.store(control, STATE, IDLE);
      if (s === FAILED) throw new Error('lstm-parity: a batch thread failed');
    }
  }

  /**
   * out[t * stride + r] = dot(M[r, :], V[t, :]) as the kernel's dots, with the rows split over the
   * threads: whole panels of 4 rows each, the last share taking the rest. A row's dot never
   * depends on the others, so the bits are one thread's. The calling thread polls while it waits:
   * a share lasts microseconds, too short to sleep through.
   */
  splitDots(P: number, rows: number, cols: number, V: number, n: number, out: number, stride: number): void {
    const per = 4 * Math.ceil(rows / 4 / this.count);
    const panelBytes = 32 * cols;
    let used = 0;
    for (let k = 1; k < this.count && k * per < rows; k++, used++) {
      const { control } = this.threads[k - 1];
      const first = k * per;
      control[COMMAND] = DOTS;
      control[ARGS] = P + (first / 4) * panelBytes;
      control[ARGS + 1] = Math.min(per, rows - first);
      control[ARGS + 2] = cols;
      control[ARGS + 3] = V;
      control[ARGS + 4] = n;
      control[ARGS + 5] = out + 8 * first;
      control[ARGS + 6] = stride;
      Atomics.store(control, STATE, GO);
      Atomics.notify(control, STATE);
    }
    this.kernel.dots(P, Math.min(per, rows), cols, V, n, out, stride);
    for (let k = 0; k < used; k++) {
      const { control } = this.threads[k];
      let s: number;
      while ((s = Atomics.load(control, STATE)) === GO);
      Atomics.store(control, STATE, IDLE);
      if (s === FAILED) throw new Error('lstm-parity: a thread of a split product failed');
    }
  }

  /** A workspace for single sequences whose products are split over these threads (see SplitWorkspace). */
  sequenceWorkspace(): SplitWorkspace {
    this.split ??= new SplitWorkspace(this, this.weights, this.layout, this.recurrentRows, this.cellCode);
    return this.split;
  }

  /** The kernel of the calling thread, on the shared memory. */
  get instance(): DotsInstance {
    return this.kernel;
  }

  /** The shared memory. */
  get sharedMemory(): WasmMemory {
    return this.memory;
  }
}

/**
 * One sequence with each product split over the threads by rows (BatchThreads.splitDots): the
 * input projections of a chunk, then at every step the recurrent product, after which the
 * calling thread runs the step's gates and state update. The same operations as the one-thread
 * kernel's `run`, in the same order, so the same bits (tested). It pays only where a step's
 * product is long enough to repay two hand-offs (docs/performance.md measures where), which is
 * why prepareWeights' threads use it only from SPLIT_MIN_ROWS recurrent rows.
 *
 *   memory: after the weights, the buffers of a one-thread workspace (workspace.ts, layBuffers);
 *   the batch shares use the same bytes, never in the same call. z holds one step's product.
 */
export class SplitWorkspace {
  x: Float64Array = new Float64Array(0);
  wx: Float64Array = new Float64Array(0);
  g: Float64Array = new Float64Array(0);
  s: Float64Array = new Float64Array(0);
  h: Float64Array = new Float64Array(0);
  private capacity = 0;
  private at: BufferLayout | undefined;

  constructor(
    private readonly threads: BatchThreads,
    private readonly weights: PackedWeights,
    private readonly layout: WeightsLayout,
    private readonly recurrentRows: number,
    private readonly cellCode: number,
  ) {}

  reserve(vectors: number): void {
    if (vectors <= this.capacity) return;
    this.capacity = vectors;
    this.at = layBuffers(this.threads.sharedMemory, this.layout.end, vectors, this.weights);
    ({ x: this.x, wx: this.wx, g: this.g, s: this.s, h: this.h } = this.at);
  }

  project(n: number): void {
    const G = 4 * this.weights.hidden;
    const { xAt, wxAt } = this.at!;
    this.threads.splitDots(this.layout.inputAt, G, this.weights.inputs, xAt, n, wxAt, G);
  }

  run(n: number): void {
    const H = this.weights.hidden;
    const G = 4 * H;
    const kernel = this.threads.instance;
    const { wxAt, zAt, gAt, sAt, hAt } = this.at!;
    const state = this.cellCode === CELL_CODE.type1 ? hAt : sAt;
    for (let k = 0; k < n; k++) {
      this.threads.splitDots(this.layout.recurrentAt, this.recurrentRows, H, state + 8 * k * H, 1, zAt, G);
      kernel.rows(this.cellCode, 1, H, wxAt + 8 * k * G, zAt, this.layout.biasAt, gAt + 8 * k * G, sAt + 8 * k * H, sAt + 8 * (k + 1) * H, hAt + 8 * (k + 1) * H);
    }
  }
}
