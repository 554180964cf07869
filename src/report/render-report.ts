/**
 * One self-contained HTML page from a title and a list of sections: styles, data and the plotting
 * library are all inline, so the file opens from disk or a mail attachment with no network.
 *
 * The data shape (what a section builder returns):
 *
 *   ReportDocument  { title, subtitle?, status?: { ok, text }, sections: ReportSection[] }
 *   ReportSection   { id, title, intro?, columns?: 1 | 2, blocks: ReportBlock[] }
 *   ReportBlock     { kind: 'html', html: SafeHtml }                      markup from ./html.ts
 *                 | { kind: 'chart', title, caption, option, height? }    one ECharts plot
 *
 * A chart's `option` is a plain-JSON ECharts option. Functions cannot cross JSON, so where a
 * formatter is wanted the option holds `{ "$formatter": NAME }` and the page substitutes one of
 * the few formatters it defines (FORMATTERS below). Every chart's caption is one sentence saying
 * what it shows, under its title.
 *
 * Section builders: verifySections (./verify-section.ts) for a verify run; findingsSection
 * (./findings-section.ts) for categories of findings with a minimal example each; the option
 * builders in ./charts.ts for plots. A report is any list of them, e.g. an explore report:
 *   renderReport({ title: 'lstm-parity explore', sections: [findingsSection({ id, title, categories })] })
 */
import { echartsBundle } from './echarts-bundle.js';
import { html, raw, scriptJson, type SafeHtml } from './html.js';

export type ChartOption = Record<string, unknown>;

/**
 * The page's formatters: `sci` writes 1.23e-15; `decade` writes a power of ten as 1e-15 (and
 * 1, 10, 100, 1000 as they are); `pow10` writes an exponent k as 1e-15; `heatCell`
 * (args: x and y axis labels, the quantity's name, and whether values are log10) writes a heatmap
 * cell's tooltip.
 */
export type FormatterName = 'sci' | 'decade' | 'pow10' | 'heatCell';

export const formatter = (name: FormatterName, args?: unknown) => ({ $formatter: name, args });

export type ReportBlock = { kind: 'html'; html: SafeHtml } | { kind: 'chart'; title: string; caption: string; option: ChartOption; height?: number };

