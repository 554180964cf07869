/**
 * The WebAssembly SIMD (f64x2) dot-product kernel of wasm/dots.wat: loading it, and packing
 * matrices into the panel layout it reads. Same products, same bits as `dots` in kernels.ts.
 */
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

export interface DotsInstance {
  readonly memory: WasmMemory;
  /** out[t * stride + r] = dot(M[r, :], V[t, :]); M as panels at byte offset P, V row-major. */
  dots(P: number, rows: number, cols: number, V: number, n: number, out: number, stride: number): void;
}

export const WASM_PAGE_BYTES = 65536;

let compiled: object | null | undefined;
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

export function wasmSimdAvailable(): boolean {
  return dotsModule() !== null;
}

/** Why wasmSimdAvailable() is false, or undefined where it is true. */
export function wasmUnavailableReason(): string | undefined {
  return dotsModule() === null ? unavailable : undefined;
}

/** A fresh instance with its own memory; throws where wasmSimdAvailable() is false. */
export function instantiateDots(): DotsInstance {
  const module = dotsModule();
  if (module === null) throw new Error(`lstm-parity: WebAssembly SIMD is not available: ${unavailable}`);
  return new WebAssembly.Instance(module, {}).exports as DotsInstance;
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
