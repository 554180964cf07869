/**
 * Zero-weight invariants. They hold for any summation order and in any precision: every product
 * with a +0 weight is ±0, a sum of ±0 terms plus a +0 bias is +0, and adding ±0 to a nonzero
 * number changes nothing. Zero weights here are +0 (the arbitraries never draw -0 weights). The
 * first two are held bit for bit of every implementation; the third compares sequences of other
 * lengths, so it is bit for bit with exact arithmetic and within the tolerance policy otherwise
 * (a library may pick another matrix kernel for another T; see ./trace.ts on causality).
 *
 * - All weights and biases +0: every pre-activation is +0, so gates are σ(0) = 0.5 exactly, the
 *   candidate tanh(+0) = +0, and c and h stay +0 at every step, whatever S holds.
 * - Zero input weights: S enters only through W x, which is then ±0 for any finite S, so the
 *   outputs do not depend on S at all.
 * - Zero recurrent weights: the gates no longer read the state, so step t's gates (and type 1's
 *   candidate, where returned) equal those of the one-step sequence [x_t].
 *
 * "Any finite S" means finite in the implementation's precision (up to 3.4e38 in float32).
 */
import fc from 'fast-check';
import { CELL_TYPES, WEIGHT_KEYS, type CellType } from '../../cells/schema.js';
import { cellCase, type CellCase } from '../arbitraries/cell-case.js';
import { sequence } from '../arbitraries/sequence.js';
import { CELL_LABEL, gateKeys, withWeights, zeroRows, zeros, type ConformanceProperty } from '../property.js';
import { PropertyViolation, assertClose, assertEvery, assertSameBits, assertSameFields, show } from '../support/assertions.js';

/** Every key whose name starts with one of `prefixes`, replaced by +0 of the same shape. */
function zeroed(c: CellCase, prefixes: readonly string[]): Record<string, number[] | number[][]> {
  const changes: Record<string, number[] | number[][]> = {};
  for (const key of WEIGHT_KEYS[c.cell]) {
    if (!prefixes.some((p) => key.startsWith(p))) continue;
    changes[key] = key.startsWith('b_') ? zeros(c.hidden) : zeroRows(c.hidden, key.startsWith('u_') ? c.hidden : c.inputs);
  }
  return changes;
}

export function zeroWeightsProperties(): ConformanceProperty[] {
  return CELL_TYPES.flatMap((cell: CellType): ConformanceProperty[] => {
    const name = CELL_LABEL[cell];
    const gates = gateKeys(cell).map((g) => g.key);
    return [
      {
        kind: 'property',
        suite: 'zero-weights',
        cell,
        title: `${name}: all-zero weights and biases give every gate exactly 0.5 and every other output +0.0, for any finite S`,
        needs: [],
        make: ({ subject }) =>
          fc.asyncProperty(cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: subject.limits.anyFinite } }), async (drawn) => {
            const outputs = await subject.run(cell, withWeights(drawn, zeroed(drawn, ['w_', 'u_', 'b_'])));
            for (const [key, values] of Object.entries(outputs)) {
              if (gates.includes(key)) assertEvery(values, drawn.hidden, key, 'gate === 0.5', (g) => g === 0.5);
              else assertEvery(values, drawn.hidden, key, 'value is +0.0', (x) => Object.is(x, 0));
            }
          }),
      },
      {
        kind: 'property',
        suite: 'zero-weights',
        cell,
        title: `${name}: with zero input weights the outputs are the same, bit for bit, for any two finite sequences of one length`,
        needs: [],
        make: ({ subject }) => {
          const anySequence = { edges: 'some', edgeMaxAbs: subject.limits.anyFinite } as const;
          // The other sequence is cut from one of the largest shape (T 40, X 8): no chain on the case.
          return fc.asyncProperty(cellCase(cell, { sequence: anySequence }), sequence({ steps: 40, inputs: 8 }, anySequence), async (drawn, pool) => {
            const c = withWeights(drawn, zeroed(drawn, ['w_']));
            const other = pool.slice(0, drawn.steps).map((row) => row.slice(0, drawn.inputs));
            const outputs = await subject.run(cell, c);
            assertSameFields(await subject.run(cell, { ...c, S: other }), outputs, drawn.hidden, 'with the other sequence:');
          });
        },
      },
      {
        kind: 'property',
        suite: 'zero-weights',
        cell,
        title: `${name}: with zero recurrent weights the gates${cell === 'type1' ? ' (and the candidate, where returned)' : ''} of step t equal those of the one-step sequence [x_t], bit for bit with exact arithmetic, else within the tolerance policy`,
        needs: gates,
        make: ({ subject }) =>
          fc.asyncProperty(cellCase(cell, { shape: { minSteps: 1 } }), async (drawn) => {
            const c = withWeights(drawn, zeroed(drawn, ['u_']));
            const outputs = await subject.run(cell, c);
            const H = drawn.hidden;
            const keys = [...gates, 'cell_input_activations'].filter((key) => key in outputs);
            for (let t = 0; t < drawn.steps; t++) {
              const alone = await subject.run(cell, { ...c, S: [drawn.S[t]] });
              for (const key of keys) {
                try {
                  const step = outputs[key].subarray(t * H, (t + 1) * H);
                  if (subject.exact) assertSameBits(step, alone[key], H, key);
                  else assertClose({ [key]: step }, { [key]: alone[key] }, H, key, subject.tolerance);
                } catch (error) {
                  throw new PropertyViolation(`step ${t} against [x_${t}] alone (x_${t} = [${drawn.S[t].map(show).join(', ')}]): ${(error as Error).message}`);
                }
              }
            }
          }),
      },
    ];
  });
}
