/**
 * The WebAssembly SIMD (f64x2) kernel of wasm/dots.wat: loading it, and packing matrices into the
 * panel layout it reads. Same bits as its JavaScript twins: `dots` in kernels.ts, the activations
 * in math/, the step of each cell in lstm-type1.ts and lstm-type2.ts.
 */
import { EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_TABLE, INV_LN2_N, LN2_HI_N, LN2_LO_N, TANH_Q0, TANH_Q1, TANH_Q2, TANH_Q3, TANH_Q4, TANH_Q5 } from './math/constants.js';
import { ROUND_SHIFT } from './math/exp.js';
import { SPLIT, TANH_POLY_UPTO } from './math/tanh.js';
import { DOTS_SHARED_WASM_BASE64, DOTS_WASM_BASE64 } from './wasm/dots-module.js';

// The few WebAssembly APIs used here: lib.dom has them, but this package compiles without DOM.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
};

/** The cells by number, as the kernel takes them. */
export const CELL_CODE = { type1: 1, type2: 2 } as const;

export interface DotsInstance {
  readonly memory: WasmMemory;
  /** out[t * stride + r] = dot(M[r, :], V[t, :]); M as panels at byte offset P, V row-major. */
  dots(P: number, rows: number, cols: number, V: number, n: number, out: number, stride: number): void;
  /** dst[k] = exp(src[k]) for k < n (byte offsets; dst may equal src). */
  expBlock(dst: number, src: number, n: number): void;
  /** dst[k] = σ(src[k]) for k < n. */
  sigmoidBlock(dst: number, src: number, n: number): void;
  /** dst[k] = tanh(src[k]) for k < n. */
  tanhBlock(dst: number, src: number, n: number): void;
  /** One step of `count` rows (see dots.wat); every pointer a byte offset. */
  rows(cell: number, count: number, H: number, wx: number, z: number, b: number, g: number, sPrev: number, sOut: number, h: number): void;
  /** n steps of one sequence from the state in row 0 of s and h (see dots.wat). */
  run(cell: number, n: number, H: number, U: number, R: number, wx: number, z: number, b: number, g: number, s: number, h: number): void;
  /** n steps of B sequences, each step's rows copied to out (see dots.wat). */
  batchRun(cell: number, B: number, n: number, H: number, X: number, P: number, U: number, R: number, b: number, xs: number, wx: number, z: number, g: number, s: number, h: number, out: number, full: number): void;
}

export const WASM_PAGE_BYTES = 65536;

/** One 16-byte constant of the activations: one double in both lanes, or four 32-bit integers. */
export type KernelConstant = { name: string; f64: number } | { name: string; i32: readonly [number, number, number, number] };

/**
 * The non-zero constants of the activations in dots.wat, 16 bytes each from CONSTANTS_AT, in the
 * order of their offsets there (each load names its constant; a test checks both). The kernel loads
 * them from memory because V8 builds a v128.const anew at every use inside a loop, in three
 * instructions where a load takes one: measured side by side, exp 17%, σ 10% and tanh 12% faster,
 * with the same bits.
 */
