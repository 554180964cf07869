/**
 * `lstm-parity serve` in this process (so coverage sees it): what it serves and with which
 * headers, what it refuses, bad ports, and a clean stop. The real binary, Ctrl-C and the page in
 * Chromium are test/playground-browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lifecycle } from '../src/cli/lifecycle.js';
import { CONTENT_SECURITY_POLICY, interrupted, serveCommand, startPlayground, type Playground } from '../src/cli/serve.js';
import { ROOT } from './helpers/cli.js';
import { runMain } from './helpers/in-process.js';

/** A raw GET (or another method) with the path sent exactly as given, unlike fetch, which resolves "..". */
function raw(url: string, path: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.host === undefined ? {} : { host: options.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the playground server', () => {
  let playground: Playground;

  beforeAll(async () => {
    playground = await startPlayground(0);
  });
  afterAll(async () => {
    await playground?.close();
  });

  it('should listen on 127.0.0.1 and serve the page with a policy that allows its own origin alone', async () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(playground.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toBe(readFileSync(join(ROOT, 'dist/playground/index.html'), 'utf8'));
    expect(await (await fetch(new URL('index.html', playground.url))).text()).toBe(html);
    // Every asset the page names, with its type; nothing it names comes from elsewhere.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((ref) => ref !== 'data:,');
    expect(assets.length).toBe(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\.\/assets\//);
      const response = await fetch(new URL(asset, playground.url));
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
  });

  it('should serve the golden corpus byte for byte, as the manifest lists it', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    expect(await (await fetch(new URL('golden/MANIFEST.json', playground.url))).json()).toEqual(manifest);
    for (const path of ['type1/seed-shape.json', 'type2/wide-well-scaled.json']) {
      const response = await fetch(new URL(`golden/${path}`, playground.url));
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex')).toBe(manifest.files[path].sha256);
    }
  });

  it('should answer HEAD without a body', async () => {
    const head = await raw(playground.url, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(readFileSync(join(ROOT, 'dist/playground/index.html')).length);
  });

  it('should refuse every other path, every other method and every other host', async () => {
    for (const path of ['/package.json', '/golden/../package.json', '/assets/../../../package.json', '/golden/%2e%2e/package.json', '/golden/type1/nope.json', '/reference/worker.py', '/dist/src/index.js']) {
      const response = await raw(playground.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toMatch(/: not found\n$/);
    }
    const post = await raw(playground.url, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    // DNS rebinding: a page from another name that resolves here must not read the corpus.
    const rebound = await raw(playground.url, '/golden/MANIFEST.json', { host: 'attacker.example' });
    expect(rebound.status).toBe(421);
    const { port } = new URL(playground.url);
    expect((await raw(playground.url, '/', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('should serve the page without a golden corpus, and refuse to start without a built page', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lstm-parity-serve-'));
    try {
      await expect(startPlayground(0, root)).rejects.toThrow(`${join(root, 'dist/playground/index.html')} is missing: the playground is built by npm run build`);
      mkdirSync(join(root, 'dist/playground/assets'), { recursive: true });
      writeFileSync(join(root, 'dist/playground/index.html'), '<!doctype html>');
      const bare = await startPlayground(0, root);
      try {
        expect((await fetch(bare.url)).status).toBe(200);
        expect((await fetch(new URL('golden/MANIFEST.json', bare.url))).status).toBe(404);
      } finally {
        await bare.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Bytes sent as they are on a fresh connection, and everything that comes back until it closes. */
function rawSocket(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}

describe('the playground server under hostile requests and a changing corpus', () => {
  let root: string;
  let playground: Playground;
  const secret = 'a file outside the corpus\n';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lstm-parity-serve-hostile-'));
    cpSync(join(ROOT, 'dist/playground'), join(root, 'dist/playground'), { recursive: true });
    cpSync(join(ROOT, 'golden'), join(root, 'golden'), { recursive: true });
    writeFileSync(join(root, 'secret.txt'), secret);
    // Listed, but a link when the server starts: never served.
    unlinkSync(join(root, 'golden/type2/one-step.json'));
    symlinkSync(join(root, 'secret.txt'), join(root, 'golden/type2/one-step.json'));
    playground = await startPlayground(0, root);
  });
  afterAll(async () => {
    await playground?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const host = () => `127.0.0.1:${new URL(playground.url).port}`;

  it('should answer a request-target that is not a URL with 400 and keep serving', async () => {
    for (const target of ['http://[', 'http://[::1', 'http://%zz/', 'http://a:99999/']) {
      const answer = await rawSocket(playground.url, `GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    // A request the HTTP parser itself refuses gets its 400 from Node, and the server lives on.
    expect(await rawSocket(playground.url, 'GET / HTTP/1.1\r\nHost: \u0000\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawSocket(playground.url, '\u0016\u0003\u0001 not http at all\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    const page = await rawSocket(playground.url, `GET / HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    expect(page).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('should serve only the regular files listed at start: a listed file that was a link is not served', async () => {
    const response = await raw(playground.url, '/golden/type2/one-step.json');
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(secret);
  });

  it('should refuse a listed file replaced by a link or by another file (403), and answer 410 for one that vanished', async () => {
    const served = (path: string) => raw(playground.url, `/golden/${path}`);
    expect((await served('type1/seed-shape.json')).status).toBe(200);
    unlinkSync(join(root, 'golden/type1/seed-shape.json'));
    symlinkSync(join(root, 'secret.txt'), join(root, 'golden/type1/seed-shape.json'));
    const linked = await served('type1/seed-shape.json');
    expect(linked).toMatchObject({ status: 403, body: '/golden/type1/seed-shape.json: now a symbolic link; links are not followed\n' });

    writeFileSync(join(root, 'other.json'), secret);
    renameSync(join(root, 'other.json'), join(root, 'golden/type1/one-step.json'));
    const replaced = await served('type1/one-step.json');
    expect(replaced).toMatchObject({ status: 403, body: '/golden/type1/one-step.json: no longer the regular file listed when the server started\n' });

    // A socket where a listed file was cannot even be opened.
    unlinkSync(join(root, 'golden/type1/negative-zero.json'));
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(join(root, 'golden/type1/negative-zero.json'), resolve));
    try {
      expect(await served('type1/negative-zero.json')).toMatchObject({ status: 403, body: '/golden/type1/negative-zero.json: no longer the regular file listed when the server started (ENXIO)\n' });
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }

    unlinkSync(join(root, 'golden/type1/nan-input.json'));
    expect(await served('type1/nan-input.json')).toMatchObject({ status: 410, body: '/golden/type1/nan-input.json: gone since the server started\n' });
    rmSync(join(root, 'golden/type2'), { recursive: true });
    expect((await served('type2/seed-shape.json')).status).toBe(410);
    // The server lives on, and what is unchanged is served as before.
    expect((await served('type1/long-sequence.json')).status).toBe(200);
    expect((await raw(playground.url, '/')).status).toBe(200);
  });
});

describe('lstm-parity serve', () => {
  it('should exit 2 with one line for a bad port, and for a port in use', async () => {
    for (const [port, message] of [
      ['abc', '--port: expected an integer >= 0, got "abc"'],
      ['8417.5', '--port: expected an integer >= 0, got "8417.5"'],
      ['65536', '--port: expected an integer from 0 to 65535, got "65536"'],
    ]) {
      const result = await runMain(['serve', '--port', port]);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `lstm-parity: ${message}\n` });
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runMain(['serve', '--port', String(port)]);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `lstm-parity: --port ${port}: the port is in use on 127.0.0.1; pick another, or 0 for any free port\n` });
    } finally {
      taken.close();
    }
    expect((await runMain(['serve', '--help'])).stdout).toMatch(/^usage: lstm-parity serve \[--port N\]/);
  });

  it('should print its URL, serve until told to stop, then close and exit 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    let url = '';
    try {
      const code = await serveCommand(['--port', '0'], async () => {
        url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out.join(''))![0];
        expect((await fetch(url)).status).toBe(200);
      });
      expect(code).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(out.join('')).toBe(`lstm-parity playground: ${url} (Ctrl-C to stop)\n`);
    expect(err.join('')).toBe('lstm-parity playground: stopped\n');
    await expect(fetch(url)).rejects.toThrow();
  });

  it('should stop at SIGINT or SIGTERM, and stop listening for both', async () => {
    // Emitted on this process, not sent: only the listeners are called, and none but ours are there.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(0);
      const stop = interrupted();
      expect(lifecycle.interruptTaken).toBe(true);
      process.emit(signal, signal);
      await expect(stop).resolves.toBe(signal);
      expect(lifecycle.interruptTaken).toBe(false);
      expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(0);
    }
  });
});
