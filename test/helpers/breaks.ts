/**
 * Deliberately broken copies of the cells, for measuring what verify catches. Each break is a set
 * of source patches to src/cells; `loadBrokenCells` copies src/cells into a scratch directory in
 * the project (so `zod` resolves), applies the patches and imports the copy afresh, giving real
 * cell functions with the bug inside them, at every entry point that shares the patched code.
 *
 * A patch must match exactly as often as it says: when the cells change and a patch no longer
 * applies, loading fails with the break and the text it looked for, instead of silently testing
 * unbroken cells.
 *
 * The first rows are the README's break table (Property suites): every break the property suites
 * were measured against. Then breaks of the kinds verify used to miss (issue 13): bugs in one entry
 * point or one backend, past the chunking of input projections, in exact facts only (signed zeros,
 * the recomputation of h), and at extreme pre-activations. Mutation testing left no survivor that
 * is not equivalent (README, Mutation testing), so it adds no row.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckName } from '../../src/campaign/case-checks.js';
import type { CellFunctions } from '../../src/implementations/lstm-parity.js';
import { ROOT } from './cli.js';

export interface Patch {
  /** A file under src/cells. */
  file: string;
  from: string | RegExp;
  to: string;
  /** How many times `from` must match (default 1; a RegExp must be global to match more). */
  times?: number;
}

export interface Break {
  name: string;
  /** Where the row comes from: the README's property-suite break table, or the kinds of issue 13. */
  origin: 'property break table' | 'issue 13' | 'issue 23';
  /** Checks that must be among those that catch it (others may too). */
  caughtBy?: CheckName[];
  /** Live cases per cell it needs at least (some breaks show only on verify's rarer wide cases). */
  cases?: number;
  /** Run the copy without WebAssembly SIMD (see NO_SIMD). */
  noSimd?: boolean;
  patches: Patch[];
}

/** A gate's σ in steps.ts, with its pre-activation as $1 (three gates in each of the two cells). */
const GATE = /= sigmoid\((.+)\);/g;

/** Both cells' steps (steps.ts) get the same edit. */
const bothCells = (from: string | RegExp, to: string, times = 2): Patch[] => [{ file: 'steps.ts', from, to, times }];

/** An edit inside one cell's step function only. */
function inStep(cell: 1 | 2, from: string, to: string): Patch {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { file: 'steps.ts', from: new RegExp(`(function stepType${cell}\\([^]*?)${escaped}`), to: `$1${to.replace(/\$/g, '$$$$')}` };
}

