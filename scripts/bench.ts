/**
 * npm run bench: the TypeScript cells side by side with the seed's NumPy code, a fused NumPy,
 * PyTorch's nn.LSTM (when torch imports) and TensorFlow.js basicLSTMCell (tfjs-backend-cpu and
 * -wasm), on the sizes of the performance issue. Prints a table of medians and ratios and writes
 * bench/results.json.
 *
 * How it measures: every implementation runs in this one process, interleaved: each of
 * BENCH_ROUNDS rounds (default 5) visits every implementation of a size in a fresh random
 * order and takes samples for at least BENCH_TIME_MS (default 300) and 3 calls. A row reports the
 * median of its round medians and their spread (min..max), which shows how noisy the machine
 * was. Python timings are taken inside the worker process (no transfer); BLAS and PyTorch get one
 * thread, like the JavaScript cells. GFLOP/s counts the matrix products only (2 flops per
 * multiply-add, activations not counted). Never run in CI: timings assert nothing.
 *
 * BENCH_ONLY=tiny,small limits the sizes; BENCH_OUT names the results file (default
 * bench/results.json). The 'best round' column is the fastest round median: on a shared machine
 * interference only ever adds time, so it is the better guide to what the code can do, while the
 * median says what a run here got.
 *
 * The batch is also timed split over two threads (`threads: 2`), the one row that is not on one
 * thread. At the end the run judges the performance issue's targets from its own ratios of medians
 * (TARGETS below), prints each as reached or not, and records them in the results file.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Bench } from 'tinybench';
import {
  createLstmType1,
  createLstmType2,
  lstmType1,
  lstmType1Batch,
  lstmType2,
  lstmType2Batch,
  prepareWeights,
  threads,
  wasmSimdAvailable,
  WEIGHT_KEYS,
  type CellType,
  type Type1Weights,
  type Type2Weights,
} from '../src/index.js';
import {
  SPLIT_MIN_ROWS,
} from '../src/cells/driver.js';
import { packageRoot } from '../src/package-root.js';
import { PythonBench, type PythonImpl } from './bench-python.js';

interface Size {
  name: string;
  hidden: number;
  inputs: number;
  steps: number;
  batch: number;
}

const SIZES: Size[] = [
  { name: 'tiny', hidden: 4, inputs: 3, steps: 6, batch: 1 },
  { name: 'small', hidden: 32, inputs: 16, steps: 100, batch: 1 },
  { name: 'medium', hidden: 128, inputs: 64, steps: 200, batch: 1 },
  { name: 'large', hidden: 512, inputs: 256, steps: 50, batch: 1 },
  { name: 'batch64', hidden: 128, inputs: 64, steps: 200, batch: 64 },
];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 300);
const ONLY = process.env.BENCH_ONLY?.split(',');
const OUT = process.env.BENCH_OUT ?? join('bench', 'results.json');

/** A deterministic generator (LCG), so every run times the same numbers. */
function numbers(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

interface Data {
  W: Record<string, number[][] | number[]>;
  flat: Record<string, Float64Array>;
  /** B sequences, each T rows of X. */
  S: number[][][];
  flatS: Float64Array;
}

/** Well-scaled weights (entries ~ U(-1, 1) / sqrt(fan-in)) and inputs in [-1, 1). */
function makeData(cell: CellType, size: Size): Data {
  const r = numbers(cell === 'type1' ? 1 : 2);
  const { hidden: H, inputs: X, steps: T, batch: B } = size;
  const W: Data['W'] = {};
  const flat: Data['flat'] = {};
  for (const key of WEIGHT_KEYS[cell]) {
    const rows = key.startsWith('b_') ? 1 : H;
    const cols = key.startsWith('b_') ? H : key.startsWith('u_') ? H : X;
    const scale = 2 / Math.sqrt(key.startsWith('u_') ? H : X);
    const m = Array.from({ length: rows }, () => Array.from({ length: cols }, () => r() * scale));
    W[key] = key.startsWith('b_') ? m[0] : m;
    flat[key] = Float64Array.from(m.flat());
  }
  const S = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: X }, () => 2 * r())));
  return { W, flat, S, flatS: Float64Array.from(S.flat(2)) };
}

