/**
 * State not carried from step to step: h or c (or both) starting every step from zero, as a port
 * that re-creates its state inside the loop does; or both zeroed every k steps, as a port that
 * splits a sequence into chunks and forgets to hand the state on (k the chunk length).
 */
import type { Mistake } from '../mistake.js';

const CHUNKS = [2, 4, 8, 16, 32, 64, 128];

export const STATE: Mistake[] = [
  // Type 2 reads no h: only type 1 can lose it.
  { id: 'h-not-carried', title: 'h_{t-1} not carried: every step starts from h = 0', cells: ['type1'], applies: (s) => s.steps > 1, change: { notCarried: 'h' } },
  { id: 'c-not-carried', title: 'c_{t-1} not carried: every step starts from c = 0', cells: ['type1', 'type2'], applies: (s) => s.steps > 1, change: { notCarried: 'c' } },
  { id: 'state-not-carried', title: 'no state carried: every step starts from h = c = 0', cells: ['type1', 'type2'], applies: (s) => s.steps > 1, change: { notCarried: 'both' } },
  ...CHUNKS.map(
    (k): Mistake => ({ id: `state-reset-every-${k}`, title: `the state reset to zero every ${k} steps (chunks not handed on)`, cells: ['type1', 'type2'], applies: (s) => s.steps > k, change: { resetEvery: k } }),
  ),
];