export const BREAKS: readonly Break[] = [
  {
    name: 'swap the input and forget gates (both cells)',
    origin: 'property break table',
    noSimd: true,
    patches: bothCells('const i = sigmoid((wx[w + j] + z[zr + j]) + b[j]);\n      const f = sigmoid(', 'const f = sigmoid((wx[w + j] + z[zr + j]) + b[j]);\n      const i = sigmoid('),
  },
  { name: 'drop the gate biases (kernel)', origin: 'property break table', noSimd: true, patches: bothCells(/ \+ b\[(j|H \+ j|2 \* H \+ j)\]\)/g, ')', 6) },
  {
    name: 'type 2 gates read h_{t-1} instead of c_{t-1}',
    origin: 'property break table',
    noSimd: true,
    patches: [{ file: 'workspace.ts', from: /this\.cell === 'type1' \? this\.h : this\.s/g, to: 'this.h', times: 2 }],
  },
  {
    name: 'candidate through σ instead of tanh',
    origin: 'property break table',
    noSimd: true,
    patches: [
      { file: 'steps.ts', from: 'const cHat = tanh((wx[w + 3 * H + j] + z[zr + 3 * H + j]) + b[3 * H + j]);', to: 'const cHat = sigmoid((wx[w + 3 * H + j] + z[zr + 3 * H + j]) + b[3 * H + j]);' },
      { file: 'steps.ts', from: 'const cHat = tanh(wx[w + 3 * H + j] + b[3 * H + j]);', to: 'const cHat = sigmoid(wx[w + 3 * H + j] + b[3 * H + j]);' },
    ],
  },
  { name: 'gates as 0.5 (1 + tanh(z/2)) (equal in the reals, saturating at |z| >= 38.1)', origin: 'property break table', noSimd: true, patches: bothCells(GATE, '= 0.5 * (1 + tanh(0.5 * ($1)));', 6) },
  { name: 'gates as e^z / (1 + e^z) (overflows to NaN)', origin: 'property break table', noSimd: true, patches: bothCells(GATE, '= Math.exp($1) / (1 + Math.exp($1));', 6) },
  {
    name: 'output without tanh (h = o c)',
    origin: 'property break table',
    noSimd: true,
    patches: [
      { file: 'steps.ts', from: 'h[hr + j] = o * tanh(c);', to: 'h[hr + j] = o * c;' },
      { file: 'steps.ts', from: 'h[hr + j] = tanh(o * c);', to: 'h[hr + j] = o * c;' },
    ],
  },
  {
    name: 'output formulas of the two cells exchanged',
    origin: 'property break table',
    noSimd: true,
    patches: [
      { file: 'steps.ts', from: 'h[hr + j] = o * tanh(c);', to: 'h[hr + j] = TYPE2_OUTPUT;' },
      { file: 'steps.ts', from: 'h[hr + j] = tanh(o * c);', to: 'h[hr + j] = o * tanh(c);' },
      { file: 'steps.ts', from: 'h[hr + j] = TYPE2_OUTPUT;', to: 'h[hr + j] = tanh(o * c);' },
    ],
  },
  {
    name: 'candidate without activation',
    origin: 'property break table',
    noSimd: true,
    patches: [
      { file: 'steps.ts', from: 'const cHat = tanh((wx[w + 3 * H + j] + z[zr + 3 * H + j]) + b[3 * H + j]);', to: 'const cHat = (wx[w + 3 * H + j] + z[zr + 3 * H + j]) + b[3 * H + j];' },
      { file: 'steps.ts', from: 'const cHat = tanh(wx[w + 3 * H + j] + b[3 * H + j]);', to: 'const cHat = wx[w + 3 * H + j] + b[3 * H + j];' },
    ],
  },
  { name: 'coupled gates: c = f c_prev + (1 - f) cand', origin: 'property break table', noSimd: true, patches: bothCells('const c = f * s[sp + j] + i * cHat;', 'const c = f * s[sp + j] + (1 - f) * cHat;') },
  { name: 'trace records i and f swapped (arithmetic right)', origin: 'property break table', noSimd: true, patches: bothCells('g[gr + j] = i;\n      g[gr + H + j] = f;', 'g[gr + j] = f;\n      g[gr + H + j] = i;') },
  { name: 'step t reads x_{t-1}', origin: 'property break table', noSimd: true, patches: [{ file: 'workspace.ts', from: 'this.step(1, H, this.wx, k * G,', to: 'this.step(1, H, this.wx, Math.max(0, k - 1) * G,' }] },
  { name: 'step t reads x_{t+1}', origin: 'property break table', noSimd: true, patches: [{ file: 'workspace.ts', from: 'this.step(1, H, this.wx, k * G,', to: 'this.step(1, H, this.wx, Math.min(n - 1, k + 1) * G,' }] },
  {
    name: 'initial state carried over from the previous call',
    origin: 'property break table',
    patches: [
      { file: 'driver.ts', from: 'export function runSequence(', to: 'let carried = new Float64Array(0);\n\nexport function runSequence(' },
      { file: 'driver.ts', from: '  s.fill(0, 0, H);\n  h.fill(0, 0, H);\n  const a = mode', to: '  s.fill(0, 0, H);\n  h.fill(0, 0, H);\n  if (carried.length === 2 * H) {\n    s.set(carried.subarray(0, H));\n    h.set(carried.subarray(H));\n  }\n  const a = mode' },
      { file: 'driver.ts', from: '  if (!a) {\n    copy(only!.h', to: '  carried = Float64Array.of(...s.subarray(0, H), ...h.subarray(0, H));\n  if (!a) {\n    copy(only!.h' },
    ],
  },
  {
    name: 'recurrent product skips the last hidden unit',
    origin: 'property break table',
    patches: bothWeights((cell) => `recurrent: skipLast(packRows([${cell === 1 ? 'W.u_i, W.u_g, W.u_o, W.u_c' : 'W.u_i, W.u_g, W.u_o'}], H, H), H),`, (cell) => `recurrent: packRows([${cell === 1 ? 'W.u_i, W.u_g, W.u_o, W.u_c' : 'W.u_i, W.u_g, W.u_o'}], H, H),`),
  },
  {
    name: 'input projection skips the last feature',
    origin: 'property break table',
    patches: bothWeights((cell) => `input: skipLast(packRows([W.w_i, W.w_g, W.w_o, ${cell === 1 ? 'W.w_c' : 'W.w_cell'}], H, X), X),`, (cell) => `input: packRows([W.w_i, W.w_g, W.w_o, ${cell === 1 ? 'W.w_c' : 'W.w_cell'}], H, X),`),
  },
  {
    name: 'kernel skips zero weights (a sparse shortcut)',
    origin: 'property break table',
    noSimd: true,
    patches: [
      { file: 'kernels.ts', from: /(s[01]) \+= (M\[mo \+ k( \+ 1)?\]) \* /g, to: 'if ($2 !== 0) $1 += $2 * ', times: 2 },
      { file: 'kernels.ts', from: 'if (pairs !== cols) dot +=', to: 'if (pairs !== cols && M[mo + pairs] !== 0) dot +=' },
    ],
  },
  {
    name: 'kernel throws on a non-finite pre-activation',
    origin: 'property break table',
    noSimd: true,
    patches: bothCells('for (let j = 0; j < H; j++) {\n      const i =', "for (let j = 0; j < H; j++) {\n      if (!Number.isFinite((wx[w + j] + z[zr + j]) + b[j])) throw new Error('non-finite pre-activation');\n      const i ="),
  },
  {
    name: 'type 2 candidate adds the raw input',
    origin: 'property break table',
    patches: [{ file: 'weights.ts', from: 'input: packRows([W.w_i, W.w_g, W.w_o, W.w_cell], H, X),', to: 'input: packRows([W.w_i, W.w_g, W.w_o, W.w_cell.map((row, r) => row.map((w, k) => (k === r ? w + 1 : w)))], H, X),' }],
  },
  {
    name: 'type 2 forget gate adds c_{t-1} (a diagonal peephole)',
    origin: 'property break table',
    noSimd: true,
    patches: [inStep(2, 'const f = sigmoid((wx[w + H + j] + z[zr + H + j]) + b[H + j]);', 'const f = sigmoid((wx[w + H + j] + z[zr + H + j]) + b[H + j] + s[sp + j]);')],
  },
  {
    name: 'batch: every sequence reads the recurrent product of the first',
    origin: 'issue 13',
    caughtBy: ['entry-point:batch'],
    noSimd: true,
    patches: [{ file: 'workspace.ts', from: 'this.step(B, H, this.wx, 0, this.z, b,', to: 'for (let k = 1; k < B; k++) this.z.copyWithin(k * G, 0, G);\n    this.step(B, H, this.wx, 0, this.z, b,' }],
  },
  { name: 'stream: reset() leaves c_t as it was', origin: 'issue 13', caughtBy: ['entry-point:stream'], patches: [{ file: 'driver.ts', from: '      this.state.h.fill(0);\n      this.state.c.fill(0);', to: '      this.state.h.fill(0);' }] },
  {
    name: 'prepared weights: a stale cache by shape',
    origin: 'issue 13',
    caughtBy: ['entry-point:prepared-output'],
    patches: [
      { file: 'prepared.ts', from: 'export function prepareWeights<', to: 'const cache = new Map<string, PreparedWeights>();\n\nexport function prepareWeights<' },
      { file: 'prepared.ts', from: '  return preparePacked(cell, packed, options, true);\n}', to: "  const key = `${cell} ${packed.hidden} ${packed.inputs} ${options.backend}`;\n  if (!cache.has(key)) cache.set(key, preparePacked(cell, packed, options, true));\n  return cache.get(key) as PreparedWeights<C>;\n}" },
    ],
  },
  {
    name: "trace 'output': the final h from the step before the last",
    origin: 'issue 13',
    caughtBy: ['entry-point:prepared-output'],
    patches: [{ file: 'driver.ts', from: '  copy(only!.h, 0, h, 0, H);', to: '  copy(only!.h, 0, output, Math.max(0, steps - 2) * H, H);' }],
  },
  {
    name: 'WebAssembly only: the odd last column of each 4-row panel taken from its first row',
    origin: 'issue 13',
    caughtBy: ['entry-point:wasm'],
    patches: [{ file: 'wasm-dots.ts', from: 'out[d++] = M[(r + q) * cols + pairs];', to: 'out[d++] = M[r * cols + pairs];' }],
  },
  {
    name: 'JavaScript only: the odd last product added first (last-bit differences)',
    origin: 'issue 13',
    caughtBy: ['entry-point:wasm'],
    patches: [
      { file: 'kernels.ts', from: '      let dot = s0 + s1;\n      if (pairs !== cols) dot += M[mo + pairs] * V[vo + pairs];', to: '      let dot = pairs !== cols ? M[mo + pairs] * V[vo + pairs] + s0 : s0;\n      dot += s1;' },
    ],
  },
  { name: 'chunks after the first read their inputs one step early', origin: 'issue 13', caughtBy: ['numpy', 'entry-point:stream'], patches: [{ file: 'driver.ts', from: 'stage(xs, 0, x, t0, n, X);', to: 'stage(xs, 0, x, t0 > 0 ? t0 - 1 : 0, n, X);' }] },
  {
    name: 'zeros of c_t stored as +0',
    origin: 'issue 13',
    caughtBy: ['fact:cell-state-recompute'],
    noSimd: true,
    patches: bothCells('s[so + j] = c;', 's[so + j] = c === 0 ? 0 : c;'),
  },
  {
    name: 'h_t from a fast tanh, 1 - 2 / (e^2c + 1) (a few ULP off; cancels near 0)',
    origin: 'issue 13',
    caughtBy: ['fact:output-recompute'],
    noSimd: true,
    patches: [
      { file: 'steps.ts', from: 'h[hr + j] = o * tanh(c);', to: 'h[hr + j] = o * (1 - 2 / (Math.exp(2 * c) + 1));' },
      { file: 'steps.ts', from: 'h[hr + j] = tanh(o * c);', to: 'h[hr + j] = 1 - 2 / (Math.exp(2 * (o * c)) + 1);' },
    ],
  },
  { name: 'σ with an overflow guard: exactly 0 below -500', origin: 'issue 13', caughtBy: ['fact:gate-saturation'], noSimd: true, patches: bothCells(GATE, '= -($1) > 500 ? 0 : sigmoid($1);', 6) },
  {
    // Panels rounded down instead of up: with rows that do not split evenly over the threads, the
    // last rows are never computed. Seed 1 draws its first such cases at type 2 index 174 and
    // type 1 index 464 (wide cases, H = 293 and 257).
    name: "threads: the row split rounds each thread's panels down and drops the last rows",
    origin: 'issue 23',
    caughtBy: ['entry-point:threads'],
    cases: 500,
    patches: [{ file: 'threads.ts', from: 'const per = 4 * Math.ceil(rows / 4 / this.count);', to: 'const per = 4 * Math.floor(rows / 4 / this.count);' }],
  },
  {
    name: "options.into: trace 'output' leaves the final state it was given unwritten",
    origin: 'issue 23',
    caughtBy: ['entry-point:into'],
    patches: [{ file: 'driver.ts', from: '  if (!a) {\n    copy(only!.h, 0, h, 0, H);', to: '  if (!a && !into) {\n    copy(only!.h, 0, h, 0, H);' }],
  },
];

