/**
 * Reading JSON text the way every file this package reads is read (case files, golden files and
 * their manifest, verify's shards): JSON.parse, plus a scan of the same text that JSON.parse does
 * not do. The scan finds
 *
 * - a key given twice in one object: JSON.parse silently keeps the last, so `{"S": [...], "S":
 *   [...]}` would run a case nobody can see by reading the file; it is refused with its key path
 *   and both places;
 * - where a syntax error is, with a complete reason, when V8 gives none: V8 says only "Unexpected
 *   token 'N'" and echoes a snippet of the input, which used to be cut mid-token; a bare NaN or
 *   Infinity (as Python's json.dump writes them) is named as such.
 *
 * The scan is iterative (no recursion, so no nesting is too deep for it) and builds no values.
 * Text only: it runs in a browser too.
 */

/** Why a JSON text was refused. Lines and columns are 1-based. */
export type JsonProblem =
  | { kind: 'empty' }
  | { kind: 'nesting' }
  | { kind: 'syntax'; reason: string; line?: number; column?: number }
  | { kind: 'duplicate'; path: string; first: { line: number; column: number }; second: { line: number; column: number } };

/** JSON text refused by {@link readJsonText}: empty, nested beyond the stack, invalid, or with a key twice. */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';

  constructor(readonly problem: JsonProblem) {
    super(describeJsonProblem(problem, 'the text'));
  }
}

/** The problem as one line about `source`; `invalid` names what the text failed to be. */
export function describeJsonProblem(problem: JsonProblem, source: string, invalid = 'not valid JSON'): string {
  switch (problem.kind) {
    case 'empty':
      return `${source}: ${invalid}: it is empty`;
    case 'nesting':
      return `${source}: ${invalid}: nested far too deeply`;
    case 'syntax':
      return `${source}: ${invalid}${problem.line === undefined ? '' : ` at line ${problem.line}, column ${problem.column}`}: ${problem.reason}`;
    case 'duplicate': {
      const { first, second } = problem;
      return `${source}: ${problem.path}: the key is given twice, at line ${first.line}, column ${first.column} and line ${second.line}, column ${second.column}; JSON keeps only the last one silently, so the text is refused`;
    }
  }
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    start = k + 1;
  }
  return { line, column: offset - start + 1 };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = IDENTIFIER.test(key) ? key : JSON.stringify(key);
  return path === '' ? part : IDENTIFIER.test(key) ? `${path}.${part}` : `${path}[${part}]`;
}

type Frame = { kind: 'object'; path: string; keys: Map<string, number>; key: string } | { kind: 'array'; path: string; index: number };

/** What the scan found first: a syntax error (offset and reason), or the first key given twice. */
type ScanResult = { syntax: { offset: number; reason: string } } | { duplicate: { path: string; first: number; second: number } } | Record<string, never>;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const BARE = /-?(?:NaN|Infinity)/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

function tokenAt(text: string, at: number): string {
  const c = text.codePointAt(at)!;
  return String.fromCodePoint(c);
}

/**
 * Scans JSON text: the first syntax error, or (when `duplicates`) the first key given twice; an
 * empty result when neither.
 */
