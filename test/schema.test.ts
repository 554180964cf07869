import { describe, expect, it, vi } from 'vitest';
import { LstmInputError, lstmType1, lstmType2, validateCase, type CellType } from '../src/index.js';

type Case = { S: unknown; W: Record<string, unknown> };

const matrix = (rows: number, cols: number, start = 0.01) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => start * (r + 1) - 0.02 * c));
const vector = (n: number) => Array.from({ length: n }, (_, k) => 0.1 * k - 0.15);

/** A valid case at the seed's shapes: H = 4, X = 3, T = 6. */
function validCase(cell: CellType): Case {
  const W: Record<string, unknown> = {};
  for (const gate of ['i', 'g', 'o']) {
    W[`w_${gate}`] = matrix(4, 3);
    W[`u_${gate}`] = matrix(4, 4, 0.03);
    W[`b_${gate}`] = vector(4);
  }
  if (cell === 'type1') Object.assign(W, { w_c: matrix(4, 3), u_c: matrix(4, 4), b_c: vector(4) });
  else Object.assign(W, { w_cell: matrix(4, 3), b_cell: vector(4) });
  return { S: matrix(6, 3, 0.2), W };
}

function firstMessage(cell: CellType, value: unknown, allowNonFinite = false): string {
  try {
    validateCase(cell, value, { allowNonFinite });
  } catch (error) {
    expect(error).toBeInstanceOf(LstmInputError);
    return (error as LstmInputError).issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))[0];
  }
  return 'accepted';
}

const NON_FINITE_HINT = 'non-finite values need allowNonFinite (--allow-non-finite)';

// [what is wrong, how to break a valid case, the one-line message]
const BREAKS: [string, (c: Case) => unknown, string][] = [
  ['case is not an object', () => 5, 'expected a case object {"S": [...], "W": {...}}, got 5'],
  ['case has an extra key', (c) => ({ ...c, T: 6 }), 'T: unexpected key; a case has only "S" and "W"'],
  ['W is missing', (c) => ({ S: c.S }), 'W: missing'],
  ['W is an array', (c) => ({ S: c.S, W: [] }), 'W: expected an object of weight arrays, got an array'],
  ['a weight key is missing', (c) => { delete c.W.u_o; return c; }, 'W.u_o: missing'],
  ['a weight key is unknown', (c) => { c.W.w_x = matrix(4, 3); return c; },
    'W.w_x: unexpected key for type1; expected only w_i, u_i, b_i, w_g, u_g, b_g, w_o, u_o, b_o, w_c, u_c, b_c'],
  ['a weight is a string', (c) => { c.W.w_i = 'abc'; return c; }, 'W.w_i: expected a matrix (array of rows), got string "abc"'],
  ['a matrix is a vector', (c) => { c.W.u_i = vector(4); return c; }, 'W.u_i: expected a matrix (array of rows), got shape [4]'],
  ['a bias is a matrix', (c) => { c.W.b_i = [vector(4)]; return c; }, 'W.b_i: expected a vector (array of numbers), got shape [1, 4]'],
  ['a matrix has rank 3', (c) => { c.W.w_g = [[[1]]]; return c; }, 'W.w_g: expected a matrix (array of rows), got shape [1, 1, 1]'],
  ['a matrix is ragged', (c) => { (c.W.u_g as number[][])[2].push(1); return c; }, 'W.u_g[2]: expected 4 columns, got 5'],
  ['a row is a number', (c) => { (c.W.u_g as unknown[])[1] = 7; return c; }, 'W.u_g[1]: expected a row (array of numbers), got 7'],
  ['an element is a string', (c) => { (c.W.w_o as unknown[][])[1][2] = 'x'; return c; }, 'W.w_o[1][2]: expected a number, got string "x"'],
  ['an element is null', (c) => { (c.W.w_o as unknown[][])[0][0] = null; return c; }, 'W.w_o[0][0]: expected a number, got null'],
  ['a bias element is an array', (c) => { (c.W.b_o as unknown[])[3] = [1]; return c; }, 'W.b_o[3]: expected a number, got an array'],
  ['a bias holds NaN', (c) => { (c.W.b_c as number[])[0] = NaN; return c; }, `W.b_c[0]: expected a finite number, got NaN; ${NON_FINITE_HINT}`],
  ['S holds Infinity', (c) => { (c.S as number[][])[2][1] = Infinity; return c; }, `S[2][1]: expected a finite number, got Infinity; ${NON_FINITE_HINT}`],
  ['u is not square', (c) => { c.W.u_i = matrix(4, 5); return c; }, 'W.u_i: expected shape [4, 4], got [4, 5]'],
  ['u is non-square where NumPy accepts it at T = 1', (c) => { c.W.u_o = matrix(4, 2); c.S = matrix(1, 3); return c; },
    'W.u_o: expected shape [4, 4], got [4, 2]'],
  ['w has the wrong column count', (c) => { c.W.w_g = matrix(4, 2); return c; }, 'W.w_g: expected shape [4, 3], got [4, 2]'],
  ['w has the wrong row count', (c) => { c.W.w_c = matrix(5, 3); return c; }, 'W.w_c: expected shape [4, 3], got [5, 3]'],
  ['a bias of shape (1,), which NumPy broadcasts', (c) => { c.W.b_g = [0.5]; return c; }, 'W.b_g: expected shape [4], got [1]'],
  ['S has the wrong column count', (c) => { c.S = matrix(6, 2); return c; }, 'S: expected shape [6, 3] (T x X), got [6, 2]'],
  ['S is ragged', (c) => { (c.S as number[][])[3].pop(); return c; }, 'S[3]: expected 3 columns, got 2'],
  ['S is a vector', (c) => { c.S = [1, 2, 3]; return c; }, 'S: expected a matrix (array of rows), got shape [3]'],
  ['S is missing', (c) => ({ W: c.W }), 'S: missing'],
  ['H = 0', (c) => { for (const key of Object.keys(c.W)) c.W[key] = []; return c; },
    'W.u_i: expected at least one hidden unit (H >= 1), got 0 rows'],
  ['X = 0', (c) => { for (const key of ['w_i', 'w_g', 'w_o', 'w_c']) c.W[key] = [[], [], [], []]; c.S = []; return c; },
    'W.w_i: expected at least one input feature (X >= 1), got 0 columns'],
];