/** Both cells' packing in weights.ts, with `skipLast` (zeroes the last column) defined once. */
function bothWeights(broken: (cell: 1 | 2) => string, original: (cell: 1 | 2) => string): Patch[] {
  const skipLast = 'function skipLast(m: Float64Array, cols: number): Float64Array {\n  for (let k = cols - 1; k < m.length; k += cols) m[k] = 0;\n  return m;\n}\n\nexport function packType1(';
  return [
    { file: 'weights.ts', from: 'export function packType1(', to: skipLast },
    { file: 'weights.ts', from: original(1), to: broken(1) },
    { file: 'weights.ts', from: original(2), to: broken(2) },
  ];
}

/**
 * A control: the JavaScript kernel sums with four accumulators (a different order, the same sums
 * in the reals) on an engine without WebAssembly SIMD, so every entry point runs that kernel.
 * Nothing here is a bug: verify must pass it, or its checks depend on the summation order.
 */
export const CONTROL: Break = {
  name: 'control: four accumulators in every product (summation order only), no WebAssembly SIMD',
  origin: 'property break table',
  noSimd: true,
  patches: [
    {
      file: 'kernels.ts',
      from: /      let s0 = -0;\n[^]*?      if \(pairs !== cols\) dot \+= M\[mo \+ pairs\] \* V\[vo \+ pairs\];\n/,
      to: '      let a0 = -0, a1 = -0, a2 = -0, a3 = -0;\n      let k = 0;\n      for (; k + 4 <= cols; k += 4) {\n        a0 += M[mo + k] * V[vo + k];\n        a1 += M[mo + k + 1] * V[vo + k + 1];\n        a2 += M[mo + k + 2] * V[vo + k + 2];\n        a3 += M[mo + k + 3] * V[vo + k + 3];\n      }\n      let dot = (a0 + a1) + (a2 + a3);\n      for (; k < cols; k++) dot += M[mo + k] * V[vo + k];\n',
    },
  ],
};

