/**
 * The `threads` option: a batch split over threads must give the bits of one thread for every
 * sequence, in both cells and both traces, over several chunks of steps and for batches that do
 * not split evenly; and where threads cannot run, or were not asked for, one thread runs. Where
 * threads were demanded, an error instead. A browser whose workers fail to start (a
 * Content-Security-Policy) is faked here with a Worker that fires its error event; the real one
 * is test/threads-browser.test.ts.
 */
import { resolveObjectURL } from 'node:buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchThreads, threads, threadsAvailable } from '../src/cells/threads.js';
import { SPLIT_MIN_ROWS } from '../src/cells/driver.js';
import { lstmType1, lstmType1Batch, lstmType2, lstmType2Batch, prepareWeights, type LstmOutputTrace, type LstmTrace } from '../src/index.js';
import { type1Weights, type2Weights } from './helpers/weights.js';
import { releaseThreads } from '../src/cells/prepared.js';

function batch(B: number, T: number, X: number, seed: number): number[][][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: X }, (_, k) => Math.sin(seed + 7 * b + 3 * t + k))));
}

/** Every array of every result as plain numbers, so results compare with toEqual. */
const plain = (results: (LstmTrace | LstmOutputTrace)[]) =>
  results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Float64Array ? Array.from(v) : k === 'finalState' ? [Array.from(v.h), Array.from(v.c)] : v])));

