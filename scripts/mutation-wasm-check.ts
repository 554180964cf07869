/**
 * The fast first stage of `npm run mutation:wasm` for one mutant: the built cells of a sandbox
 * (first argument: its dist/src folder, whose WebAssembly module carries the mutant) run every
 * golden case and cases drawn over the kernel's blocking paths on WebAssembly (own and shared
 * memory), and any element whose bits differ from JavaScript's kills the mutant (exit 1); exit 0
 * when all agree. JavaScript is the oracle here: the two backends give the same bits by design
 * (tested). Its answers are the same for every mutant, so `--record FILE` writes them once (run
 * on the unmutated build) and `--expected FILE` reads them.
 *
 * Before the cases, the kernel's exports are called directly, as test/activations.test.ts and
 * test/kernel-edges.test.ts call them: expBlock, sigmoidBlock and tanhBlock on the arguments of
 * scripts/kernel-arguments.ts against the JavaScript twins, bit for bit, with a canary after short
 * runs; and dots with canaries all around its output. No cell calls expBlock, and the cells'
 * buffers leave room past every product, so without these a mutant there reached the vitest stage
 * (20 to 90 s a mutant instead of 2).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import { argumentsFor } from './kernel-arguments.js';

type Trace = Record<string, unknown>;
type Run = (S: number[][], W: unknown, options?: object) => Trace;
type RunBatch = (S: number[][][], W: unknown, options?: object) => Trace[];
interface Cells {
  lstmType1: Run;
  lstmType2: Run;
  lstmType1Batch: RunBatch;
  lstmType2Batch: RunBatch;
  prepareWeights: (cell: string, W: unknown, options?: object) => unknown;
  threads: (n: number) => unknown;
  wasmSimdAvailable: () => boolean;
}

const dist = process.argv[2];
const cells = (await import(pathToFileURL(join(dist, 'index.js')).href)) as Cells;
const { reviveDoubles } = (await import(pathToFileURL(join(dist, 'format/doubles.js')).href)) as { reviveDoubles: (v: unknown) => unknown };
if (!cells.wasmSimdAvailable()) {
  // A mutant the engine refuses to compile cannot be run at all: the cells would silently fall back.
  console.log('killed: the module no longer compiles or instantiates here');
  process.exit(1);
}

/** Bits of every Float64Array of a trace, NaN made canonical. */
function bits(trace: Trace): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(trace)) {
    if (value instanceof Float64Array) parts.push(key, Array.from(value, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v))).join(','));
    else if (key === 'finalState') {
      const s = value as { h: Float64Array; c: Float64Array };
      parts.push(key, Array.from(s.h).join(','), Array.from(s.c).join(','));
    }
  }
  return parts.join('|');
}

interface Kernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  dots(P: number, rows: number, cols: number, V: number, n: number, out: number, stride: number): void;
  expBlock(dst: number, src: number, n: number): void;
  sigmoidBlock(dst: number, src: number, n: number): void;
  tanhBlock(dst: number, src: number, n: number): void;
}
const wasmDots = (await import(pathToFileURL(join(dist, 'cells/wasm-dots.js')).href)) as {
  instantiateDots: () => Kernel;
  KERNEL_DATA_BYTES: number;
  growTo: (memory: Kernel['memory'], bytes: number) => void;
  packPanels: (M: Float64Array, rows: number, cols: number, out: Float64Array, offset: number) => void;
};
const twins = {
  expBlock: ((await import(pathToFileURL(join(dist, 'cells/math/exp.js')).href)) as { exp: (x: number) => number }).exp,
  sigmoidBlock: ((await import(pathToFileURL(join(dist, 'cells/math/sigmoid.js')).href)) as { sigmoid: (x: number) => number }).sigmoid,
  tanhBlock: ((await import(pathToFileURL(join(dist, 'cells/math/tanh.js')).href)) as { tanh: (x: number) => number }).tanh,
};

