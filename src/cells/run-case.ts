import { forwardType1 } from './lstm-type1.js';
import { forwardType2 } from './lstm-type2.js';
import { validateCase, type CellType, type Matrix, type Type1Weights, type Type2Weights, type ValidationOptions } from './schema.js';
import type { LstmTrace } from './trace.js';
import { packSequence, packType1, packType2 } from './weights.js';

/**
 * Runs a whole case value (as parsed from a case file) through the named cell. Unlike
 * `lstmType1(S, W)` it also rejects keys beside S and W, since a case file is a closed format.
 */
export function runCase(cell: CellType, value: unknown, options: ValidationOptions = {}): LstmTrace {
  options ??= {}; // plain JavaScript callers may pass null
  const shape = validateCase(cell, value, options);
  const { S, W } = value as { S: Matrix; W: unknown };
  const x = packSequence(S, shape);
  return cell === 'type1'
    ? forwardType1(packType1(W as Type1Weights, shape), x, shape.steps)
    : forwardType2(packType2(W as Type2Weights, shape), x, shape.steps);
}
