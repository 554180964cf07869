/**
 * Inputs at the edge of the implementation's precision, held of every implementation.
 *
 * - Any finite S and W, however large: the implementation answers (no error), with T x H values
 *   for every key it returns. (Products of the largest numbers overflow to ±Infinity and their
 *   sums to NaN: the outputs may hold NaN, as NumPy's would, but the call must succeed.)
 * - NaN at S[k][j]: the steps before k are, bit for bit, those of the same case without the NaN;
 *   from step k on every value of every key is NaN, since every row of W x_k reads x_k[j]
 *   (NaN * 0 is NaN), and every later step reads the NaN state through U.
 */
import fc from 'fast-check';
import { CELL_TYPES, type CellType } from '../../cells/schema.js';
import { cellCase } from '../arbitraries/cell-case.js';
import { CELL_LABEL, type ConformanceProperty } from '../property.js';
import { PropertyViolation, assertEvery, assertSameBits } from '../support/assertions.js';

const everyScale = { weights: { scales: ['well-scaled', 'unit', 'saturating', 'edge'] } } as const;

export function robustnessProperties(): ConformanceProperty[] {
  return CELL_TYPES.flatMap((cell: CellType): ConformanceProperty[] => [
    {
      kind: 'property',
      suite: 'robustness',
      cell,
      title: `${CELL_LABEL[cell]}: answers finite input of any magnitude without an error, with T x H values for every key`,
      needs: [],
      make: ({ subject }) =>
        fc.asyncProperty(cellCase(cell, { ...everyScale, sequence: { edges: 'some' } }), async (c) => {
          let outputs: Record<string, Float64Array>;
          try {
            outputs = await subject.run(cell, c);
          } catch (error) {
            throw new PropertyViolation(`failed on finite input: ${(error as Error).message}`);
          }
          const expected = subject.keys(cell);
          if (Object.keys(outputs).join() !== expected.join()) throw new PropertyViolation(`expected the keys ${expected.join(', ')}, got ${Object.keys(outputs).join(', ')}`);
        }),
    },
    {
      kind: 'property',
      suite: 'robustness',
      cell,
      title: `${CELL_LABEL[cell]}: NaN in S at step k leaves steps before k unchanged, bit for bit, and makes every value NaN from step k on`,
      needs: [],
      make: ({ subject }) =>
        fc.asyncProperty(cellCase(cell, { ...everyScale, shape: { minSteps: 1 }, sequence: { edges: 'some' } }), fc.nat(), fc.nat(), async (c, step, feature) => {
          const k = step % c.steps;
          const j = feature % c.inputs;
          const S = c.S.map((row) => row.slice());
          S[k][j] = NaN;
          const clean = await subject.run(cell, c);
          const poisoned = await subject.run(cell, { ...c, S }, { allowNonFinite: true });
          const H = c.hidden;
          for (const [key, values] of Object.entries(poisoned)) {
            assertSameBits(values.subarray(0, k * H), clean[key].subarray(0, k * H), H, `${key} before the NaN at S[${k}][${j}]:`);
            assertEvery(values.subarray(k * H), H, `${key} (steps counted from the NaN at S[${k}][${j}])`, 'NaN from step k on', (x) => Number.isNaN(x));
          }
        }),
    },
  ]);
}