type RunOne = (S: number[][], W: unknown, options?: { trace?: 'full' | 'output' }) => LstmTrace | LstmOutputTrace;
const lstmBatch = (cell: 'type1' | 'type2') => (cell === 'type1' ? lstmType1Batch : lstmType2Batch) as (S: number[][][], W: unknown) => (LstmTrace | LstmOutputTrace)[];

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('threads for batches', () => {
  it('should be available on every Node this package supports from 20.16 (process.getBuiltinModule)', () => {
    expect(threadsAvailable()).toBe(true);
  });

  type Run = (S: number[][][], W: unknown, options?: { trace?: 'full' | 'output' }) => (LstmTrace | LstmOutputTrace)[];
  it.each([
    ['type1', lstmType1Batch as Run, type1Weights],
    ['type2', lstmType2Batch as Run, type2Weights],
  ] as const)('%s: should give every sequence the bits of one thread, with either trace, over several chunks and uneven shares', (cell, run, weights) => {
    const [H, X] = [64, 5];
    const W = weights(H, X);
    const one = prepareWeights(cell, W as never);
    const two = prepareWeights(cell, W as never, { threads: threads(2) });
    const three = prepareWeights(cell, W as never, { threads: threads(3) });
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    // 39 sequences of 150 steps: a full trace holds 6H doubles a step, so 2^21 of them make
    // chunks of 140 steps, and the shares are 20 + 19 and 13 + 13 + 13.
    const S = batch(39, 150, X, 1);
    for (const trace of ['full', 'output'] as const) {
      const expected = plain(run(S, one, { trace }));
      expect(plain(run(S, two, { trace })), trace).toEqual(expected);
      expect(plain(run(S, three, { trace })), trace).toEqual(expected);
    }
    // Again on the same threads, with another batch size: nothing carries over.
    const small = batch(3, 4, X, 2);
    expect(plain(run(small, two))).toEqual(plain(run(small, one)));
    expect(plain(run([small[0]], two))).toEqual(plain(run([small[0]], one)));
    expect(run([], two)).toEqual([]);
  });

  it.each([
    // 4H = 384 rows, the threshold; 3H = 387 rows, odd columns: a share of whole panels, then the tail rows.
    ['type1', lstmType1 as RunOne, type1Weights, 96],
    ['type2', lstmType2 as RunOne, type2Weights, 129],
  ] as const)('%s: should split a long sequence\'s products over threads from SPLIT_MIN_ROWS with the bits of one thread', (cell, run, weights, H) => {
    const X = 5;
    const W = weights(H, X);
    const one = prepareWeights(cell, W as never);
    const two = prepareWeights(cell, W as never, { threads: threads(2) });
    expect(cell === 'type1' ? 4 * H : 3 * H).toBeGreaterThanOrEqual(SPLIT_MIN_ROWS);
    // 70 steps: the input projections of two chunks, then every step's recurrent product split.
    const S = batch(1, 70, X, 4)[0];
    const split = vi.spyOn(BatchThreads.prototype, 'splitDots');
    for (const trace of ['full', 'output'] as const) {
      expect(plain([run(S, two, { trace })]), trace).toEqual(plain([run(S, one, { trace })]));
    }
    // Per call: two chunks' projections and 70 steps' recurrent products.
    expect(split).toHaveBeenCalledTimes(2 * 72);
    split.mockRestore();
    // A batch on the same threads afterwards reuses the memory the sequence used.
    const B = batch(3, 5, X, 5);
    expect(plain(lstmBatch(cell)(B, two))).toEqual(plain(lstmBatch(cell)(B, one)));
    expect(plain([run(S, two)])).toEqual(plain([run(S, one)]));
  });

  it('should keep one thread where none was asked for, on the JavaScript backend, and for weights used once', () => {
    expect(prepareWeights('type1', type1Weights(4, 3)).threads).toBe(1);
    expect(prepareWeights('type1', type1Weights(4, 3), { threads: threads(2), backend: 'scalar' }).threads).toBe(1);
    const S = batch(4, 3, 3, 3);
    const W = type1Weights(8, 3);
    expect(plain(lstmType1Batch(S, W, { threads: threads(2) }))).toEqual(plain(lstmType1Batch(S, W)));
  });

  it('should release weights that run on one thread as a no-op, and run them as before', () => {
    const S = batch(3, 4, 3, 3);
    for (const options of [{}, { threads: threads(2), backend: 'scalar' as const }]) {
      const W = prepareWeights('type1', type1Weights(4, 3), options);
      const before = plain(lstmType1Batch(S, W));
      expect(() => releaseThreads(W)).not.toThrow();
      expect(plain(lstmType1Batch(S, W))).toEqual(before);
    }
  });

  it('should refuse a thread count that is not a positive integer, naming the option', () => {
    for (const count of [0, 1.5, -2]) expect(() => threads(count)).toThrow(`threads: expected an integer >= 1, got ${count}`);
    expect(() => prepareWeights('type2', type2Weights(2, 1), { threads: 2 as never })).toThrow('threads: expected threads(n), got 2');
    // Only what threads(n) returns is taken: an object with a start method, not a function that has one.
    const imitation = Object.assign(() => undefined, { start: () => null, count: 2 });
    for (const [value, got] of [[null, 'object'], [{}, 'object'], [{ start: 'x' }, 'object'], ['2', 'string'], [imitation, 'function']] as const) {
      expect(() => prepareWeights('type2', type2Weights(2, 1), { threads: value as never })).toThrow(new TypeError(`threads: expected threads(n), got ${got}`));
    }
  });

  it('should run one thread, with the same bits, where shared memory is missing', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(threadsAvailable()).toBe(false);
    const P = prepareWeights('type1', type1Weights(4, 2), { threads: threads(2) });
    expect(P.threads).toBe(1);
    vi.unstubAllGlobals();
    const S = batch(3, 5, 2, 4);
    expect(plain(lstmType1Batch(S, P))).toEqual(plain(lstmType1Batch(S, prepareWeights('type1', type1Weights(4, 2)))));
  });
});

type Outcome = 'csp' | 'csp-only' | 'error' | 'ready' | 'ready-then-error' | 'chatter-then-error';

/**
 * A browser's Worker, faked: it fails to start (as under a Content-Security-Policy) or starts and
 * reports ready; `outcome` may name each spawned worker's in turn. 'ready-then-error' reports ready
 * and fires an error event later; 'chatter-then-error' posts a message that is not the ready one,
 * then fails.
 */
