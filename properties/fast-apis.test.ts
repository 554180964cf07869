/**
 * The batched and streaming APIs, prepared weights, trace 'output' and both backends compute the
 * same thing as the sequence API, bit for bit (NaN meets NaN; -0 is not +0): they run every row
 * of every step through the same kernels in the same order, whatever the batch or backend.
 *
 * FC_SEED and FC_RUNS (environment) set fast-check's seed and number of runs; a failure prints
 * the seed and path that replay it.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  createLstmType1,
  createLstmType2,
  lstmType1,
  lstmType1Batch,
  lstmType2,
  lstmType2Batch,
  prepareWeights,
  SEED_KEYS,
  seedFields,
  wasmSimdAvailable,
  type LstmTrace,
} from '../src/index.js';
import { CELL_TYPES, type CellType, type Matrix } from '../src/cells/schema.js';
import { batchCase, type BatchCase } from './arbitraries/batch-case.js';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const numRuns = process.env.FC_RUNS === undefined ? 150 : Number(process.env.FC_RUNS);
const params = { seed, numRuns, verbose: 1 as const };

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b);
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, hidden: number, label: string): void {
  if (actual.length !== expected.length) throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  for (let k = 0; k < expected.length; k++) {
    if (!sameBits(actual[k], expected[k])) {
      throw new Error(`${label} step ${Math.floor(k / hidden)} unit ${k % hidden}: ${actual[k]}, expected ${expected[k]} bit for bit`);
    }
  }
}

function expectSameTrace(actual: LstmTrace, expected: LstmTrace, label: string): void {
  const fields = Object.fromEntries(seedFields(actual));
  for (const [key, values] of seedFields(expected)) expectSameBits(fields[key], values, expected.hidden, `${label} ${key}`);
}

const sequence = (c: BatchCase, S: Matrix, options = {}) =>
  c.cell === 'type1' ? lstmType1(S, c.W as BatchCase<'type1'>['W'], { allowNonFinite: true, ...options }) : lstmType2(S, c.W as BatchCase<'type2'>['W'], { allowNonFinite: true, ...options });

const options = (c: BatchCase) => ({ allowNonFinite: true, backend: c.backend });

describe.each(CELL_TYPES)('%s', (cell: CellType) => {
  // Without WebAssembly SIMD every case runs on JavaScript (the wasm comparison is then skipped).
  const cases = batchCase(cell, { nonFinite: true }).map((c) => (wasmSimdAvailable() ? c : { ...c, backend: 'scalar' as const }));
  const sequenceOf = (c: BatchCase, S: Matrix) => sequence(c, S, { backend: 'scalar' }) as LstmTrace;

  it('should give each sequence of a batch the bits of the sequence run alone', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const batch = (c.cell === 'type1'
          ? lstmType1Batch(c.S, prepareWeights('type1', c.W as BatchCase<'type1'>['W'], options(c)), { allowNonFinite: true })
          : lstmType2Batch(c.S, prepareWeights('type2', c.W as BatchCase<'type2'>['W'], options(c)), { allowNonFinite: true })) as LstmTrace[];
        c.S.forEach((S, b) => expectSameTrace(batch[b], sequenceOf(c, S), `S[${b}]`));
      }),
      params,
    );
  });

  it('should give every streamed step the bits of the same step of the sequence', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const stream = c.cell === 'type1' ? createLstmType1(c.W as BatchCase<'type1'>['W'], options(c)) : createLstmType2(c.W as BatchCase<'type2'>['W'], options(c));
        for (const S of c.S) {
          const expected = sequenceOf(c, S);
          stream.reset();
          S.forEach((x, t) => {
            const step = stream.step(x) as unknown as Record<string, Float64Array>;
            for (const [key, field] of Object.entries(SEED_KEYS[c.cell])) {
              const values = (expected as unknown as Record<string, Float64Array>)[field];
              expectSameBits(step[field], values.subarray(t * c.hidden, (t + 1) * c.hidden), c.hidden, `step ${t} ${key}`);
            }
          });
        }
      }),
      params,
    );
  });

  it("should give trace 'output' the outputs and final state of the full trace", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const S = c.S[0];
        const full = sequenceOf(c, S);
        const out = sequence(c, S, { backend: c.backend, trace: 'output' }) as unknown as { output: Float64Array; finalState: { h: Float64Array; c: Float64Array } };
        expectSameBits(out.output, full.output, c.hidden, 'output');
        const last = (values: Float64Array) => (c.steps === 0 ? new Float64Array(c.hidden) : values.subarray((c.steps - 1) * c.hidden));
        expectSameBits(out.finalState.h, last(full.output), c.hidden, 'finalState.h');
        expectSameBits(out.finalState.c, last(full.cellState), c.hidden, 'finalState.c');
      }),
      params,
    );
  });

  it.skipIf(!wasmSimdAvailable())('should give the WebAssembly backend the bits of the JavaScript one', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const S = c.S[0];
        expectSameTrace(sequence(c, S, { backend: 'wasm' }) as LstmTrace, sequenceOf(c, S), 'wasm vs scalar');
      }),
      params,
    );
  });
});
