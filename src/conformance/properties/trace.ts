/**
 * Facts about the whole trace.
 *
 * - determinism, bit for bit of every implementation: the same inputs give the same bits, with
 *   other calls in between, and the implementation leaves its inputs untouched;
 * - causality: the outputs for S[:k] are the first k steps of the outputs for S. Bit for bit with
 *   exact arithmetic (any kernel whose arithmetic for one row of one step depends only on that
 *   row's weights and inputs, not on T); within the tolerance policy for everyone else, since a
 *   library may pick another matrix kernel for another T (PyTorch's nn.LSTM projects the inputs
 *   of all steps in one product, and S[:1] and S differ in the last bits there: found by this
 *   property). Reading a later input, or a state carried over, still fails by far.
 *
 * Identities of the arithmetic, bit for bit with exact arithmetic (this package's cells, or a
 * float64 port that computes them as the seed writes them), within the tolerance policy for
 * everyone else (a fused multiply-add or a float32 tanh rounds them differently, rightly):
 * - c_t = f_t * c_{t-1} + i_t * ĉ_t (c_0 = 0): two rounded products, then their rounded sum.
 *   Type 1's ĉ_t is in the trace. Type 2's is not, so it is read through the implementation: with
 *   the forget gate forced to exactly 0 (zero weights, bias -1000) and the input gate to exactly 1
 *   (bias +1000), c_t = 0 * c_{t-1} + 1 * ĉ_t = ĉ_t exactly, in float64 and float32 alike,
 *   since ĉ's row (w_cell, b_cell) is untouched. (Only a ĉ of -0 could come back as +0, and
 *   ĉ = tanh(z) is -0 only for z = -0, which needs b_cell = -0: the arbitraries never draw -0.)
 * - h from o and c: type 1 h_t = o_t * tanh(c_t), type 2 h_t = tanh(o_t * c_t), with this
 *   package's tanh (exported by lstm-parity; correctly rounded where V8's Math.tanh is not always):
 *   bit for bit only with exact arithmetic, the one fact here that names an activation's code.
 */
import fc from 'fast-check';
import { CELL_TYPES, type CellType } from '../../cells/schema.js';
import { tanh } from '../../cells/math/tanh.js';
import type { FlatOutputs } from '../../judge/flat-case.js';
import { cellCase, type CellCase } from '../arbitraries/cell-case.js';
import { CELL_LABEL, gateKeys, withWeights, zeroRows, zeros, type ConformanceProperty } from '../property.js';
import { PropertyViolation, assertClose, assertSameBits, assertSameFields, show } from '../support/assertions.js';
import { sameBits } from '../support/float64.js';
import type { Subject } from '../subject.js';

/** ĉ_t for every step, read from the implementation's own computation (see the header). */
async function candidates(subject: Subject, c: CellCase, outputs: FlatOutputs): Promise<Float64Array> {
  if (c.cell === 'type1') return outputs.cell_input_activations;
  const H = c.hidden;
  const forced = withWeights(c, {
    w_g: zeroRows(H, c.inputs), u_g: zeroRows(H, H), b_g: zeros(H).map(() => -1000),
    w_i: zeroRows(H, c.inputs), u_i: zeroRows(H, H), b_i: zeros(H).map(() => 1000),
  });
  return (await subject.run(c.cell, forced)).cell_state_vectors;
}

/** S and W compared element by element with Object.is, so -0 and NaN count. */
function assertUnchanged(before: unknown, after: unknown, path: string): void {
  if (typeof before === 'number') {
    if (!sameBits(before, after as number)) throw new PropertyViolation(`${path}: the implementation changed its input from ${show(before)} to ${String(after)}`);
    return;
  }
  if (Array.isArray(before)) {
    if (!Array.isArray(after) || after.length !== before.length) throw new PropertyViolation(`${path}: the implementation changed the shape of its input`);
    before.forEach((item, k) => assertUnchanged(item, after[k], `${path}[${k}]`));
    return;
  }
  for (const [key, item] of Object.entries(before as object)) assertUnchanged(item, (after as Record<string, unknown>)[key], `${path}.${key}`);
}