export const KERNEL_CONSTANTS: readonly KernelConstant[] = [
  // exp's argument clamp (exp.ts)
  { name: 'X_MIN', f64: -746 },
  { name: 'X_MAX', f64: 710 },
  { name: 'INV_LN2_N', f64: INV_LN2_N },
  { name: 'ROUND_SHIFT', f64: ROUND_SHIFT },
  { name: 'LN2_HI_N', f64: LN2_HI_N },
  { name: 'LN2_LO_N', f64: LN2_LO_N },
  // j = k mod 128 in each 64-bit lane
  { name: 'TABLE_MASK', i32: [127, 0, 127, 0] },
  { name: 'EXP_C2', f64: EXP_C2 },
  { name: 'EXP_C3', f64: EXP_C3 },
  { name: 'EXP_C4', f64: EXP_C4 },
  { name: 'EXP_C5', f64: EXP_C5 },
  // added to m in the low word of each lane, then shifted into the exponent field: 2^m
  { name: 'EXPONENT_BIAS', i32: [1023, 0, 1023, 0] },
  { name: 'TANH_POLY_UPTO', f64: TANH_POLY_UPTO },
  { name: 'TANH_Q0', f64: TANH_Q0 },
  { name: 'TANH_Q1', f64: TANH_Q1 },
  { name: 'TANH_Q2', f64: TANH_Q2 },
  { name: 'TANH_Q3', f64: TANH_Q3 },
  { name: 'TANH_Q4', f64: TANH_Q4 },
  { name: 'TANH_Q5', f64: TANH_Q5 },
  // tanh's clamp of 2|x| (tanh.ts)
  { name: 'TANH_2A_MAX', f64: 40 },
  { name: 'ONE', f64: 1 },
  { name: 'TWO', f64: 2 },
  { name: 'SPLIT', f64: SPLIT },
  { name: 'HALF', f64: 0.5 },
  { name: 'INFINITY', f64: Infinity },
];

/** Where the activations' constants start: right after exp's table at address 0. */
export const CONSTANTS_AT = EXP_TABLE.byteLength;

/** Bytes at the start of every instance's memory that hold exp's table and the activations' constants. */
export const KERNEL_DATA_BYTES = CONSTANTS_AT + 16 * KERNEL_CONSTANTS.length;

/** Writes what the kernel reads from its first KERNEL_DATA_BYTES: exp's table, then the constants. */
function writeKernelData(buffer: ArrayBuffer | SharedArrayBuffer): void {
  new Float64Array(buffer, 0, EXP_TABLE.length).set(EXP_TABLE);
  const f64 = new Float64Array(buffer, CONSTANTS_AT, 2 * KERNEL_CONSTANTS.length);
  const i32 = new Int32Array(buffer, CONSTANTS_AT, 4 * KERNEL_CONSTANTS.length);
  KERNEL_CONSTANTS.forEach((c, k) => {
    if ('f64' in c) f64.fill(c.f64, 2 * k, 2 * k + 2);
    else i32.set(c.i32, 4 * k);
  });
}

let compiled: object | null | undefined;
let compiledShared: object | null | undefined;

/** Why compile() last returned null. */
let unavailable = '';

/**
 * The module from base64, or null where WebAssembly or a proposal it uses is missing, or where
 * the engine refuses to compile it: a page whose Content-Security-Policy lacks 'wasm-unsafe-eval'
 * gets a CompileError from the constructor, and the cells then keep to JavaScript.
 */
function compile(base64: string): object | null {
  if (typeof WebAssembly !== 'object') {
    unavailable = 'this engine has no WebAssembly';
    return null;
  }
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  // validate() is false, not a throw, on engines without SIMD; it compiles nothing, so a CSP allows it.
  if (!WebAssembly.validate(bytes)) {
    unavailable = "this engine's WebAssembly lacks SIMD";
    return null;
  }
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    unavailable = `compiling WebAssembly was refused here (${String(error)}); a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src`;
    return null;
  }
}

/** The compiled module, or null where it cannot be had (see compile). */
function dotsModule(): object | null {
  if (compiled === undefined) compiled = compile(DOTS_WASM_BASE64);
  return compiled;
}

/** The kernel importing a shared memory, or null where the engine cannot run it. */
export function sharedDotsModule(): object | null {
  if (compiledShared === undefined) compiledShared = dotsModule() === null ? null : compile(DOTS_SHARED_WASM_BASE64);
  return compiledShared;
}

/** A shared memory of `pages` 64 KiB pages, the kernel's data written at its start. */
export function sharedMemory(pages: number): WasmMemory {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  writeKernelData(memory.buffer);
  return memory;
}

