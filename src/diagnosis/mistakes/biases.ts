/**
 * A gate's bias left out, or added twice: a port whose framework has two bias vectors (PyTorch's
 * b_ih and b_hh) and that was given the seed's bias in both, or in neither.
 */
import type { CellType } from '../../cells/schema.js';
import type { Mistake } from '../mistake.js';

const NAMES: Record<string, string> = { i: 'input gate', g: 'forget gate', o: 'output gate', c: 'candidate', cell: 'candidate' };

function bias(cell: CellType, gate: string, factor: 0 | 2): Mistake {
  return {
    id: `bias-${gate}-${factor === 0 ? 'dropped' : 'doubled'}`,
    title: `the ${NAMES[gate]}'s bias b_${gate} ${factor === 0 ? 'dropped' : 'added twice'}`,
    cells: [cell],
    change: { weights: (W) => ({ ...W, [`b_${gate}`]: W[`b_${gate}`].map((b) => b * factor) }) },
  };
}

export const BIASES: Mistake[] = (
  [
    ['type1', ['i', 'g', 'o', 'c']],
    ['type2', ['i', 'g', 'o', 'cell']],
  ] as const
).flatMap(([cell, gates]) => gates.flatMap((gate) => [bias(cell, gate, 0), bias(cell, gate, 2)]));