/** Bit for bit with exact arithmetic, else within the subject's tolerance. */
function assertIdentity(subject: Subject, actual: Float64Array, expected: Float64Array, hidden: number, key: string, label: string): void {
  if (subject.exact) assertSameBits(actual, expected, hidden, `${key} against ${label}:`);
  else assertClose({ [key]: actual }, { [key]: expected }, hidden, `${key} against ${label}`, subject.tolerance);
}

export function traceProperties(): ConformanceProperty[] {
  return CELL_TYPES.flatMap((cell: CellType): ConformanceProperty[] => {
    const name = CELL_LABEL[cell];
    const finite = (subject: Subject) => cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: subject.limits.noOverflow } });
    const [iKey, fKey, oKey] = gateKeys(cell).map((g) => g.key);
    const how = (subject: Subject) => (subject.exact ? 'bit for bit' : `within rtol ${subject.tolerance.rtol}, atol ${subject.tolerance.atol}`);
    const hFact = cell === 'type1' ? 'h_t = o_t * tanh(c_t)' : 'h_t = tanh(o_t * c_t)';
    return [
      {
        kind: 'property',
        suite: 'trace',
        cell,
        title: `${name}: the outputs for S[:k] are the first k steps of the outputs for S, bit for bit with exact arithmetic, else within the tolerance policy`,
        needs: [],
        make: ({ subject }) =>
          fc.asyncProperty(finite(subject), fc.nat(), async (c, n) => {
            const k = n % (c.steps + 1);
            const whole = await subject.run(cell, c);
            const H = c.hidden;
            const prefix = await subject.run(cell, { ...c, S: c.S.slice(0, k) });
            const first = Object.fromEntries(Object.entries(whole).map(([key, values]) => [key, values.subarray(0, k * H)]));
            if (subject.exact) assertSameFields(prefix, first, H, `S[:${k}] of ${c.steps} steps:`);
            else assertClose(prefix, first, H, `S[:${k}] of ${c.steps} steps`, subject.tolerance);
          }),
      },
      {
        kind: 'property',
        suite: 'trace',
        cell,
        title: `${name}: c_t = f_t * c_{t-1} + i_t * cand_t for every step (c_0 = 0), bit for bit with exact arithmetic, else within the tolerance policy`,
        needs: [iKey, fKey, 'cell_state_vectors', ...(cell === 'type1' ? ['cell_input_activations'] : [])],
        make: ({ subject }) =>
          fc.asyncProperty(finite(subject), async (c) => {
            const outputs = await subject.run(cell, c);
            const cand = await candidates(subject, c, outputs);
            const H = c.hidden;
            const [f, i, state] = [outputs[fKey], outputs[iKey], outputs.cell_state_vectors];
            const expected = new Float64Array(state.length);
            for (let k = 0; k < expected.length; k++) expected[k] = f[k] * (k < H ? 0 : state[k - H]) + i[k] * cand[k];
            assertIdentity(subject, state, expected, H, 'cell_state_vectors', `f * c_prev + i * cand (${how(subject)})`);
          }),
      },
      {
        kind: 'property',
        suite: 'trace',
        cell,
        title: `${name}: ${hFact} for every step, bit for bit with exact arithmetic (this package's tanh), else within the tolerance policy`,
        needs: [oKey, 'cell_state_vectors'],
        make: ({ subject }) =>
          fc.asyncProperty(finite(subject), async (c) => {
            const outputs = await subject.run(cell, c);
            const o = outputs[oKey];
            const s = outputs.cell_state_vectors;
            const expected = outputs.Output.map((_, k) => (cell === 'type1' ? o[k] * tanh(s[k]) : tanh(o[k] * s[k])));
            assertIdentity(subject, outputs.Output, expected, c.hidden, 'Output', `${hFact} (${how(subject)})`);
          }),
      },
      {
        kind: 'property',
        suite: 'trace',
        cell,
        title: `${name}: the same inputs give the same bits on every call, with other calls in between, and the inputs stay untouched`,
        needs: [],
        make: ({ subject }) =>
          fc.asyncProperty(finite(subject), finite(subject), async (c, other) => {
            const before = structuredClone({ S: c.S, W: c.W });
            const first = await subject.run(cell, c);
            await subject.run(cell, other);
            const again = await subject.run(cell, c);
            assertSameFields(again, first, c.hidden, 'second call:');
            assertUnchanged(before, { S: c.S, W: c.W }, 'case');
          }),
      },
    ];
  });
}
