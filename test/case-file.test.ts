/** The case format: every malformed text is refused with its source, position and reason. */
import { describe, expect, it } from 'vitest';
import { CaseFileError, parseCaseJson } from '../src/format/case-file.js';

describe('parseCaseJson', () => {
  it.each([
    ['empty text', '', 'case.json: not valid JSON: it is empty'],
    ['only whitespace', ' \n\t ', 'case.json: not valid JSON: it is empty'],
    ['truncated text', '{"S": [[1, 2],', 'case.json: not valid JSON at line 1, column 15: Unexpected end of JSON input'],
    ['a trailing comma', '{"S": [[1, 2],]}', "case.json: not valid JSON at line 1, column 15: Unexpected token ']'"],
    ['text after the value', '{"S": []} extra', 'case.json: not valid JSON at line 1, column 11: Unexpected non-whitespace character after JSON'],
    ['single quotes', "{'S': []}", 'case.json: not valid JSON at line 1, column 2: Expected property name or \'}\''],
    ['a bare NaN', '{"S": [[NaN]]}', 'case.json: not valid JSON at line 1, column 9: bare NaN; write non-finite values as the strings "NaN", "Infinity", "-Infinity"'],
    ['a bare -Infinity on line 2', '{"S": [[1],\n [-Infinity]]}', 'case.json: not valid JSON at line 2, column 3: bare -Infinity; write non-finite values'],
    ['a bare Infinity after a key', '{"S": [[0]], "x":\n  Infinity}', 'case.json: not valid JSON at line 2, column 3: bare Infinity; write non-finite values'],
    ['a key given twice', '{"S": [[1]], "W": {}, "S": [[2]]}', 'case.json: S: the key is given twice, at line 1, column 2 and line 1, column 23; JSON keeps only the last one silently, so the text is refused'],
    ['a weight given twice', '{"S": [[1]],\n "W": {"w_i": [[1]],\n "w_i": [[2]]}}', 'case.json: W.w_i: the key is given twice, at line 2, column 8 and line 3, column 2;'],
    ['a key given twice, once escaped', '{"S": [], "\\u0053": []}', 'case.json: S: the key is given twice, at line 1, column 2 and line 1, column 11;'],
    ['a key twice inside an array', '{"x": [{}, {"a b": 1, "a b": 2}]}', 'case.json: x[1]["a b"]: the key is given twice'],
    ['nesting far deeper than a case', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'case.json: nested far too deeply to be a case {"S": [[...]], "W": {...}}'],
  ])('should refuse %s', (_what, text, message) => {
    expect(() => parseCaseJson(text, 'case.json')).toThrowError(CaseFileError);
    expect(() => parseCaseJson(text, 'case.json')).toThrowError(message);
  });

  it('should give one whole line with the position, without echoing the input back', () => {
    const text = `{"S": [${'[1], '.repeat(1000)}oops]}`;
    const message = (() => {
      try {
        parseCaseJson(text, 'stdin');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    // V8 gives no position for an unexpected token, only a snippet of the input, which is dropped.
    expect(message).toBe("stdin: not valid JSON at line 1, column 5008: Unexpected token 'o'");
  });

  it('should accept the same key in different objects, and an object inside an array of objects', () => {
    expect(parseCaseJson('{"S": [[1]], "W": {"S": 1, "w": {"S": 2}}, "x": [{"a": 1}, {"a": 2}]}', 'case.json')).toMatchObject({ W: { S: 1, w: { S: 2 } } });
  });

  it('should skip a UTF-8 byte order mark', () => {
    expect(parseCaseJson('\uFEFF{"S": []}', 'case.json')).toEqual({ S: [] });
  });

  it('should read the non-finite strings and -0.0 back exactly', () => {
    const value = parseCaseJson('{"S": [["NaN", "Infinity", "-Infinity", -0.0, 5e-324]]}', 'case.json') as { S: number[][] };
    expect(Number.isNaN(value.S[0][0])).toBe(true);
    expect(value.S[0].slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(value.S[0][3], -0)).toBe(true);
    expect(value.S[0][4]).toBe(5e-324);
  });

  it('should leave judging the values to the schema: a number too large for a double reads as Infinity', () => {
    expect(parseCaseJson('{"S": [[1e400, "nan"]]}', 'case.json')).toEqual({ S: [[Infinity, 'nan']] });
  });
});