/** Flops of the matrix products of one call: B T (2 * 4H * X + 2 * R * H), R = 4H or 3H. */
function flops(cell: CellType, s: Size): number {
  const R = cell === 'type1' ? 4 * s.hidden : 3 * s.hidden;
  return s.batch * s.steps * (2 * 4 * s.hidden * s.inputs + 2 * R * s.hidden);
}

interface Impl {
  name: string;
  cell: CellType;
  /** Samples in ms, at least `minSamples` of them and `timeMs` worth. */
  measure(timeMs: number): Promise<number[]>;
}

async function jsSamples(fn: () => unknown, timeMs: number): Promise<number[]> {
  const bench = new Bench({ time: timeMs, iterations: 3, warmup: true, warmupTime: 20, warmupIterations: 2, retainSamples: true });
  bench.add('x', fn);
  await bench.run();
  const result = bench.tasks[0].result as { latency?: { samples?: number[] }; error?: unknown };
  if (result.latency?.samples === undefined) throw new Error(`tinybench gave no samples: ${String(result.error)}`);
  return [...result.latency.samples];
}

function tsImpls(cell: CellType, size: Size, data: Data): Impl[] {
  const impls: Impl[] = [];
  const backends = wasmSimdAvailable() ? (['wasm', 'scalar'] as const) : (['scalar'] as const);
  const run1 = cell === 'type1';
  const rowsOfU = run1 ? 4 * size.hidden : 3 * size.hidden;
  if (size.batch === 1 && rowsOfU >= SPLIT_MIN_ROWS && wasmSimdAvailable()) {
    // One sequence with its products split by rows over two threads.
    const P = run1 ? prepareWeights('type1', data.W as unknown as Type1Weights, { threads: threads(2) }) : prepareWeights('type2', data.W as unknown as Type2Weights, { threads: threads(2) });
    if (P.threads === 2) {
      const fn = () => (run1 ? lstmType1(data.S[0], P as never, { trace: 'output' }) : lstmType2(data.S[0], P as never, { trace: 'output' }));
      impls.push({ name: 'ts wasm output (2 threads)', cell, measure: (t) => jsSamples(fn, t) });
      let last = fn();
      const reuse = () => (last = run1 ? lstmType1(data.S[0], P as never, { trace: 'output', into: last as never }) : lstmType2(data.S[0], P as never, { trace: 'output', into: last as never }));
      impls.push({ name: 'ts wasm output into (2 threads)', cell, measure: (t) => jsSamples(reuse, t) });
    }
  }
  if (size.batch > 1 && wasmSimdAvailable()) {
    const P = run1 ? prepareWeights('type1', data.W as unknown as Type1Weights, { threads: threads(2) }) : prepareWeights('type2', data.W as unknown as Type2Weights, { threads: threads(2) });
    if (P.threads === 2) {
      const fn = () => (run1 ? lstmType1Batch(data.S, P as never, { trace: 'output' }) : lstmType2Batch(data.S, P as never, { trace: 'output' }));
      impls.push({ name: 'ts wasm output (batch API, 2 threads)', cell, measure: (t) => jsSamples(fn, t) });
      let last = fn();
      const reuse = () => (last = run1 ? lstmType1Batch(data.S, P as never, { trace: 'output', into: last as never }) : lstmType2Batch(data.S, P as never, { trace: 'output', into: last as never }));
      impls.push({ name: 'ts wasm output into (batch API, 2 threads)', cell, measure: (t) => jsSamples(reuse, t) });
    }
  }
  for (const backend of backends) {
    const P = run1 ? prepareWeights('type1', data.W as unknown as Type1Weights, { backend }) : prepareWeights('type2', data.W as unknown as Type2Weights, { backend });
    for (const trace of ['output', 'full'] as const) {
      // The slow combinations add little: the JavaScript backend is timed with trace 'output' only
      // beyond the small size, and batches only with trace 'output' on JavaScript.
      if (backend === 'scalar' && trace === 'full' && (size.hidden > 32 || size.batch > 1)) continue;
      const name = `ts ${backend} ${trace}${size.batch > 1 ? ' (batch API)' : ''}`;
      const fn = size.batch > 1
        ? () => (run1 ? lstmType1Batch(data.S, P as never, { trace }) : lstmType2Batch(data.S, P as never, { trace }))
        : () => (run1 ? lstmType1(data.S[0], P as never, { trace }) : lstmType2(data.S[0], P as never, { trace }));
      impls.push({ name, cell, measure: (t) => jsSamples(fn, t) });
      if (backend === 'wasm') {
        // The same call writing into its previous result (options.into): no result memory allocated.
        let last = fn();
        const reuse = size.batch > 1
          ? () => (last = run1 ? lstmType1Batch(data.S, P as never, { trace, into: last as never }) : lstmType2Batch(data.S, P as never, { trace, into: last as never }))
          : () => (last = run1 ? lstmType1(data.S[0], P as never, { trace, into: last as never }) : lstmType2(data.S[0], P as never, { trace, into: last as never }));
        impls.push({ name: `ts wasm ${trace} into${size.batch > 1 ? ' (batch API)' : ''}`, cell, measure: (t) => jsSamples(reuse, t) });
      }
    }
  }
  if (size.batch === 1 && wasmSimdAvailable()) {
    // The streaming API over the same sequence, one step(x_t) per input, from a reset state.
    const stream = run1 ? createLstmType1(data.W as unknown as Type1Weights) : createLstmType2(data.W as unknown as Type2Weights);
    const fn = () => {
      stream.reset();
      for (const x of data.S[0]) stream.step(x);
    };
    impls.push({ name: 'ts wasm stream (step per input)', cell, measure: (t) => jsSamples(fn, t) });
  }
  if (size.batch === 1) {
    const fn = () => (run1 ? lstmType1(data.S[0], data.W as unknown as Type1Weights, { trace: 'output' }) : lstmType2(data.S[0], data.W as unknown as Type2Weights, { trace: 'output' }));
    impls.push({ name: 'ts raw W output (validates, packs per call)', cell, measure: (t) => jsSamples(fn, t) });
  }
  return impls;
}