function fakeBrowser(outcomes: Outcome | readonly Outcome[]) {
  const terminated: string[] = [];
  const blobs: Promise<{ type: string; text: string }>[] = [];
  const spawned: string[] = [];
  const policyListeners: ((event: { effectiveDirective: string; blockedURI: string }) => void)[] = [];
  class FakeWorker extends EventTarget {
    private readonly outcome: Outcome;
    constructor(url: string) {
      super();
      const outcome = typeof outcomes === 'string' ? outcomes : outcomes[spawned.length];
      this.outcome = outcome;
      spawned.push(url);
      // What the page gave the worker to run: a blob: URL of its program.
      const blob = resolveObjectURL(url);
      if (blob !== undefined) blobs.push(blob.text().then((text) => ({ type: blob.type, text })));
      // As Chromium does: the constructor returns, and the violation and the error come later.
      setTimeout(() => {
        if (outcome === 'ready') return;
        if (outcome === 'ready-then-error') {
          setTimeout(() => this.dispatchEvent(new Event('error')), 10);
          return;
        }
        if (outcome === 'chatter-then-error') this.dispatchEvent(new MessageEvent('message', { data: 'hello' }));
        if (outcome === 'csp' || outcome === 'csp-only') for (const listener of policyListeners) listener({ effectiveDirective: 'worker-src', blockedURI: 'blob' });
        if (outcome !== 'csp-only') this.dispatchEvent(new Event('error'));
      }, 5);
    }
    postMessage(data: { control: SharedArrayBuffer }): void {
      if (this.outcome !== 'ready' && this.outcome !== 'ready-then-error') return;
      setTimeout(() => {
        Atomics.store(new Int32Array(data.control), 1, 1);
        this.dispatchEvent(new MessageEvent('message', { data: 'lstm-parity:ready' }));
      }, 5);
    }
    terminate(): void {
      terminated.push(this.outcome);
    }
  }
  const builtin = process.getBuiltinModule.bind(process);
  vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:worker_threads' ? undefined : builtin(id))) as typeof process.getBuiltinModule);
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('crossOriginIsolated', true);
  // A page's main thread, which may not block.
  vi.stubGlobal('window', {});
  vi.stubGlobal('addEventListener', (type: string, listener: (typeof policyListeners)[number]) => {
    if (type === 'securitypolicyviolation') policyListeners.push(listener);
  });
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  return { spawned, warn, policyListeners, terminated, blobs };
}

/** The package as a page loads it, fresh: which workers failed is remembered per page. */
async function freshPackage() {
  vi.resetModules();
  return import('../src/index.js');
}

