/**
 * Zero-weight invariants, bit for bit. They hold for any summation order: every product with a
 * +0 weight is ±0, a sum of ±0 terms started from +0 is +0, and adding ±0 to a nonzero double
 * changes nothing. Zero weights here are +0 (the arbitraries never draw -0 weights).
 *
 * - All weights and biases +0: every pre-activation is +0, so gates are σ(0) = 0.5 exactly, the
 *   candidate tanh(+0) = +0, and c and h stay +0 at every step, whatever S holds.
 * - Zero input weights: S enters only through W x, which is then ±0 for any finite S, so the
 *   outputs do not depend on S at all.
 * - Zero recurrent weights: the gates no longer read the state, so step t's gates (and type 1's
 *   candidate) equal those of the one-step sequence [x_t].
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { CELL_TYPES, WEIGHT_KEYS } from '../src/cells/schema.js';
import { cellCase, type CellCase } from './arbitraries/cell-case.js';
import { sequence } from './arbitraries/sequence.js';
import { PropertyViolation, assertEvery, assertSameBits, assertSameFields, show } from './support/assertions.js';
import { CELL_LABEL, fieldsOf, gatesOf, run, withWeights, zeroRows, zeros } from './support/cells.js';
import { propertySuite } from './support/runner.js';

/** Every key whose name starts with one of `prefixes`, replaced by +0 of the same shape. */
function zeroed(c: CellCase, prefixes: readonly string[]): Record<string, number[] | number[][]> {
  const changes: Record<string, number[] | number[][]> = {};
  for (const key of WEIGHT_KEYS[c.cell]) {
    if (!prefixes.some((p) => key.startsWith(p))) continue;
    changes[key] = key.startsWith('b_') ? zeros(c.hidden) : zeroRows(c.hidden, key.startsWith('u_') ? c.hidden : c.inputs);
  }
  return changes;
}

/** Any finite S, from ordinary values to the largest doubles. */
const anySequence = { edges: 'some' } as const;

describe('zero weights', () => {
  const suite = propertySuite('zero weights', 200);

  for (const cell of CELL_TYPES) {
    const name = CELL_LABEL[cell];

    suite.property(`${name}: all-zero weights and biases give every gate exactly 0.5 and every other output +0.0, for any finite S`, () =>
      fc.property(cellCase(cell, { sequence: anySequence }), (drawn) => {
        const c = withWeights(drawn, zeroed(drawn, ['w_', 'u_', 'b_']));
        const trace = run(c);
        const gateKeys = new Set(gatesOf(trace).map((g) => g.key));
        for (const [key, values] of Object.entries(fieldsOf(trace))) {
          if (gateKeys.has(key)) assertEvery(values, trace.hidden, key, 'gate === 0.5', (g) => g === 0.5);
          else assertEvery(values, trace.hidden, key, 'value is +0.0', (x) => Object.is(x, 0));
        }
      }),
    );

    suite.property(`${name}: with zero input weights the outputs are the same, bit for bit, for any two finite sequences of one length`, () =>
      // The other sequence is cut from one of the largest shape (T 40, X 8): no chain on the case.
      fc.property(cellCase(cell, { sequence: anySequence }), sequence({ steps: 40, inputs: 8 }, anySequence), (drawn, pool) => {
        const c = withWeights(drawn, zeroed(drawn, ['w_']));
        const other = pool.slice(0, c.steps).map((row) => row.slice(0, c.inputs));
        const trace = run(c);
        assertSameFields(fieldsOf(run({ ...c, S: other })), fieldsOf(trace), trace.hidden, 'with the other sequence:');
      }),
    );

    suite.property(`${name}: with zero recurrent weights the gates${cell === 'type1' ? ' and candidate' : ''} of step t equal those of the one-step sequence [x_t], bit for bit`, () =>
      fc.property(cellCase(cell, { shape: { minSteps: 1 } }), (drawn) => {
        const c = withWeights(drawn, zeroed(drawn, ['u_']));
        const trace = run(c);
        const H = trace.hidden;
        const keys = gatesOf(trace).map((g) => g.key).concat(cell === 'type1' ? ['cell_input_activations'] : []);
        const fields = fieldsOf(trace);
        for (let t = 0; t < trace.steps; t++) {
          const alone = fieldsOf(run({ ...c, S: [c.S[t]] }));
          for (const key of keys) {
            try {
              assertSameBits(fields[key].subarray(t * H, (t + 1) * H), alone[key], H, key);
            } catch (error) {
              throw new PropertyViolation(`step ${t} against [x_${t}] alone (x_${t} = [${c.S[t].map(show).join(', ')}]): ${(error as Error).message}`);
            }
          }
        }
      }),
    );
  }
});