// First in this file on purpose: the schema of a cell is built on its first use and then cached,
// so these tests are the ones that see the building code run (mutation testing credits a mutant
// of that code only to them).
describe('a schema from its first use', () => {
  it.each(['type1', 'type2'] as const)('should name a %s case or weights that are not objects, and check shapes past a malformed key', (cell) => {
    expect(allIssues(cell, [])).toEqual(['expected a case object {"S": [...], "W": {...}}, got an array']);
    expect(allIssues(cell, { S: [], W: 3 })).toEqual(['W: expected an object of weight arrays, got 3']);
    const c = validCase(cell);
    c.W.w_o = 'x';
    c.W.u_g = matrix(4, 3);
    expect(allIssues(cell, c)).toEqual(['W.w_o: expected a matrix (array of rows), got string "x"', 'W.u_g: expected shape [4, 4], got [4, 3]']);
  });
});

describe('validation of a type 1 case', () => {
  it('should accept the valid case', () => {
    expect(firstMessage('type1', validCase('type1'))).toBe('accepted');
  });

  it.each(BREAKS)('should reject %s with a message naming the key path', (_what, breakIt, message) => {
    expect(firstMessage('type1', breakIt(validCase('type1')))).toBe(message);
  });
});

describe('validation of a type 2 case', () => {
  it('should accept the valid case', () => {
    expect(firstMessage('type2', validCase('type2'))).toBe('accepted');
  });

  it('should say so when the weights are the other cell type', () => {
    expect(firstMessage('type2', validCase('type1'))).toBe(
      'W: has type1 keys (w_c, u_c, b_c) but the cell is type2; is the cell type right?',
    );
    expect(firstMessage('type1', validCase('type2'))).toBe(
      'W: has type2 keys (w_cell, b_cell) but the cell is type1; is the cell type right?',
    );
  });

  it('should require w_cell and b_cell and refuse u_cell', () => {
    const c = validCase('type2');
    delete c.W.b_cell;
    expect(firstMessage('type2', c)).toBe('W.b_cell: missing');
    const d = validCase('type2');
    d.W.u_cell = matrix(4, 4);
    expect(firstMessage('type2', d)).toMatch(/^W\.u_cell: unexpected key for type2; expected only w_i, .*, w_cell, b_cell$/);
  });

  it('should check w_cell and b_cell shapes', () => {
    const c = validCase('type2');
    c.W.w_cell = matrix(4, 2);
    expect(firstMessage('type2', c)).toBe('W.w_cell: expected shape [4, 3], got [4, 2]');
    const d = validCase('type2');
    d.W.b_cell = vector(3);
    expect(firstMessage('type2', d)).toBe('W.b_cell: expected shape [4], got [3]');
  });
});