describe('threads whose workers cannot start (a browser under a Content-Security-Policy, faked)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('should fall back to one thread with the same bits, warn once naming worker-src, and say so from then on', async () => {
    const { spawned, warn } = fakeBrowser('csp');
    const cells = await freshPackage();
    expect(cells.threadsAvailable()).toBe(true);
    const W = type1Weights(16, 3);
    const P = cells.prepareWeights('type1', W, { threads: cells.threads(3) });
    expect(spawned).toHaveLength(2);
    // Until the workers report, calls run on one thread.
    expect(P.threads).toBe(3);
    const S = batch(5, 7, 3, 6);
    const one = plain(cells.lstmType1Batch(S, cells.prepareWeights('type1', W)));
    expect(plain(cells.lstmType1Batch(S, P))).toEqual(one);
    expect(await P.threadsReady).toBe(1);
    expect(P.threads).toBe(1);
    expect(cells.threadsAvailable()).toBe(false);
    expect(plain(cells.lstmType1Batch(S, P))).toEqual(one);
    expect(warn.mock.calls).toEqual([["lstm-parity: threads(3) is running on one thread: its Web Workers were blocked by the Content-Security-Policy, which must allow blob: in worker-src (e.g. worker-src 'self' blob:)"]]);
    // Later weights do not try again (each try would log another violation), and nothing more is said.
    const Q = cells.prepareWeights('type2', type2Weights(4, 3), { threads: cells.threads(2) });
    expect([Q.threads, await Q.threadsReady, spawned.length]).toEqual([1, 1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should take the policy violation alone as the refusal, should no error event follow it', async () => {
    const { warn } = fakeBrowser('csp-only');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(1);
    expect([P.threads, cells.threadsAvailable()]).toEqual([1, false]);
    expect(warn.mock.calls).toEqual([["lstm-parity: threads(2) is running on one thread: its Web Workers were blocked by the Content-Security-Policy, which must allow blob: in worker-src (e.g. worker-src 'self' blob:)"]]);
  });

  it('should settle threadsReady with one thread when the threads are stopped before they report', async () => {
    const { warn } = fakeBrowser('csp-only');
    const cells = await freshPackage();
    const { releaseThreads } = await import('../src/cells/prepared.js');
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    releaseThreads(P);
    expect([await P.threadsReady, P.threads]).toEqual([1, 1]);
    // The refusal that comes later is the page's to know, but these threads' to tell no more.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cells.threadsAvailable()).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should say only that a worker failed to start where no policy was reported', async () => {
    const { warn } = fakeBrowser('error');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(1);
    expect(warn.mock.calls).toEqual([['lstm-parity: threads(2) is running on one thread: a Web Worker failed to start']]);
  });

  it('should throw, not warn, where threads were demanded: on the next call once the workers failed, then at preparation', async () => {
    const { warn } = fakeBrowser('csp');
    const cells = await freshPackage();
    const demanded = cells.threads(2, { required: true });
    expect([demanded.count, demanded.required, cells.threads(2).required]).toEqual([2, true, false]);
    const P = cells.prepareWeights('type2', type2Weights(4, 2), { threads: demanded });
    expect(await P.threadsReady).toBe(1);
    const refusal = "lstm-parity: threads(2, { required: true }) cannot run: its Web Workers were blocked by the Content-Security-Policy, which must allow blob: in worker-src (e.g. worker-src 'self' blob:)";
    expect(() => cells.lstmType2Batch(batch(3, 2, 2, 1), P)).toThrow(refusal);
    expect(() => cells.lstmType2(batch(1, 2, 2, 1)[0], P)).not.toThrow(); // a short sequence never uses threads
    expect(() => cells.prepareWeights('type2', type2Weights(4, 2), { threads: demanded })).toThrow(refusal);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should report the threads asked for once every worker says it is ready', async () => {
    const { warn } = fakeBrowser('ready');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(3, { required: true }) });
    expect(await P.threadsReady).toBe(3);
    expect([P.threads, cells.threadsAvailable()]).toEqual([3, true]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('threads demanded where they cannot run', () => {
  it('should throw at preparation, saying why, and leave an undemanded request on one thread', async () => {
    expect(await prepareWeights('type1', type1Weights(4, 2), { threads: threads(2, { required: true }) }).threadsReady).toBe(2);
    expect(() => prepareWeights('type1', type1Weights(4, 2), { threads: threads(2, { required: true }), backend: 'scalar' })).toThrow(
      "lstm-parity: threads(2, { required: true }) cannot run: threads need the WebAssembly backend, and these weights run on 'scalar'",
    );
    // One thread asked for is one thread, demanded or not.
    expect(prepareWeights('type1', type1Weights(4, 2), { threads: threads(1, { required: true }), backend: 'scalar' }).threads).toBe(1);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(() => prepareWeights('type1', type1Weights(4, 2), { threads: threads(2, { required: true }) })).toThrow(
      /^lstm-parity: threads\(2, \{ required: true \}\) cannot run: this engine has no SharedArrayBuffer \(a browser page needs cross-origin isolation/,
    );
    const P = prepareWeights('type1', type1Weights(4, 2), { threads: threads(2) });
    expect([P.threads, await P.threadsReady]).toEqual([1, 1]);
  });
});

describe('where threads can run, told apart', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  /** No host for threads: no node:worker_threads, and (unless given) no Worker. */
  function noNodeThreads() {
    const builtin = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:worker_threads' ? undefined : builtin(id))) as typeof process.getBuiltinModule);
  }
  const demand = (cells: typeof import('../src/index.js')) => () => cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2, { required: true }) });

  it('should take an engine without Atomics for one without SharedArrayBuffer', async () => {
    const cells = await freshPackage();
    vi.stubGlobal('Atomics', undefined);
    expect(cells.threadsAvailable()).toBe(false);
    expect(demand(cells)).toThrow(/cannot run: this engine has no SharedArrayBuffer \(a browser page needs cross-origin isolation/);
  });

  it("should say so where the threads' kernel (shared memory) cannot compile though the plain one can", async () => {
    const { DOTS_SHARED_WASM_BASE64 } = await import('../src/cells/wasm/dots-module.js');
    const shared = atob(DOTS_SHARED_WASM_BASE64).length;
    const validate = WebAssembly.validate.bind(WebAssembly);
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => (bytes as Uint8Array).length !== shared && validate(bytes));
    const cells = await freshPackage();
    expect(cells.wasmSimdAvailable()).toBe(true);
    expect(cells.threadsAvailable()).toBe(false);
    expect(cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) }).threads).toBe(1);
    expect(demand(cells)).toThrow("lstm-parity: threads(2, { required: true }) cannot run: this engine cannot compile the threads' WebAssembly kernel (shared memory and SIMD)");
  });

  it('should find no threads without worker_threads, nor without any of Worker, Blob, URL and cross-origin isolation', async () => {
    const cells = await freshPackage();
    noNodeThreads();
    expect(cells.threadsAvailable()).toBe(false);
    expect(demand(cells)).toThrow('lstm-parity: threads(2, { required: true }) cannot run: this engine has no worker threads (a browser page needs cross-origin isolation for them)');
    class Worker {}
    const page = { Worker, Blob, URL, crossOriginIsolated: true };
    const cases: [string, Partial<typeof page>][] = [
      ['no Worker', { Worker: undefined }],
      ['no Blob', { Blob: undefined }],
      ['no URL', { URL: undefined }],
      ['no cross-origin isolation', { crossOriginIsolated: false }],
      ['cross-origin isolation not true', { crossOriginIsolated: 'yes' as never }],
    ];
    for (const [what, change] of cases) {
      for (const [name, value] of Object.entries({ ...page, ...change })) vi.stubGlobal(name, value);
      expect(cells.threadsAvailable(), what).toBe(false);
      vi.unstubAllGlobals();
    }
    for (const [name, value] of Object.entries(page)) vi.stubGlobal(name, value);
    expect(cells.threadsAvailable()).toBe(true);
  });

  it('should read threads(n, null) as a wish, and keep one thread asked for out of the threads, demanded or not', () => {
    expect(threads(2, null as never).required).toBe(false);
    expect(prepareWeights('type1', type1Weights(4, 2), { threads: threads(1) }).batchThreads).toBeNull();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const P = prepareWeights('type1', type1Weights(4, 2), { threads: threads(1, { required: true }) });
    expect([P.backend, P.threads, P.batchThreads]).toEqual(['wasm', 1, null]);
  });

  it('should split a batch of one over threads by rows, as the sequence it is', () => {
    const W = type1Weights(96, 3);
    const two = prepareWeights('type1', W, { threads: threads(2) });
    const S = batch(1, 3, 3, 13);
    const split = vi.spyOn(BatchThreads.prototype, 'splitDots');
    expect(plain(lstmType1Batch(S, two))).toEqual(plain(lstmType1Batch(S, prepareWeights('type1', W))));
    // One chunk's projections and 3 steps' recurrent products.
    expect(split).toHaveBeenCalledTimes(4);
    split.mockRestore();
    releaseThreads(two);
  });

  it("should hand no rows to the threads past a split product's last panel", () => {
    // 4H = 384 rows over 26 threads: shares of 16 rows, so the 24 first threads take them all and
    // the last two get none (the 25th would start at row 384, the 26th at 400).
    const W = type1Weights(96, 3);
    const many = prepareWeights('type1', W, { threads: threads(26) });
    expect(many.threads).toBe(26);
    const S = batch(1, 3, 3, 11)[0];
    expect(plain([lstmType1(S, many)])).toEqual(plain([lstmType1(S, prepareWeights('type1', W))]));
    releaseThreads(many);
  });
});

