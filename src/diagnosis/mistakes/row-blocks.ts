/**
 * A product computed in blocks of rows with the partial block dropped: a kernel that takes k rows
 * at a time once a gate has k rows or more (smaller ones go through a plain loop) and forgets the
 * remainder, or a split over threads that loses the last rows. Shows only where H exceeds k and
 * is not a multiple of it: never at H <= 16 for k = 32, nor at H = 128.
 */
import type { Mistake } from '../mistake.js';

const BLOCKS = [2, 4, 8, 16, 32, 64, 128];

export const ROW_BLOCKS: Mistake[] = (['recurrent', 'input'] as const).flatMap((product) =>
  BLOCKS.map((rows) => ({
    id: `${product}-rows-in-blocks-of-${rows}`,
    title: `the ${product} product computed in blocks of ${rows} rows where H >= ${rows}, the last H mod ${rows} rows of each gate dropped`,
    cells: ['type1', 'type2'] as const,
    applies: (s: { hidden: number }) => s.hidden > rows && s.hidden % rows !== 0,
    change: { rowBlocks: { product, rows } },
  })),
);
