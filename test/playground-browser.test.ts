// The callbacks given to tab.evaluate run in the page, so this file needs the DOM's types.
/// <reference lib="dom" />
/**
 * The playground as a person uses it: the real `lstm-parity serve` (the built binary) on
 * 127.0.0.1, Debian's Chromium on its page. Golden cases on both backends, a long case drawn by
 * blocks, pasted cases good and bad: heatmaps painted, the ULP heatmaps consistent with the
 * verdict, bad input answered with exactly the line the CLI prints, no console message, no
 * request off the page's origin. Ctrl-C then stops the server with exit code 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { execa } from 'execa';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../scripts/headless-chromium.js';
import { BIN, ROOT, cli } from './helpers/cli.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`SKIPPED browser suite "the playground in Chromium": ${missing}`);

/** What the page shows after a run. */
interface Shown {
  state: string | undefined;
  message: string;
  error: boolean;
  agreement: string;
  figures: { key: string; captions: string[]; legend: string; canvases: { width: number; height: number; opaque: boolean; colours: number }[] }[];
}

async function shown(tab: Page): Promise<Shown> {
  return tab.evaluate(() => ({
    state: document.body.dataset.state,
    message: document.getElementById('message')!.textContent ?? '',
    error: document.getElementById('message')!.classList.contains('error'),
    agreement: document.getElementById('agreement')!.textContent ?? '',
    figures: Array.from(document.querySelectorAll<HTMLElement>('#heatmaps .pair'), (pair) => ({
      key: pair.dataset.key ?? '',
      captions: Array.from(pair.querySelectorAll('figcaption'), (c) => c.textContent ?? ''),
      legend: pair.querySelectorAll('.legend')[1]?.textContent ?? '',
      canvases: Array.from(pair.querySelectorAll('canvas'), (canvas) => {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        let opaque = true;
        for (let k = 0; k < pixels.length; k += 4) {
          opaque &&= pixels[k + 3] === 255;
          colours.add((pixels[k] << 16) | (pixels[k + 1] << 8) | pixels[k + 2]);
        }
        return { width: canvas.width, height: canvas.height, opaque, colours: colours.size };
      }),
    })),
  }));
}

/** The largest of the ULP heatmaps' first numbers: the verdict's measure, over every key. */
function verdictUlps(result: Shown): number {
  return Math.max(0, ...result.figures.map((f) => Number(/largest (\d+|none) where/.exec(f.captions[1])![1].replace('none', '0'))));
}