describe('threads in a browser page, faked further', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('should watch the page for policy violations once, and do without addEventListener', async () => {
    const { policyListeners } = fakeBrowser('ready');
    const cells = await freshPackage();
    for (let k = 0; k < 3; k++) expect(cells.threadsAvailable()).toBe(true);
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(2);
    expect(policyListeners).toHaveLength(1);
    vi.resetModules();
    vi.stubGlobal('addEventListener', undefined);
    const fresh = await import('../src/index.js');
    expect(fresh.threadsAvailable()).toBe(true);
  });

  it('should ignore violations of other directives or of other URLs than blob:', async () => {
    const { policyListeners, warn } = fakeBrowser('ready');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    for (const listener of policyListeners) {
      listener({ effectiveDirective: 'script-src', blockedURI: 'blob' });
      listener({ effectiveDirective: 'worker-src', blockedURI: 'https://example.com/w.js' });
    }
    expect(await P.threadsReady).toBe(2);
    expect([P.threads, cells.threadsAvailable()]).toEqual([2, true]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should give the workers their program as a JavaScript blob, and end each failed worker once', async () => {
    const { blobs, terminated, warn } = fakeBrowser(['error', 'error']);
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(3) });
    expect(await P.threadsReady).toBe(1);
    const programs = await Promise.all(blobs);
    expect(programs).toHaveLength(2);
    for (const { type, text } of programs) {
      expect(type).toBe('text/javascript');
      expect(text).toContain('self.onmessage = (event) => start(event.data');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(terminated).toEqual(['error', 'error']);
    expect(revoke).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should do without URL.revokeObjectURL', async () => {
    fakeBrowser('error');
    const cells = await freshPackage();
    vi.stubGlobal('URL', { createObjectURL: URL.createObjectURL.bind(URL) });
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(1);
  });

  it('should wait for every worker: one thread when any fails, though another started', async () => {
    fakeBrowser(['ready', 'error']);
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(3) });
    expect(await P.threadsReady).toBe(1);
    expect(P.threads).toBe(1);
  });

  it('should take only its ready message for a start, and forget a worker once started', async () => {
    fakeBrowser('chatter-then-error');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(1);
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    fakeBrowser('ready-then-error');
    const again = await freshPackage();
    const Q = again.prepareWeights('type1', type1Weights(4, 2), { threads: again.threads(2) });
    expect(await Q.threadsReady).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect([Q.threads, again.threadsAvailable()]).toEqual([2, true]);
  });

  it('should warn once a page, though two weights fail at once', async () => {
    const { warn } = fakeBrowser('error');
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(2) });
    const Q = cells.prepareWeights('type2', type2Weights(4, 2), { threads: cells.threads(2) });
    expect([await P.threadsReady, await Q.threadsReady]).toEqual([1, 1]);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

