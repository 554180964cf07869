import { validateCase, WEIGHT_KEYS, type CellType, type Matrix, type ValidationOptions, type Vector } from '../cells/schema.js';
import type { OracleCase } from './protocol.js';

function flatten(value: Matrix | Vector): Float64Array {
  const rows = value as ArrayLike<ArrayLike<number> | number>;
  if (rows.length === 0 || typeof rows[0] === 'number') return Float64Array.from(value as Vector);
  const cols = (rows[0] as ArrayLike<number>).length;
  const out = new Float64Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) out.set(rows[r] as ArrayLike<number>, r * cols);
  return out;
}

/** Validates a case value `{S, W}` and flattens it for the worker. */
export function toOracleCase(cell: CellType, value: unknown, options: ValidationOptions = {}): OracleCase {
  const shape = validateCase(cell, value, options);
  const { S, W } = value as { S: Matrix; W: Record<string, Matrix | Vector> };
  const flat: Record<string, Float64Array> = {};
  for (const key of WEIGHT_KEYS[cell]) flat[key] = flatten(W[key]);
  return { cell, steps: shape.steps, inputs: shape.inputs, hidden: shape.hidden, S: shape.steps === 0 ? new Float64Array(0) : flatten(S), W: flat };
}