describe('what validation accepts', () => {
  it('should accept non-finite values when allowNonFinite is set', () => {
    const c = validCase('type1');
    (c.S as number[][])[1][1] = NaN;
    (c.W.b_i as number[])[0] = -Infinity;
    expect(firstMessage('type1', c, true)).toBe('accepted');
  });

  it('should accept T = 0 as an empty S', () => {
    expect(firstMessage('type1', { ...validCase('type1'), S: [] })).toBe('accepted');
  });

  it('should accept typed-array rows', () => {
    const c = validCase('type2');
    const trace = lstmType2((c.S as number[][]).map((row) => Float64Array.from(row)), c.W as never);
    expect(trace.steps).toBe(6);
  });

  it('should report every problem in issues and the count in the message', () => {
    const c = validCase('type1');
    c.W.b_i = [1];
    c.W.w_o = 'x';
    expect(() => lstmType1(c.S as number[][], c.W as never)).toThrowError(/^W\.w_o: expected a matrix .* \(and 1 more\)$/);
    try {
      lstmType1(c.S as number[][], c.W as never);
    } catch (error) {
      expect((error as LstmInputError).issues.map((issue) => issue.path)).toEqual(['W.w_o', 'W.b_i']);
    }
  });
});

/** Every issue of a case as `path: message` lines (none when it is valid). */
function allIssues(cell: CellType, value: unknown): string[] {
  try {
    validateCase(cell, value);
  } catch (error) {
    return (error as LstmInputError).issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  }
  return [];
}

describe('the validation error itself', () => {
  it('should be an LstmInputError whose message is the one problem, with no count when there is one', () => {
    const c = validCase('type1');
    c.W.b_i = [1];
    try {
      validateCase('type1', c);
      expect.fail('accepted');
    } catch (error) {
      expect((error as Error).name).toBe('LstmInputError');
      expect((error as Error).message).toBe('W.b_i: expected shape [4], got [1]');
    }
    expect(() => validateCase('type1', 7)).toThrowError(/^expected a case object \{"S": \[\.\.\.\], "W": \{\.\.\.\}\}, got 7$/);
  });

  it('should be instanceof LstmInputError from any copy of the package, by the mark they share, and nothing else should', async () => {
    let thrown: unknown;
    try {
      validateCase('type2', 7);
    } catch (error) {
      thrown = error;
    }
    // The mark is made once, when the module loads: loaded afresh here, it is the mark the module makes now.
    vi.resetModules();
    const { LstmInputError: Fresh } = await import('../src/cells/schema.js');
    for (const Class of [LstmInputError, Fresh]) {
      expect(thrown).toBeInstanceOf(Class);
      // What another copy of the package (the harness's own, or a second version in an app) puts on its errors.
      const fromAnotherCopy = Object.defineProperty(new Error('W.b_i: expected shape [4], got [1]'), Symbol.for('lstm-parity.LstmInputError'), { value: true });
      expect(fromAnotherCopy instanceof Class).toBe(true);
      const notMarked = Object.defineProperty(new Error('x'), Symbol.for('lstm-parity.OtherError'), { value: true });
      for (const value of [null, undefined, 7, 'LstmInputError', new Error('x'), {}, notMarked]) expect(value instanceof Class).toBe(false);
    }
  });

  it('should cut a long string it quotes to 20 characters', () => {
    const c = validCase('type1');
    c.W.w_i = 'abcdefghijklmnopqrstuvwxyz';
    expect(firstMessage('type1', c)).toBe('W.w_i: expected a matrix (array of rows), got string "abcdefghijklmnopqrst..."');
    c.W.w_i = 'abcdefghijklmnopqrst';
    expect(firstMessage('type1', c)).toBe('W.w_i: expected a matrix (array of rows), got string "abcdefghijklmnopqrst"');
  });

  it('should still check the other keys\' shapes when one key is malformed', () => {
    const c = validCase('type1');
    c.W.w_o = 'x';
    c.W.u_g = matrix(4, 3);
    expect(allIssues('type1', c)).toEqual([
      'W.w_o: expected a matrix (array of rows), got string "x"',
      'W.u_g: expected shape [4, 4], got [4, 3]',
    ]);
  });

  it('should infer H from b_i, then w_i, when u_i is malformed, and X from S when w_i is', () => {
    const fromBias = validCase('type1');
    fromBias.W.u_i = 'x';
    fromBias.W.w_g = matrix(5, 3);
    expect(firstMessage('type1', fromBias)).toBe('W.u_i: expected a matrix (array of rows), got string "x"');
    expect(() => validateCase('type1', fromBias)).toThrowError(/and 1 more/);
    const issues = allIssues('type1', fromBias);
    expect(issues).toContain('W.w_g: expected shape [4, 3], got [5, 3]');

    const fromRows = validCase('type1');
    fromRows.W.u_i = 'x';
    fromRows.W.b_i = 'y';
    fromRows.W.u_o = matrix(4, 5);
    const rowsIssues = allIssues('type1', fromRows);
    expect(rowsIssues).toContain('W.u_o: expected shape [4, 4], got [4, 5]');

    const fromS = validCase('type2');
    fromS.W.w_i = 'x';
    fromS.W.w_cell = matrix(4, 2);
    const sIssues = allIssues('type2', fromS);
    expect(sIssues).toContain('W.w_cell: expected shape [4, 3], got [4, 2]');
  });
});

