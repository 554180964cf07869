/**
 * Facts about the whole trace, bit for bit. Each holds for any deterministic kernel whose
 * arithmetic for one row of one step depends only on that row's weights and inputs (not on T,
 * the other rows, or earlier calls); none depends on the order in which a dot product is summed.
 *
 * - causality: the outputs for S[:k] are the first k steps of the outputs for S;
 * - c_t = f_t * c_{t-1} + i_t * ĉ_t (c_0 = 0), evaluated as the cells do: two rounded products,
 *   then their rounded sum. Type 1's candidate ĉ_t is in the trace. Type 2's is not, so it is read
 *   through the cell: with the forget gate forced to exactly 0 (zero weights, bias -1000) and the
 *   input gate to exactly 1 (bias +1000), c_t = 0 * c_{t-1} + 1 * ĉ_t = ĉ_t exactly, since ĉ's
 *   row (w_cell, b_cell) is untouched. (Only a ĉ of -0 would come back as +0, and ĉ = tanh(z) is
 *   -0 only for z = -0, which a sum from +0 plus a bias that is never -0 cannot give.)
 * - h from o and c: type 1 h_t = o_t * tanh(c_t), type 2 h_t = tanh(o_t * c_t), with tanh the
 *   package's own, the cells' activation (this is the one fact here that names the activation's
 *   implementation);
 * - determinism: the same inputs give the same bits, with other calls in between, and the cells
 *   leave their inputs untouched.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { tanh } from '../src/index.js';
import { CELL_TYPES } from '../src/cells/schema.js';
import type { LstmTrace } from '../src/cells/trace.js';
import { cellCase, type CellCase } from './arbitraries/cell-case.js';
import { PropertyViolation, assertSameBits, assertSameFields, show } from './support/assertions.js';
import { CELL_LABEL, fieldsOf, run, withWeights, zeroRows, zeros } from './support/cells.js';
import { sameBits } from './support/float64.js';
import { propertySuite } from './support/runner.js';

/** Every scale but 'edge', and S with edge doubles that cannot overflow: a NaN-free trace. */
const finite = { sequence: { edges: 'some', edgeMaxAbs: 1e300 } } as const;

/** ĉ_t for every step, read from the cell's own computation (see the header). */
function candidates(c: CellCase, trace: LstmTrace): Float64Array {
  if (trace.cell === 'type1') return trace.cellInput;
  const H = c.hidden;
  const forced = withWeights(c, {
    w_g: zeroRows(H, c.inputs), u_g: zeroRows(H, H), b_g: zeros(H).map(() => -1000),
    w_i: zeroRows(H, c.inputs), u_i: zeroRows(H, H), b_i: zeros(H).map(() => 1000),
  });
  return run(forced).cellState;
}

function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

/** S and W compared element by element with Object.is, so -0 and NaN count. */
function assertUnchanged(before: unknown, after: unknown, path: string): void {
  if (typeof before === 'number') {
    if (!sameBits(before, after as number)) throw new PropertyViolation(`${path}: the cell changed its input from ${show(before)} to ${String(after)}`);
    return;
  }
  if (Array.isArray(before)) {
    if (!Array.isArray(after) || after.length !== before.length) throw new PropertyViolation(`${path}: the cell changed the shape of its input`);
    before.forEach((item, k) => assertUnchanged(item, after[k], `${path}[${k}]`));
    return;
  }
  for (const [key, item] of Object.entries(before as object)) assertUnchanged(item, (after as Record<string, unknown>)[key], `${path}.${key}`);
}

describe('trace', () => {
  const suite = propertySuite('trace', 200);

  for (const cell of CELL_TYPES) {
    const name = CELL_LABEL[cell];

    suite.property(`${name}: the outputs for S[:k] are the first k steps of the outputs for S, bit for bit`, () =>
      fc.property(cellCase(cell, finite), fc.nat(), (c, n) => {
        const k = n % (c.steps + 1);
        const whole = run(c);
        const H = whole.hidden;
        const prefix = fieldsOf(run({ ...c, S: c.S.slice(0, k) }));
        const first = Object.fromEntries(Object.entries(fieldsOf(whole)).map(([key, values]) => [key, values.subarray(0, k * H)]));
        assertSameFields(prefix, first, H, `S[:${k}] of ${c.steps} steps:`);
      }),
    );

    suite.property(`${name}: c_t = f_t * c_{t-1} + i_t * cand_t for every step, bit for bit (c_0 = 0)`, () =>
      fc.property(cellCase(cell, finite), (c) => {
        const trace = run(c);
        const cand = candidates(c, trace);
        const H = trace.hidden;
        const expected = new Float64Array(trace.cellState.length);
        for (let k = 0; k < expected.length; k++) {
          const previous = k < H ? 0 : trace.cellState[k - H];
          expected[k] = trace.forgetGate[k] * previous + trace.inputGate[k] * cand[k];
        }
        assertSameBits(trace.cellState, expected, H, 'cell_state_vectors against f * c_prev + i * cand:');
      }),
    );

    const hFact = cell === 'type1' ? 'h_t = o_t * tanh(c_t)' : 'h_t = tanh(o_t * c_t)';
    suite.property(`${name}: ${hFact} for every step, bit for bit`, () =>
      fc.property(cellCase(cell, finite), (c) => {
        const trace = run(c);
        const o = trace.outputGate;
        const s = trace.cellState;
        const expected = trace.output.map((_, k) => (cell === 'type1' ? o[k] * tanh(s[k]) : tanh(o[k] * s[k])));
        assertSameBits(trace.output, expected, trace.hidden, `Output against ${hFact}:`);
      }),
    );

    suite.property(`${name}: the same inputs give the same bits on every call, with other calls in between, and the inputs stay untouched`, () =>
      fc.property(cellCase(cell, finite), cellCase(cell, finite), (c, other) => {
        const before = deepCopy({ S: c.S, W: c.W });
        const first = fieldsOf(run(c));
        run(other);
        const again = fieldsOf(run(c));
        assertSameFields(again, first, c.hidden, 'second call:');
        assertUnchanged(before, { S: c.S, W: c.W }, 'case');
      }),
    );
  }
});
