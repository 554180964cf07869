/**
 * ECharts options for the report's plots, as plain JSON (see ./render-report.ts). Non-finite and
 * zero values never reach a log axis: they become gaps (null), and the caption says so.
 */
import { formatter, type ChartOption } from './render-report.js';

/** Colour-blind-safe (Okabe-Ito), in the order series are drawn. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7f7f7f', '#000000'];

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const sup = (k: number) => [...String(k)].map((d) => SUPERSCRIPT[Number(d)]).join('');

/** Bucket 0 holds 0 ULP; bucket b >= 1 holds [2^(b-1), 2^b). */
export function ulpBucketLabel(bucket: number): string {
  return bucket === 0 ? '0' : `2${sup(bucket - 1)}`;
}

const TEXT = { color: '#1d2330' };
const GRID = { left: 64, right: 24, top: 48, bottom: 56, containLabel: false };

/** Plots need no more digits than the eye can tell apart, and each one saved shrinks the file. */
const round = (x: number) => Number(x.toPrecision(4));

/** Positive and finite, else a gap: a log axis cannot place 0, NaN or infinity. */
const onLog = (x: number) => (Number.isFinite(x) && x > 0 ? round(x) : null);

/**
 * A log axis over the positive finite values: whole decades, aligned to a tick step of 1, 2, 5 or
 * 10 decades so that the ends are ticks too (an end between ticks gets a label of its own that
 * collides with its neighbour).
 */
function logRange(values: Iterable<number>): { min?: number; max?: number; interval?: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of values) {
    if (!(Number.isFinite(x) && x > 0)) continue;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (!Number.isFinite(lo)) return {};
  const first = Math.floor(Math.log10(lo));
  const last = Math.max(Math.ceil(Math.log10(hi)), first + 1);
  const step = [1, 2, 5, 10, 20, 50].find((k) => (last - first) / k <= 7) ?? 100;
  return { min: 10 ** (Math.floor(first / step) * step), max: 10 ** (Math.ceil(last / step) * step), interval: step };
}

/** Category labels at most about `shown` of them, so they never overlap. */
const labelEvery = (count: number, shown: number) => ({ interval: Math.max(0, Math.ceil(count / shown) - 1) });

/** Counts of elements by ULP distance, one line per key, on a log count axis. */
export function ulpHistogramOption(byKey: Record<string, number[]>): ChartOption {
  const keys = Object.keys(byKey);
  // The axis ends at the last bucket that holds anything: the 65 buckets reach 2^63 ULP.
  let last = 0;
  for (const counts of Object.values(byKey)) {
    for (let b = last + 1; b < counts.length; b++) if (counts[b] > 0) last = b;
  }
  const buckets = Array.from({ length: last + 1 }, (_, b) => ulpBucketLabel(b));
  return {
    color: PALETTE,
    textStyle: TEXT,
    grid: { ...GRID, right: 200 },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 40, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: buckets, name: 'ULP distance (bucket starts at)', nameLocation: 'middle', nameGap: 32, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'log', name: 'elements', min: 1, axisLabel: { formatter: formatter('decade') }, nameTextStyle: { align: 'left' } },
    series: keys.map((key) => ({
      name: key,
      type: 'line',
      step: 'middle',
      symbol: 'circle',
      symbolSize: 4,
      lineStyle: { width: 1.5 },
      data: byKey[key].slice(0, last + 1).map(onLog),
    })),
  };
}

export interface StepSeries {
  name: string;
  error: readonly number[];
  spread?: readonly number[];
}

/** Per step, the largest absolute error of each case (solid), and NumPy's own spread (dashed). */
export function errorByStepOption(series: readonly StepSeries[]): ChartOption {
  const lines: ChartOption[] = [];
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    lines.push({ name: s.name, type: 'line', color, showSymbol: false, lineStyle: { width: 2 }, data: s.error.map((e, t) => [t, onLog(e)]) });
    if (s.spread !== undefined) {
      lines.push({ name: `${s.name}: NumPy spread`, type: 'line', color, showSymbol: false, lineStyle: { width: 1.5, type: 'dashed', opacity: 0.8 }, data: s.spread.map((e, t) => [t, onLog(e)]) });
    }
  });
  const steps = Math.max(1, ...series.map((s) => s.error.length));
  return {
    textStyle: TEXT,
    grid: { ...GRID, bottom: 120 },
    legend: { bottom: 0, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', valueFormatter: formatter('sci') },
    xAxis: { type: 'value', name: 'time step t', nameLocation: 'middle', nameGap: 28, minInterval: 1, min: 0, max: steps - 1 },
    yAxis: {
      type: 'log',
      ...logRange(series.flatMap((s) => [...s.error, ...(s.spread ?? [])])),
      name: 'largest |port - NumPy|',
      axisLabel: { formatter: formatter('decade') },
      nameTextStyle: { align: 'left' },
    },
    series: lines,
  };
}

export interface Downsampled {
  rows: number[][];
  /** How many steps and units each cell of `rows` stands for. */
  rowBlock: number;
  colBlock: number;
}

/**
 * Shrinks a T x H matrix to at most maxRows x maxCols by blocks: 'mean' for values, 'max' for
 * errors (a small error must not hide a large one). A block with a non-finite value gives NaN.
 */
