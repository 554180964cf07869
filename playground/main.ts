/// <reference types="vite/client" />
/// <reference lib="dom" />
/**
 * The playground: this package's browser entry, bundled into dist/playground/ at build time and
 * served by `lstm-parity serve`. Pick a golden case (fetched from the same server) or paste a
 * case, run either cell on either backend, and see every output key as a heatmap (steps down,
 * units across), the distance from the golden file's NumPy outputs as a ULP heatmap, and the time
 * per call. Bad input gets the one line the CLI prints for it: the same parser and validation,
 * the same message. Nothing is loaded from anywhere but the page's own origin.
 */
import {
  LstmInputError,
  VERSION,
  lstmType1,
  lstmType2,
  prepareWeights,
  seedFields,
  validateCase,
  wasmSimdAvailable,
  type Backend,
  type CellType,
  type LstmTrace,
  type Matrix,
  type Type1Weights,
  type Type2Weights,
} from 'lstm-parity';
import {
  caseProblemLine,
  parseCaseJson,
  parseGoldenFile,
  parseManifest,
  type GoldenFile,
} from 'lstm-parity-harness/formats';
import {
  describeVerdict,
  expectedArrays,
  goldenPasses,
  judgeGoldenFile,
  lstmParityImplementation,
  toleranceOf,
  ulpDistance,
  ulpsMeaningful,
  type Tolerance,
} from 'lstm-parity-harness/judge';
import { ULP_BUCKETS, paint, reduce, ulpColour, valueScale, type Grid } from './heatmap.js';
import './style.css';

/** How the page names pasted text in messages, where the CLI says "stdin" or the file's path. */
const PASTED = 'pasted case';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const caseSelect = $<HTMLSelectElement>('case');
const cellSelect = $<HTMLSelectElement>('cell');
const backendSelect = $<HTMLSelectElement>('backend');
const allowNonFinite = $<HTMLInputElement>('allow-non-finite');
const caseJson = $<HTMLTextAreaElement>('case-json');
const message = $<HTMLParagraphElement>('message');
const agreementLine = $<HTMLParagraphElement>('agreement');
const heatmaps = $<HTMLElement>('heatmaps');

/** What one run is given: a case value, and for a golden case its file (with NumPy's outputs). */
interface Input {
  label: string;
  cell: CellType;
  value: unknown;
  allowNonFinite: boolean;
  golden?: GoldenFile;
}

/** The first line of an error, as the CLI prints it. */
function cliLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `lstm-parity: ${text.split('\n')[0]}`;
}

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

