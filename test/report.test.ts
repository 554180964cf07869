import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { downsample, heatmapOption, ulpBucketLabel, ulpHistogramOption } from '../src/report/charts.js';
import { findingsSection } from '../src/report/findings-section.js';
import { html, scriptJson } from '../src/report/html.js';
import { renderReport } from '../src/report/render-report.js';
import { verifyReportHtml } from '../src/report/verify-section.js';
import { cli, ROOT } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = '</script><script>window.pwned = 1</script><!--';

/** The JSON the page reads back from its chart-options element, as the browser's parser would see it. */
function chartOptions(page: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="chart-options">([\s\S]*?)<\/script>/.exec(page);
  if (match === null) throw new Error('no chart-options element');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('html escaping', () => {
  it('should escape interpolated text but keep SafeHtml and join arrays', () => {
    const inner = html`<b>${'a & b'}</b>`;
    expect(html`<p title="${'"x"'}">${HOSTILE}${inner}${['<i>', html`<i>`]}${undefined}${false}</p>`.text).toBe(
      '<p title="&quot;x&quot;">&lt;/script&gt;&lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;!--<b>a &amp; b</b>&lt;i&gt;<i></p>',
    );
  });

  it('should write JSON that cannot close its script element and parses back to the same value', () => {
    const value = { name: HOSTILE, line: '\u2028\u2029', n: [1.5e-300, -0.25] };
    const text = scriptJson(value).text;
    expect(text).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('chart data', () => {
  it('should label ULP buckets by the power of two they start at', () => {
    expect([0, 1, 2, 11, 64].map(ulpBucketLabel)).toEqual(['0', '2⁰', '2¹', '2¹⁰', '2⁶³']);
  });

  it('should end the ULP axis at the last non-empty bucket of any key and leave empty buckets as gaps', () => {
    const option = ulpHistogramOption({ Output: [5, 0, 2, 0, 0, 0], cell_state_vectors: [1, 0, 0, 7, 0, 0] });
    expect((option.xAxis as { data: string[] }).data).toEqual(['0', '2⁰', '2¹', '2²']);
    expect((option.series as { name: string; data: unknown[] }[]).map((s) => [s.name, s.data])).toEqual([
      ['Output', [5, null, 2, null]],
      ['cell_state_vectors', [1, null, null, 7]],
    ]);
  });

  it('should downsample by block mean for values and block max for errors, NaN for a non-finite block', () => {
    const rows = [
      [1, 2, 3],
      [3, 4, 5],
      [5, NaN, 7],
    ];
    expect(downsample(rows, 2, 2, 'mean')).toEqual({ rows: [[2.5, 4], [NaN, 7]], rowBlock: 2, colBlock: 2 });
    expect(downsample(rows, 2, 2, 'max').rows).toEqual([[4, 5], [NaN, 7]]);
    expect(downsample(rows, 3, 3, 'max')).toEqual({ rows, rowBlock: 1, colBlock: 1 });
  });

  it('should put errors on a log10 colour scale and count zero and non-finite cells as blank', () => {
    const map = heatmapOption({ rows: [[1e-15, 0], [Infinity, 1e-3]], name: 'error', scale: 'errors' });
    const series = (map.option.series as { data: number[][] }[])[0];
    expect(series.data).toEqual([[0, 0, -15], [1, 1, -3]]);
    expect(map.blank).toBe(2);
    expect(map.option.visualMap).toMatchObject({ min: -15, max: -3 });
    expect(map.downsampled).toBe(false);
  });

  it('should downsample a large heatmap to at most 100 x 64 cells and say by how much', () => {
    const rows = Array.from({ length: 250 }, (_, t) => Array.from({ length: 130 }, (_, j) => Math.sin(t + j)));
    const map = heatmapOption({ rows, name: 'h', scale: 'values' });
    expect(map).toMatchObject({ downsampled: true, rowBlock: 3, colBlock: 3, blank: 0 });
    expect((map.option.series as { data: unknown[] }[])[0].data).toHaveLength(84 * 44);
  });
});

describe('renderReport', () => {
  it('should make one self-contained page: the library inline, no external reference, hostile text inert', () => {
    const page = renderReport({
      title: HOSTILE,
      sections: [
        { id: 'a', title: 'Plots', intro: HOSTILE, blocks: [{ kind: 'chart', title: HOSTILE, caption: 'One sentence.', option: { series: [{ type: 'line', name: HOSTILE, data: [1, 2] }] } }] },
        findingsSection({
          id: 'b',
          title: 'Findings',
          categories: [
            { name: 'NaN from finite inputs', description: HOSTILE, count: 3, verdict: 'port-bug', example: { label: 'seed 7', cell: 'type1', case: { S: [[-0, NaN]], W: { b_i: [Infinity] } }, vectors: [{ label: 'h (port)', step: 0, values: [-0, 0.1] }] } },
            { name: 'gates exactly 0 or 1', description: 'A gate saturated.', count: 0 },
          ],
        }),
      ],
    });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    // Only the three scripts the page is made of, and each closes once.
    expect(page.match(/<script/g)).toHaveLength(3);
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/@import|url\(\s*['"]?https?:/);
    expect(page).toContain('Apache ECharts');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;window.pwned');
    expect(chartOptions(page)).toEqual({ 'chart-1': { series: [{ type: 'line', name: HOSTILE, data: [1, 2] }] } });
    expect(page).toContain('<span class="badge verdict-port-bug">NaN from finite inputs</span>');
    expect(page).toContain('[-0.0, 0.1]');
    expect(page).toMatch(/&quot;S&quot;: \[\n\s+\[-0\.0, &quot;NaN&quot;\]/);
    expect(page).toContain('&quot;Infinity&quot;');
  });

  it('should leave the plotting library out of a page without plots', () => {
    const page = renderReport({ title: 't', sections: [{ id: 'a', title: 'A', blocks: [{ kind: 'html', html: html`<p>text</p>` }] }] });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('ECharts');
    expect(page.length).toBeLessThan(10_000);
  });

  it('should render a golden-only verify run with every plot and the summary', async () => {
    const data = await verify({ casesPerCell: 0, seed: 1, shard: { index: 1, count: 1 }, cells: ['type1', 'type2'], goldenDir: join(ROOT, 'golden'), probes: false });
    const page = verifyReportHtml(data);
    const options = chartOptions(page);
    // Two ULP histograms, error by step, two heatmaps.
    expect(Object.keys(options)).toHaveLength(5);
    expect(page).toMatch(/<div class="status ok">OK: 26 cases/);
    expect(page).toMatch(/<td>type2<\/td><td>golden<\/td><td class="num">13<\/td>/);
    expect(page).toContain('No findings');
    // A typical report is the library (about 1.1 MB) plus well under a megabyte of data.
    expect(page.length).toBeLessThan(2_500_000);
  });
});

describe('lstm-parity verify --report', () => {
  it('should exit 2 with one line, before running anything, when the report cannot be written', async () => {
    const notAFolder = join(dir, 'file.txt');
    writeFileSync(notAFolder, 'x');
    for (const [path, pattern] of [
      [join(dir, 'missing', 'r.html'), /folder .*missing does not exist$/],
      [dir, /it is a folder$/],
      [join(notAFolder, 'r.html'), /file\.txt is not a folder$/],
    ] as const) {
      const result = await cli(['verify', '--cases', '0', '--report', path]);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(String(result.stderr)).toMatch(new RegExp(`^lstm-parity: --report: cannot write ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(String(result.stderr).trimEnd().split('\n')).toHaveLength(1);
      expect(String(result.stderr).trimEnd()).toMatch(pattern);
    }
  });

  it('should write the report after the run and leave stdout as without it', async () => {
    const path = join(dir, 'verify.html');
    const withReport = await cli(['verify', '--cell', 'type2', '--cases', '2', '--json', '--report', path]);
    const without = await cli(['verify', '--cell', 'type2', '--cases', '2', '--json']);
    expect(withReport.exitCode, String(withReport.stderr)).toBe(0);
    expect(JSON.parse(String(withReport.stdout))).toEqual(JSON.parse(String(without.stdout)));
    expect(String(withReport.stderr)).toMatch(/^lstm-parity: report written to .*verify\.html \(\d+ KiB\)$/);
    expect(readFileSync(path, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    // Two verify runs of the built binary, probes included: over a minute on a loaded machine.
  }, 120_000);
});
