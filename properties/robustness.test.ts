/**
 * Inputs at the edge of float64.
 *
 * - Any finite S and W, however large: the cells never throw, and return T x H values for every
 *   key. (Products of the largest doubles overflow to ±Infinity and their sums to NaN: the outputs
 *   may hold NaN, as NumPy's would, but the call must succeed.)
 * - NaN at S[k][j] (with allowNonFinite): the steps before k are, bit for bit, those of the same
 *   case without the NaN; from step k on every value of every key is NaN, since every row of W x_k
 *   reads x_k[j] (NaN * 0 is NaN), and every later step reads the NaN state through U.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { CELL_TYPES, WEIGHT_KEYS } from '../src/cells/schema.js';
import { cellCase } from './arbitraries/cell-case.js';
import { PropertyViolation, assertEvery, assertSameBits } from './support/assertions.js';
import { CELL_LABEL, fieldsOf, run } from './support/cells.js';
import { propertySuite } from './support/runner.js';

const everyScale = { weights: { scales: ['well-scaled', 'unit', 'saturating', 'edge'] } } as const;

describe('robustness', () => {
  const suite = propertySuite('robustness', 200);

  for (const cell of CELL_TYPES) {
    const name = CELL_LABEL[cell];

    suite.property(`${name}: never throws on finite input of any magnitude, and returns T x H values for every key`, () =>
      fc.property(cellCase(cell, { ...everyScale, sequence: { edges: 'some' } }), (c) => {
        let fields: Record<string, Float64Array>;
        try {
          fields = fieldsOf(run(c));
        } catch (error) {
          throw new PropertyViolation(`threw on finite input: ${String(error)}`);
        }
        const keys = Object.keys(fields);
        const expectedKeys = cell === 'type1' ? 6 : 5;
        if (keys.length !== expectedKeys) throw new PropertyViolation(`expected ${expectedKeys} keys, got ${keys.join(', ')}`);
        for (const [key, values] of Object.entries(fields)) {
          if (values.length !== c.steps * c.hidden) throw new PropertyViolation(`${key}: ${values.length} values, expected T x H = ${c.steps * c.hidden}`);
        }
        if (WEIGHT_KEYS[cell].length !== Object.keys(c.W).length) throw new PropertyViolation('the case lost a weight key');
      }),
    );

    suite.property(`${name}: NaN in S at step k leaves steps before k unchanged, bit for bit, and makes every value NaN from step k on`, () =>
      fc.property(
        cellCase(cell, { ...everyScale, shape: { minSteps: 1 }, sequence: { edges: 'some' } }),
        fc.nat(),
        fc.nat(),
        (c, step, feature) => {
          const k = step % c.steps;
          const j = feature % c.inputs;
          const S = c.S.map((row) => row.slice());
          S[k][j] = NaN;
          const clean = fieldsOf(run(c));
          const poisoned = fieldsOf(run({ ...c, S }, { allowNonFinite: true }));
          const H = c.hidden;
          for (const [key, values] of Object.entries(poisoned)) {
            assertSameBits(values.subarray(0, k * H), clean[key].subarray(0, k * H), H, `${key} before the NaN at S[${k}][${j}]:`);
            assertEvery(values.subarray(k * H), H, `${key} (steps counted from the NaN at S[${k}][${j}])`, 'NaN from step k on', (x) => Number.isNaN(x));
          }
        },
      ),
    );
  }
});
