/**
 * Gates. σ(z) = 1 / (1 + exp(-z)) lies in [0, 1] in any precision, for any implementation that
 * computes it so: the closed interval is held of everyone (while no pre-activation overflows).
 *
 * In float64 with this package's σ (or 1 / (1 + Math.exp(-z)) with V8's exp), σ is exactly 1 for z >= 36.73680056967711 and exactly 0 for
 * z <= -709.7827128933841, and strictly inside (0, 1) between (../support/float64.ts). That is
 * checked twice, with exact arithmetic only (another exp may saturate an ULP away, which no
 * judge would call a bug): on probe cases, whose pre-activations are entries of S exactly
 * (../arbitraries/probe-case.ts), drawn on and one or two ULPs beside the constants; and on
 * arbitrary weights, by recomputing each pre-activation with a rounding-error bound that holds
 * for any summation order, judging only the gates whose whole interval falls on one side.
 */
import fc from 'fast-check';
import { CELL_TYPES, type CellType } from '../../cells/schema.js';
import type { FlatOutputs } from '../../judge/flat-case.js';
import { cellCase, type CellCase } from '../arbitraries/cell-case.js';
import { probeCase, probeColumn } from '../arbitraries/probe-case.js';
import { CELL_LABEL, gateKeys, type ConformanceContext, type ConformanceProperty } from '../property.js';
import { PropertyViolation, assertEvery, show } from '../support/assertions.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO } from '../support/float64.js';

const EXACT_ONLY =
  'held only with exact arithmetic (float64, this package\'s σ or 1 / (1 + Math.exp(-z))): another exp may saturate an ULP away from these constants, which the tolerance policy allows';

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
function preactivationInterval(c: CellCase, outputs: FlatOutputs, block: 0 | 1 | 2, t: number, r: number): [number, number] {
  const W = c.W as unknown as Record<string, number[][] | number[]>;
  const [wKey, uKey, bKey] = KEYS[block];
  const w = (W[wKey] as number[][])[r];
  const u = (W[uKey] as number[][])[r];
  const b = (W[bKey] as number[])[r];
  const state = c.cell === 'type1' ? outputs.Output : outputs.cell_state_vectors;
  const H = c.hidden;
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

export function gatesProperties(): ConformanceProperty[] {
  return CELL_TYPES.flatMap((cell: CellType): ConformanceProperty[] => {
    const name = CELL_LABEL[cell];
    const gates = gateKeys(cell);
    const gateNames = gates.map((g) => g.key);
    const exactOnly = (context: ConformanceContext) => (context.subject.exact ? undefined : EXACT_ONLY);
    return [
      {
        kind: 'property',
        suite: 'gates',
        cell,
        title: `${name}: every gate lies in the closed interval [0, 1] while no pre-activation overflows`,
        needs: gateNames,
        make: ({ subject }) =>
          fc.asyncProperty(cellCase(cell, { sequence: { edges: 'some', edgeMaxAbs: subject.limits.noOverflow } }), async (c) => {
            const outputs = await subject.run(cell, c);
            for (const key of gateNames) assertEvery(outputs[key], c.hidden, key, '0 <= gate <= 1', (g) => g >= 0 && g <= 1);
          }),
      },
      {
        kind: 'property',
        suite: 'gates',
        cell,
        title: `${name}: a gate is exactly 1 at pre-activation >= 36.73680056967711, exactly 0 at <= -709.7827128933841, and in the open interval (0, 1) strictly between (pre-activations placed exactly)`,
        needs: gateNames,
        notFor: exactOnly,
        make: ({ subject }) =>
          fc.asyncProperty(probeCase(cell), async (c) => {
            const outputs = await subject.run(cell, c);
            for (const gate of gates) {
              for (let t = 0; t < c.steps; t++) {
                for (let r = 0; r < c.hidden; r++) {
                  const z = c.S[t][probeColumn(gate.block, r, c.inputs)];
                  checkGate(outputs[gate.key][t * c.hidden + r], expectedGate(z), `${gate.key} step ${t} unit ${r}`, show(z));
                }
              }
            }
          }),
      },
      {
        kind: 'property',
        suite: 'gates',
        cell,
        title: `${name}: with any weights, a gate is in the open interval (0, 1) exactly when its pre-activation lies strictly between -709.7827128933841 and 36.73680056967711 (judged where rounding cannot decide otherwise)`,
        needs: [...gateNames, ...(cell === 'type2' ? ['cell_state_vectors'] : [])],
        notFor: exactOnly,
        make: ({ subject }) =>
          fc.asyncProperty(cellCase(cell, { weights: { scales: ['saturating', 'unit'] }, sequence: { edges: 'some', edgeMaxAbs: 1e4 } }), async (c) => {
            const outputs = await subject.run(cell, c);
            for (const gate of gates) {
              for (let t = 0; t < c.steps; t++) {
                for (let r = 0; r < c.hidden; r++) {
                  const [lo, hi] = preactivationInterval(c, outputs, gate.block, t, r);
                  const low = expectedGate(lo);
                  if (low !== expectedGate(hi)) continue;
                  checkGate(outputs[gate.key][t * c.hidden + r], low, `${gate.key} step ${t} unit ${r}`, `in [${show(lo)}, ${show(hi)}]`);
                }
              }
            }
          }),
      },
    ];
  });
}