/** An instance of the shared kernel on `memory` (from sharedMemory); throws where sharedDotsModule() is null. */
export function instantiateSharedDots(memory: WasmMemory): DotsInstance {
  const module = sharedDotsModule();
  if (module === null) throw new Error('lstm-parity: shared WebAssembly memory is not available here');
  return new WebAssembly.Instance(module, { env: { memory } }).exports as DotsInstance;
}

/**
 * Whether this runtime can compile the WebAssembly SIMD kernel, i.e. whether backend 'wasm' (and
 * threads) can run here. Compiles once and remembers; 'auto' falls back to JavaScript without it.
 */
export function wasmSimdAvailable(): boolean {
  return dotsModule() !== null;
}

/** Why wasmSimdAvailable() is false, or undefined where it is true. */
export function wasmUnavailableReason(): string | undefined {
  return dotsModule() === null ? unavailable : undefined;
}

/**
 * A fresh instance with its own memory, the kernel's data written at its start; throws where
 * wasmSimdAvailable() is false.
 */
export function instantiateDots(): DotsInstance {
  const module = dotsModule();
  if (module === null) throw new Error(`lstm-parity: WebAssembly SIMD is not available: ${unavailable}`);
  const instance = new WebAssembly.Instance(module, {}).exports as DotsInstance;
  writeKernelData(instance.memory.buffer);
  return instance;
}

/** Doubles a rows x cols matrix takes as panels: the same as row-major. */
export function panelLength(rows: number, cols: number): number {
  return rows * cols;
}

/**
 * Copies row-major M (rows x cols) into `out` from `offset` in the panel layout of dots.wat:
 * rows 4b..4b+3 interleaved by pairs of columns, then their odd last column, then the last
 * rows % 4 rows row-major.
 */
export function packPanels(M: Float64Array, rows: number, cols: number, out: Float64Array, offset: number): void {
  const pairs = cols - (cols & 1);
  let d = offset;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    for (let k = 0; k < pairs; k += 2) {
      for (let q = 0; q < 4; q++) {
        out[d++] = M[(r + q) * cols + k];
        out[d++] = M[(r + q) * cols + k + 1];
      }
    }
    if (pairs !== cols) for (let q = 0; q < 4; q++) out[d++] = M[(r + q) * cols + pairs];
  }
  for (; r < rows; r++) for (let k = 0; k < cols; k++) out[d++] = M[r * cols + k];
}

/** Rounds a count of doubles up to an even one, so every buffer starts 16-byte aligned. */
export const even = (n: number) => n + (n & 1);

/** Byte offsets of packed weights in a kernel's memory, and where free memory starts after them. */
export interface WeightsLayout {
  readonly inputAt: number;
  readonly recurrentAt: number;
  readonly biasAt: number;
  readonly end: number;
}

/**
 * Writes the input and recurrent matrices as panels and the bias after the kernel's data, growing the
 * memory as needed: the layout every instance of the kernel reads its weights from.
 */
export function writeWeights(memory: WasmMemory, weights: { hidden: number; inputs: number; input: Float64Array; recurrent: Float64Array; bias: Float64Array }, recurrentRows: number): WeightsLayout {
  const { hidden: H, inputs: X } = weights;
  const G = 4 * H;
  const inputAt = KERNEL_DATA_BYTES;
  const recurrentAt = inputAt + 8 * even(panelLength(G, X));
  const biasAt = recurrentAt + 8 * even(panelLength(recurrentRows, H));
  const end = biasAt + 8 * even(G);
  growTo(memory, end);
  const doubles = new Float64Array(memory.buffer);
  packPanels(weights.input, G, X, doubles, inputAt / 8);
  packPanels(weights.recurrent, recurrentRows, H, doubles, recurrentAt / 8);
  doubles.set(weights.bias, biasAt / 8);
  return { inputAt, recurrentAt, biasAt, end };
}

/** Grows the memory to at least `bytes`. */
export function growTo(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
}