type Tf = typeof import('@tensorflow/tfjs-core');

/** basicLSTMCell over T steps for B sequences, float32; the kernel is [X + H, 4H] in tfjs's gate order i, j, f, o. */
function tfjsImpl(tf: Tf, backend: 'cpu' | 'wasm', size: Size, data: Data): Impl {
  const { hidden: H, inputs: X, steps: T, batch: B } = size;
  const kernel = new Float32Array((X + H) * 4 * H);
  const bias = new Float32Array(4 * H);
  ['w_i', 'w_c', 'w_g', 'w_o'].forEach((key, block) => {
    const w = data.flat[key];
    const u = data.flat[`u_${key.slice(2)}`];
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < X; k++) kernel[k * 4 * H + block * H + j] = w[j * X + k];
      for (let k = 0; k < H; k++) kernel[(X + k) * 4 * H + block * H + j] = u[j * H + k];
      bias[block * H + j] = data.flat[`b_${key.slice(2)}`][j];
    }
  });
  return {
    name: `tfjs ${backend} basicLSTMCell (float32)`,
    cell: 'type1',
    async measure(timeMs) {
      await tf.setBackend(backend);
      await tf.ready();
      const k = tf.tensor2d(kernel, [X + H, 4 * H]);
      const b = tf.tensor1d(bias);
      const forgetBias = tf.scalar(0);
      // Step t of every sequence: [B, X].
      const xs = Array.from({ length: T }, (_, t) => tf.tensor2d(Float32Array.from(data.S.flatMap((seq) => seq[t])), [B, X]));
      const fn = () => {
        let c = tf.zeros([B, H]) as import('@tensorflow/tfjs-core').Tensor2D;
        let h = tf.zeros([B, H]) as import('@tensorflow/tfjs-core').Tensor2D;
        for (let t = 0; t < T; t++) {
          const [c2, h2] = tf.basicLSTMCell(forgetBias, k, b, xs[t], c, h);
          c.dispose();
          h.dispose();
          c = c2;
          h = h2;
        }
        h.dataSync();
        c.dispose();
        h.dispose();
      };
      try {
        return await jsSamples(fn, timeMs);
      } finally {
        tf.dispose([k, b, forgetBias, ...xs]);
      }
    },
  };
}