/** The activation lanes against the JavaScript twins, out of place, in place, and lengths 1 to 4 before a canary. */
function checkActivations(): string | undefined {
  const kernel = wasmDots.instantiateDots();
  const n = 200_001;
  const at = wasmDots.KERNEL_DATA_BYTES;
  const outAt = at + 8 * (n + 1);
  wasmDots.growTo(kernel.memory, outAt + 8 * (n + 1));
  const xs = argumentsFor(7, n);
  const memory = () => new Float64Array(kernel.memory.buffer);
  for (const [block, f] of Object.entries(twins) as [keyof typeof twins, (x: number) => number][]) {
    memory().set(xs, at / 8);
    kernel[block](outAt, at, n);
    const lanes = memory().slice(outAt / 8, outAt / 8 + n);
    for (let k = 0; k < n; k++) if (!Object.is(lanes[k], f(xs[k]))) return `${block}(${xs[k]}) = ${lanes[k]}, JavaScript ${f(xs[k])}`;
    kernel[block](at, at, n);
    const inPlace = memory().slice(at / 8, at / 8 + n);
    for (let k = 0; k < n; k++) if (!Object.is(inPlace[k], lanes[k])) return `${block} in place at ${xs[k]}`;
    for (const count of [1, 2, 3, 4]) {
      memory().set(xs.subarray(100, 100 + count), at / 8);
      memory()[at / 8 + count] = 12345;
      kernel[block](at, at, count);
      const got = memory().slice(at / 8, at / 8 + count + 1);
      for (let k = 0; k < count; k++) if (!Object.is(got[k], f(xs[100 + k]))) return `${block} of ${count} value(s)`;
      if (got[count] !== 12345) return `${block} of ${count} value(s) wrote past them`;
    }
  }
  return undefined;
}

/** dots alone: every product in the order dots.wat documents, and every double around them untouched (test/kernel-edges.test.ts). */
function checkDots(): string | undefined {
  const kernel = wasmDots.instantiateDots();
  wasmDots.growTo(kernel.memory, wasmDots.KERNEL_DATA_BYTES + 64 * 1024);
  const heap = new Float64Array(kernel.memory.buffer);
  const base = Math.ceil(wasmDots.KERNEL_DATA_BYTES / 16) * 2;
  const CANARY = 1234.5;
  let s = 7;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  for (let rows = 1; rows <= 9; rows++) {
    for (let cols = 1; cols <= 5; cols++) {
      for (let n = 1; n <= 5; n++) {
        const stride = rows + 3;
        const M = Float64Array.from({ length: rows * cols }, next);
        const V = Float64Array.from({ length: (n + 1) * cols }, next);
        const P = base;
        const Vat = P + rows * cols + 2;
        const out = Vat + V.length + 2;
        const end = out + (n + 2) * stride;
        heap.fill(0, base, end);
        wasmDots.packPanels(M, rows, cols, heap, P);
        heap.set(V, Vat);
        heap.fill(CANARY, out, end);
        kernel.dots(8 * P, rows, cols, 8 * Vat, n, 8 * out, stride);
        for (let k = out; k < end; k++) {
          const t = Math.floor((k - out) / stride);
          const r = (k - out) % stride;
          if (t < n && r < rows) {
            let s0 = -0;
            let s1 = -0;
            for (let c = 0; c + 1 < cols; c += 2) {
              s0 += M[r * cols + c] * V[t * cols + c];
              s1 += M[r * cols + c + 1] * V[t * cols + c + 1];
            }
            let dot = s0 + s1;
            if (cols % 2 === 1) dot += M[r * cols + cols - 1] * V[t * cols + cols - 1];
            if (!Object.is(heap[k], dot)) return `rows ${rows}, cols ${cols}, n ${n}: out[${t}][${r}] = ${heap[k]}, expected ${dot}`;
          } else if (heap[k] !== CANARY) return `rows ${rows}, cols ${cols}, n ${n}: wrote at vector ${t}, row ${r}, outside the products`;
        }
      }
    }
  }
  return undefined;
}

if (process.argv.includes('--expected')) {
  const broken = checkActivations() ?? checkDots();
  if (broken !== undefined) {
    console.log(`killed: the kernel called directly: ${broken}`);
    process.exit(1);
  }
}

