/**
 * Bounds that hold exactly in float64, not just in the reals:
 *
 * - |h_t| <= 1: type 1's h = o * tanh(c) with o in [0, 1] and |tanh| <= 1, and each rounded
 *   product stays within the bound of the exact one; type 2's h is a tanh.
 * - type 1: |h_t| <= o_t, since |tanh(c)| <= 1 and rounding is monotonic.
 * - |c_t| <= t after t steps (c_0 = 0): |f c_{t-1}| <= t - 1 and |i ĉ| <= 1, and a rounded sum
 *   of terms bounded by t - 1 and 1 cannot pass the double t.
 *
 * Inputs stay finite and small enough that no pre-activation overflows (S entries up to 1e300,
 * weights up to 1000, at most 25 terms), so there is no NaN for a bound to fail on; NaN is the
 * subject of robustness.test.ts.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { CELL_TYPES } from '../src/cells/schema.js';
import { cellCase } from './arbitraries/cell-case.js';
import { assertEvery } from './support/assertions.js';
import { CELL_LABEL, run } from './support/cells.js';
import { propertySuite } from './support/runner.js';

const finiteCase = <C extends (typeof CELL_TYPES)[number]>(cell: C) => cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: 1e300 } });

describe('bounds', () => {
  const suite = propertySuite('bounds', 200);

  for (const cell of CELL_TYPES) {
    const name = CELL_LABEL[cell];

    suite.property(`${name}: |h_t| <= 1 for every step and unit`, () =>
      fc.property(finiteCase(cell), (c) => {
        const trace = run(c);
        assertEvery(trace.output, trace.hidden, 'Output', '|h_t| <= 1', (h) => Math.abs(h) <= 1);
      }),
    );

    suite.property(`${name}: |c_t| <= t after t steps`, () =>
      fc.property(finiteCase(cell), (c) => {
        const trace = run(c);
        assertEvery(trace.cellState, trace.hidden, 'cell_state_vectors', '|c_t| <= t', (value, t) => Math.abs(value) <= t + 1);
      }),
    );
  }

  suite.property('type 1: |h_t| <= o_t for every step and unit', () =>
    fc.property(finiteCase('type1'), (c) => {
      const trace = run(c);
      assertEvery(trace.output, trace.hidden, 'Output', '|h_t| <= o_t', (h, t, j) => Math.abs(h) <= trace.outputGate[t * trace.hidden + j]);
    }),
  );
});