export interface ReportSection {
  /** The anchor in the page: letters, digits and dashes. */
  id: string;
  title: string;
  intro?: string;
  /** Charts side by side (2) or one under the other (1, the default). */
  columns?: 1 | 2;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  status?: { ok: boolean; text: string };
  sections: ReportSection[];
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --card: #fff; --bg: #f4f6f9; --ok: #1b7f3b; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 12px 0 0; font-size: 14px; }
nav a { color: var(--muted); margin-right: 14px; }
.status { margin: 16px 0 0; padding: 12px 16px; border-radius: 8px; font-weight: 600; color: #fff; }
.status.ok { background: var(--ok); }
.status.bad { background: var(--bad); }
section { margin: 28px 0 0; }
section > h2 { font-size: 20px; margin: 0 0 6px; }
section > p.intro { margin: 0 0 12px; color: var(--muted); max-width: 80ch; }
.grid { display: grid; gap: 16px; grid-template-columns: 1fr; }
.grid.two { grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.card h3 { margin: 0; font-size: 16px; }
.card > p:first-child { margin-top: 0; }
.card p.caption { margin: 2px 0 8px; color: var(--muted); font-size: 14px; }
.chart { width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
pre { margin: 6px 0; padding: 10px; background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px; overflow: auto; max-height: 360px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; color: #fff; background: var(--muted); }
.badge.verdict-port-bug, .badge.verdict-implementation-error { background: var(--bad); }
.badge.verdict-ill-conditioned { background: #3b6fb6; }
.badge.verdict-platform-quirk { background: var(--warn); }
.badge.verdict-agrees { background: var(--ok); }
.note { color: var(--muted); font-size: 14px; margin: 8px 0 0; }
details { margin: 10px 0 0; }
summary { cursor: pointer; font-weight: 600; }
footer { margin: 36px 0 0; color: var(--muted); font-size: 13px; }
`;

/**
 * Draws every chart from the JSON beside it. Runs after the library's script; a chart that fails
 * says so in its box and on the console, and the others still draw. Each chart's element gets
 * data-rendered="true" once drawn (or data-failed="true"), which is what a test waits for. Animation is off: a report is
 * read, and its screenshots must not depend on timing.
 */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  function sci(v) { v = Number(v); return v === 0 || !isFinite(v) ? String(v) : v.toExponential(2).replace('e+', 'e'); }
  function escape(text) { return String(text).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  var FORMATTERS = {
    sci: function () { return sci; },
    decade: function () {
      return function (v) { var k = Math.round(Math.log10(v)); return k >= 0 && k <= 3 ? String(Math.pow(10, k)) : '1e' + k; };
    },
    pow10: function () { return function (v) { return '1e' + Math.round(Number(v)); }; },
    heatCell: function (a) {
      return function (p) {
        var v = p.value, z = a.log ? Math.pow(10, v[2]) : v[2];
        return escape('step ' + a.y[v[1]] + ', unit ' + a.x[v[0]]) + '<br>' + escape(a.name + ': ' + (a.log ? sci(z) : z.toPrecision(4)));
      };
    }
  };
  function revive(value) {
    if (Array.isArray(value)) return value.map(revive);
    if (value !== null && typeof value === 'object') {
      if (typeof value.$formatter === 'string') {
        var f = FORMATTERS[value.$formatter];
        if (!f) throw new Error('unknown formatter ' + value.$formatter);
        return f(value.args);
      }
      var out = {};
      for (var key in value) out[key] = revive(value[key]);
      return out;
    }
    return value;
  }
  var options = JSON.parse(document.getElementById('chart-options').textContent);
  var charts = [];
  Object.keys(options).forEach(function (id) {
    var el = document.getElementById(id);
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      // 'finished' comes once everything is drawn, large heatmaps included (they paint over frames).
      chart.on('finished', function () { el.setAttribute('data-rendered', 'true'); });
      var option = revive(options[id]);
      option.animation = false;
      chart.setOption(option);
      charts.push(chart);
    } catch (error) {
      el.textContent = 'This plot could not be drawn: ' + error;
      el.setAttribute('data-failed', 'true');
      console.error('chart ' + id + ': ' + error);
    }
  });
  // Only a real change of size redraws: a redraw of a large heatmap takes a few frames.
  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      var el = c.getDom();
      if (el.clientWidth !== c.getWidth() || el.clientHeight !== c.getHeight()) c.resize();
    });
  });
})();
`;

function renderSection(section: ReportSection, charts: Record<string, ChartOption>): SafeHtml {
  const blocks = section.blocks.map((block) => {
    if (block.kind === 'html') return block.html;
    const id = `chart-${Object.keys(charts).length + 1}`;
    charts[id] = block.option;
    return html`<div class="card"><h3>${block.title}</h3><p class="caption">${block.caption}</p><div class="chart" id="${id}" style="height: ${block.height ?? 380}px"></div></div>`;
  });
  return html`<section id="${section.id}"><h2>${section.title}</h2>${section.intro === undefined ? '' : html`<p class="intro">${section.intro}</p>`}<div class="grid${section.columns === 2 ? ' two' : ''}">${blocks}</div></section>`;
}

/** A badge for a verdict or category: its own colour for the verdict kinds, grey for anything else. */
export function badge(verdict: string, text: string = verdict): SafeHtml {
  return html`<span class="badge verdict-${verdict.toLowerCase().replace(/[^a-z0-9-]/g, '-')}">${text}</span>`;
}

export function renderReport(doc: ReportDocument): string {
  const charts: Record<string, ChartOption> = {};
  const sections = doc.sections.map((s) => renderSection(s, charts));
  // A page without plots does without the library (1.1 MB) and its script.
  const library = Object.keys(charts).length > 0 ? echartsBundle() : undefined;
  const status = doc.status === undefined ? '' : html`<div class="status ${doc.status.ok ? 'ok' : 'bad'}">${doc.status.text}</div>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>${doc.title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<header><h1>${doc.title}</h1>${doc.subtitle === undefined ? '' : html`<p>${doc.subtitle}</p>`}
<nav>${doc.sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>${status}</header>
${sections}
<footer>Self-contained: everything this page shows is in this file, and it loads nothing from the network.${library === undefined ? '' : ` Plots drawn by ${library.name} ${library.version} (${library.license}).`}</footer>
</main>
${
  library === undefined
    ? ''
    : html`<script type="application/json" id="chart-options">${scriptJson(charts)}</script>
<script>${raw(library.source)}</script>
<script>${raw(PAGE_SCRIPT)}</script>
`
}</body>
</html>
`;
  return page.text;
}
