/**
 * Cases on which each catalogued porting mistake shows (src/diagnosis/mistakes/): a well-scaled
 * case of a shape the mistake needs, or the extreme values it needs (subnormals beside huge
 * values, a NaN, a -0 output, pre-activations past the clip). Shared by the catalogue's tests in
 * TypeScript and through the command protocol.
 */
import type { CellType } from '../../src/cells/schema.js';
import type { Mistake } from '../../src/diagnosis/mistake.js';
import type { CaseValue } from '../../src/numeric/seeded-random.js';

/** A well-scaled case of the given shape, every value from a fixed generator. */
export function scaled(cell: CellType, T: number, H: number, X: number, scale = 1, seed = 7): CaseValue {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2;
  };
  const m = (r: number, k: number, f = 1) => Array.from({ length: r }, () => Array.from({ length: k }, () => (next() * f * scale) / Math.sqrt(H)));
  const keys = cell === 'type1' ? ['i', 'g', 'o', 'c'] : ['i', 'g', 'o', 'cell'];
  const W: CaseValue['W'] = {};
  for (const gate of keys) {
    W[`w_${gate}`] = m(H, X);
    if (gate !== 'cell') W[`u_${gate}`] = m(H, H);
    W[`b_${gate}`] = m(1, H)[0].map((b) => b + 0.3);
  }
  return { S: m(T, X, 3), W };
}

/** A case on which `mistake` can show: its shape, and the extreme values some mistakes need. */
export function exampleFor(m: Mistake, cell: CellType): CaseValue {
  if (m.id === 'ftz') {
    // A subnormal candidate makes a subnormal c_0, which the flush zeroes; a huge recurrent weight
    // then carries the difference into the forget gate of step 1.
    const v = scaled(cell, 2, 1, 1);
    for (const key of Object.keys(v.W)) v.W[key] = key.startsWith('b_') ? [0] : [[0]];
    v.W[cell === 'type1' ? 'w_c' : 'w_cell'] = [[1e-310]];
    v.W.u_g = [[1e300]];
    v.S = [[1], [1]];
    return v;
  }
  if (/^(daz|daz-ftz)$/.test(m.id)) {
    // Subnormal weights times huge inputs, and products that underflow to subnormals.
    const v = scaled(cell, 3, 3, 3);
    v.W.w_i = [[1e-310, 0.5, 0.1], [0.2, -1e-309, 0.1], [0.1, 0.1, 0.3]];
    v.S = [[1e300, 1, 1], [2e-300, 1e-20, 1], [1, 1e300, -1]];
    return v;
  }
  if (m.id === 'nan-as-clip-limit') return { ...scaled(cell, 3, 3, 3), S: [[1, 1, 0], [0, NaN, 1], [1, 0, 0]] };
  if (m.id === 'nan-as-zero') return { ...scaled(cell, 3, 3, 3), S: [[1, NaN, 0], [0, 1, 1], [1, 0, 0]] };
  if (m.id === 'negative-zero-as-positive') {
    // o = σ(-800) = +0 and c < 0 give h = -0.
    const v = scaled(cell, 2, 3, 3);
    v.W.b_o = [-800, -800, -800];
    v.W[cell === 'type1' ? 'b_c' : 'b_cell'] = [-1, -1, -1];
    return v;
  }
  if (m.id.startsWith('clip-')) return scaled(cell, 3, 3, 3, 2000);
  const k = /-(\d+)$/.exec(m.id);
  if (m.id.startsWith('state-reset-every-')) return scaled(cell, Number(k![1]) + 2, 3, 2);
  if (m.id.includes('-rows-in-blocks-of-')) return scaled(cell, 3, Number(k![1]) + 1, 3);
  return scaled(cell, 4, 5, 5);
}

