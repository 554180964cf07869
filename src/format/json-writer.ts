/**
 * JSON text for data made of doubles: arrays of numbers on one line each (one step's vector, one
 * matrix row), everything else indented, doubles encoded as in ./doubles.ts. Readable in a diff,
 * and JSON.parse with reviveDouble gives back every double exactly.
 */
import { encodeDouble } from './doubles.js';

function isNumberRow(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return true;
  return Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number');
}

function write(value: unknown, indent: string, out: string[]): void {
  if (typeof value === 'number') {
    out.push(encodeDouble(value));
  } else if (isNumberRow(value)) {
    const cells: string[] = [];
    for (let k = 0; k < value.length; k++) cells.push(encodeDouble(value[k]));
    out.push(`[${cells.join(', ')}]`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const inner = `${indent}  `;
    out.push('[\n');
    value.forEach((item, k) => {
      out.push(inner);
      write(item, inner, out);
      out.push(k + 1 < value.length ? ',\n' : '\n');
    });
    out.push(`${indent}]`);
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push('{}');
      return;
    }
    const inner = `${indent}  `;
    out.push('{\n');
    entries.forEach(([key, item], k) => {
      out.push(`${inner}${JSON.stringify(key)}: `);
      write(item, inner, out);
      out.push(k + 1 < entries.length ? ',\n' : '\n');
    });
    out.push(`${indent}}`);
  } else {
    out.push(JSON.stringify(value));
  }
}

/**
 * JSON text for `value`, one number array per line, with every double exact: NaN, the infinities
 * and -0 (which JSON.stringify loses) are encoded, and `JSON.parse(text, reviveDouble)` gives the
 * same bits back. Ends with a newline, as files do.
 */
export function stringifyDoubles(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  return `${out.join('')}\n`;
}

/** The same encoding on one line, without spaces: a message of a line-based protocol. */
export function stringifyDoublesLine(value: unknown): string {
  if (typeof value === 'number') return encodeDouble(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    const parts: string[] = [];
    for (let k = 0; k < items.length; k++) parts.push(stringifyDoublesLine(items[k]));
    return `[${parts.join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stringifyDoublesLine(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