function scan(text: string, duplicates: boolean): ScanResult {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];
  let duplicate: { path: string; first: number; second: number } | undefined;
  const syntax = (reason: string, at = i): ScanResult => ({ syntax: { offset: at, reason } });
  const skip = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    }
  };
  /** Moves past the string at i; a reason when it is not one. */
  const string = (): string | undefined => {
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 34) {
        i = j + 1;
        return undefined;
      }
      if (c === 92) {
        const next = text[j + 1];
        if (next === 'u') {
          if (!HEX4.test(text.slice(j + 2, j + 6))) return 'Bad Unicode escape in string';
          j += 5;
        } else if (next !== undefined && ESCAPES.has(next)) {
          j++;
        } else {
          return 'Bad escaped character in string';
        }
      } else if (c < 32) {
        i = j;
        return 'Bad control character in string literal';
      }
    }
    i = n;
    return 'Unterminated string';
  };
  /** Reads a property name and its colon into the object on top of the stack. */
  const key = (frame: Frame & { kind: 'object' }): ScanResult | undefined => {
    skip();
    if (i >= n) return syntax('Unexpected end of JSON input');
    if (text[i] !== '"') return syntax(`Expected double-quoted property name, got '${tokenAt(text, i)}'`);
    const start = i;
    const bad = string();
    if (bad !== undefined) return syntax(bad);
    const name = JSON.parse(text.slice(start, i)) as string;
    const before = frame.keys.get(name);
    if (before === undefined) frame.keys.set(name, start);
    else if (duplicates && duplicate === undefined) duplicate = { path: childPath(frame.path, name), first: before, second: start };
    frame.key = name;
    skip();
    if (text[i] !== ':') return syntax(i >= n ? 'Unexpected end of JSON input' : `Expected ':' after property name, got '${tokenAt(text, i)}'`);
    i++;
    return undefined;
  };
  const here = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return '';
    return top.kind === 'array' ? childPath(top.path, top.index) : childPath(top.path, top.key);
  };

  for (;;) {
    // A value is expected at i.
    skip();
    if (i >= n) return syntax('Unexpected end of JSON input');
    const c = text[i];
    if (c === '{') {
      const frame: Frame = { kind: 'object', path: here(), keys: new Map(), key: '' };
      i++;
      skip();
      if (text[i] === '}') {
        i++;
      } else {
        stack.push(frame);
        const problem = key(frame);
        if (problem !== undefined) return problem;
        if (duplicate !== undefined) return { duplicate };
        continue;
      }
    } else if (c === '[') {
      const frame: Frame = { kind: 'array', path: here(), index: 0 };
      i++;
      skip();
      if (text[i] === ']') {
        i++;
      } else {
        stack.push(frame);
        continue;
      }
    } else if (c === '"') {
      const bad = string();
      if (bad !== undefined) return syntax(bad);
    } else {
      NUMBER.lastIndex = i;
      const number = NUMBER.exec(text);
      BARE.lastIndex = i;
      const bare = number === null ? BARE.exec(text) : null;
      if (number !== null) i += number[0].length;
      else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (bare !== null) return syntax(`bare ${bare[0]}; write non-finite values as the strings "NaN", "Infinity", "-Infinity"`);
      else return syntax(`Unexpected token '${tokenAt(text, i)}'`);
    }
    // A value is complete: close what it completes, then find where the next one goes.
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? syntax('Unexpected non-whitespace character after JSON') : duplicate === undefined ? {} : { duplicate };
      if (i >= n) return syntax('Unexpected end of JSON input');
      const next = text[i];
      if (next === ',') {
        i++;
        if (top.kind === 'array') {
          top.index++;
        } else {
          const problem = key(top);
          if (problem !== undefined) return problem;
          if (duplicate !== undefined) return { duplicate };
        }
        break;
      }
      if ((top.kind === 'array' && next === ']') || (top.kind === 'object' && next === '}')) {
        i++;
        stack.pop();
        continue;
      }
      return syntax(`Expected ',' or '${top.kind === 'array' ? ']' : '}'}' after ${top.kind === 'array' ? 'array element' : 'property value'}, got '${tokenAt(text, i)}'`);
    }
  }
}

/** V8's reason, without the snippet of the input it echoes, and its position if it gives one. */
function v8Reason(message: string): { reason: string; offset?: number } {
  const at = /position (\d+)/.exec(message);
  const reason = message.split('\n')[0].replace(/ (in JSON )?at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, '');
  return { reason, offset: at === null ? undefined : Number(at[1]) };
}

/**
 * Parses JSON text, refusing a key given twice in one object.
 * @throws {@link JsonTextError} saying what is wrong and where (line and column).
 */
export function readJsonText(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text, reviver);
  } catch (error) {
    if (text.trim() === '') throw new JsonTextError({ kind: 'empty' });
    // Valid JSON nested deeply enough overflows the stack of a reviver.
    if (error instanceof RangeError) throw new JsonTextError({ kind: 'nesting' });
    const found = scan(text, false);
    const v8 = v8Reason((error as Error).message);
    const bare = 'syntax' in found && found.syntax.reason.startsWith('bare ');
    // V8's own reason and position where it gives both (its words are the ones people search
    // for); the scan's where it gives no position, and for a bare NaN, which V8 does not name.
    const offset = bare ? found.syntax.offset : (v8.offset ?? ('syntax' in found ? found.syntax.offset : undefined));
    const reason = bare || v8.offset === undefined ? ('syntax' in found ? found.syntax.reason : v8.reason) : v8.reason;
    throw new JsonTextError({ kind: 'syntax', reason, ...(offset === undefined ? {} : lineAndColumn(text, offset)) });
  }
  const found = scan(text, true);
  if ('duplicate' in found) {
    const { path, first, second } = found.duplicate;
    throw new JsonTextError({ kind: 'duplicate', path, first: lineAndColumn(text, first), second: lineAndColumn(text, second) });
  }
  return value;
}
