/**
 * A product computed in blocks of rows with the partial block dropped: a kernel that handles k
 * rows at a time and no remainder, or a split over threads that loses the last rows. Shows only
 * where H is not a multiple of k.
 */
import type { Mistake } from '../mistake.js';

const BLOCKS = [2, 4, 8, 16, 32, 64, 128];

export const ROW_BLOCKS: Mistake[] = (['recurrent', 'input'] as const).flatMap((product) =>
  BLOCKS.map((rows) => ({
    id: `${product}-rows-in-blocks-of-${rows}`,
    title: `the ${product} product computed in blocks of ${rows} rows, the last H mod ${rows} rows of each gate dropped`,
    cells: ['type1', 'type2'] as const,
    applies: (s: { hidden: number }) => s.hidden % rows !== 0,
    change: { rowBlocks: { product, rows } },
  })),
);
