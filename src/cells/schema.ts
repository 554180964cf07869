/**
 * Input validation for both cells: the exact key set of each weight dictionary, the shape of
 * every array, and numbers only (finite unless the caller opts in).
 *
 * Shapes are inferred, not declared: H is the row count of `u_i`, X the column count of `w_i`
 * (falling back to `b_i` and `S` when those are themselves malformed, so one bad key yields one
 * error rather than a cascade). Every issue names its key path and the expected vs actual value,
 * e.g. `W.u_i: expected shape [4, 4], got [4, 5]`.
 *
 * This is stricter than NumPy on purpose (docs/agreement.md, "Where we are stricter than NumPy, on
 * purpose"): NumPy broadcasts a bias of shape (1,), accepts a non-square `u_*` when T = 1,
 * ignores unknown keys and fails late with KeyError.
 */
import * as z from 'zod/mini';

/**
 * The two cells of the seed: 'type1' (standard LSTM) and 'type2' (gates read U c_{t-1},
 * h_t = tanh(o_t c_t)).
 */
export type CellType = 'type1' | 'type2';
/** Every {@link CellType}, in the seed's order; for iterating over both cells. */
export const CELL_TYPES: readonly CellType[] = ['type1', 'type2'];

/** A row of numbers: a plain array or any typed array view. */
export type Vector = ArrayLike<number>;
/** A matrix as rows; every row must have the same length. */
export type Matrix = ArrayLike<Vector>;

/** The seed's weight dictionary for type 1 (`g` is the forget gate, `c` the cell input). */
export interface Type1Weights {
  w_i: Matrix; u_i: Matrix; b_i: Vector;
  w_g: Matrix; u_g: Matrix; b_g: Vector;
  w_o: Matrix; u_o: Matrix; b_o: Vector;
  w_c: Matrix; u_c: Matrix; b_c: Vector;
}

/** The seed's weight dictionary for type 2: no recurrent weights for the cell candidate. */
export interface Type2Weights {
  w_i: Matrix; u_i: Matrix; b_i: Vector;
  w_g: Matrix; u_g: Matrix; b_g: Vector;
  w_o: Matrix; u_o: Matrix; b_o: Vector;
  w_cell: Matrix; b_cell: Vector;
}

/**
 * The seed's weight dictionary of each cell, keyed by {@link CellType}: `WeightsFor[C]` is W for
 * cell C in generic code such as {@link prepareWeights}.
 */
export interface WeightsFor {
  type1: Type1Weights;
  type2: Type2Weights;
}

/**
 * How strictly S and W are checked. The default rejects non-finite numbers, which in the seed's
 * use are a bug upstream, not data.
 */
export interface ValidationOptions {
  /** Accept NaN and +-Infinity in S and W. Default false: they are rejected with their path. */
  allowNonFinite?: boolean;
}

/** One problem with a case, as {@link lstm-parity!LstmInputError} lists them: where and what. */
export interface Issue {
  /** Dotted key path with indices, e.g. `W.u_i` or `S[3][1]`; empty for the case itself. */
  path: string;
  /** What was expected and what was found. */
  message: string;
}

/**
 * The mark every copy of {@link LstmInputError} puts on its errors, registered globally: the
 * harness compiles its own copy of the cells, and an app can end up with two versions of this
 * package, so an error thrown by one copy must still be `instanceof` the class another exports.
 */
const INPUT_ERROR = Symbol.for('lstm-parity.LstmInputError');

/**
 * Raised for any input that does not satisfy the schema; `message` is the first issue.
 * `instanceof LstmInputError` holds for an error from any copy of this package (see INPUT_ERROR).
 */
