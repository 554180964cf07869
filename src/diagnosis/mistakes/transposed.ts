/**
 * Weight matrices transposed: a port that stores (inputs x units) where the seed has (units x
 * inputs), or reads a row-major buffer as column-major. Only square matrices can be read the wrong
 * way round without a shape error: every U, and W where H = X.
 */
import type { CellType } from '../../cells/schema.js';
import type { Mistake } from '../mistake.js';

function transpose(M: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) out[k * n + r] = M[r * n + k];
  return out;
}

function transposed(cell: CellType, kind: 'w' | 'u'): Mistake {
  return {
    id: `transpose-${kind.toUpperCase()}`,
    title: `every ${kind.toUpperCase()} matrix transposed`,
    cells: [cell],
    applies: (shape) => kind === 'u' || shape.hidden === shape.inputs,
    change: {
      weights: (W, { hidden }) => Object.fromEntries(Object.entries(W).map(([key, M]) => [key, key.startsWith(`${kind}_`) ? transpose(M, hidden) : M])),
    },
  };
}

export const TRANSPOSED: Mistake[] = (['type1', 'type2'] as const).flatMap((cell) => [transposed(cell, 'w'), transposed(cell, 'u')]);
