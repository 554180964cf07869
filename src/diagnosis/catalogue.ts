/**
 * The catalogue of porting mistakes the diagnosis tries on a finding, in the order a report lists
 * them when several reproduce it: the gates, the weights, the recurrence, the state, the
 * arithmetic, the outputs.
 */
import { BIASES } from './mistakes/biases.js';
import { CLIPPED } from './mistakes/clipped.js';
import { NAN_CLIP } from './mistakes/nan-clip.js';
import { PRECISION } from './mistakes/precision.js';
import { RECURRENCE } from './mistakes/recurrence.js';
import { ROW_BLOCKS } from './mistakes/row-blocks.js';
import { SENT_VALUES } from './mistakes/sent-values.js';
import { STATE } from './mistakes/state.js';
import { SWAPPED_GATES } from './mistakes/swapped-gates.js';
import { TRANSPOSED } from './mistakes/transposed.js';
import type { CaseShape, Mistake } from './mistake.js';

/** Every catalogued mistake. */
export const MISTAKES: readonly Mistake[] = [...SWAPPED_GATES, ...TRANSPOSED, ...BIASES, ...RECURRENCE, ...STATE, ...ROW_BLOCKS, ...PRECISION, ...CLIPPED, ...NAN_CLIP, ...SENT_VALUES];

/** The mistakes that can show in a case of this shape. */
export function mistakesFor(shape: CaseShape): Mistake[] {
  return MISTAKES.filter((m) => m.cells.includes(shape.cell) && (m.applies === undefined || m.applies(shape)));
}

/** The mistake with this id, if catalogued. */
export function findMistake(id: string): Mistake | undefined {
  return MISTAKES.find((m) => m.id === id);
}
