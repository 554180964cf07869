// The callbacks given to tab.evaluate run in the page, so this file needs the DOM's types.
/// <reference lib="dom" />
/**
 * The two packages as users get them: `npm pack`'s contents of each, then the cells tarball
 * installed into a fresh copy of examples/browser (offline, test/helpers/offline-install.ts) and
 * built with Vite: no warning, no Node module in the bundle, an app that imports one cell within its
 * size budget, and node_modules within the install budget. The built example then runs both cells in
 * Chromium, with and without a Content-Security-Policy that forbids compiling WebAssembly. The
 * harness tarball is installed into an empty folder of its own and serves, runs and loads there.
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
/** An app that installs the cells may hold this much in node_modules: zod (8.2 MB) and the cells. */
const BUDGET_CELLS_INSTALL_KB = 12 * 1024;
/** The harness installed alone: execa, fast-check, zod, its golden corpus and the vendored charts. */
const BUDGET_HARNESS_INSTALL_KB = 24 * 1024;

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

interface Manifest {
  name: string;
  version: string;
  main: string;
  types: string;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const HARNESS_MANIFEST = join(ROOT, 'package.json');
const CELLS_DIR = join(ROOT, 'packages/lstm-parity');
const CELLS_MANIFEST = join(CELLS_DIR, 'package.json');
const harnessPkg = JSON.parse(readFileSync(HARNESS_MANIFEST, 'utf8')) as Manifest & { scripts: Record<string, string>; devDependencies: Record<string, string> };
const cellsPkg = JSON.parse(readFileSync(CELLS_MANIFEST, 'utf8')) as Manifest;

const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-package-'));
let harness: Pack;
let cells: Pack;
const paths = { harness: new Set<string>(), cells: new Set<string>() };

const describePack = (name: string, pack: Pack) => console.log(`npm pack: ${name} ${pack.filename}, ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} kB packed, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked`);

/** The entry files a manifest names: main, types, bins and every export target. */
const targetsOf = (pkg: Manifest) => [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {}), ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))].map((t) => t.replace(/^\.\//, ''));

/** Shipped JavaScript files that still point at a source map (none ships). */
const mapComments = (base: string, files: Iterable<string>) => [...files].filter((p) => p.endsWith('.js') && /\/\/# sourceMappingURL=/.test(readFileSync(join(base, p), 'utf8')));

/** `du -sk` of a folder, in kB, as installs are measured in the issue tracker. */
async function diskKb(folder: string): Promise<number> {
  const { stdout } = await execa('du', ['-sk', folder]);
  return Number(stdout.split(/\s/)[0]);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/node.js')) || !existsSync(join(CELLS_DIR, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  // npm test has just built both; the scripts would build them again (prepack).
  const packed = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
  [harness] = JSON.parse(packed.stdout) as Pack[];
  const packedCells = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, '--workspace', 'packages/lstm-parity'], { cwd: ROOT });
  [cells] = JSON.parse(packedCells.stdout) as Pack[];
  for (const f of harness.files) paths.harness.add(f.path);
  for (const f of cells.files) paths.cells.add(f.path);
  describePack('the harness', harness);
  describePack('the cells', cells);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cells tarball', () => {
  it('should hold its entry point, a declaration for every module, README and LICENSE, and nothing else', () => {
    for (const target of targetsOf(cellsPkg)) expect(paths.cells, target).toContain(target);
    const modules = [...paths.cells].filter((p) => p.endsWith('.js'));
    expect(modules.filter((p) => !paths.cells.has(p.replace(/\.js$/, '.d.ts')))).toEqual([]);
    expect([...paths.cells].filter((p) => !/^(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(p))).toEqual([]);
    // The cells and their schemas only: the judge, the formats and the harness are the other package.
    expect(modules.filter((p) => !/^dist\/(cells\/|index\.js$|version\.js$)/.test(p))).toEqual([]);
    expect(readFileSync(join(CELLS_DIR, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
  });

  it('should depend on zod alone, at the harness version, run no install script, and leave no map comment dangling', () => {
    expect(Object.keys(cellsPkg.dependencies)).toEqual(['zod']);
    expect(cellsPkg.dependencies.zod).toBe(harnessPkg.dependencies.zod);
    expect(cellsPkg.version).toBe(harnessPkg.version);
    expect(cellsPkg.scripts).toBeUndefined();
    expect(mapComments(CELLS_DIR, paths.cells)).toEqual([]);
  });
});

describe('the harness tarball', () => {
  it('should hold the entry points with their types, the CLI, the NumPy reference, the golden corpus, the vendored charts, README and LICENSE', () => {
    for (const target of targetsOf(harnessPkg)) expect(paths.harness, target).toContain(target);
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'reference/worker.py', 'reference/lstm_reference.py', 'golden/MANIFEST.json', 'dist/playground/index.html', 'dist/vendor/echarts.min.js', 'dist/vendor/echarts.LICENSE', 'dist/vendor/echarts.NOTICE']) expect(paths.harness, file).toContain(file);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
    for (const file of Object.keys(manifest.files)) expect(paths.harness, file).toContain(`golden/${file}`);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the lstm-parity authors\n/);
    // Every module has its declarations.
    const modules = [...paths.harness].filter((p) => p.startsWith('dist/src/') && p.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(40);
    expect(modules.filter((p) => !paths.harness.has(p.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('should ship nothing else: no build scripts, no source maps or map comments, no tests', () => {
    // reference/peers/ holds the Python peers' scripts, which the peer adapters start.
    const allowed = /^(bin\/|dist\/src\/|dist\/playground\/|dist\/vendor\/|golden\/|reference\/(peers\/)?[a-z_]+\.py$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/;
    expect([...paths.harness].filter((p) => !allowed.test(p))).toEqual([]);
    for (const script of ['reference/lstm_protocol.py', 'reference/peers/torch_lstm.py', 'reference/peers/onnx_lstm.py']) expect(paths.harness, script).toContain(script);
    expect([...paths.harness].filter((p) => p.startsWith('dist/scripts/') || p.endsWith('.map') || p.startsWith('src/') || p.includes('__pycache__'))).toEqual([]);
    expect(mapComments(ROOT, [...paths.harness].filter((p) => p.startsWith('dist/src/')))).toEqual([]);
  });

  it('should run no script when installed, and take the report charts from the build instead of a dependency', () => {
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(harnessPkg.scripts, script).not.toHaveProperty(script);
    expect(harnessPkg.scripts.prepack).toBe('npm run build');
    expect(Object.keys(harnessPkg.dependencies).sort()).toEqual(['execa', 'fast-check', 'zod']);
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

describe('a Vite app built from the cells tarball', () => {
  const app = join(dir, 'app');
  let install: { all: string };
  let example: Awaited<ReturnType<typeof viteBuild>>;
  let installedKb: number;

  beforeAll(async () => {
    // The example as a user copies it, with lstm-parity from this tarball; Vite is this
    // repository's own, at the version the example pins.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'examples/browser/package.json'), 'utf8')) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.dependencies['lstm-parity']).toBe(`file:../../${cells.filename}`);
    expect(manifest.devDependencies.vite).toBe(harnessPkg.devDependencies.vite);
    cpSync(join(ROOT, 'examples/browser'), app, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|package-lock\.json)$/.test(src) });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: manifest.name, private: true, type: 'module', dependencies: { 'lstm-parity': `file:../${cells.filename}` } }, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(manifest.name, [{ ...cells, manifest: CELLS_MANIFEST }]), null, 2));
    install = await execa('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app, all: true, env: { npm_config_loglevel: 'warn' } });
    installedKb = await diskKb(join(app, 'node_modules'));
    example = await viteBuild(app);
  });

  it('should install from the tarball with no warning', () => {
    expect(install.all.split('\n').filter((line) => /warn|err/i.test(line))).toEqual([]);
    expect(existsSync(join(app, 'node_modules/lstm-parity/dist/index.js'))).toBe(true);
  });

  it(`should install the cells within ${BUDGET_CELLS_INSTALL_KB / 1024} MB of node_modules, zod and nothing else beside them`, () => {
    console.log(`install: the cells app's node_modules holds ${(installedKb / 1024).toFixed(1)} MB (budget ${BUDGET_CELLS_INSTALL_KB / 1024} MB)`);
    expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(['lstm-parity', 'zod']);
    expect(installedKb).toBeLessThanOrEqual(BUDGET_CELLS_INSTALL_KB);
  });

  it('should load by require() too, where Node requires ES modules (20.19 and later)', async () => {
    const { stdout } = await execa('node', ['-e', "const m = require('lstm-parity'); console.log(Object.keys(m).length, typeof m.lstmType1)"], { cwd: app });
    expect(stdout.trim()).toMatch(/^\d+ function$/);
  });

  it("should type-check a consumer under bundler, node16 and nodenext resolution, with the DOM's types or none", async () => {
    const root = join(app, 'types');
    mkdirSync(root);
    writeFileSync(join(root, 'main.ts'), "import { lstmType1, prepareWeights, threads, type LstmType1Options, type Type1Weights } from 'lstm-parity';\nconst options: LstmType1Options = {};\nexport const used = [lstmType1, prepareWeights, threads, options] as const;\nexport type W = Type1Weights;\n");
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const check = async (name: string, compilerOptions: Record<string, unknown>) => {
      writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], ...compilerOptions }, files: ['main.ts'] }));
      const run = await execa('node', [tsc, '-p', root], { reject: false, cwd: root });
      return { name, errors: run.stdout.split('\n').filter((line) => line.includes('error TS')) };
    };
    const clean = [
      await check('bundler, DOM', { module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'] }),
      await check('node16, no DOM, skipLibCheck', { module: 'Node16', moduleResolution: 'node16', lib: ['ES2022'], skipLibCheck: true }),
      await check('nodenext, no DOM, skipLibCheck', { module: 'NodeNext', moduleResolution: 'nodenext', lib: ['ES2022'], skipLibCheck: true }),
    ];
    for (const { name, errors } of clean) expect(errors, name).toEqual([]);
    // Without the DOM's types, @types/node or skipLibCheck, zod's own declarations miss URL
    // (docs/browser.md says so); the cells' declarations need neither.
    const bare = await check('bundler, no DOM', { module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022'] });
    expect(bare.errors.length).toBeGreaterThan(0);
    expect(bare.errors.filter((line) => !/node_modules\/zod\/.*Cannot find name 'URL'/.test(line))).toEqual([]);
  });

  it('should build the example (both cells) with no warning and no Node module in the bundle', async () => {
    console.log(`bundle: the example (both cells) is ${kB(example.bytes)} of JavaScript, ${kB(example.gzipBytes)} gzip`);
    expect(example.warnings).toEqual([]);
    expect(example.modules.some((m) => m.includes('node_modules/lstm-parity/dist/cells/lstm-type2.js'))).toBe(true);
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

describe('the harness installed from its tarball into an empty folder', () => {
  const folder = join(dir, 'harness');
  let install: { all: string };
  let installedKb: number;
  const bin = join(folder, 'node_modules/.bin/lstm-parity');

  beforeAll(async () => {
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'harness-user', private: true, type: 'module', dependencies: { [harnessPkg.name]: `file:../${harness.filename}` } }, null, 2));
    writeFileSync(join(folder, 'package-lock.json'), JSON.stringify(appLockfile('harness-user', [{ ...harness, manifest: HARNESS_MANIFEST }]), null, 2));
    install = await execa('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: folder, all: true, env: { npm_config_loglevel: 'warn' } });
    installedKb = await diskKb(join(folder, 'node_modules'));
  });

  it(`should install with no warning, its CLI on the path, within ${BUDGET_HARNESS_INSTALL_KB / 1024} MB`, () => {
    console.log(`install: the harness's node_modules holds ${(installedKb / 1024).toFixed(1)} MB (budget ${BUDGET_HARNESS_INSTALL_KB / 1024} MB)`);
    expect(install.all.split('\n').filter((line) => /warn|err/i.test(line))).toEqual([]);
    expect(existsSync(bin)).toBe(true);
    expect(existsSync(join(folder, 'node_modules/echarts'))).toBe(false);
    expect(installedKb).toBeLessThanOrEqual(BUDGET_HARNESS_INSTALL_KB);
  });

  it('should serve the playground and the golden corpus from the installed package (npx lstm-parity serve)', async () => {
    const server = execa(bin, ['serve', '--port', '0'], { cwd: folder, reject: false });
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

  it('should load every entry by name, the conformance entry without vitest installed', async () => {
    const script = `
      const node = await import('lstm-parity-harness');
      const judge = await import('lstm-parity-harness/judge');
      const formats = await import('lstm-parity-harness/formats');
      const conformance = await import('lstm-parity-harness/conformance');
      let refusal = '';
      try { conformance.describeLstmConformance({}); } catch (error) { refusal = error.message; }
      console.log(JSON.stringify({ verify: typeof node.verify, judge: typeof judge.judge, parse: typeof formats.parseGoldenFile, check: typeof conformance.checkConformance, refusal }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', script], { cwd: folder });
    expect(existsSync(join(folder, 'node_modules/vitest'))).toBe(false);
    expect(JSON.parse(stdout)).toEqual({ verify: 'function', judge: 'function', parse: 'function', check: 'function', refusal: expect.stringMatching(/vitest cannot be imported here/) });
  });
});