/** Lists the golden corpus the server offers; without a server, says that only pasting works. */
async function listCorpus(): Promise<void> {
  const note = $<HTMLParagraphElement>('corpus');
  try {
    const manifest = parseManifest(await fetchText('golden/MANIFEST.json'), 'golden/MANIFEST.json');
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const path of Object.keys(manifest.files).sort()) {
      const folder = path.split('/')[0];
      if (!groups.has(folder)) {
        const group = document.createElement('optgroup');
        group.label = `golden/${folder}`;
        groups.set(folder, group);
        caseSelect.append(group);
      }
      groups.get(folder)!.append(new Option(path.replace(/^[^/]+\//, '').replace(/\.json$/, ''), path));
    }
    note.textContent = `${Object.keys(manifest.files).length} golden cases, NumPy ${manifest.environment.numpy}; or paste a case below.`;
  } catch (error) {
    note.textContent = `No golden corpus here (${cliLine(error)}); \`npx lstm-parity serve\` serves it. Pasted cases still run.`;
  }
}

async function readInput(): Promise<Input> {
  const path = caseSelect.value;
  if (path !== '') {
    const golden = parseGoldenFile(await fetchText(`golden/${path}`), `golden/${path}`);
    return { label: `golden/${path}`, cell: golden.cell, value: golden.case, allowNonFinite: golden.allowNonFinite, golden };
  }
  return { label: PASTED, cell: cellSelect.value as CellType, value: parseCaseJson(caseJson.value, PASTED), allowNonFinite: allowNonFinite.checked };
}

function run(input: Input, backend: 'auto' | Backend): { trace: LstmTrace; backend: Backend; call: () => void } {
  const options = { backend, allowNonFinite: input.allowNonFinite };
  const { S, W } = input.value as { S: Matrix; W: unknown };
  if (input.cell === 'type1') {
    const P = prepareWeights('type1', W as Type1Weights, options);
    return { trace: lstmType1(S, P, options), backend: P.backend, call: () => lstmType1(S, P, options) };
  }
  const P = prepareWeights('type2', W as Type2Weights, options);
  return { trace: lstmType2(S, P, options), backend: P.backend, call: () => lstmType2(S, P, options) };
}

/** Mean time of one call, over as many calls as fit in about 200 ms (at least one), after 50 ms of warm-up. */
function timePerCall(call: () => void): { seconds: number; calls: number } {
  const warm = performance.now();
  do call();
  while (performance.now() - warm < 50);
  let calls = 0;
  const start = performance.now();
  do {
    call();
    calls++;
  } while (performance.now() - start < 200);
  return { seconds: (performance.now() - start) / 1000 / calls, calls };
}

function formatSeconds(s: number): string {
  return s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`;
}

/** ULP distance per element; equal NaNs and equal infinities are 0, a NaN or infinity on one side only is Infinity. */
function ulpGrid(actual: Float64Array, expected: Float64Array): Float64Array {
  return actual.map((a, k) => {
    const e = expected[k];
    if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity;
    return ulpDistance(a, e);
  });
}

function figure(caption: string, grid: Grid, combine: 'mean' | 'max', colour: (v: number) => readonly [number, number, number], legend: HTMLElement): HTMLElement {
  const { grid: shown, block } = reduce(grid, combine);
  const element = document.createElement('figure');
  const title = document.createElement('figcaption');
  const blocks = block[0] > 1 || block[1] > 1 ? `; each pixel the ${combine === 'mean' ? 'mean' : 'largest'} of ${block[0]} x ${block[1]}` : '';
  title.textContent = `${caption} (${grid.rows} steps x ${grid.cols} units${blocks})`;
  const canvas = document.createElement('canvas');
  paint(canvas, shown, colour);
  element.append(title, canvas, legend);
  return element;
}

function valueLegend(span: number): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.textContent = `blue -${span.toPrecision(3)}, white 0, red +${span.toPrecision(3)}; black NaN`;
  return legend;
}

/**
 * The largest ULP distance where the verdict counts one: finite pairs where the relative
 * tolerance governs (|NumPy| >= atol / rtol, ulpsMeaningful), or undefined where none is.
 */
function verdictUlps(actual: Float64Array, expected: Float64Array, ulps: Float64Array, tolerance: Tolerance): number | undefined {
  let max: number | undefined;
  for (let k = 0; k < ulps.length; k++) {
    if (Number.isFinite(actual[k]) && Number.isFinite(expected[k]) && ulpsMeaningful(expected[k], tolerance)) max = Math.max(max ?? 0, ulps[k]);
  }
  return max;
}

/** atol / rtol, the magnitude from which the relative tolerance governs, as a reader writes it (0.01, not 0.009999...). */
function governsFrom(tolerance: Tolerance): number {
  return Number((tolerance.atol / tolerance.rtol).toPrecision(6));
}

/** The heatmap's caption: the verdict's measure first, then every element's, which the colours show. */
function ulpCaption(all: number, counted: number | undefined, tolerance: Tolerance): string {
  const where = `|NumPy| >= ${governsFrom(tolerance)}`;
  return `ULP from NumPy, largest ${counted === undefined ? 'none' : counted} where ${where} (as the verdict counts), ${all} over all elements`;
}

function ulpLegend(tolerance: Tolerance): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.title = `Every element is coloured by its ULP distance. The verdict counts ULP only where the relative tolerance governs (|NumPy| >= atol / rtol = ${governsFrom(tolerance)}); below that the absolute tolerance does, and a value near zero can be thousands of ULP off within it.`;
  legend.append('ULP from NumPy, every element:');
  for (const bucket of ULP_BUCKETS) {
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = `rgb(${bucket.colour.join(',')})`;
    legend.append(swatch, bucket.label);
  }
  return legend;
}

function draw(trace: LstmTrace, golden: GoldenFile | undefined): void {
  const expected = golden === undefined ? undefined : expectedArrays(golden);
  const tolerance = golden === undefined ? undefined : toleranceOf(golden);
  for (const [key, values] of seedFields(trace)) {
    const grid = { values, rows: trace.steps, cols: trace.hidden };
    const pair = document.createElement('div');
    pair.className = 'pair';
    pair.dataset.key = key;
    const { colour, span } = valueScale(values);
    pair.append(figure(key, grid, 'mean', colour, valueLegend(span)));
    if (expected !== undefined && tolerance !== undefined) {
      const ulps = ulpGrid(values, expected[key]);
      const all = ulps.reduce((m, u) => Math.max(m, u), 0);
      const caption = ulpCaption(all, verdictUlps(values, expected[key], ulps, tolerance), tolerance);
      pair.append(figure(caption, { ...grid, values: ulps }, 'max', ulpColour, ulpLegend(tolerance)));
    }
    heatmaps.append(pair);
  }
}

async function onRun(event: Event): Promise<void> {
  event.preventDefault();
  message.className = '';
  message.textContent = 'running...';
  agreementLine.textContent = '';
  heatmaps.replaceChildren();
  document.body.dataset.state = 'running';
  try {
    const input = await readInput();
    const shape = validateCase(input.cell, input.value, { allowNonFinite: input.allowNonFinite });
    const backend = backendSelect.value as 'auto' | Backend;
    const result = run(input, backend);
    const time = timePerCall(result.call);
    const engine = result.backend === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript';
    message.textContent = `${input.label}: ${input.cell} on ${engine}, T = ${shape.steps}, X = ${shape.inputs}, H = ${shape.hidden}: ${formatSeconds(time.seconds)} per call (mean of ${time.calls})`;
    if (input.golden !== undefined) {
      const { verdict } = await judgeGoldenFile(input.golden, lstmParityImplementation({ backend }));
      agreementLine.textContent = `${goldenPasses(input.golden, verdict) ? 'passes' : 'FAILS'} against NumPy's outputs in ${input.label}: ${describeVerdict(verdict)}`;
    } else {
      agreementLine.textContent = 'A pasted case has no NumPy outputs to compare with; pick a golden case for the ULP heatmaps.';
    }
    draw(result.trace, input.golden);
    document.body.dataset.state = 'done';
  } catch (error) {
    message.className = 'error';
    // A pasted case's problem in the CLI's words (the flag, an overflowing literal named).
    const pasted = error instanceof LstmInputError && caseSelect.value === '';
    message.textContent = pasted ? `lstm-parity: ${caseProblemLine(error, caseJson.value, PASTED, allowNonFinite.checked)}` : cliLine(error);
    document.body.dataset.state = 'error';
  }
}

