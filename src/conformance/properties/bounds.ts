/**
 * Bounds that hold exactly in floating point, not just in the reals, in float64 and float32 alike
 * and for any summation order: held of every implementation.
 *
 * - |h_t| <= 1: type 1's h = o * tanh(c) with o in [0, 1] and |tanh| <= 1, and each rounded
 *   product stays within the bound of the exact one; type 2's h is a tanh.
 * - type 1: |h_t| <= o_t, since |tanh(c)| <= 1 and rounding is monotonic.
 * - |c_t| <= t after t steps (c_0 = 0): |f c_{t-1}| <= t - 1 and |i ĉ| <= 1, and a rounded sum
 *   of terms bounded by t - 1 and 1 cannot pass the floating-point number t.
 *
 * Inputs stay finite and small enough that no pre-activation overflows in the implementation's
 * precision (S entries up to 1e300 in float64, 1e30 in float32; weights up to 1000; at most 25
 * terms), so there is no NaN for a bound to fail on; NaN is the subject of ./robustness.ts.
 */
import fc from 'fast-check';
import { CELL_TYPES } from '../../cells/schema.js';
import { cellCase } from '../arbitraries/cell-case.js';
import { CELL_LABEL, type ConformanceProperty } from '../property.js';
import { assertEvery } from '../support/assertions.js';
import type { Subject } from '../subject.js';

const finiteCase = (cell: (typeof CELL_TYPES)[number], subject: Subject) => cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: subject.limits.noOverflow } });

export function boundsProperties(): ConformanceProperty[] {
  const properties: ConformanceProperty[] = CELL_TYPES.flatMap((cell): ConformanceProperty[] => [
    {
      kind: 'property',
      suite: 'bounds',
      cell,
      title: `${CELL_LABEL[cell]}: |h_t| <= 1 for every step and unit`,
      needs: [],
      make: ({ subject }) =>
        fc.asyncProperty(finiteCase(cell, subject), async (c) => {
          const outputs = await subject.run(cell, c);
          assertEvery(outputs.Output, c.hidden, 'Output', '|h_t| <= 1', (h) => Math.abs(h) <= 1);
        }),
    },
    {
      kind: 'property',
      suite: 'bounds',
      cell,
      title: `${CELL_LABEL[cell]}: |c_t| <= t after t steps`,
      needs: ['cell_state_vectors'],
      make: ({ subject }) =>
        fc.asyncProperty(finiteCase(cell, subject), async (c) => {
          const outputs = await subject.run(cell, c);
          assertEvery(outputs.cell_state_vectors, c.hidden, 'cell_state_vectors', '|c_t| <= t', (value, t) => Math.abs(value) <= t + 1);
        }),
    },
  ]);
  properties.push({
    kind: 'property',
    suite: 'bounds',
    cell: 'type1',
    title: 'type 1: |h_t| <= o_t for every step and unit',
    needs: ['Output_gate_activations'],
    make: ({ subject }) =>
      fc.asyncProperty(finiteCase('type1', subject), async (c) => {
        const outputs = await subject.run('type1', c);
        const o = outputs.Output_gate_activations;
        assertEvery(outputs.Output, c.hidden, 'Output', '|h_t| <= o_t', (h, t, j) => Math.abs(h) <= o[t * c.hidden + j]);
      }),
  });
  return properties;
}