// One pair of threads for every case: starting workers per case would cost more than the cases.
const pool = cells.threads(2);
const run = (cell: string) => (cell === 'type1' ? cells.lstmType1 : cells.lstmType2);
const runBatch = (cell: string) => (cell === 'type1' ? cells.lstmType1Batch : cells.lstmType2Batch);
let compared = 0;
const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const recordTo = flag('--record');
const expectedFrom = flag('--expected');
const known: Record<string, string[]> = expectedFrom === undefined ? {} : (JSON.parse(readFileSync(expectedFrom, 'utf8')) as Record<string, string[]>);
const recorded: Record<string, string[]> = {};

function check(name: string, cell: string, S: number[][], W: unknown, allowNonFinite: boolean, onThreads = false): void {
  const negated = S.map((x) => x.map((v) => -v));
  let expected = known[name];
  if (expected === undefined) {
    const scalar = cells.prepareWeights(cell, W, { backend: 'scalar', allowNonFinite });
    expected = [bits(run(cell)(S, scalar, { allowNonFinite })), bits(run(cell)(negated, scalar, { allowNonFinite }))];
  }
  recorded[name] = expected;
  if (recordTo !== undefined) return;
  const fail = (how: string) => {
    console.log(`killed: ${name}: ${how} differs from JavaScript`);
    process.exit(1);
  };
  const wasm = cells.prepareWeights(cell, W, { backend: 'wasm', allowNonFinite });
  if (bits(run(cell)(S, wasm, { allowNonFinite })) !== expected[0]) fail('WebAssembly');
  compared += 1;
  // A batch of two on two threads: the shared-memory module, and the 4 rows x 2 vectors blocks.
  // Prepared weights on threads cost a round of messages to the workers (about 0.4 s here), so a
  // few cases take this path.
  if (!onThreads) return;
  const shared = cells.prepareWeights(cell, W, { backend: 'wasm', threads: pool, allowNonFinite });
  const pair = runBatch(cell)([S, negated], shared, { allowNonFinite });
  if (bits(pair[0]) !== expected[0] || bits(pair[1]) !== expected[1]) fail('a batch on two threads');
}

// The golden corpus, as the cells read it.
const golden = join(packageRoot(), 'golden');
for (const cell of ['type1', 'type2']) {
  for (const file of readdirSync(join(golden, cell)).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = reviveDoubles(JSON.parse(readFileSync(join(golden, cell, file), 'utf8'))) as { case: { S: number[][]; W: unknown }; allowNonFinite?: boolean };
    check(`golden/${cell}/${file}`, cell, parsed.case.S, parsed.case.W, parsed.allowNonFinite === true);
  }
}

// Shapes over every blocking path: H from 1 to 9 (panels of 4 rows and the rows after them), X odd
// and even (the last column alone), T across a chunk; values with huge, tiny and saturating ones.
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const value = () => {
  const r = random();
  if (r < 0.05) return 0;
  if (r < 0.1) return (random() - 0.5) * 80;
  return (random() - 0.5) * 3;
};
const matrix = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, value));
for (const cell of ['type1', 'type2']) {
  for (const H of [1, 2, 3, 4, 5, 7, 8, 9]) {
    for (const X of [1, 2, 3, 6]) {
      // Every key by its name: w_* are H x X, u_* H x H, b_* H.
      const W = Object.fromEntries(
        (cell === 'type1' ? ['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_c', 'u_c', 'b_c'] : ['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_cell', 'b_cell']).map((key) => [
          key,
          key.startsWith('w_') ? matrix(H, X) : key.startsWith('u_') ? matrix(H, H) : matrix(1, H)[0],
        ]),
      );
      check(`${cell} H ${H} X ${X}`, cell, matrix(H === 9 ? 70 : 6, X), W, false, X === 3 && (H === 5 || H === 9));
    }
  }
}
if (recordTo !== undefined) {
  writeFileSync(recordTo, JSON.stringify(recorded));
  console.log(`recorded JavaScript's answers for ${Object.keys(recorded).length} cases`);
} else {
  console.log(`survived: ${compared} cases gave JavaScript's bits`);
}
process.exit(0);
