// The callbacks given to tab.evaluate run in the page, so this file needs the DOM's types.
/// <reference lib="dom" />
/**
 * The package as a user gets it: `npm pack`'s contents, then the tarball installed into a fresh
 * copy of examples/browser (offline, test/helpers/offline-install.ts) and built with Vite: no
 * warning, no Node module in the bundle, and an app that imports one cell within its size budget.
 * The built example then runs both cells in Chromium, with and without a Content-Security-Policy
 * that forbids compiling WebAssembly.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import type { BrowserContext } from 'playwright-core';
import { build, createLogger, type Logger, type Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmType1, lstmType2 } from '../src/index.js';
import { FLOAT64_TOLERANCE, agreement } from '../src/judge/tolerance.js';
import { ulpDistance } from '../src/numeric/ulp.js';
import { chromiumMissing, launchChromium } from '../scripts/headless-chromium.js';
import { exampleSequence, exampleType1Weights, exampleType2Weights } from '../examples/browser/src/case.js';
import type { ExampleResults } from '../examples/browser/src/main.js';
import { ROOT } from './helpers/cli.js';
import { appLockfile } from './helpers/offline-install.js';

/** An app that imports one cell may weigh this much JavaScript, gzipped (issue 15). */
const BUDGET_GZIP_BYTES = 30 * 1024;

interface PackedFile {
  path: string;
  size: number;
}
interface Pack {
  filename: string;
  integrity: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  devDependencies: Record<string, string>;
};

