/**
 * `lstm-parity serve`: the playground (dist/playground/, built with the package) and the golden
 * corpus (golden/, shipped with it) on http://127.0.0.1:PORT/, for a browser on this machine.
 *
 * Only files known in advance are served: the page's own files, and golden/MANIFEST.json with the
 * files it lists; every other path is a 404, so no path can reach outside them. Every answer
 * carries a Content-Security-Policy that allows this origin alone (and 'wasm-unsafe-eval', which
 * the WebAssembly kernel needs), so the page cannot load anything from the network even by
 * mistake. A Host header other than this server's own is refused (DNS rebinding). Ctrl-C (SIGINT)
 * or SIGTERM closes the server, open connections included, and the command exits 0.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readManifest } from '../golden/files.js';
import { packageRoot } from '../package-root.js';
import { EXIT_OK, UsageError } from './usage-error.js';
import { integerOption } from './args.js';
import { lifecycle } from './lifecycle.js';
import { printErr, printOut } from './terminal.js';

export const DEFAULT_PORT = 8417;

export const SERVE_USAGE = `usage: lstm-parity serve [--port N]

Serves the playground on http://127.0.0.1:N/ for a browser on this machine: pick a golden case or
paste one, run either cell in the browser on WebAssembly SIMD or JavaScript, and see the outputs
and their distance from NumPy's as heatmaps, and the time per call. Ctrl-C stops it.
  --port N   the port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

export interface Playground {
  url: string;
  close(): Promise<void>;
}

/** URL path to file, for every file the server may send. */
function servedFiles(root: string): Map<string, string> {
  const page = join(root, 'dist', 'playground');
  if (!existsSync(join(page, 'index.html'))) throw new Error(`${join(page, 'index.html')} is missing: the playground is built by npm run build`);
  const files = new Map<string, string>([['/', join(page, 'index.html')]]);
  for (const name of readdirSync(join(page, 'assets'))) files.set(`/assets/${name}`, join(page, 'assets', name));
  const golden = join(root, 'golden');
  if (existsSync(join(golden, 'MANIFEST.json'))) {
    files.set('/golden/MANIFEST.json', join(golden, 'MANIFEST.json'));
    for (const path of Object.keys(readManifest(golden).files)) files.set(`/golden/${path}`, join(golden, path));
  }
  return files;
}

function answer(res: ServerResponse, status: number, type: string, body: Buffer | string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(head ? undefined : body);
}

/**
 * Starts the server on 127.0.0.1:`port` (0: any free port). Rejects with a UsageError when the
 * port is taken or not allowed.
 */
export async function startPlayground(port: number, root = packageRoot()): Promise<Playground> {
  const files = servedFiles(root);
  let origin = '';
  let hosts = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return answer(res, 405, 'text/plain', 'only GET and HEAD\n', false, { Allow: 'GET, HEAD' });
    if (!hosts.has(req.headers.host ?? '')) return answer(res, 421, 'text/plain', `this server answers to ${origin} only\n`, head);
    const path = new URL(req.url ?? '/', origin).pathname;
    const file = files.get(path === '/index.html' ? '/' : path);
    if (file === undefined) return answer(res, 404, 'text/plain', `${path}: not found\n`, head);
    answer(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file), head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UsageError(`--port ${port}: the port is in use on 127.0.0.1; pick another, or 0 for any free port`));
      else if (error.code === 'EACCES') reject(new UsageError(`--port ${port}: not allowed to listen on it here; pick another, or 0 for any free port`));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  origin = `http://127.0.0.1:${address.port}`;
  hosts = new Set([`127.0.0.1:${address.port}`, `localhost:${address.port}`]);
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Resolves at the first SIGINT or SIGTERM (and stops listening for both then). */
export function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    // Ctrl-C is how the server stops, with 0: the CLI's own handler (./lifecycle.ts) steps aside.
    const release = lifecycle.takeInterrupt();
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      release();
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Serves until `until` settles (by default Ctrl-C or SIGTERM), then closes and returns 0. */
export async function serveCommand(argv: string[], until: () => Promise<unknown> = interrupted): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, strict: true, allowPositionals: false });
  const port = integerOption('port', values.port, DEFAULT_PORT);
  if (port > 65535) throw new UsageError(`--port: expected an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const playground = await startPlayground(port);
  printOut([`lstm-parity playground: ${playground.url} (Ctrl-C to stop)`]);
  try {
    await until();
  } finally {
    await playground.close();
  }
  printErr(['lstm-parity playground: stopped']);
  return EXIT_OK;
}
