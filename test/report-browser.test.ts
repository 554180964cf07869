// The callbacks given to tab.evaluate run in the page, so this file needs the DOM's types (the
// build, which compiles src/ and scripts/ only, never sees them).
/// <reference lib="dom" />
/**
 * The HTML report in a real headless Chromium (Debian's `chromium` package, driven by
 * playwright-core, which never downloads a browser of its own): the page loads from file://
 * with no console errors and no network request, and every plot draws.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify, type ReportData, type VerifyResult } from '../src/campaign/verify.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { verifyReportHtml } from '../src/report/verify-section.js';
import { explore } from '../src/explore/explore.js';
import { exploreReportHtml } from '../src/report/explore-section.js';
import { chromiumMissing, launchChromium } from '../scripts/headless-chromium.js';
import { ROOT } from './helpers/cli.js';
import { numpy } from './helpers/numpy.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`SKIPPED browser suite "HTML report in Chromium": ${missing}`);
else if (!numpy.ok) console.warn(`SKIPPED the explore report in Chromium (explore needs NumPy): ${numpy.reason}`);

/** What the page did while it loaded. */
interface Visit {
  console: string[];
  requests: string[];
  failed: string[];
}

interface ChartState {
  id: string;
  rendered: boolean;
  series: number;
  points: number;
  /** The chart's size in canvas pixels and the share of them that any of its canvas layers paints. */
  canvas: { width: number; height: number; painted: number } | null;
}

/** Each chart's state as the page sees it: rendered, its series and data, and how much it paints. */
async function chartStates(tab: Page): Promise<ChartState[]> {
return tab.evaluate((): ChartState[] => {
    const echarts = (window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): { series: { data?: unknown[] }[] } } | undefined } }).echarts;
    return Array.from(document.querySelectorAll('.chart'), (el) => {
      const option = echarts.getInstanceByDom(el)?.getOption();
      // ECharts may draw on several stacked canvases (a heatmap gets a layer of its own).
      const layers = Array.from(el.querySelectorAll('canvas'));
      const canvas = layers[0] ?? null;
      let painted = 0;
      if (canvas !== null && canvas.width > 0 && canvas.height > 0) {
        // The share of pixels that some layer paints (alpha > 0): an empty chart paints none.
        const covered = new Uint8Array(canvas.width * canvas.height);
        for (const layer of layers) {
          if (layer.width !== canvas.width || layer.height !== canvas.height) continue;
          const pixels = layer.getContext('2d')!.getImageData(0, 0, layer.width, layer.height).data;
          for (let k = 0; k < covered.length; k++) if (pixels[4 * k + 3] > 0) covered[k] = 1;
        }
        painted = covered.reduce((n, x) => n + x, 0) / covered.length;
      }
      return {
        id: el.id,
        rendered: el.getAttribute('data-rendered') === 'true',
        series: option?.series.length ?? 0,
        points: option?.series.reduce((n, s) => n + (s.data?.length ?? 0), 0) ?? 0,
        canvas: canvas === null ? null : { width: canvas.width, height: canvas.height, painted },
      };
    });
  });
}