/**
 * The cells' step and products have a WebAssembly twin (wasm/dots.wat) that a source patch does
 * not reach: a break of them runs on an engine without WebAssembly SIMD, as test/backends.test.ts
 * simulates, so that every entry point shares the one patched kernel (entry-point:wasm is then
 * not checked, and the other checks must catch the break on their own).
 */
const NO_SIMD: Patch = {
  file: 'wasm-dots.ts',
  from: "function compile(base64: string): object | null {\n  if (typeof WebAssembly !== 'object') {",
  to: "function compile(base64: string): object | null {\n  if (base64 !== '') {",
};

const SCRATCH = join(ROOT, '.break-cells', String(process.pid));

function patched(text: string, patch: Patch, name: string): string {
  const times = patch.times ?? 1;
  const found = typeof patch.from === 'string' ? text.split(patch.from).length - 1 : [...text.matchAll(patch.from.global ? patch.from : new RegExp(patch.from.source, `${patch.from.flags}g`))].length;
  if (found !== times) throw new Error(`break "${name}": src/cells/${patch.file}: expected ${times} match(es) of ${String(patch.from)}, found ${found}; update the break to the cells' source`);
  return typeof patch.from === 'string' ? text.split(patch.from).join(patch.to) : text.replace(patch.from, patch.to);
}