/**
 * Node's worker_threads with its Worker changed: a worker given another program (`source`), or
 * another module in place of the kernel (`module`), each by the index of the worker spawned.
 * Records the workers ended.
 */
function fakeNodeWorkers(change: { source?: (k: number) => string | undefined; module?: (k: number) => object | undefined }) {
  const builtin = process.getBuiltinModule.bind(process);
  const real = builtin('node:worker_threads') as typeof import('node:worker_threads');
  let spawned = 0;
  const terminated: number[] = [];
  class Worker extends real.Worker {
    private readonly k: number;
    constructor(source: string, options: { workerData: { module: object } }) {
      const k = spawned++;
      const module = change.module?.(k);
      super(change.source?.(k) ?? source, { ...options, eval: true, workerData: module === undefined ? options.workerData : { ...options.workerData, module } });
      this.k = k;
    }
    override terminate() {
      terminated.push(this.k);
      return super.terminate();
    }
  }
  vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:worker_threads' ? { ...real, Worker } : builtin(id))) as typeof process.getBuiltinModule);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  return { terminated, warn };
}

/** A module with batchRun and dots that trap, as a kernel whose job fails. */
const TRAPPING_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // one type: () -> ()
  0x03, 0x03, 0x02, 0x00, 0x00, // two functions of it
  0x07, 0x13, 0x02, 0x08, ...new TextEncoder().encode('batchRun'), 0x00, 0x00, 0x04, ...new TextEncoder().encode('dots'), 0x00, 0x01,
  0x0a, 0x09, 0x02, 0x03, 0x00, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b, // both bodies: unreachable
]);