describe.skipIf(missing !== undefined)('HTML report in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-browser-'));
  let context: BrowserContext;
  let data: { result: VerifyResult; report: ReportData };

  beforeAll(async () => {
    // A real verify run: the live campaign and the chaotic probes where NumPy is present (so the
    // heatmap is downsampled and the spread is drawn), the golden corpus alone where it is not.
    const oracle = numpy.ok ? await NumpyOracle.start() : undefined;
    try {
      data = await verify({ casesPerCell: 20, seed: 5, shard: { index: 1, count: 1 }, cells: ['type1', 'type2'], goldenDir: join(ROOT, 'golden'), probes: true, oracle });
    } finally {
      await oracle?.close();
    }
    context = await launchChromium(join(dir, 'profile'));
    // A verify run with the probes, every check on every case, then a browser's start: on a
    // shared 2-core machine this has taken over the default 10 s.
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    rmSync(join(dir, 'profile'), { recursive: true, force: true });
  });

  async function open(name: string, page: string) {
    const path = join(dir, name);
    writeFileSync(path, page);
    const tab = await context.newPage();
    const visit: Visit = { console: [], requests: [], failed: [] };
    tab.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') visit.console.push(`${message.type()}: ${message.text()}`);
    });
    tab.on('pageerror', (error) => visit.console.push(`uncaught: ${error.message}`));
    tab.on('request', (request) => visit.requests.push(request.url()));
    tab.on('requestfailed', (request) => visit.failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    const url = pathToFileURL(path).href;
    await tab.goto(url, { waitUntil: 'load' });
    // Large heatmaps paint over a few frames; each chart says when it is done, or that it failed.
    await tab.waitForFunction(() => Array.from(document.querySelectorAll('.chart')).every((el) => el.hasAttribute('data-rendered') || el.hasAttribute('data-failed')), null, { timeout: 20_000 });
    return { tab, visit, url };
  }

  it('should load the verify report with no console error, no network request, and draw every plot', async () => {
    const started = performance.now();
    const { tab, visit, url } = await open('verify.html', verifyReportHtml(data));
    const charts = await chartStates(tab);
    const shot = join(dir, 'verify.png');
    await tab.screenshot({ path: shot, fullPage: true });
    console.log(`report rendered in Chromium in ${Math.round(performance.now() - started)} ms; screenshot: ${shot}`);

    expect(visit.console).toEqual([]);
    expect(visit.failed).toEqual([]);
    expect(visit.requests).toEqual([url]);
    // Two ULP histograms, the error by step, two heatmaps.
    expect(charts.map((c) => c.id)).toEqual(['chart-1', 'chart-2', 'chart-3', 'chart-4', 'chart-5']);
    for (const chart of charts) {
      expect(chart.rendered, chart.id).toBe(true);
      expect(chart.series, chart.id).toBeGreaterThan(0);
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.canvas?.width, chart.id).toBeGreaterThan(300);
      expect(chart.canvas?.height, chart.id).toBeGreaterThan(300);
      expect(chart.canvas?.painted, chart.id).toBeGreaterThan(0.01);
    }
    // The heatmaps fill most of their plot area.
    expect(charts[3].canvas!.painted).toBeGreaterThan(0.3);
    expect(charts[4].canvas!.painted).toBeGreaterThan(0.3);
    await expect(tab.locator('.status').textContent()).resolves.toMatch(/^OK: \d+ cases/);
    await expect(tab.locator('#summary tbody tr').count()).resolves.toBe(numpy.ok ? 4 : 2);
    if (numpy.ok) await expect(tab.locator('#findings').textContent()).resolves.toContain('type1/chaotic-probe');
    await tab.close();
  });

  it('should show hostile case names and descriptions as text and run none of them', async () => {
    const hostile = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    const finding = { cell: 'type1' as const, case: hostile, order: 30, source: 'live' as const, verdict: 'port-bug' as const, check: 'numpy' as const, description: hostile };
    const worstCase = data.report.worstCase === undefined ? undefined : { ...data.report.worstCase, case: hostile };
    const page = verifyReportHtml({ result: { ...data.result, ok: false, findings: [finding] }, report: { ...data.report, worstCase } });
    const { tab, visit, url } = await open('hostile.html', page);
    await expect(tab.evaluate(() => (window as unknown as { pwned?: number }).pwned)).resolves.toBeUndefined();
    await expect(tab.locator('#findings td.mono').first().textContent()).resolves.toBe(hostile);
    await expect(tab.locator('.status.bad').count()).resolves.toBe(1);
    expect(visit.console).toEqual([]);
    expect(visit.requests).toEqual([url]);
    await tab.close();
  });

  it.skipIf(!numpy.ok)('should load an explore report with its chart and minimal examples, and no console error', async () => {
    const oracle = await NumpyOracle.start();
    const result = await explore({ cell: 'type1', runs: 60, seed: 3, oracle }).finally(() => oracle.close());
    const { tab, visit, url } = await open('explore.html', exploreReportHtml(result));
    const charts = await chartStates(tab);
    expect(visit.console).toEqual([]);
    expect(visit.requests).toEqual([url]);
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ rendered: true, series: 1, points: result.categories.length });
    expect(charts[0].canvas?.painted).toBeGreaterThan(0.01);
    const examples = result.categories.filter((c) => c.example !== undefined).length;
    expect(examples).toBeGreaterThan(0);
    await expect(tab.locator('#explore-examples details').count()).resolves.toBe(examples);
    await expect(tab.locator('#explore-examples pre').first().textContent()).resolves.toMatch(/^\{\n {2}"S": /);
    await tab.close();
    // Shrinking an ill-conditioned example measures a noise floor at every step (about 1200 of
    // them for this seed), which on a loaded 2-core machine takes well over the default minute.
  }, 240_000);
});
