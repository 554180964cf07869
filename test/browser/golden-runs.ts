/**
 * What the browser suite runs, shared by Node (node-digests.ts, which records Node's answers) and
 * Chromium (the suite, which must give the same bits): each golden file's case through its cell
 * on one backend, with prepared weights, as the seed's keys; and the engine's own Math.exp and
 * Math.tanh on fixed arguments, since cells that call them inherit the engine's rounding.
 */
import { lstmType1, lstmType2, prepareWeights, seedFields, type Backend, type LstmTrace, type Type1Weights, type Type2Weights } from '../../src/index.js';
import { type GoldenFile } from '../../src/formats.js';

export const BACKENDS: readonly Backend[] = ['wasm', 'scalar'];

/** SHA-256 digests (hex) of each seed key's canonical bytes, per golden path and backend. */
export type NodeDigests = Record<string, Record<Backend, Record<string, string>>>;

declare module 'vitest' {
  export interface ProvidedContext {
    nodeDigests: NodeDigests;
    /** SHA-256 (hex) of Node's Math.exp and of its Math.tanh on LIBM_PROBES. */
    nodeLibm: Record<LibmFunction, string>;
  }
}

/** The file's case through its cell on `backend`, with weights prepared for that backend. */
export function runGolden(file: GoldenFile, backend: Backend): LstmTrace {
  const options = { backend, allowNonFinite: file.allowNonFinite };
  const { S, W } = file.case;
  return file.cell === 'type1'
    ? lstmType1(S, prepareWeights('type1', W as unknown as Type1Weights, options), options)
    : lstmType2(S, prepareWeights('type2', W as unknown as Type2Weights, options), options);
}

/**
 * The bytes of a trace array with every NaN written as the one quiet NaN 0x7ff8000000000000.
 * JavaScript leaves the bits of a NaN stored in a Float64Array to the engine (x86 gives the NaN of
 * inf - inf its sign bit, and Chromium's WebAssembly and JavaScript backends store different NaNs
 * for the same case), so only where the NaNs are can be compared.
 */
export function canonicalBytes(values: Float64Array): Uint8Array {
  const out = new DataView(new ArrayBuffer(values.byteLength));
  values.forEach((v, k) => {
    if (Number.isNaN(v)) out.setBigUint64(8 * k, 0x7ff8000000000000n, true);
    else out.setFloat64(8 * k, v, true);
  });
  return new Uint8Array(out.buffer);
}

/** 20,000 arguments in [-20, 20) from a fixed linear congruential sequence: where σ and tanh do their work. */
export const LIBM_PROBES = (() => {
  let s = 12345;
  return Float64Array.from({ length: 20_000 }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 40;
  });
})();

/** The engine functions the cells may call whose last bit engines may round differently. */
export const LIBM_FUNCTIONS = ['exp', 'tanh'] as const;
export type LibmFunction = (typeof LIBM_FUNCTIONS)[number];

/** This engine's Math[name] on LIBM_PROBES. */
export function libmValues(name: LibmFunction): Float64Array {
  return LIBM_PROBES.map(Math[name]);
}

export { seedFields };