describe("threads whose Node workers misbehave (worker_threads' Worker changed)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('should end every worker when the threads are released, and run on one thread after, with the same bits', async () => {
    const { terminated } = fakeNodeWorkers({});
    const cells = await freshPackage();
    const { releaseThreads } = await import('../src/cells/prepared.js');
    const W = type1Weights(8, 3);
    const P = cells.prepareWeights('type1', W, { threads: cells.threads(3) });
    expect(P.threads).toBe(3);
    const S = batch(5, 4, 3, 8);
    const one = plain(cells.lstmType1Batch(S, cells.prepareWeights('type1', W)));
    expect(plain(cells.lstmType1Batch(S, P))).toEqual(one);
    releaseThreads(P);
    expect(terminated.sort()).toEqual([0, 1]);
    expect(P.threads).toBe(1);
    expect(plain(cells.lstmType1Batch(S, P))).toEqual(one);
  });

  it('should fall back to one thread, saying why, where a worker cannot instantiate the kernel', async () => {
    const { warn } = fakeNodeWorkers({ module: () => ({}) });
    const cells = await freshPackage();
    const W = type2Weights(8, 3);
    const P = cells.prepareWeights('type2', W, { threads: cells.threads(2) });
    const S = batch(4, 3, 3, 9);
    expect(plain(cells.lstmType2Batch(S, P))).toEqual(plain(cells.lstmType2Batch(S, cells.prepareWeights('type2', W))));
    expect(P.threads).toBe(1);
    expect(warn.mock.calls).toEqual([['lstm-parity: threads(2) is running on one thread: a worker thread could not instantiate the WebAssembly kernel']]);
  });

  it("should throw where a worker's job fails, in a batch and in a long sequence's split products", async () => {
    fakeNodeWorkers({ module: () => new WebAssembly.Module(TRAPPING_MODULE) });
    const cells = await freshPackage();
    const { releaseThreads } = await import('../src/cells/prepared.js');
    const P = cells.prepareWeights('type1', type1Weights(96, 3), { threads: cells.threads(2) });
    expect(P.threads).toBe(2);
    expect(() => cells.lstmType1Batch(batch(2, 2, 3, 1), P)).toThrow('lstm-parity: a batch thread failed');
    expect(() => cells.lstmType1(batch(1, 2, 3, 1)[0], P)).toThrow('lstm-parity: a thread of a split product failed');
    releaseThreads(P);
  });

  it('should give up on a worker that does not start within 10 s, though the others did', async () => {
    const { warn } = fakeNodeWorkers({ source: (k) => (k === 1 ? '' : undefined) });
    const cells = await freshPackage();
    const P = cells.prepareWeights('type1', type1Weights(4, 2), { threads: cells.threads(3) });
    expect([P.threads, await P.threadsReady]).toEqual([1, 1]);
    expect(warn.mock.calls).toEqual([['lstm-parity: threads(3) is running on one thread: a worker thread did not start within 10 s']]);
  }, 30_000);
});

describe('threads in a browser page whose workers run (Node workers behind a faked Worker)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("should never block the page's main thread, spinning while the workers run, with the bits of one thread", async () => {
    const real = process.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads');
    const running: import('node:worker_threads').Worker[] = [];
    // Each worker runs the program it is given (the blob's text) on the data posted to it, and
    // reports ready once the program has its kernel, as a browser's worker does.
    class PageWorker extends EventTarget {
      private readonly program: Promise<string>;
      constructor(url: string) {
        super();
        this.program = resolveObjectURL(url)!.text();
      }
      postMessage(data: { control: SharedArrayBuffer }): void {
        void this.program.then((text) => {
          running.push(new real.Worker(text, { eval: true, workerData: data }));
          // Atomics.waitAsync (ES2024; Node has it) is missing from this package's target library.
          const { waitAsync } = Atomics as unknown as { waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: unknown } };
          const wait = waitAsync(new Int32Array(data.control), 1, 0);
          void (wait.async ? (wait.value as Promise<unknown>) : Promise.resolve()).then(() => this.dispatchEvent(new MessageEvent('message', { data: 'lstm-parity:ready' })));
        });
      }
      terminate(): void {
        for (const worker of running) void worker.terminate();
      }
    }
    const builtin = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:worker_threads' ? undefined : builtin(id))) as typeof process.getBuiltinModule);
    vi.stubGlobal('Worker', PageWorker);
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('window', {});
    const cells = await freshPackage();
    const { BatchThreads } = await import('../src/cells/threads.js');
    const { releaseThreads } = await import('../src/cells/prepared.js');
    const W = type2Weights(8, 3);
    const P = cells.prepareWeights('type2', W, { threads: cells.threads(2) });
    expect(await P.threadsReady).toBe(2);
    // As on a page's main thread, where Atomics.wait throws.
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    const step = vi.spyOn(BatchThreads.prototype, 'step');
    const S = batch(4, 5, 3, 12);
    expect(plain(cells.lstmType2Batch(S, P))).toEqual(plain(cells.lstmType2Batch(S, cells.prepareWeights('type2', W))));
    expect(step).toHaveBeenCalled();
    releaseThreads(P);
  });
});