const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-package-'));
let pack: Pack;
let paths: Set<string>;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  // npm test has just built dist/; the scripts would build it again (prepack).
  const { stdout } = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
  [pack] = JSON.parse(stdout) as Pack[];
  paths = new Set(pack.files.map((f) => f.path));
  console.log(`npm pack: ${pack.filename}, ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} kB packed, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('should hold the entry points with their types, the CLI, the NumPy reference, the golden corpus, README and LICENSE', () => {
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
    for (const target of targets) expect(paths, target).toContain(target.replace(/^\.\//, ''));
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'reference/worker.py', 'reference/lstm_reference.py', 'golden/MANIFEST.json', 'dist/playground/index.html']) expect(paths, file).toContain(file);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
    for (const file of Object.keys(manifest.files)) expect(paths, file).toContain(`golden/${file}`);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the lstm-parity authors\n/);
    // Every module has its declarations.
    const modules = [...paths].filter((p) => p.startsWith('dist/src/') && p.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(40);
    expect(modules.filter((p) => !paths.has(p.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('should ship nothing else: no build scripts, no source maps without their sources, no tests', () => {
    // reference/peers/ holds the Python peers' scripts, which the torch and onnx adapters start.
    const allowed = /^(bin\/|dist\/src\/|dist\/playground\/|golden\/|reference\/(peers\/)?[a-z_]+\.py$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/;
    expect([...paths].filter((p) => !allowed.test(p))).toEqual([]);
    for (const script of ['reference/lstm_protocol.py', 'reference/peers/torch_lstm.py', 'reference/peers/onnx_lstm.py']) expect(paths, script).toContain(script);
    expect([...paths].filter((p) => p.startsWith('dist/scripts/') || p.endsWith('.map') || p.startsWith('src/') || p.includes('__pycache__'))).toEqual([]);
  });

  it('should run no script when installed', () => {
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts, script).not.toHaveProperty(script);
    expect(pkg.scripts.prepack).toBe('npm run build');
  });
});

/** A Vite production build of the app at `root`; what it warned, which modules it bundled, and its JavaScript. */
async function viteBuild(root: string) {
  const warnings: string[] = [];
  const logger: Logger = { ...createLogger('warn'), warn: (msg) => warnings.push(msg), warnOnce: (msg) => warnings.push(msg), error: (msg) => warnings.push(`error: ${msg}`) };
  const modules: string[] = [];
  const collect: Plugin = {
    name: 'collect-modules',
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk') modules.push(...Object.keys(chunk.modules));
    },
  };
  await build({ root, configFile: false, logLevel: 'warn', customLogger: logger, plugins: [collect], build: { outDir: 'dist', emptyOutDir: true, reportCompressedSize: false } });
  const assets = join(root, 'dist/assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f)));
  const bytes = scripts.reduce((n, s) => n + s.length, 0);
  const gzipBytes = scripts.reduce((n, s) => n + gzipSync(s).length, 0);
  return { warnings, modules, code: scripts.map(String).join('\n'), bytes, gzipBytes };
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

describe('a Vite app built from the packed tarball', () => {
  const app = join(dir, 'app');
  let install: { all: string };
  let example: Awaited<ReturnType<typeof viteBuild>>;

  beforeAll(async () => {
    // The example as a user copies it, with lstm-parity from this tarball; Vite is this
    // repository's own, at the version the example pins.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'examples/browser/package.json'), 'utf8')) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.dependencies['lstm-parity']).toBe(`file:../../${pack.filename}`);
    expect(manifest.devDependencies.vite).toBe(pkg.devDependencies.vite);
    cpSync(join(ROOT, 'examples/browser'), app, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|package-lock\.json)$/.test(src) });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: manifest.name, private: true, type: 'module', dependencies: { 'lstm-parity': `file:../${pack.filename}` } }, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(manifest.name, pack), null, 2));
    install = await execa('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app, all: true, env: { npm_config_loglevel: 'warn' } });
    example = await viteBuild(app);
  });

  it('should install from the tarball with no warning', () => {
    expect(install.all.split('\n').filter((line) => /warn|err/i.test(line))).toEqual([]);
    expect(existsSync(join(app, 'node_modules/lstm-parity/dist/src/index.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/.bin/lstm-parity'))).toBe(true);
  });

  it('should serve the playground and the golden corpus from the installed package (npx lstm-parity serve)', async () => {
    const server = execa(join(app, 'node_modules/.bin/lstm-parity'), ['serve', '--port', '0'], { cwd: app, reject: false });
    try {
      const url = await new Promise<string>((resolve) => {
        let out = '';
        server.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match !== null) resolve(match[1]);
        });
      });
      const page = await (await fetch(url)).text();
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page)![1];
      expect((await fetch(new URL(script, url))).status).toBe(200);
      expect((await fetch(new URL('golden/type2/seed-shape.json', url))).status).toBe(200);
    } finally {
      server.kill('SIGINT');
    }
    expect((await server).exitCode).toBe(0);
  });

  it('should build the example (both cells) with no warning and no Node module in the bundle', async () => {
    console.log(`bundle: the example (both cells) is ${kB(example.bytes)} of JavaScript, ${kB(example.gzipBytes)} gzip`);
    expect(example.warnings).toEqual([]);
    expect(example.modules.some((m) => m.includes('node_modules/lstm-parity/dist/src/cells/lstm-type2.js'))).toBe(true);
    expect(example.modules.filter((m) => m.startsWith('node:') || m.includes('__vite-browser-external') || /node_modules\/(execa|echarts|fast-check)\//.test(m))).toEqual([]);
    expect(example.code).not.toMatch(/["'`]node:/);
    // The WebAssembly is inlined: nothing but the page and its script to serve.
    expect(readdirSync(join(app, 'dist/assets')).map((f) => extname(f))).toEqual(['.js']);
  });

  it(`should keep an app that imports one cell within ${kB(BUDGET_GZIP_BYTES)} gzip`, async () => {
    const root = join(app, 'one-cell');
    mkdirSync(root);
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>\n');
    writeFileSync(join(root, 'main.js'), "import { lstmType1 } from 'lstm-parity';\nconst W = JSON.parse(document.getElementById('out').dataset.weights ?? '{}');\ndocument.getElementById('out').textContent = String(lstmType1([], W).steps);\n");
    const oneCell = await viteBuild(root);
    console.log(`bundle: an app that imports lstmType1 alone is ${kB(oneCell.bytes)} of JavaScript, ${kB(oneCell.gzipBytes)} gzip (budget ${kB(BUDGET_GZIP_BYTES)})`);
    expect(oneCell.warnings).toEqual([]);
    expect(oneCell.modules.some((m) => m.includes('lstm-type2'))).toBe(false);
    expect(oneCell.gzipBytes).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  const missing = chromiumMissing();
  if (missing !== undefined) console.warn(`SKIPPED the built example in Chromium: ${missing}`);

  describe.skipIf(missing !== undefined)('the built example in Chromium', () => {
    const ORIGIN = 'http://example.test';
    const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
    let context: BrowserContext;

    /** The example without a Content-Security-Policy, with one that forbids compiling WebAssembly, and with one that allows it. */
    let plain: Visit;
    let strict: Visit;
    let allowed: Visit;

    beforeAll(async () => {
      context = await launchChromium(join(dir, 'profile'));
      plain = await open(undefined);
      strict = await open("script-src 'self'");
      allowed = await open("script-src 'self' 'wasm-unsafe-eval'");
    });
    afterAll(async () => {
      await context?.close();
    });

    interface Visit {
      results: ExampleResults;
      engine: string | null;
      console: string[];
      requests: string[];
    }

    /** Opens the built example, served from ORIGIN with the given Content-Security-Policy (none if undefined). */
    async function open(csp: string | undefined): Promise<Visit> {
      const tab = await context.newPage();
      const seen = { console: [] as string[], requests: [] as string[] };
      tab.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
      tab.on('pageerror', (e) => seen.console.push(`uncaught: ${e.message}`));
      await tab.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        seen.requests.push(url.href);
        const file = join(app, 'dist', url.pathname === '/' ? 'index.html' : url.pathname);
        if (url.origin !== ORIGIN || !existsSync(file)) return route.abort();
        const headers: Record<string, string> = csp === undefined ? {} : { 'Content-Security-Policy': csp };
        return route.fulfill({ status: 200, contentType: TYPES[extname(file)], headers, body: readFileSync(file) });
      });
      await tab.goto(`${ORIGIN}/`);
      await tab.waitForFunction(() => window.lstmParityExample !== undefined, null, { timeout: 20_000 });
      const results = (await tab.evaluate(() => window.lstmParityExample)) as ExampleResults;
      const engine = await tab.locator('#engine').textContent();
      await tab.close();
      return { results, engine, ...seen };
    }

    /** Node's outputs for the example's case. */
    const node = {
      type1: Array.from(lstmType1(exampleSequence(), exampleType1Weights()).output),
      type2: Array.from(lstmType2(exampleSequence(), exampleType2Weights()).output),
    };

    /** Where the browser's outputs and Node's fall outside the float64 tolerance, and their largest ULP distance. */
    function againstNode(results: ExampleResults, cell: 'type1' | 'type2') {
      const actual = results[cell].output;
      const outside = actual.flatMap((v, k) => (agreement(v, node[cell][k], FLOAT64_TOLERANCE) === 'value' ? [`${k}: ${v} vs ${node[cell][k]}`] : []));
      return { outside, maxUlp: Math.max(0, ...actual.map((v, k) => ulpDistance(v, node[cell][k]))) };
    }

    it('should run both cells on WebAssembly SIMD, in agreement with Node, with no console message and no request off its origin', () => {
      expect(plain.console).toEqual([]);
      expect(plain.requests.filter((u) => !u.startsWith(`${ORIGIN}/`))).toEqual([]);
      expect(plain.engine).toBe('WebAssembly SIMD: available');
      expect(plain.results).toMatchObject({ wasmSimd: true, type1: { backend: 'wasm', steps: 12, hidden: 16 }, type2: { backend: 'wasm', steps: 12, hidden: 16 } });
      for (const cell of ['type1', 'type2'] as const) {
        const { outside, maxUlp } = againstNode(plain.results, cell);
        console.log(`example in Chromium, ${cell}: largest distance from Node's outputs ${maxUlp} ULP`);
        expect(outside).toEqual([]);
      }
    });

    it("should fall back to JavaScript, with the same bits, under a Content-Security-Policy without 'wasm-unsafe-eval', and say why when 'wasm' is asked for", () => {
      expect(strict.requests.filter((u) => !u.startsWith(`${ORIGIN}/`))).toEqual([]);
      expect(strict.console).toEqual([]);
      expect(strict.results).toMatchObject({ wasmSimd: false, type1: { backend: 'scalar' }, type2: { backend: 'scalar' } });
      expect(strict.results.wasmRefusal).toMatch(/^lstm-parity: backend 'wasm' needs WebAssembly SIMD: compiling WebAssembly was refused here \(CompileError: .+\); a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src$/);
      expect(strict.engine).toContain('not available here, so the cells run in JavaScript (same bits)');
      // The same bits as WebAssembly gave without the policy.
      expect(strict.results.type1.output).toEqual(plain.results.type1.output);
      expect(strict.results.type2.output).toEqual(plain.results.type2.output);
    });

    it("should use WebAssembly under a Content-Security-Policy that allows 'wasm-unsafe-eval'", () => {
      expect(allowed.console).toEqual([]);
      expect(allowed.results).toMatchObject({ wasmSimd: true, type1: { backend: 'wasm' }, type2: { backend: 'wasm' } });
    });
  });
});
