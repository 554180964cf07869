/**
 * ONNX Runtime's LSTM kernel through onnxruntime-web, in a headless Chromium: its WebAssembly
 * build (the `wasm` execution provider, one thread), float32, type 1, the model of the other ONNX
 * Runtime adapters (./onnx-model.ts; the mapping is in ./onnxruntime-node.ts).
 *
 * Chromium is the system's (`LSTM_PARITY_CHROMIUM`, default /usr/bin/chromium: Debian's package),
 * driven by playwright-core, which downloads no browser. The page is served by route from
 * onnxruntime-web's dist/ on an origin that never reaches the network (the context is offline).
 * Each case crosses into the page as arrays, runs in a session kept per (cases, X, H), and comes
 * back as arrays: float32 values are exact in a JavaScript number each way.
 *
 * Like onnxruntime-node, onnxruntime-web is no dependency of this package (139 MB installed): it is
 * loaded from the npm prefix `LSTM_PARITY_JS_PEERS` names, else as Node resolves it beside this
 * package, and so is playwright-core (a devDependency of this repository). Missing, or without a
 * Chromium, opening the adapter throws PeerUnavailableError with the one line that fixes it.
 */
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CellType } from '../cells/schema.js';
import type { CaseInput, Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { lstmModel, ONNX_BATCH, ONNX_DOUBLE, ONNX_FLOAT, onnxFeeds, runOnnxBatch } from './onnx-model.js';
import { JS_PEERS_ENV, ONNXRUNTIME_NODE_VERSION } from './onnxruntime-node.js';
import { PeerUnavailableError } from './peer-unavailable.js';

/** The line that installs onnxruntime-web where the adapter finds it. */
export const ONNXRUNTIME_WEB_INSTALL = `npm install --prefix ~/.cache/lstm-parity/js-peers onnxruntime-web@${ONNXRUNTIME_NODE_VERSION} playwright-core, then set ${JS_PEERS_ENV}=~/.cache/lstm-parity/js-peers`;

const ORIGIN = 'http://localhost:8433';
/** The flags of scripts/headless-chromium.ts: no sandbox (containers), no GPU, no background traffic. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Page {
  evaluate<R, A>(fn: string | ((arg: A) => R | Promise<R>), arg?: A): Promise<R>;
  goto(url: string): Promise<unknown>;
  on(event: 'console', listener: (message: { text(): string }) => void): void;
}
interface Route {
  request(): { url(): string };
  fulfill(response: { status: number; contentType?: string; body: Buffer | string }): Promise<void>;
}
interface Context {
  route(url: string, handler: (route: Route) => Promise<void>): Promise<void>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
  browser(): { version(): string } | null;
}
interface Playwright {
  chromium: { launchPersistentContext(dir: string, options: Record<string, unknown>): Promise<Context> };
}

/** Resolves `name` (a package, or a file in one) from the JS peers prefix, else from here. */
function resolveFrom(dir: string | undefined, name: string): string {
  return createRequire(dir === undefined ? import.meta.url : join(resolve(dir), 'package.json')).resolve(name);
}

const TYPES: Record<string, string> = { html: 'text/html', mjs: 'text/javascript', js: 'text/javascript', wasm: 'application/wasm' };

/**
 * What the page runs once: onnxruntime-web's WebAssembly build on one thread, and
 * `runLstm(key, model, dtype, feeds, names)`, which keeps a session per key and returns the named
 * outputs as arrays. A string, not a function: a test runner's transform would rewrite the
 * function's `import()` into something the page does not have.
 */
function pageScript(origin: string): string {
  return `(async () => {
  const ort = await import(${JSON.stringify(`${origin}/ort.wasm.min.mjs`)});
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = ${JSON.stringify(`${origin}/`)};
  const sessions = new Map();
  globalThis.hasSession = (key) => sessions.has(key);
  globalThis.runLstm = async (key, model, dtype, feeds, names) => {
    let session = sessions.get(key);
    if (session === undefined) {
      session = ort.InferenceSession.create(Uint8Array.from(model), { executionProviders: ['wasm'], logSeverityLevel: 4 });
      sessions.set(key, session);
      session.catch(() => sessions.delete(key));
    }
    const tensors = {};
    for (const [name, [data, dims]] of Object.entries(feeds)) tensors[name] = new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data), dims);
    const out = await (await session).run(tensors);
    return names.map((name) => Array.from(out[name].data));
  };
})()`;
}

/**
 * ONNX Runtime's LSTM in onnxruntime-web's WebAssembly build, in a headless Chromium.
 * @throws PeerUnavailableError when onnxruntime-web, playwright-core or Chromium is missing, or the precision cannot run.
 */
export async function onnxruntimeWebImplementation(dtype: 'float32' | 'float64'): Promise<Implementation> {
  const dir = process.env[JS_PEERS_ENV] || undefined;
  const where = dir === undefined ? '' : ` in ${JS_PEERS_ENV}=${dir}`;
  let dist: string;
  let playwright: Playwright;
  try {
    // Its CommonJS entry is dist/ort.min.js; the page takes the ES module beside it.
    dist = dirname(resolveFrom(dir, 'onnxruntime-web'));
  } catch (error) {
    throw new PeerUnavailableError(`onnxruntime-web is not installed${where} (${(error as Error).message.split('\n')[0]}); install it: ${ONNXRUNTIME_WEB_INSTALL}`);
  }
  try {
    let path: string;
    try {
      path = resolveFrom(dir, 'playwright-core');
    } catch {
      path = resolveFrom(undefined, 'playwright-core');
    }
    const module = (await import(pathToFileURL(path).href)) as Playwright & { default?: Playwright };
    playwright = module.chromium === undefined && module.default !== undefined ? module.default : module;
  } catch (error) {
    throw new PeerUnavailableError(`playwright-core is not installed${where} (${(error as Error).message.split('\n')[0]}); install it: ${ONNXRUNTIME_WEB_INSTALL}`);
  }
  const chromium = process.env.LSTM_PARITY_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new PeerUnavailableError(`onnxruntime-web needs a Chromium: ${chromium} not found (apt-get install -y chromium, or set LSTM_PARITY_CHROMIUM)`);
  const version = (JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { version: string }).version;

  const profile = mkdtempSync(join(tmpdir(), 'lstm-parity-ort-web-'));
  let context: Context | undefined;
  try {
    context = await playwright.chromium.launchPersistentContext(profile, { executablePath: chromium, headless: true, args: CHROMIUM_ARGS, offline: true });
    await context.route(`${ORIGIN}/**`, async (route) => {
      const file = new URL(route.request().url()).pathname.slice(1);
      if (file === '' || file === 'index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>onnxruntime-web</title>' });
      const path = resolve(dist, file);
      if (!path.startsWith(dist + sep) || !existsSync(path)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, contentType: TYPES[file.split('.').pop()!] ?? 'application/octet-stream', body: readFileSync(path) });
    });
    const page = await context.newPage();
    await page.goto(`${ORIGIN}/index.html`);
    await page.evaluate(pageScript(ORIGIN));
    const browserVersion = context.browser()?.version() ?? 'Chromium';
    const modelType = dtype === 'float64' ? ONNX_DOUBLE : ONNX_FLOAT;

    const runGroup = async (cases: readonly CaseInput[], T: number, X: number, H: number): Promise<ImplementationOutputs[]> => {
      const key = `${cases.length} ${X} ${H}`;
      const known = await page.evaluate((k: string) => (globalThis as unknown as { hasSession(k: string): boolean }).hasSession(k), key);
      const model = known ? undefined : Array.from(lstmModel(cases.length, X, H, modelType));
      const feeds = onnxFeeds(cases, T, X, H);
      const names = cases.flatMap((_, k) => [`Y${k}`, `C${k}`]);
      // NaN and ±∞ do not survive page.evaluate's JSON-like transfer everywhere: send them as strings.
      const encode = (v: number[]) => v.map((x) => (Number.isFinite(x) ? x : String(x))) as unknown as number[];
      const sent = Object.fromEntries(Object.entries(feeds).map(([name, [data, dims]]) => [name, [encode(data), dims] as [number[], number[]]]));
      const out = await page.evaluate(
        async ({ key, model, dtype, sent, names }: { key: string; model: number[] | undefined; dtype: 'float32' | 'float64'; sent: Record<string, [(number | string)[], number[]]>; names: string[] }) => {
          const feeds = Object.fromEntries(Object.entries(sent).map(([name, [data, dims]]) => [name, [data.map(Number), dims]]));
          const run = (globalThis as unknown as { runLstm(...args: unknown[]): Promise<number[][]> }).runLstm;
          const outputs = await run(key, model, dtype, feeds, names);
          return outputs.map((v) => v.map((x) => (Number.isFinite(x) ? x : String(x))));
        },
        { key, model, dtype, sent, names },
      );
      return cases.map((_, k) => ({ Output: Float64Array.from(out[2 * k].map(Number)), cell_state_vectors: Float64Array.from(out[2 * k + 1].map(Number)) }));
    };

    // The page's errors carry the browser's stack after the first line.
    const runBatch = (cell: CellType, cases: readonly CaseInput[]) => runOnnxBatch(cell, cases, runGroup, (error) => new Error(String((error as Error).message ?? error).split('\n')[0]));

    const close = async () => {
      await context?.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    };
    const name = `onnxruntime-web-${dtype}`;
    if (dtype === 'float64') {
      const zero = { S: [[0]], W: Object.fromEntries(['w_i', 'w_g', 'w_c', 'w_o', 'u_i', 'u_g', 'u_c', 'u_o', 'b_i', 'b_g', 'b_c', 'b_o'].map((key) => [key, key.startsWith('b_') ? [0] : [[0]]])) };
      const [result] = await runBatch('type1', [zero]);
      if (result instanceof Error) {
        await close();
        const said = result.message.split('ERROR_MESSAGE: ').pop()!.replace(/\s+/g, ' ').trim();
        throw new PeerUnavailableError(`${name}: onnxruntime-web ${version} (wasm) cannot run an LSTM in float64: "${said}"`);
      }
    }
    return {
      name,
      version: `onnxruntime-web ${version} (wasm, one thread), Chromium ${browserVersion}`,
      cells: ['type1'],
      dtype,
      keys: ['Output', 'cell_state_vectors'],
      batch: ONNX_BATCH,
      runBatch,
      async run(cell, S, W) {
        const [result] = await runBatch(cell, [{ S, W }]);
        if (result instanceof Error) throw result;
        return result;
      },
      close,
    };
  } catch (error) {
    if (error instanceof PeerUnavailableError) throw error;
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw new PeerUnavailableError(`onnxruntime-web could not be started in ${chromium}: ${(error as Error).message.split('\n')[0]}`);
  }
}