export class LstmInputError extends Error {
  override readonly name = 'LstmInputError';
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    const first = formatIssue(issues[0]);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(first + more);
    this.issues = issues;
    Object.defineProperty(this, INPUT_ERROR, { value: true });
  }

  /** Whether `value` is an input error from any copy of this package (what `instanceof` asks). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [INPUT_ERROR]?: unknown })[INPUT_ERROR] === true;
  }
}

export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Which keys each cell reads; order is the seed's. `b_*` keys are vectors, the rest matrices. */
export const WEIGHT_KEYS = {
  type1: ['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_c', 'u_c', 'b_c'],
  type2: ['w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_cell', 'b_cell'],
} as const satisfies Record<CellType, readonly string[]>;

/** Shape of a validated case: T steps, X input features, H hidden units. */
export interface CaseShape {
  steps: number;
  inputs: number;
  hidden: number;
}

type PathPart = string | number;

function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function isRow(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const shown = value.length > 20 ? `${value.slice(0, 20)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (isRow(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Dimensions found by following the first element down, as NumPy does when building an array. */
function probeDims(value: unknown): number[] {
  const dims: number[] = [];
  let cursor: unknown = value;
  while (isRow(cursor)) {
    dims.push(cursor.length);
    if (cursor.length === 0) break;
    cursor = cursor[0];
  }
  return dims;
}

export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

interface Sink {
  push(path: readonly PathPart[], message: string): void;
}

function checkNumber(value: unknown, path: readonly PathPart[], allowNonFinite: boolean, sink: Sink): boolean {
  if (typeof value !== 'number') {
    sink.push(path, `expected a number, got ${describeValue(value)}`);
    return false;
  }
  if (!allowNonFinite && !Number.isFinite(value)) {
    sink.push(path, `expected a finite number, got ${value}; non-finite values need allowNonFinite (--allow-non-finite)`);
    return false;
  }
  return true;
}

/**
 * Checks that `value` is a numeric array of rank `rank` with rectangular rows, reporting only the
 * first bad element so a huge malformed array costs one issue, not millions.
 */
function checkArray(
  value: unknown,
  rank: 1 | 2,
  path: readonly PathPart[],
  allowNonFinite: boolean,
  sink: Sink,
): void {
  if (value === undefined) {
    sink.push(path, 'missing');
    return;
  }
  const noun = rank === 1 ? 'a vector (array of numbers)' : 'a matrix (array of rows)';
  if (!isRow(value)) {
    sink.push(path, `expected ${noun}, got ${describeValue(value)}`);
    return;
  }
  const dims = probeDims(value);
  if (dims.length > rank || (dims.length < rank && dims[0] > 0)) {
    sink.push(path, `expected ${noun}, got shape ${formatShape(dims)}`);
    return;
  }
  if (rank === 1) {
    for (let k = 0; k < value.length; k++) {
      if (!checkNumber(value[k], [...path, k], allowNonFinite, sink)) return;
    }
    return;
  }
  const rows = value.length;
  if (rows === 0) return;
  const cols = (value[0] as ArrayLike<unknown>).length;
  for (let r = 0; r < rows; r++) {
    const row = value[r];
    if (!isRow(row)) {
      sink.push([...path, r], `expected a row (array of numbers), got ${describeValue(row)}`);
      return;
    }
    if (row.length !== cols) {
      sink.push([...path, r], `expected ${cols} columns, got ${row.length}`);
      return;
    }
    for (let k = 0; k < cols; k++) {
      const x = row[k];
      // Fast path: the overwhelmingly common finite number needs no call.
      if (typeof x === 'number' && (allowNonFinite || (x - x === 0))) continue;
      checkNumber(x, [...path, r, k], allowNonFinite, sink);
      return;
    }
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** A numeric array of a given rank, checked in one pass; issues carry paths relative to it. */
function numericArray(rank: 1 | 2, allowNonFinite: boolean) {
  return z.unknown().check((ctx) => {
    checkArray(ctx.value, rank, [], allowNonFinite, {
      push(path, message) {
        ctx.issues.push({ code: 'custom', message, input: ctx.value, path: [...path] });
      },
    });
  });
}

function expected(what: string, input: unknown): string {
  return input === undefined ? 'missing' : `expected ${what}, got ${describeValue(input)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isRow(value);
}

function makeCaseSchema(cell: CellType, allowNonFinite: boolean) {
  const keys = WEIGHT_KEYS[cell];
  const vector = numericArray(1, allowNonFinite);
  const matrix = numericArray(2, allowNonFinite);
  const weights = z.strictObject(
    Object.fromEntries(keys.map((key) => [key, key.startsWith('b_') ? vector : matrix])),
    { error: (issue) => (issue.code === 'invalid_type' ? expected('an object of weight arrays', issue.input) : undefined) },
  );
  const whole = z.strictObject(
    { W: weights, S: matrix },
    { error: (issue) => (issue.code === 'invalid_type' ? expected('a case object {"S": [...], "W": {...}}', issue.input) : undefined) },
  );

  // Shapes relate keys to each other, so they are checked on the whole case, even when some keys
  // are malformed: those are skipped and the rest still get a precise message.
  return whole.check(
    z.superRefine((value, ctx) => {
      if (!isPlainObject(value) || !isPlainObject(value.W)) return;
      const W = value.W;
      const dimsOf = (key: string) => (isRow(W[key]) ? probeDims(W[key]) : undefined);
      const u = dimsOf('u_i');
      const w = dimsOf('w_i');
      const b = dimsOf('b_i');
      const sDims = isRow(value.S) ? probeDims(value.S) : undefined;
      // Infer H and X from the first well-formed key, so shape errors point at the odd one out.
      const H = u?.length === 2 ? u[0] : b?.length === 1 ? b[0] : w?.length === 2 ? w[0] : undefined;
      const X = w?.length === 2 ? w[1] : sDims?.length === 2 ? sDims[1] : undefined;
      const fail = (path: PathPart[], message: string) => ctx.addIssue({ code: 'custom', message, path });
      if (H === 0) fail(['W', 'u_i'], 'expected at least one hidden unit (H >= 1), got 0 rows');
      if (X === 0) fail(['W', 'w_i'], 'expected at least one input feature (X >= 1), got 0 columns');
      if (H === undefined || H === 0 || X === undefined || X === 0) return;
      for (const key of keys) {
        const actual = dimsOf(key);
        const expected = key.startsWith('b_') ? [H] : key.startsWith('u_') ? [H, H] : [H, X];
        if (actual !== undefined && actual.length === expected.length && !sameDims(expected, actual)) {
          fail(['W', key], `expected shape ${formatShape(expected)}, got ${formatShape(actual)}`);
        }
      }
      if (sDims?.length === 2 && sDims[0] > 0 && sDims[1] !== X) {
        fail(['S'], `expected shape ${formatShape([sDims[0], X])} (T x X), got ${formatShape(sDims)}`);
      }
    }, { when: () => true }),
  );
}

/**
 * Zod reports unknown keys as one issue; ours name each key. When the weights look like the other
 * cell's, a leading issue says so, since that is the likely fix.
 */
function toIssues(cell: CellType, zodIssues: readonly z.core.$ZodIssue[]): Issue[] {
  const other: CellType = cell === 'type1' ? 'type2' : 'type1';
  const otherOnly = WEIGHT_KEYS[other].filter((key) => !(WEIGHT_KEYS[cell] as readonly string[]).includes(key));
  const issues: Issue[] = [];
  const foreign: string[] = [];
  for (const issue of zodIssues) {
    if (issue.code !== 'unrecognized_keys') {
      issues.push({ path: formatPath(issue.path), message: issue.message });
      continue;
    }
    const inWeights = issue.path.length > 0;
    for (const key of issue.keys) {
      if (inWeights && (otherOnly as readonly string[]).includes(key)) foreign.push(key);
      const message = inWeights
        ? `unexpected key for ${cell}; expected only ${WEIGHT_KEYS[cell].join(', ')}`
        : 'unexpected key; a case has only "S" and "W"';
      issues.push({ path: formatPath([...issue.path, key]), message });
    }
  }
  if (foreign.length > 0) {
    issues.unshift({ path: 'W', message: `has ${other} keys (${foreign.join(', ')}) but the cell is ${cell}; is the cell type right?` });
  }
  return issues;
}

const schemaCache = new Map<string, ReturnType<typeof makeCaseSchema>>();

/** The zod schema of a case `{S, W}` for one cell; `allowNonFinite` selects the finite check. */
export function caseSchema(cell: CellType, options: ValidationOptions = {}) {
  // Checked here, not left to the type: plain JavaScript callers can pass anything.
  if (!(CELL_TYPES as readonly unknown[]).includes(cell)) {
    throw new LstmInputError([{ path: 'cell', message: `expected "type1" or "type2", got ${describeValue(cell)}` }]);
  }
  const allowNonFinite = options?.allowNonFinite === true;
  const cacheKey = `${cell}:${allowNonFinite}`;
  let schema = schemaCache.get(cacheKey);
  if (schema === undefined) {
    schema = makeCaseSchema(cell, allowNonFinite);
    schemaCache.set(cacheKey, schema);
  }
  return schema;
}

/**
 * Validates a case `{S, W}` and returns its shape, or throws an `LstmInputError` naming every
 * problem. On success S and W are numeric arrays of the documented shapes.
 */
export function validateCase(cell: CellType, value: unknown, options: ValidationOptions = {}): CaseShape {
  const result = caseSchema(cell, options).safeParse(value);
  if (!result.success) throw new LstmInputError(toIssues(cell, result.error.issues));
  const { S, W } = value as { S: Matrix; W: Record<string, Matrix> };
  return { steps: S.length, inputs: W.w_i[0].length, hidden: W.u_i.length };
}

/**
 * Validates S alone (T x X numbers, finite unless allowNonFinite) against a known X, for weights
 * validated earlier by prepareWeights. Returns T. Errors carry the path prefix given, e.g. `S`.
 */
export function validateSequence(S: unknown, inputs: number, options: ValidationOptions = {}, path: readonly PathPart[] = ['S']): number {
  const issues: Issue[] = [];
  checkArray(S, 2, path, options.allowNonFinite === true, {
    push(at, message) {
      issues.push({ path: formatPath(at), message });
    },
  });
  if (issues.length === 0) {
    const rows = S as Matrix;
    if (rows.length > 0 && rows[0].length !== inputs) {
      issues.push({ path: formatPath(path), message: `expected shape ${formatShape([rows.length, inputs])} (T x X), got ${formatShape([rows.length, rows[0].length])}` });
    }
  }
  if (issues.length > 0) throw new LstmInputError(issues);
  return (S as Matrix).length;
}

/** Validates one input vector x_t of a stream: X numbers, finite unless allowNonFinite. */
export function validateInputVector(x: unknown, inputs: number, options: ValidationOptions = {}): void {
  // Fast path, allocating nothing, for the valid input a stream gets on every step.
  if (isRow(x) && x.length === inputs) {
    const allowNonFinite = options.allowNonFinite === true;
    let k = 0;
    for (; k < inputs; k++) {
      const value = x[k];
      if (typeof value !== 'number' || (!allowNonFinite && value - value !== 0)) break;
    }
    if (k === inputs) return;
  }
  const issues: Issue[] = [];
  checkArray(x, 1, ['x'], options.allowNonFinite === true, {
    push(at, message) {
      issues.push({ path: formatPath(at), message });
    },
  });
  if (issues.length === 0 && (x as Vector).length !== inputs) {
    issues.push({ path: 'x', message: `expected ${inputs} values (X), got ${(x as Vector).length}` });
  }
  if (issues.length > 0) throw new LstmInputError(issues);
}
