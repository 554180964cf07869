// The callbacks given to tab.evaluate run in the page, so this file needs the DOM's types.
/// <reference lib="dom" />
/**
 * threads(n) in Chromium, on a cross-origin isolated page (which SharedArrayBuffer needs) served
 * with a Content-Security-Policy. The workers run from a blob: URL, so a policy without blob: in
 * worker-src blocks them: the weights must fall back to one thread with the same bits, warn once
 * naming the directive, and say so (threadsReady, threads, threadsAvailable); demanded threads must
 * throw. With worker-src blob: the threads must run, with the same bits. Each page times a batch
 * on one thread and on two, and prints both, side by side.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmType1Batch } from '../src/index.js';
import { chromiumMissing, launchChromium } from '../scripts/headless-chromium.js';
import { ROOT } from './helpers/cli.js';
import { type1Weights } from './helpers/weights.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`SKIPPED browser suite "threads in Chromium under a Content-Security-Policy": ${missing}`);

type Cells = typeof import('../src/index.js');
declare global {
  interface Window {
    cells?: Cells;
  }
}

/** localhost is a secure context, as cross-origin isolation needs; the pages are served by route, offline. */
const ORIGIN = 'http://localhost:8431';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
/** Cross-origin isolation, without which a page has no SharedArrayBuffer and so no threads. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const BASE_POLICY = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";
const WARNING = "lstm-parity: threads(2) is running on one thread: its Web Workers were blocked by the Content-Security-Policy, which must allow blob: in worker-src (e.g. worker-src 'self' blob:)";

// The batch timed and compared: 32 sequences of 100 steps, H 64, X 16.
const [B, T, H, X] = [32, 100, 64, 16];
const W = type1Weights(H, X);
const S = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: X }, (_, k) => Math.sin(b + 3 * t + 7 * k))));

/** What a page reports: how the threads went, the outputs, and the times of one call. */
interface Visit {
  availableBefore: boolean;
  threadsBefore: number;
  ready: number;
  threadsAfter: number;
  availableAfter: boolean;
  /** Whether every array of the two-thread results has the one-thread results' bits. */
  sameBits: boolean;
  /** The one-thread outputs, for Node's. */
  outputs: number[][];
  /** What a second set of weights with threads(2) got, and what demanding threads did. */
  later: { threads: number; ready: number };
  demanded: string;
  ms: { one: number; two: number };
  console: string[];
}

