/**
 * `lstm-parity serve`: the playground (dist/playground/, built with the package) and the golden
 * corpus (golden/, shipped with it) on http://127.0.0.1:PORT/, for a browser on this machine.
 *
 * Only files known in advance are served: the page's own files, and golden/MANIFEST.json with the
 * files it lists, each a regular file when the server starts (a link or anything else is left
 * out); every other path is a 404, so no path can reach outside them. A file is opened without
 * following a link (O_NOFOLLOW) and must still be the very file listed at start (same device and
 * inode, a regular file): one replaced by a link or another file is refused (403), one that
 * vanished is gone (410). A request-target that is not a URL is a 400, and nothing a request does
 * stops the server: an unexpected failure is a 500 for that request alone. Every answer
 * carries a Content-Security-Policy that allows this origin alone (and 'wasm-unsafe-eval', which
 * the WebAssembly kernel needs), so the page cannot load anything from the network even by
 * mistake. A Host header other than this server's own is refused (DNS rebinding). Ctrl-C (SIGINT)
 * or SIGTERM closes the server, open connections included, and the command exits 0.
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_GOLDEN_FILE_BYTES, readManifest } from '../golden/files.js';
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

/** A file the server may send: where it is, and which file it was when the server started. */
interface Served {
  path: string;
  dev: number;
  ino: number;
}

/** URL path to file, for every file the server may send: regular files only, as they are now. */
function servedFiles(root: string): Map<string, Served> {
  const page = join(root, 'dist', 'playground');
  if (!existsSync(join(page, 'index.html'))) throw new Error(`${join(page, 'index.html')} is missing: the playground is built by npm run build`);
  const files = new Map<string, Served>();
  const add = (url: string, path: string) => {
    const entry = lstatSync(path, { throwIfNoEntry: false });
    if (entry?.isFile()) files.set(url, { path, dev: entry.dev, ino: entry.ino });
  };
  add('/', join(page, 'index.html'));
  for (const name of readdirSync(join(page, 'assets'))) add(`/assets/${name}`, join(page, 'assets', name));
  const golden = join(root, 'golden');
  if (existsSync(join(golden, 'MANIFEST.json'))) {
    add('/golden/MANIFEST.json', join(golden, 'MANIFEST.json'));
    for (const path of Object.keys(readManifest(golden).files)) add(`/golden/${path}`, join(golden, path));
  }
  return files;
}

/** What a listed file holds now, or the status that says why it cannot be sent. */
function readServed(file: Served): Buffer | { status: 403 | 410; why: string } {
  let fd: number;
  try {
    fd = openSync(file.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 410, why: 'gone since the server started' };
    if (code === 'ELOOP') return { status: 403, why: 'now a symbolic link; links are not followed' };
    // A socket (ENXIO) or a file made unreadable: not the file listed at start either.
    return { status: 403, why: `no longer the regular file listed when the server started (${code})` };
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile() || now.dev !== file.dev || now.ino !== file.ino) return { status: 403, why: 'no longer the regular file listed when the server started' };
    if (now.size > MAX_GOLDEN_FILE_BYTES) return { status: 403, why: `over the ${MAX_GOLDEN_FILE_BYTES / 1024 / 1024} MiB limit for a file served` };
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The path of a request-target, or undefined when it is not one (`http://[`). */
function pathOf(target: string, origin: string): string | undefined {
  try {
    return new URL(target, origin).pathname;
  } catch {
    return undefined;
  }
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
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return answer(res, 405, 'text/plain', 'only GET and HEAD\n', false, { Allow: 'GET, HEAD' });
    if (!hosts.has(req.headers.host ?? '')) return answer(res, 421, 'text/plain', `this server answers to ${origin} only\n`, head);
    const path = pathOf(req.url ?? '/', origin);
    if (path === undefined) return answer(res, 400, 'text/plain', 'the request-target is not a URL path\n', head);
    const file = files.get(path === '/index.html' ? '/' : path);
    if (file === undefined) return answer(res, 404, 'text/plain', `${path}: not found\n`, head);
    const body = readServed(file);
    if (!Buffer.isBuffer(body)) return answer(res, body.status, 'text/plain', `${path}: ${body.why}\n`, head);
    answer(res, 200, TYPES[extname(file.path)] ?? 'application/octet-stream', body, head);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch {
      // One request's failure (a file unreadable for a reason nobody foresaw) is that request's alone.
      if (!res.headersSent) answer(res, 500, 'text/plain', 'the file could not be read\n', req.method === 'HEAD');
      else res.destroy();
    }
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
