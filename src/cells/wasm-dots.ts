/**
 * The WebAssembly SIMD (f64x2) kernel of wasm/dots.wat: loading it, and packing matrices into the
 * panel layout it reads. Same bits as its JavaScript twins: `dots` in kernels.ts, the activations
 * in math/, the step of each cell in lstm-type1.ts and lstm-type2.ts.
 */
import { EXP_TABLE } from './math/constants.js';
import { DOTS_WASM_BASE64 } from './wasm/dots-module.js';

// The few WebAssembly APIs used here: lib.dom has them, but this package compiles without DOM.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
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
}

export const WASM_PAGE_BYTES = 65536;

/** Bytes at the start of every instance's memory that hold exp's table (read by the kernel at address 0). */
export const TABLE_BYTES = EXP_TABLE.byteLength;

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly or its SIMD proposal is missing. */
function dotsModule(): object | null {
  if (compiled === undefined) {
    compiled = null;
    if (typeof WebAssembly === 'object') {
      const bytes = Uint8Array.from(atob(DOTS_WASM_BASE64), (ch) => ch.charCodeAt(0));
      // validate() is false, not a throw, on engines without SIMD.
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  }
  return compiled;
}

export function wasmSimdAvailable(): boolean {
  return dotsModule() !== null;
}

/**
 * A fresh instance with its own memory, exp's table written at its start; throws where
 * wasmSimdAvailable() is false.
 */
export function instantiateDots(): DotsInstance {
  const module = dotsModule();
  if (module === null) throw new Error('lstm-parity: WebAssembly SIMD is not available here');
  const instance = new WebAssembly.Instance(module, {}).exports as DotsInstance;
  new Float64Array(instance.memory.buffer, 0, EXP_TABLE.length).set(EXP_TABLE);
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