function pythonImpl(py: PythonBench, impl: PythonImpl, cell: CellType, size: Size, data: Data, seedPath: string | undefined): Impl {
  const names: Record<PythonImpl, string> = {
    seed: 'numpy seed (original_lstm.py)',
    fused: 'numpy fused',
    torch64: 'torch nn.LSTM float64',
    torch32: 'torch nn.LSTM float32',
  };
  return {
    name: names[impl],
    cell,
    async measure(timeMs) {
      const { samples } = await py.bench({
        impl, cell, steps: size.steps, inputs: size.inputs, hidden: size.hidden, batch: size.batch,
        S: data.flatS, W: data.flat, minTimeMs: timeMs, minSamples: 3, seedPath,
      });
      return samples;
    },
  };
}

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function shuffle<T>(items: T[], r: () => number): T[] {
  for (let k = items.length - 1; k > 0; k--) {
    const j = Math.floor((r() + 0.5) * (k + 1));
    [items[k], items[j]] = [items[j], items[k]];
  }
  return items;
}

function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} us`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/**
 * The issue's targets: `impl` (ours) against `against`, ratio = their median / ours, reached when
 * ratio >= `atLeast` (or > 1 for "ahead of"). `within 1.2x` means atLeast 1 / 1.2.
 */
interface Target {
  size: string;
  goal: string;
  impls: string[];
  against: string;
  atLeast: number;
  strict?: boolean;
}

const OURS = ['ts wasm output', 'ts wasm full', 'ts wasm output into', 'ts wasm full into'];
const TARGETS: Target[] = [
  { size: 'tiny', goal: '>= 60x the seed', impls: OURS, against: 'numpy seed', atLeast: 60 },
  { size: 'tiny', goal: '>= 30x fused NumPy', impls: OURS, against: 'numpy fused', atLeast: 30 },
  { size: 'small', goal: '>= 3x fused NumPy', impls: OURS, against: 'numpy fused', atLeast: 3 },
  { size: 'medium', goal: '>= 1.1x fused NumPy', impls: OURS, against: 'numpy fused', atLeast: 1.1 },
  { size: 'medium', goal: 'ahead of PyTorch float64', impls: OURS, against: 'torch nn.LSTM float64', atLeast: 1, strict: true },
  { size: 'large', goal: 'ahead of the seed', impls: OURS, against: 'numpy seed', atLeast: 1, strict: true },
  { size: 'large', goal: 'within 1.2x of fused NumPy', impls: OURS, against: 'numpy fused', atLeast: 1 / 1.2 },
  { size: 'batch64', goal: 'within 1.5x of fused NumPy, one thread', impls: ['ts wasm output (batch API)', 'ts wasm full (batch API)', 'ts wasm output into (batch API)', 'ts wasm full into (batch API)'], against: 'numpy fused', atLeast: 1 / 1.5 },
  { size: 'batch64', goal: 'ahead of fused NumPy, two threads', impls: ['ts wasm output (batch API, 2 threads)', 'ts wasm output into (batch API, 2 threads)'], against: 'numpy fused', atLeast: 1, strict: true },
  { size: 'batch64', goal: 'ahead of PyTorch float64, two threads', impls: ['ts wasm output (batch API, 2 threads)', 'ts wasm output into (batch API, 2 threads)'], against: 'torch nn.LSTM float64', atLeast: 1, strict: true },
];

interface Verdict {
  size: string;
  goal: string;
  cell: CellType;
  impl: string;
  ratio: number;
  reached: boolean;
}

function judgeTargets(rows: Row[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const target of TARGETS) {
    for (const cell of ['type1', 'type2'] as const) {
      const theirs = rows.find((r) => r.size === target.size && r.cell === cell && r.impl.startsWith(target.against));
      if (theirs === undefined) continue;
      for (const impl of target.impls) {
        const ours = rows.find((r) => r.size === target.size && r.cell === cell && r.impl === impl);
        if (ours === undefined) continue;
        const ratio = theirs.medianMs / ours.medianMs;
        verdicts.push({ size: target.size, goal: target.goal, cell, impl, ratio, reached: target.strict ? ratio > target.atLeast : ratio >= target.atLeast });
      }
    }
  }
  return verdicts;
}

interface Row {
  size: string;
  cell: CellType;
  impl: string;
  medianMs: number;
  bestRoundMs: number;
  roundMediansMs: number[];
  samples: number;
  gflops: number;
  vsSeed?: number;
  vsFused?: number;
}

async function main(): Promise<void> {
  const root = packageRoot();
  const seedCandidate = resolve(process.env.LSTM_PARITY_SEED ?? resolve(root, '../shared/seed/original_lstm.py'));
  const seedPath = existsSync(seedCandidate) ? seedCandidate : undefined;
  const py = PythonBench.start();
  const pyInfo = await py.hello();
  const notes: string[] = [];
  if (seedPath === undefined) notes.push(`seed not found at ${seedCandidate}: 'numpy seed' runs reference/lstm_reference.py (the same NumPy calls, proven bit for bit)`);

  // torch is optional: one probe says whether it imports here.
  const probe = makeData('type1', SIZES[0]);
  let torchInfo: string | undefined;
  try {
    const result = await py.bench({ impl: 'torch64', cell: 'type1', steps: 6, inputs: 3, hidden: 4, batch: 1, S: probe.flatS, W: probe.flat, minTimeMs: 0, minSamples: 1 });
    torchInfo = String(result.info.torch);
  } catch (error) {
    notes.push(`PyTorch not timed: ${(error as Error).message}`);
  }

  let tf: Tf | undefined;
  try {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // One thread, like every other implementation here.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await tf.setBackend('wasm');
    await tf.ready();
    notes.push(`tfjs ${tf.version_core}, wasm backend ${wasm.version_wasm}: SIMD ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}, threads off`);
  } catch (error) {
    notes.push(`TensorFlow.js not timed: ${(error as Error).message}`);
    tf = undefined;
  }

  const loadBefore = loadavg();
  const started = Date.now();
  const rows: Row[] = [];
  const order = numbers(7);
  for (const size of SIZES.filter((s) => ONLY === undefined || ONLY.includes(s.name))) {
    const impls: Impl[] = [];
    for (const cell of ['type1', 'type2'] as const) {
      // Type 2 has no counterpart in PyTorch or TensorFlow.js, and its batch adds nothing new.
      if (cell === 'type2' && size.batch > 1) continue;
      const data = makeData(cell, size);
      impls.push(...tsImpls(cell, size, data));
      impls.push(pythonImpl(py, 'seed', cell, size, data, seedPath), pythonImpl(py, 'fused', cell, size, data, seedPath));
      if (cell === 'type1') {
        if (torchInfo !== undefined) impls.push(pythonImpl(py, 'torch64', cell, size, data, seedPath), pythonImpl(py, 'torch32', cell, size, data, seedPath));
        if (tf !== undefined) impls.push(tfjsImpl(tf, 'cpu', size, data), tfjsImpl(tf, 'wasm', size, data));
      }
    }
    const rounds = new Map<Impl, number[]>(impls.map((impl) => [impl, []]));
    const counts = new Map<Impl, number>(impls.map((impl) => [impl, 0]));
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`bench: ${size.name} round ${round + 1}/${ROUNDS}\n`);
      for (const impl of shuffle([...impls], order)) {
        const samples = await impl.measure(TIME_MS);
        rounds.get(impl)!.push(median(samples));
        counts.set(impl, counts.get(impl)! + samples.length);
      }
    }
    const sizeRows = impls.map((impl): Row => {
      const medians = rounds.get(impl)!;
      const m = median(medians);
      return { size: size.name, cell: impl.cell, impl: impl.name, medianMs: m, bestRoundMs: Math.min(...medians), roundMediansMs: medians, samples: counts.get(impl)!, gflops: flops(impl.cell, size) / (m * 1e6) };
    });
    for (const row of sizeRows) {
      const seed = sizeRows.find((r) => r.cell === row.cell && r.impl.startsWith('numpy seed'));
      const fused = sizeRows.find((r) => r.cell === row.cell && r.impl === 'numpy fused');
      row.vsSeed = seed && seed.medianMs / row.medianMs;
      row.vsFused = fused && fused.medianMs / row.medianMs;
    }
    rows.push(...sizeRows);
    printRows(sizeRows, size);
  }
  py.close();

  const targets = judgeTargets(rows);
  console.log('\ntargets (ratio = their median / ours):');
  for (const v of targets) console.log(`  ${v.reached ? 'reached    ' : 'NOT reached'}  ${v.size.padEnd(8)} ${v.goal.padEnd(40)} ${v.cell}  ${v.impl.padEnd(38)} ${v.ratio.toFixed(2)}x`);

  const results = {
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    method: `each implementation sampled for >= ${TIME_MS} ms and >= 3 calls per round, ${ROUNDS} rounds interleaved in random order; median of round medians; BLAS and torch on 1 thread`,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
    node: process.version,
    python: { python: pyInfo.python, numpy: pyInfo.numpy, blas: pyInfo.blas, torch: torchInfo ?? null },
    notes,
    sizes: SIZES,
    rows,
    targets,
  };
  const out = resolve(root, OUT);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log(`wrote ${out}`);
}

function printRows(rows: Row[], size: Size): void {
  console.log(`\n${size.name}: H ${size.hidden}, X ${size.inputs}, T ${size.steps}${size.batch > 1 ? `, B ${size.batch}` : ''}`);
  console.log(`  ${'cell'.padEnd(5)}  ${'implementation'.padEnd(44)}  ${'median'.padStart(9)}  ${'best round'.padStart(10)}  ${'round medians'.padStart(21)}  ${'vs seed'.padStart(8)}  ${'vs fused'.padStart(8)}  ${'GFLOP/s'.padStart(7)}`);
  for (const r of rows) {
    const spread = `${formatMs(Math.min(...r.roundMediansMs))}..${formatMs(Math.max(...r.roundMediansMs))}`;
    const ratio = (x?: number) => (x === undefined ? '' : `${x.toFixed(x < 10 ? 2 : 1)}x`);
    console.log(`  ${r.cell.padEnd(5)}  ${r.impl.padEnd(44)}  ${formatMs(r.medianMs).padStart(9)}  ${formatMs(r.bestRoundMs).padStart(10)}  ${spread.padStart(21)}  ${ratio(r.vsSeed).padStart(8)}  ${ratio(r.vsFused).padStart(8)}  ${(size.hidden >= 32 ? r.gflops.toFixed(2) : '').padStart(7)}`);
  }
}

await main();