export function downsample(rows: readonly (readonly number[])[], maxRows: number, maxCols: number, reduce: 'mean' | 'max'): Downsampled {
  const height = rows.length;
  const width = height === 0 ? 0 : rows[0].length;
  const rowBlock = Math.max(1, Math.ceil(height / maxRows));
  const colBlock = Math.max(1, Math.ceil(width / maxCols));
  const out: number[][] = [];
  for (let r = 0; r < height; r += rowBlock) {
    const row: number[] = [];
    for (let c = 0; c < width; c += colBlock) {
      let acc = reduce === 'mean' ? 0 : -Infinity;
      let n = 0;
      for (let i = r; i < Math.min(height, r + rowBlock); i++) {
        for (let j = c; j < Math.min(width, c + colBlock); j++) {
          const x = rows[i][j];
          acc = Number.isFinite(x) ? (reduce === 'mean' ? acc + x : Math.max(acc, x)) : NaN;
          n++;
        }
      }
      row.push(reduce === 'mean' ? acc / n : acc);
    }
    out.push(row);
  }
  return { rows: out, rowBlock, colBlock };
}

function blockLabels(count: number, block: number, total: number): string[] {
  return Array.from({ length: count }, (_, k) => {
    const first = k * block;
    const lastIndex = Math.min(total, first + block) - 1;
    return block === 1 ? String(first) : `${first}-${lastIndex}`;
  });
}

export interface HeatmapInput {
  rows: readonly (readonly number[])[];
  /** What a cell holds, for its tooltip. */
  name: string;
  /** 'values': a diverging scale centred on 0; 'errors': log10 of positive values. */
  scale: 'values' | 'errors';
  maxRows?: number;
  maxCols?: number;
}

export interface Heatmap {
  option: ChartOption;
  downsampled: boolean;
  rowBlock: number;
  colBlock: number;
  /** Cells left blank: non-finite, or zero on the error scale. */
  blank: number;
}

/** Steps down, units across; the rows are downsampled to fit (by mean for values, max for errors). */
export function heatmapOption({ rows, name, scale, maxRows = 100, maxCols = 64 }: HeatmapInput): Heatmap {
  const steps = rows.length;
  const hidden = steps === 0 ? 0 : rows[0].length;
  const small = downsample(rows, maxRows, maxCols, scale === 'values' ? 'mean' : 'max');
  const data: (number | string)[][] = [];
  let blank = 0;
  let lo = Infinity;
  let hi = -Infinity;
  small.rows.forEach((row, y) =>
    row.forEach((v, x) => {
      const shown = scale === 'errors' ? (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN) : v;
      if (!Number.isFinite(shown)) {
        blank++;
        return;
      }
      lo = Math.min(lo, shown);
      hi = Math.max(hi, shown);
      data.push([x, y, scale === 'errors' ? Number(shown.toFixed(3)) : round(shown)]);
    }),
  );
  let visualMap: ChartOption;
  if (scale === 'values') {
    const m = Number.isFinite(hi) ? Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE) : 1;
    visualMap = { min: -m, max: m, precision: 2, inRange: { color: ['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b'] } };
  } else {
    const min = Number.isFinite(lo) ? Math.floor(lo) : -16;
    const max = Number.isFinite(hi) ? Math.max(Math.ceil(hi), min + 1) : min + 1;
    visualMap = { min, max, formatter: formatter('pow10'), inRange: { color: ['#fcfdbf', '#fc8961', '#b73779', '#51127c', '#000004'] } };
  }
  const xLabels = blockLabels(small.rows[0]?.length ?? 0, small.colBlock, hidden);
  const yLabels = blockLabels(small.rows.length, small.rowBlock, steps);
  const option: ChartOption = {
    textStyle: TEXT,
    grid: { left: 72, right: 24, top: 24, bottom: 88 },
    tooltip: { position: 'top', formatter: formatter('heatCell', { x: xLabels, y: yLabels, name, log: scale === 'errors' }) },
    xAxis: { type: 'category', data: xLabels, name: 'hidden unit', nameLocation: 'middle', nameGap: 26, axisLabel: labelEvery(xLabels.length, 8) },
    yAxis: { type: 'category', inverse: true, data: yLabels, name: 'step t', nameLocation: 'start', axisLabel: labelEvery(yLabels.length, 20) },
    visualMap: { ...visualMap, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 220, textStyle: { fontSize: 12 } },
    series: [{ type: 'heatmap', data, progressive: 0, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
  };
  return { option, downsampled: small.rowBlock > 1 || small.colBlock > 1, rowBlock: small.rowBlock, colBlock: small.colBlock, blank };
}

/** How many cases fell into each category, as horizontal bars on a log axis (counts span 1 to N). */
export function categoryCountsOption(categories: readonly { name: string; count: number }[], total: number): ChartOption {
  const names = categories.map((c) => c.name).reverse();
  return {
    color: PALETTE,
    textStyle: TEXT,
    grid: { ...GRID, left: 24, right: 48, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'log', name: `cases (of ${total})`, nameLocation: 'middle', nameGap: 32, min: 1, ...logRange([1, total]), axisLabel: { formatter: formatter('decade') } },
    yAxis: { type: 'category', data: names, axisLabel: { fontSize: 12 } },
    series: [{ type: 'bar', data: categories.map((c) => onLog(c.count)).reverse(), label: { show: true, position: 'right', fontSize: 12 } }],
  };
}
