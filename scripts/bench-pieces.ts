/**
 * What bounds a call: `npm run bench:pieces` times the WebAssembly kernel's pieces on their own,
 * the activations per value (beside V8's Math.exp and Math.tanh per call), one step's
 * activations and state update, and the products at the benchmark's shapes, each as the minimum
 * and the median over many short samples (the minimum is what load disturbs least). The table in
 * docs/performance.md ("What bounds it") comes from it. Never run by the tests.
 *
 * BENCH_SAMPLES (default 200) samples a piece, each of at least BENCH_SAMPLE_MS (default 2) ms.
 */
import { cpus, loadavg } from 'node:os';
import { CELL_CODE, growTo, instantiateDots, writeWeights, type DotsInstance } from '../src/cells/wasm-dots.js';
import { SeededRandom } from '../src/numeric/seeded-random.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 2);

/** Minimum and median time of one call of fn, in ns. */
function time(fn: () => void): { min: number; median: number } {
  let calls = 1;
  // Calls per sample: enough for SAMPLE_MS, so the clock's resolution does not count.
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < calls; k++) fn();
    if (performance.now() - t0 >= SAMPLE_MS) break;
    calls *= 2;
  }
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let k = 0; k < calls; k++) fn();
    samples.push(((performance.now() - t0) * 1e6) / calls);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0], median: samples[Math.floor(samples.length / 2)] };
}

const random = new SeededRandom(20261201);

/** A kernel instance holding random weights of H hidden units and X inputs (type 1), with room for `vectors` vectors. */
function kernelFor(H: number, X: number, vectors: number): { k: DotsInstance; at: ReturnType<typeof writeWeights>; buffers: number } {
  const k = instantiateDots();
  const G = 4 * H;
  const scaled = (n: number, scale: number) => Float64Array.from({ length: n }, () => random.normal() * scale);
  const at = writeWeights(k.memory, { hidden: H, inputs: X, input: scaled(G * X, 1 / Math.sqrt(X)), recurrent: scaled(G * H, 1 / Math.sqrt(H)), bias: scaled(G, 0.1) }, G);
  const buffers = at.end;
  const doubles = vectors * (X + 3 * G) + 2 * (vectors + 1) * H + 64;
  growTo(k.memory, buffers + 8 * doubles);
  new Float64Array(k.memory.buffer, buffers, doubles).set(scaled(doubles, 0.5));
  return { k, at, buffers };
}

function row(name: string, perValue: number, { min, median }: { min: number; median: number }): string {
  const f = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} us` : `${ns.toFixed(2)} ns`);
  return `  ${name.padEnd(58)} ${f(min / perValue).padStart(10)} ${f(median / perValue).padStart(10)}`;
}

function main(): void {
  console.log(`bench:pieces: ${SAMPLES} samples of >= ${SAMPLE_MS} ms each; load ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log(`  ${'piece'.padEnd(58)} ${'min'.padStart(10)} ${'median'.padStart(10)}`);

  // Activations over 4096 arguments in [-8, 8], per value.
  const N = 4096;
  const { k, buffers } = kernelFor(4, 4, 1);
  growTo(k.memory, buffers + 16 * N);
  const args = new Float64Array(k.memory.buffer, buffers, N);
  for (let j = 0; j < N; j++) args[j] = 16 * random.uniform() - 8;
  const dst = buffers + 8 * N;
  console.log(row('exp in the kernel, per value', N, time(() => k.expBlock(dst, buffers, N))));
  console.log(row('σ in the kernel, per value', N, time(() => k.sigmoidBlock(dst, buffers, N))));
  console.log(row('tanh in the kernel, per value', N, time(() => k.tanhBlock(dst, buffers, N))));
  const plain = Float64Array.from(args);
  let sink = 0;
  console.log(row("V8's Math.exp, per call", N, time(() => { for (let j = 0; j < N; j++) sink += Math.exp(plain[j]); })));
  console.log(row("V8's Math.tanh, per call", N, time(() => { for (let j = 0; j < N; j++) sink += Math.tanh(plain[j]); })));

  // One type 1 step's activations and state update (3 σ and 2 tanh a unit), on products already made.
  for (const H of [4, 32, 128]) {
    const s = kernelFor(H, 4, 1);
    const G = 4 * H;
    const wx = s.buffers;
    const z = wx + 8 * G;
    const g = z + 8 * G;
    const st = g + 8 * G;
    const h = st + 16 * H;
    console.log(row(`a type 1 step's activations and state update, H ${H}`, 1, time(() => s.k.rows(CELL_CODE.type1, 1, H, wx, z, s.at.biasAt, g, st, st + 8 * H, h + 8 * H))));
  }

  // Products at the benchmark's shapes: rows x cols, n vectors.
  const shapes: [string, number, number, number, boolean][] = [
    ["recurrent product 512 x 128, one vector (medium's step)", 128, 64, 1, true],
    ['input projections 512 x 64, 64 vectors', 128, 64, 64, false],
    ["recurrent product 512 x 128, 64 vectors (batch64's step)", 128, 64, 64, true],
    ["recurrent product 2048 x 512, one vector (large's step)", 512, 256, 1, true],
  ];
  for (const [name, H, X, n, recurrent] of shapes) {
    const p = kernelFor(H, X, n);
    const G = 4 * H;
    const cols = recurrent ? H : X;
    const V = p.buffers;
    const out = V + 8 * n * Math.max(H, X);
    const t = time(() => p.k.dots(recurrent ? p.at.recurrentAt : p.at.inputAt, G, cols, V, n, out, G));
    const gflops = (2 * G * cols * n) / t.min;
    console.log(`${row(name, 1, t)}   ${gflops.toFixed(1)} GFLOP/s at the minimum`);
  }
  if (sink === 0.5) console.log('');
  console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main();