/**
 * The full list of issues, not just the first: a malformed key gets one issue, and the shape checks
 * that relate keys run only where H and X are known, so they never add an issue of their own
 * making (an "expected shape" built from an unknown H, or a rank error reported twice).
 */
describe('every issue and no other', () => {
  it('should report one issue for a vector with several bad elements', () => {
    const c = validCase('type1');
    c.W.b_o = ['a', 'b', 0, 0];
    expect(allIssues('type1', c)).toEqual(['W.b_o[0]: expected a number, got string "a"']);
    c.W.b_o = [NaN, Infinity, 0, 0];
    expect(allIssues('type1', c)).toEqual([`W.b_o[0]: expected a finite number, got NaN; ${NON_FINITE_HINT}`]);
  });

  it('should report a matrix given as a vector once, as a rank error', () => {
    const c = validCase('type2');
    c.W.u_g = vector(4);
    expect(allIssues('type2', c)).toEqual(['W.u_g: expected a matrix (array of rows), got shape [4]']);
  });

  it('should check no shape when H cannot be inferred (u_i, b_i and w_i all malformed)', () => {
    const c = validCase('type1');
    Object.assign(c.W, { u_i: 'x', b_i: 'y', w_i: 'z' });
    expect(allIssues('type1', c)).toEqual([
      'W.w_i: expected a matrix (array of rows), got string "z"',
      'W.u_i: expected a matrix (array of rows), got string "x"',
      'W.b_i: expected a vector (array of numbers), got string "y"',
    ]);
  });

  it('should check no shape when X cannot be inferred (w_i and S malformed)', () => {
    const c = validCase('type1');
    c.W.w_i = 'z';
    c.S = 'x';
    expect(allIssues('type1', c)).toEqual([
      'W.w_i: expected a matrix (array of rows), got string "z"',
      'S: expected a matrix (array of rows), got string "x"',
    ]);
  });

  it('should name each missing key of empty weights, and nothing else', () => {
    expect(allIssues('type2', { S: 'x', W: {} })).toEqual([
      ...['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_cell', 'b_cell'].map((key) => `W.${key}: missing`),
      'S: expected a matrix (array of rows), got string "x"',
    ]);
  });

  it('should stop at H = 0, without comparing other keys to zero rows', () => {
    const c = validCase('type1');
    delete c.W.u_i;
    c.W.b_i = [];
    expect(allIssues('type1', c)).toEqual(['W.u_i: missing', 'W.u_i: expected at least one hidden unit (H >= 1), got 0 rows']);
  });

  it('should stop at X = 0, without comparing other keys to zero columns', () => {
    const c = validCase('type1');
    c.W.w_i = [[], [], [], []];
    expect(allIssues('type1', c)).toEqual(['W.w_i: expected at least one input feature (X >= 1), got 0 columns']);
  });

  it('should treat null options from plain JavaScript as none', () => {
    expect(validateCase('type1', validCase('type1'), null as never)).toEqual({ steps: 6, inputs: 3, hidden: 4 });
  });
});