describe.skipIf(missing !== undefined)('threads in Chromium under a Content-Security-Policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-threads-browser-'));
  const app = join(dir, 'app');
  let context: BrowserContext;
  let blocked: Visit;
  let allowed: Visit;

  beforeAll(async () => {
    // A page that puts the package's browser entry (the built one) on window.
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>threads</title></head><body><script type="module" src="./main.js"></script></body></html>');
    writeFileSync(join(dir, 'main.js'), `import * as cells from ${JSON.stringify(join(ROOT, 'dist/src/index.js'))};\nwindow.cells = cells;\n`);
    await build({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: app, emptyOutDir: true, reportCompressedSize: false } });
    context = await launchChromium(join(dir, 'profile'));
    blocked = await visit(BASE_POLICY);
    allowed = await visit(`${BASE_POLICY}; worker-src blob:`);
  });
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function visit(policy: string): Promise<Visit> {
    const tab = await context.newPage();
    const seen: string[] = [];
    tab.on('console', (m) => seen.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => seen.push(`uncaught: ${e.message}`));
    await tab.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      const file = join(app, url.pathname === '/' ? 'index.html' : url.pathname);
      if (url.origin !== ORIGIN) return route.abort();
      let body: Buffer;
      try {
        body = readFileSync(file);
      } catch {
        return route.fulfill({ status: 404 });
      }
      return route.fulfill({ status: 200, contentType: TYPES[extname(file)], headers: { ...ISOLATION, 'Content-Security-Policy': policy }, body });
    });
    await tab.goto(`${ORIGIN}/`);
    await tab.waitForFunction(() => window.cells !== undefined, null, { timeout: 20_000 });
    const page = await tab.evaluate(
      async ({ W, S }) => {
        const c = window.cells!;
        const one = c.prepareWeights('type1', W);
        const availableBefore = c.threadsAvailable();
        const two = c.prepareWeights('type1', W, { threads: c.threads(2) });
        const threadsBefore = two.threads;
        const ready = await two.threadsReady;
        const threadsAfter = two.threads;
        const availableAfter = c.threadsAvailable();
        const a = c.lstmType1Batch(S, one);
        const b = c.lstmType1Batch(S, two);
        const same = (x: Float64Array, y: Float64Array) => x.length === y.length && new Uint8Array(x.buffer, x.byteOffset, x.byteLength).every((v, k) => v === new Uint8Array(y.buffer, y.byteOffset, y.byteLength)[k]);
        const keys = ['output', 'cellState', 'inputGate', 'forgetGate', 'outputGate', 'cellInput'] as const;
        const sameBits = a.every((r, k) => keys.every((key) => same(r[key], b[k][key])));
        // Side by side: calls on one thread and on two alternate (so load on the machine falls on
        // both alike), 5 of each to warm up, then the median of 21 of each.
        const times = { one: [] as number[], two: [] as number[] };
        for (let k = 0; k < 26; k++) {
          for (const [name, P] of [['one', one], ['two', two]] as const) {
            const t0 = performance.now();
            c.lstmType1Batch(S, P, { trace: 'output' });
            if (k >= 5) times[name].push(performance.now() - t0);
          }
        }
        const median = (ms: number[]) => ms.sort((x, y) => x - y)[ms.length >> 1];
        const ms = { one: median(times.one), two: median(times.two) };
        const later = c.prepareWeights('type1', W, { threads: c.threads(2) });
        const laterReady = await later.threadsReady;
        let demanded = 'no error';
        try {
          const P = c.prepareWeights('type1', W, { threads: c.threads(2, { required: true }) });
          await P.threadsReady;
          c.lstmType1Batch(S.slice(0, 4), P);
        } catch (error) {
          demanded = String(error);
        }
        // Give a late worker's error event the time to say anything more.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { availableBefore, threadsBefore, ready, threadsAfter, availableAfter, sameBits, outputs: a.map((r) => Array.from(r.output)), later: { threads: later.threads, ready: laterReady }, demanded, ms };
      },
      { W, S },
    );
    await tab.close();
    return { ...page, console: seen };
  }

  const node = lstmType1Batch(S, W).map((r) => Array.from(r.output));

  it('should fall back to one thread with the same bits without worker-src blob:, warn once naming the directive, and say so', () => {
    console.log(`threads in Chromium, a batch of ${B} x ${T} steps, H ${H}, X ${X}, policy without worker-src: one thread ${blocked.ms.one.toFixed(1)} ms, threads(2) ${blocked.ms.two.toFixed(1)} ms`);
    expect(blocked).toMatchObject({ availableBefore: true, threadsBefore: 2, ready: 1, threadsAfter: 1, availableAfter: false, sameBits: true, later: { threads: 1, ready: 1 } });
    expect(blocked.outputs).toEqual(node);
    // The first weights tried and were refused; nothing after them tries again, so the browser
    // reports one violation, and the package one warning, though three sets of weights asked.
    expect(blocked.console).toEqual([expect.stringMatching(/^error: Creating a worker from 'blob:.+' violates the following Content Security Policy directive: "script-src 'self' 'wasm-unsafe-eval'"\. Note that 'worker-src' was not explicitly set/), `warning: ${WARNING}`]);
    expect(blocked.demanded).toBe(`Error: ${WARNING.replace('threads(2) is running on one thread', 'threads(2, { required: true }) cannot run')}`);
  });

  it('should run two threads, with the same bits, where worker-src allows blob:', () => {
    console.log(`threads in Chromium, a batch of ${B} x ${T} steps, H ${H}, X ${X}, policy with worker-src blob:: one thread ${allowed.ms.one.toFixed(1)} ms, threads(2) ${allowed.ms.two.toFixed(1)} ms`);
    expect(allowed).toMatchObject({ availableBefore: true, threadsBefore: 2, ready: 2, threadsAfter: 2, availableAfter: true, sameBits: true, later: { threads: 2, ready: 2 }, demanded: 'no error' });
    expect(allowed.outputs).toEqual(node);
    expect(allowed.console).toEqual([]);
  });
});
