/**
 * Gates in float64. σ(z) = 1 / (1 + exp(-z)) is exactly 1 for z >= 36.73680056967711 and
 * exactly 0 for z <= -709.7827128933841 (exp overflows), so gates lie in the closed interval
 * [0, 1] always, and in the open interval (0, 1) exactly when the pre-activation lies strictly
 * between those constants (support/float64.ts).
 *
 * The open-interval fact is checked twice: on probe cases, whose pre-activations are entries of
 * S exactly (arbitraries/probe-case.ts), drawn on and one or two ULPs beside the constants; and
 * on arbitrary weights, by recomputing each pre-activation with a rounding-error bound that holds
 * for any summation order, and judging only the gates whose whole interval falls on one side.
 */
import fc from 'fast-check';
import { describe } from 'vitest';
import { CELL_TYPES } from '../src/cells/schema.js';
import type { LstmTrace } from '../src/cells/trace.js';
import { cellCase, type CellCase } from './arbitraries/cell-case.js';
import { probeCase, probeColumn } from './arbitraries/probe-case.js';
import { PropertyViolation, assertEvery, show } from './support/assertions.js';
import { CELL_LABEL, gatesOf, run } from './support/cells.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO } from './support/float64.js';
import { propertySuite } from './support/runner.js';

/** What σ must give at a pre-activation z: exactly 0, exactly 1, or strictly between. */
function expectedGate(z: number): 'zero' | 'one' | 'inside' {
  if (z <= SIGMOID_ZERO_UPTO) return 'zero';
  if (z >= SIGMOID_ONE_FROM) return 'one';
  return 'inside';
}

function checkGate(gate: number, expected: 'zero' | 'one' | 'inside', where: string, z: string): void {
  const ok = expected === 'zero' ? gate === 0 : expected === 'one' ? gate === 1 : gate > 0 && gate < 1;
  if (!ok) {
    const want = expected === 'inside' ? 'strictly inside (0, 1)' : `exactly ${expected === 'zero' ? 0 : 1}`;
    throw new PropertyViolation(`${where}: pre-activation ${z}, gate ${show(gate)}, expected ${want}`);
  }
}

const U = 2 ** -53;
const KEYS = { 0: ['w_i', 'u_i', 'b_i'], 1: ['w_g', 'u_g', 'b_g'], 2: ['w_o', 'u_o', 'b_o'] } as const;

/**
 * An interval holding the cell's pre-activation of one gate unit, whatever order its sums run
 * in: both the cell's value and this left-to-right one lie within γ_n Σ|terms| of the exact sum
 * (n terms, products rounded too, γ_n = n u / (1 - n u)), plus one subnormal ULP per term for
 * products that underflow. The state read is the trace's own h_{t-1} (type 1) or c_{t-1}.
 */
function preactivationInterval(c: CellCase, trace: LstmTrace, block: 0 | 1 | 2, t: number, r: number): [number, number] {
  const W = c.W as unknown as Record<string, number[][] | number[]>;
  const [wKey, uKey, bKey] = KEYS[block];
  const w = (W[wKey] as number[][])[r];
  const u = (W[uKey] as number[][])[r];
  const b = (W[bKey] as number[])[r];
  const state = c.cell === 'type1' ? trace.output : trace.cellState;
  const H = trace.hidden;
  let wx = 0;
  let uv = 0;
  let size = 0;
  for (let k = 0; k < w.length; k++) {
    wx += w[k] * c.S[t][k];
    size += Math.abs(w[k] * c.S[t][k]);
  }
  for (let k = 0; k < H; k++) {
    const v = t === 0 ? 0 : state[(t - 1) * H + k];
    uv += u[k] * v;
    size += Math.abs(u[k] * v);
  }
  const z = wx + uv + b;
  size += Math.abs(b);
  const n = w.length + H + 2;
  const gamma = (n * U) / (1 - n * U);
  const margin = 2.01 * gamma * size + 2 * n * 5e-324;
  return [z - margin, z + margin];
}

describe('gates', () => {
  const suite = propertySuite('gates', 200);

  for (const cell of CELL_TYPES) {
    const name = CELL_LABEL[cell];

    suite.property(`${name}: every gate lies in the closed interval [0, 1] while no pre-activation overflows`, () =>
      fc.property(cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: 1e300 } }), (c) => {
        const trace = run(c);
        for (const gate of gatesOf(trace)) assertEvery(gate.values, trace.hidden, gate.key, '0 <= gate <= 1', (g) => g >= 0 && g <= 1);
      }),
    );

    suite.property(
      `${name}: a gate is exactly 1 at pre-activation >= 36.73680056967711, exactly 0 at <= -709.7827128933841, and in the open interval (0, 1) strictly between (pre-activations placed exactly)`,
      () =>
        fc.property(probeCase(cell), (c) => {
          const trace = run(c);
          for (const gate of gatesOf(trace)) {
            for (let t = 0; t < trace.steps; t++) {
              for (let r = 0; r < trace.hidden; r++) {
                const z = c.S[t][probeColumn(gate.block, r, c.inputs)];
                checkGate(gate.values[t * trace.hidden + r], expectedGate(z), `${gate.key} step ${t} unit ${r}`, show(z));
              }
            }
          }
        }),
    );

    suite.property(
      `${name}: with any weights, a gate is in the open interval (0, 1) exactly when its pre-activation lies strictly between -709.7827128933841 and 36.73680056967711 (judged where rounding cannot decide otherwise)`,
      () =>
        fc.property(cellCase(cell, { weights: { scales: ['saturating', 'unit'] }, sequence: { edges: 'some', edgeMaxAbs: 1e4 } }), (c) => {
          const trace = run(c);
          for (const gate of gatesOf(trace)) {
            for (let t = 0; t < trace.steps; t++) {
              for (let r = 0; r < trace.hidden; r++) {
                const [lo, hi] = preactivationInterval(c, trace, gate.block as 0 | 1 | 2, t, r);
                const low = expectedGate(lo);
                if (low !== expectedGate(hi)) continue;
                checkGate(gate.values[t * trace.hidden + r], low, `${gate.key} step ${t} unit ${r}`, `in [${show(lo)}, ${show(hi)}]`);
              }
            }
          }
        }),
    );
  }
});
