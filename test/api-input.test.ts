/**
 * Bad input through every public entry point, as a plain JavaScript caller can pass it: each is
 * refused with an LstmInputError whose message names the key path, never a TypeError from deep
 * inside. (Shapes and key sets of well-formed objects are covered key by key in schema.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { caseSchema, createLstmType1, LstmInputError, lstmType1, lstmType1Batch, lstmType2, prepareWeights, runCase, validateCase, type Type1Weights, type Type2Weights } from '../src/index.js';
import { toFlatCase } from '../src/judge-entry.js';

const W1: Type1Weights = {
  w_i: [[0.5]], u_i: [[0.1]], b_i: [0],
  w_g: [[0.2]], u_g: [[0.3]], b_g: [1],
  w_o: [[-0.4]], u_o: [[0.2]], b_o: [0],
  w_c: [[1.5]], u_c: [[-0.7]], b_c: [0.1],
};
const { w_c, u_c, b_c, ...gates } = W1;
const W2: Type2Weights = { ...gates, w_cell: w_c, b_cell: b_c };
void u_c;

type Call = (...args: unknown[]) => unknown;
const CELLS: [string, Call, unknown][] = [
  ['lstmType1', lstmType1 as Call, W1],
  ['lstmType2', lstmType2 as Call, W2],
];

// [what S is, S, the message]
const BAD_S: [string, unknown, string][] = [
  ['null', null, 'S: expected a matrix (array of rows), got null'],
  ['undefined', undefined, 'S: missing'],
  ['a string', 'abc', 'S: expected a matrix (array of rows), got string "abc"'],
  ['a number', 5, 'S: expected a matrix (array of rows), got 5'],
  ['a plain object', {}, 'S: expected a matrix (array of rows), got an object'],
  ['an array-like object', { length: 1, 0: [1] }, 'S: expected a matrix (array of rows), got an object'],
  ['a vector', [1, 2], 'S: expected a matrix (array of rows), got shape [2]'],
  ['rank 3', [[[1]]], 'S: expected a matrix (array of rows), got shape [1, 1, 1]'],
  ['a row with a hole', [[1], [,]], 'S[1][0]: expected a number, got nothing'],
  ['a bigint', [[1n]], 'S[0][0]: expected a number, got bigint'],
  ['a boolean', [[true]], 'S[0][0]: expected a number, got boolean'],
  ['a boxed number', [[new Number(1)]], 'S[0][0]: expected a number, got an object'],
  ['a BigInt64Array row', [new BigInt64Array([1n])], 'S[0][0]: expected a number, got bigint'],
  ['a DataView row', [new DataView(new ArrayBuffer(8))], 'S: expected a matrix (array of rows), got shape [1]'],
  ['a string number', [['0.5']], 'S[0][0]: expected a number, got string "0.5"'],
  ['NaN', [[NaN]], 'S[0][0]: expected a finite number, got NaN; non-finite values need allowNonFinite (--allow-non-finite)'],
];

// [what W is, W, the message]
const BAD_W: [string, unknown, string][] = [
  ['null', null, 'W: expected an object of weight arrays, got null'],
  ['undefined', undefined, 'W: missing'],
  ['a string', 'weights', 'W: expected an object of weight arrays, got string "weights"'],
  ['an array', [], 'W: expected an object of weight arrays, got an array'],
  ['a number', 0, 'W: expected an object of weight arrays, got 0'],
];

describe.each(CELLS)('%s with bad arguments', (_name, cell, W) => {
  it.each(BAD_S)('should reject S as %s', (_what, S, message) => {
    expect(() => cell(S, W)).toThrowError(LstmInputError);
    expect(() => cell(S, W)).toThrowError(message);
  });

  it.each(BAD_W)('should reject W as %s', (_what, W, message) => {
    expect(() => cell([[1]], W)).toThrowError(LstmInputError);
    expect(() => cell([[1]], W)).toThrowError(message);
  });

  it('should name both problems when called with no arguments at all', () => {
    expect(() => cell()).toThrowError(/^(W|S): missing \(and 1 more\)$/);
  });
});

describe('options and cell names from plain JavaScript', () => {
  it('should treat null options as no options', () => {
    expect(lstmType1([[1]], W1, null as never).steps).toBe(1);
    expect(lstmType1Batch([[[1]], [[2]]], W1, null as never)).toHaveLength(2);
    expect(createLstmType1(W1, null as never).step([1]).output).toHaveLength(1);
    expect(lstmType1([[1]], prepareWeights('type1', W1, null as never)).steps).toBe(1);
    expect(runCase('type1', { S: [[1]], W: W1 }, null as never).steps).toBe(1);
    expect(() => lstmType1([[NaN]], W1, null as never)).toThrowError('S[0][0]: expected a finite number, got NaN');
  });

  it('should accept allowNonFinite only as true, not as a truthy string', () => {
    expect(() => lstmType1([[NaN]], W1, { allowNonFinite: 'yes' as never })).toThrowError(LstmInputError);
    expect(Number.isNaN(lstmType1([[NaN]], W1, { allowNonFinite: true }).output[0])).toBe(true);
  });

  it.each([
    ['an unknown name', 'type3', 'cell: expected "type1" or "type2", got string "type3"'],
    ['null', null, 'cell: expected "type1" or "type2", got null'],
    ['a number', 1, 'cell: expected "type1" or "type2", got 1'],
  ])('should reject a cell given as %s at every entry point that takes one', (_what, name, message) => {
    const value = { S: [[1]], W: W1 };
    for (const call of [() => runCase(name as never, value), () => validateCase(name as never, value), () => toFlatCase(name as never, value), () => caseSchema(name as never)]) {
      expect(call).toThrowError(LstmInputError);
      expect(call).toThrowError(message);
    }
  });

  it('should reject a case value that is not a case at every entry point that takes one', () => {
    for (const value of [null, [], 'S', { S: [[1]] }]) {
      expect(() => runCase('type1', value)).toThrowError(LstmInputError);
      expect(() => toFlatCase('type1', value)).toThrowError(LstmInputError);
    }
    expect(() => runCase('type1', null)).toThrowError('expected a case object {"S": [...], "W": {...}}, got null');
  });
});
