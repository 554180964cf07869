/**
 * Two gates exchanged: a port that stacks the gates in another order (PyTorch's i, f, g, o; Keras's
 * i, f, c, o) and slices them in the seed's. With the biases, or with the weights only (the biases
 * kept in place, as when they come from a separate vector in the right order).
 */
import type { CellType } from '../../cells/schema.js';
import type { Mistake } from '../mistake.js';

const NAMES: Record<string, string> = { i: 'input', g: 'forget', o: 'output', c: 'candidate' };

function swapped(cell: CellType, a: string, b: string, biases: boolean): Mistake {
  return {
    id: `swap-${a}-${b}${biases ? '' : '-weights'}`,
    title: `${NAMES[a]} and ${NAMES[b]} gates swapped (${biases ? 'weights and biases' : 'weights only, biases in place'})`,
    cells: [cell],
    change: {
      weights: (W) => {
        const out = { ...W };
        for (const kind of biases ? ['w', 'u', 'b'] : ['w', 'u']) {
          out[`${kind}_${a}`] = W[`${kind}_${b}`];
          out[`${kind}_${b}`] = W[`${kind}_${a}`];
        }
        return out;
      },
    },
  };
}

/** Type 1: every pair of its four gates. Type 2: its three gates (its candidate has no recurrent weights to swap). */
export const SWAPPED_GATES: Mistake[] = (
  [
    ['type1', ['i', 'g', 'o', 'c']],
    ['type2', ['i', 'g', 'o']],
  ] as const
).flatMap(([cell, gates]) => gates.flatMap((a, k) => gates.slice(k + 1).flatMap((b) => [swapped(cell, a, b, true), swapped(cell, a, b, false)])));
