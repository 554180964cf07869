/**
 * Results written into the arrays of an earlier result (`options.into`), so a loop of calls of
 * one shape allocates nothing. Fresh result memory costs more than its size suggests: each new
 * ArrayBuffer is zeroed and first touched page by page, and V8 frees the old ones only when it
 * collects them, so the allocator keeps handing out fresh pages (docs/performance.md measures a
 * small call 1.5x faster and a full trace 2-3.4x faster from small to medium sizes when reused).
 *
 * A reused result must be the same cell, trace mode, T and H, and its arrays must not be memory
 * the call reads (S) or writes twice (another result of the same batch): both would give wrong
 * numbers without any error, so they are refused.
 */
import { describeValue, LstmInputError, type CellType, type Matrix } from './schema.js';
import { SEED_KEYS, type LstmOutputTrace, type LstmTrace, type TraceMode } from './trace.js';

/** A result that a later call may overwrite: either trace of either cell. */
export type ReusableResult = LstmTrace | LstmOutputTrace;

/** The arrays a call writes, by key path within the result, in a fixed order per cell and mode. */
const FIELDS: Record<CellType, Record<TraceMode, readonly string[]>> = {
  type1: { full: Object.values(SEED_KEYS.type1), output: ['output', 'finalState.h', 'finalState.c'] },
  type2: { full: Object.values(SEED_KEYS.type2), output: ['output', 'finalState.h', 'finalState.c'] },
};

function refuse(path: string, message: string): never {
  throw new LstmInputError([{ path, message }]);
}

/** The schema's description of a value, with the length and kind of an array, which a result's fields turn on. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`;
  return describeValue(value);
}

/** The arrays of `into` that a call of this shape writes, in the order of FIELDS, each checked. */
function arraysOf(into: unknown, cell: CellType, mode: TraceMode, steps: number, H: number, path: string): Float64Array[] {
  if (typeof into !== 'object' || into === null || Array.isArray(into)) {
    refuse(path, `expected a ${cell} result of an earlier call, got ${describe(into)}`);
  }
  const r = into as Record<string, unknown>;
  if (r.cell !== cell) refuse(path, `expected a ${cell} result, got ${typeof r.cell === 'string' ? `a ${r.cell} result` : describe(into)}`);
  const state = r.finalState as Record<string, unknown> | undefined;
  const got: TraceMode = typeof state === 'object' && state !== null ? 'output' : 'full';
  if (got !== mode) refuse(path, `expected a result of trace '${mode}', got one of trace '${got}'`);
  if (r.steps !== steps || r.hidden !== H) {
    refuse(path, `expected a result of ${steps} steps x ${H} hidden units (T x H), got ${String(r.steps)} x ${String(r.hidden)}`);
  }
  const fields = FIELDS[cell][mode];
  const arrays = mode === 'output' ? [r.output, state!.h, state!.c] : fields.map((field) => r[field]);
  arrays.forEach((view, i) => {
    const length = mode === 'output' && i > 0 ? H : steps * H;
    if (!(view instanceof Float64Array) || view.length !== length) {
      refuse(`${path}.${fields[i]}`, `expected a Float64Array of ${length} values, got ${describe(view)}`);
    }
  });
  return arrays as Float64Array[];
}

/**
 * Whether two non-empty views share a byte. Callers pass no empty view: a batch drops them, and a
 * single call's arrays are empty only when T = 0, when S has no rows to compare them with.
 */
function overlap(x: ArrayBufferView, y: ArrayBufferView): boolean {
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength && x.buffer === y.buffer;
}

function refuseShared(path: string, other: string, otherWritten: boolean): never {
  refuse(path, `shares memory with ${other}, which this call ${otherWritten ? 'also writes' : 'reads'}; pass a result whose arrays nothing else in the call uses`);
}

/** Checks `options.into` of a single-sequence call; returns it, typed, or undefined when absent. */
export function reusedResult(into: unknown, cell: CellType, mode: TraceMode, steps: number, H: number, S: Matrix): ReusableResult | undefined {
  if (into === undefined) return undefined;
  const path = 'options.into';
  const arrays = arraysOf(into, cell, mode, steps, H, path);
  const fields = FIELDS[cell][mode];
  // Byte ranges read once: V8's typed-array getters cost more than the comparisons.
  const n = arrays.length;
  const start: number[] = [];
  const end: number[] = [];
  for (const view of arrays) {
    start.push(view.byteOffset);
    end.push(view.byteOffset + view.byteLength);
  }
  // An empty array shares nothing. Only the first of a pair can be one: in trace 'output' the
  // T x H output when T = 0 (h and c hold H >= 1 values), and in trace 'full' all share one length.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (start[i] < end[i] && start[i] < end[j] && start[j] < end[i] && arrays[i].buffer === arrays[j].buffer) refuseShared(`${path}.${fields[i]}`, `${path}.${fields[j]}`, true);
    }
  }
  for (let t = 0; t < S.length; t++) {
    const row = S[t];
    if (!ArrayBuffer.isView(row)) continue;
    for (let i = 0; i < n; i++) {
      if (overlap(arrays[i], row)) refuseShared(`${path}.${fields[i]}`, `S[${t}]`, false);
    }
  }
  return into as ReusableResult;
}

interface Region {
  view: ArrayBufferView;
  path: string;
  written: boolean;
}

/**
 * Checks `options.into` of a batch call: one result per sequence, no array of one overlapping
 * another's or a row of S. Sorted by offset within each buffer, so 64 results and thousands of
 * rows stay cheap.
 */
export function reusedResults(into: unknown, cell: CellType, mode: TraceMode, steps: number, H: number, S: readonly Matrix[]): readonly ReusableResult[] | undefined {
  if (into === undefined) return undefined;
  if (!Array.isArray(into) || into.length !== S.length) {
    refuse('options.into', `expected ${S.length} results (one per sequence of S), got ${describe(into)}`);
  }
  const fields = FIELDS[cell][mode];
  const byBuffer = new Map<ArrayBufferLike, Region[]>();
  const add = (region: Region): void => {
    if (region.view.byteLength === 0) return;
    const group = byBuffer.get(region.view.buffer);
    if (group) group.push(region);
    else byBuffer.set(region.view.buffer, [region]);
  };
  into.forEach((result, k) => {
    arraysOf(result, cell, mode, steps, H, `options.into[${k}]`).forEach((view, i) => add({ view, path: `options.into[${k}].${fields[i]}`, written: true }));
  });
  S.forEach((sequence, b) => {
    for (let t = 0; t < sequence.length; t++) {
      const row = sequence[t];
      if (ArrayBuffer.isView(row)) add({ view: row, path: `S[${b}][${t}]`, written: false });
    }
  });
  for (const group of byBuffer.values()) {
    if (!group.some((region) => region.written)) continue;
    group.sort((a, b) => a.view.byteOffset - b.view.byteOffset);
    // The region reaching furthest so far: a later region starting before its end overlaps it.
    let reach = group[0];
    for (const region of group.slice(1)) {
      if ((region.written || reach.written) && overlap(region.view, reach.view)) {
        const [mine, other] = region.written ? [region, reach] : [reach, region];
        refuseShared(mine.path, other.path, other.written);
      }
      if (region.view.byteOffset + region.view.byteLength > reach.view.byteOffset + reach.view.byteLength) reach = region;
    }
  }
  return into as ReusableResult[];
}