/** The cell functions of a copy of src/cells with the break's patches applied, loaded afresh. */
export async function loadBrokenCells(b: Break, slot: number): Promise<CellFunctions> {
  const dir = join(SCRATCH, String(slot));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'src', 'cells'), dir, { recursive: true });
  for (const patch of b.noSimd ? [...b.patches, NO_SIMD] : b.patches) {
    const file = join(dir, patch.file);
    writeFileSync(file, patched(readFileSync(file, 'utf8'), patch, b.name));
  }
  const [type1, type2, prepared, wasm, threads] = await Promise.all([
    import(join(dir, 'lstm-type1.ts')),
    import(join(dir, 'lstm-type2.ts')),
    import(join(dir, 'prepared.ts')),
    import(join(dir, 'wasm-dots.ts')),
    import(join(dir, 'threads.ts')),
  ]);
  const { lstmType1, lstmType1Batch, createLstmType1 } = type1;
  const { lstmType2, lstmType2Batch, createLstmType2 } = type2;
  return {
    lstmType1,
    lstmType1Batch,
    createLstmType1,
    lstmType2,
    lstmType2Batch,
    createLstmType2,
    prepareWeights: prepared.prepareWeights,
    releaseThreads: prepared.releaseThreads,
    wasmSimdAvailable: wasm.wasmSimdAvailable,
    threads: threads.threads,
    threadsAvailable: threads.threadsAvailable,
  };
}

/** Removes this process's copies. */
export function removeBrokenCells(): void {
  rmSync(SCRATCH, { recursive: true, force: true });
}