function onCaseChange(): void {
  const golden = caseSelect.value !== '';
  caseJson.hidden = golden;
  cellSelect.disabled = golden;
  allowNonFinite.disabled = golden;
  if (golden) cellSelect.value = caseSelect.value.startsWith('type2/') ? 'type2' : 'type1';
}

function describeEngine(): string {
  if (wasmSimdAvailable()) return `lstm-parity ${VERSION} in this browser. WebAssembly SIMD: available.`;
  try {
    prepareWeights('type1', { w_i: [[0]], u_i: [[0]], b_i: [0], w_g: [[0]], u_g: [[0]], b_g: [0], w_o: [[0]], u_o: [[0]], b_o: [0], w_c: [[0]], u_c: [[0]], b_c: [0] }, { backend: 'wasm' });
    return `lstm-parity ${VERSION} in this browser.`;
  } catch (error) {
    return `lstm-parity ${VERSION} in this browser. WebAssembly SIMD is not available, so the cells run in JavaScript (the same bits): ${cliLine(error)}`;
  }
}

$<HTMLParagraphElement>('engine').textContent = describeEngine();
$<HTMLFormElement>('controls').addEventListener('submit', (event) => void onRun(event));
caseSelect.addEventListener('change', onCaseChange);
void listCorpus().then(() => {
  document.body.dataset.state = 'ready';
});