describe.skipIf(missing !== undefined)('the playground in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-playground-'));
  let server: ResultPromise<{ cwd: string; reject: false; buffer: true }>;
  let url: string;
  let context: BrowserContext;
  let tab: Page;
  const seen = { console: [] as string[], requests: [] as string[] };

  beforeAll(async () => {
    server = execa('node', [BIN, 'serve', '--port', '0'], { cwd: ROOT, reject: false, buffer: true });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^lstm-parity playground: (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/m.exec(out);
        if (match !== null) resolve(match[1]);
      });
      void server.then((r) => reject(new Error(`serve ended early: ${r.stderr}`)));
    });
    context = await launchChromium(join(dir, 'profile'), { width: 1200, height: 900 }, { offline: false });
    tab = await context.newPage();
    tab.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => seen.console.push(`uncaught: ${e.message}`));
    tab.on('request', (r) => seen.requests.push(r.url()));
    await tab.goto(url);
    await tab.waitForSelector('body[data-state="ready"]');
  });

  afterAll(async () => {
    await context?.close();
    if (server?.exitCode === null) server.kill('SIGINT');
    await server;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Picks a golden case (or '' to paste `text`), sets the options, runs, and waits for the outcome. */
  async function run(choice: { golden?: string; text?: string; cell?: string; backend?: string; allowNonFinite?: boolean }): Promise<Shown> {
    await tab.selectOption('#case', choice.golden ?? '');
    if (choice.text !== undefined) await tab.fill('#case-json', choice.text);
    if (choice.cell !== undefined) await tab.selectOption('#cell', choice.cell);
    await tab.selectOption('#backend', choice.backend ?? 'auto');
    if (choice.golden === undefined) await tab.setChecked('#allow-non-finite', choice.allowNonFinite ?? false);
    await tab.click('#run');
    await tab.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 30_000 });
    return shown(tab);
  }

  it('should show the engine and list the golden corpus', async () => {
    await expect(tab.locator('#engine').textContent()).resolves.toMatch(/^lstm-parity \d+\.\d+\.\d+ in this browser\. WebAssembly SIMD: available\.$/);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
    const options = await tab.locator('#case option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['', ...Object.keys(manifest.files).sort()]);
    await expect(tab.locator('#corpus').textContent()).resolves.toMatch(/^26 golden cases, NumPy /);
  });

  it('should run a golden case on each backend, draw every key and its ULP distances, and agree with the verdict', async () => {
    for (const [backend, engine] of [['wasm', 'WebAssembly SIMD'], ['scalar', 'JavaScript'], ['auto', 'WebAssembly SIMD']]) {
      const result = await run({ golden: 'type1/seed-shape.json', backend });
      expect(result.error, result.message).toBe(false);
      expect(result.message).toMatch(new RegExp(`^golden/type1/seed-shape\\.json: type1 on ${engine}, T = 6, X = 3, H = 4: [\\d.]+ (µs|ms) per call \\(mean of \\d+\\)$`));
      expect(result.agreement).toMatch(/^passes against NumPy's outputs in golden\/type1\/seed-shape\.json: agrees: 144 elements within rtol 1e-12, atol 1e-14; largest error \S+ \((\d+) ULP\)$/);
      expect(result.figures.map((f) => f.key)).toEqual(['Output', 'Output_gate_activations', 'input_gate_activations', 'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors']);
      for (const figure of result.figures) {
        expect(figure.captions[0]).toBe(`${figure.key} (6 steps x 4 units)`);
        expect(figure.captions[1]).toMatch(/^ULP from NumPy, largest (\d+|none) where \|NumPy\| >= 0\.01 \(as the verdict counts\), \d+ over all elements \(6 steps x 4 units\)$/);
        for (const canvas of figure.canvases) expect(canvas).toMatchObject({ width: 4, height: 6, opaque: true });
        expect(figure.canvases[0].colours).toBeGreaterThan(4);
      }
      // The heatmaps' first number is the verdict's measure.
      expect(result.agreement).toContain(`(${verdictUlps(result)} ULP)`);
    }
  });

  it("should tell the verdict's ULP (where the relative tolerance governs) from every element's, which the colours show", async () => {
    // Here values near zero are thousands of ULP off, within the absolute tolerance.
    const result = await run({ golden: 'type1/wide-well-scaled.json', backend: 'wasm' });
    expect(result.error, result.message).toBe(false);
    const counted = verdictUlps(result);
    const all = Math.max(...result.figures.map((f) => Number(/, (\d+) over all elements/.exec(f.captions[1])![1])));
    console.log(`golden/type1/wide-well-scaled in the playground, largest over the keys: ${counted} ULP where the verdict counts, ${all} over all elements`);
    expect(result.agreement).toContain(`(${counted} ULP)`);
    expect(all).toBeGreaterThan(counted);
    for (const figure of result.figures) expect(figure.legend).toMatch(/^ULP from NumPy, every element:/);
  });

  it('should draw a long sequence by blocks, and NaN cases against NumPy too', async () => {
    const long = await run({ golden: 'type2/long-sequence.json' });
    expect(long.error, long.message).toBe(false);
    expect(long.figures[0].captions[0]).toBe('Output (1200 steps x 4 units; each pixel the mean of 4 x 1)');
    expect(long.figures[0].captions[1]).toMatch(/^ULP from NumPy, largest (\d+|none) where \|NumPy\| >= 0\.01 \(as the verdict counts\), \d+ over all elements \(1200 steps x 4 units; each pixel the largest of 4 x 1\)$/);
    expect(long.figures[0].canvases[0]).toMatchObject({ width: 4, height: 300, opaque: true });
    const nan = await run({ golden: 'type1/nan-input.json', backend: 'scalar' });
    expect(nan.agreement).toMatch(/^passes against NumPy's outputs in golden\/type1\/nan-input\.json: agrees/);
  });

  it('should run a pasted case, and answer bad ones with the line the CLI prints', async () => {
    const golden = JSON.parse(readFileSync(join(ROOT, 'golden/type1/seed-shape.json'), 'utf8')) as { case: { S: number[][]; W: Record<string, number[][] | number[]> } };
    const good = await run({ text: JSON.stringify(golden.case), cell: 'type1' });
    expect(good.message).toMatch(/^pasted case: type1 on WebAssembly SIMD, T = 6, X = 3, H = 4: /);
    expect(good.agreement).toMatch(/^A pasted case has no NumPy outputs/);
    expect(good.figures.map((f) => f.canvases.length)).toEqual([1, 1, 1, 1, 1, 1]);

    const wrongShape = { S: golden.case.S, W: { ...golden.case.W, u_i: (golden.case.W.u_i as number[][]).map((row) => [...row, 0]) } };
    const withNaN = { S: [[0.1, 'NaN', 0.3]], W: golden.case.W };
    const bad: [string, string][] = [
      ['{"S": [[0.1, 0.2,]]}', 'type1'],
      ['', 'type1'],
      ['{"S": [[NaN]], "W": {}}', 'type1'],
      ['[[[[[[[[1]]]]]]]]', 'type2'],
      [JSON.stringify(wrongShape), 'type1'],
      [JSON.stringify(golden.case), 'type2'],
      [JSON.stringify({ ...golden, case: undefined }), 'type1'],
      [JSON.stringify(withNaN), 'type1'],
    ];
    // What the CLI says to each, read from stdin (which it names "stdin" where the page says "pasted case").
    const said = await Promise.all(bad.map(([text, cell]) => cli(['run', '--cell', cell, '--case', '-'], { input: text })));
    for (const [k, [text, cell]] of bad.entries()) {
      const result = await run({ text, cell });
      expect(said[k].exitCode).toBe(2);
      expect(result.error, text).toBe(true);
      expect(result.message, text).toBe(String(said[k].stderr).replace(/^lstm-parity: stdin: /, 'lstm-parity: pasted case: '));
      console.log(`pasted ${cell}: ${result.message}`);
      expect(result.figures).toEqual([]);
    }
    const allowed = await run({ text: JSON.stringify(withNaN), cell: 'type1', allowNonFinite: true });
    expect(allowed.error, allowed.message).toBe(false);
  });

  it('should have written nothing to the console and asked nothing of any origin but its own', async () => {
    const shot = join(dir, 'playground.png');
    await tab.screenshot({ path: shot, fullPage: true });
    console.log(`playground screenshot: ${shot}`);
    expect(seen.console).toEqual([]);
    expect(seen.requests.length).toBeGreaterThan(5);
    expect(seen.requests.filter((r) => !r.startsWith(url))).toEqual([]);
  });

  it('should stop at Ctrl-C (SIGINT) with exit code 0', async () => {
    server.kill('SIGINT');
    const result = await server;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('lstm-parity playground: stopped');
    await expect(fetch(url)).rejects.toThrow();
  });
});
