/**
 * Wraps an arbitrary of whole cases with a shrinker that knows their structure. fast-check's own
 * shrinking of a shape-then-values chain regenerates every value once the shape shrinks, so a
 * failure found at H = 13 rarely survives to H = 12 and counterexamples stay large. Here each
 * candidate removes structure while keeping every other value as it was, largest steps first:
 *
 *   1. fewer steps: the first minSteps, the first half, all but the last, then each step removed;
 *   2. fewer hidden units: unit r removed from every matrix and bias, and column r of every u_*;
 *   3. fewer input features: column k removed from every w_* and from S;
 *   4. simpler values (unless the weights are fixed): a whole key, or S, set to +0; then each entry
 *      set to +0, or to fewer significant digits.
 *
 * Values only ever move toward +0 or shorter decimals, never to -0, so a shrunk case stays
 * inside what the arbitraries draw.
 */
import fc from 'fast-check';
import { WEIGHT_KEYS, type CellType } from '../../cells/schema.js';
import type { CellCase } from './cell-case.js';

export interface ShrinkLimits {
  minHidden: number;
  minInputs: number;
  minSteps: number;
  /** For cases whose weights are built from their shape (./probe-case.ts): rebuilds them after a structural step, and no weight is shrunk on its own. */
  rebuildWeights?: (c: CellCase) => CellCase['W'];
}

type Entries = Record<string, number[] | number[][]>;

const entriesOf = (c: CellCase): Entries => c.W as unknown as Entries;

function withParts(c: CellCase, S: number[][], W: Entries, limits: ShrinkLimits): CellCase {
  const next: CellCase = { ...c, steps: S.length, hidden: (W.u_i as number[][]).length, inputs: (W.w_i as number[][])[0].length, S, W: W as unknown as CellCase['W'] };
  return limits.rebuildWeights === undefined ? next : { ...next, W: limits.rebuildWeights(next) };
}

function withoutUnit(c: CellCase, r: number, limits: ShrinkLimits): CellCase {
  const W: Entries = {};
  for (const key of WEIGHT_KEYS[c.cell]) {
    const value = entriesOf(c)[key];
    if (key.startsWith('b_')) W[key] = (value as number[]).filter((_, k) => k !== r);
    else if (key.startsWith('u_')) W[key] = (value as number[][]).filter((_, k) => k !== r).map((row) => row.filter((_, k) => k !== r));
    else W[key] = (value as number[][]).filter((_, k) => k !== r);
  }
  return withParts(c, c.S, W, limits);
}

function withoutFeature(c: CellCase, f: number, limits: ShrinkLimits): CellCase {
  const W: Entries = { ...entriesOf(c) };
  for (const key of WEIGHT_KEYS[c.cell]) {
    if (key.startsWith('w_')) W[key] = (W[key] as number[][]).map((row) => row.filter((_, k) => k !== f));
  }
  // S with no rows has no columns to drop, but its X still comes from w_i.
  return withParts(c, c.S.map((row) => row.filter((_, k) => k !== f)), W, limits);
}

/** Simpler doubles than x: +0 first, then fewer significant digits; never -0. */
function simpler(x: number): number[] {
  if (x === 0) return [];
  const length = String(x).length;
  const out: number[] = [0];
  for (const candidate of [Math.trunc(x), Number(x.toPrecision(1)), Number(x.toPrecision(3))]) {
    const clean = candidate === 0 ? 0 : candidate;
    if (Number.isFinite(clean) && !out.includes(clean) && String(clean).length < length) out.push(clean);
  }
  return out;
}

const isZeroRow = (row: number[]) => row.every((x) => Object.is(x, 0));

function* candidates(c: CellCase, limits: ShrinkLimits): Generator<CellCase> {
  const T = c.steps;
  const prefixes = [limits.minSteps, Math.floor(T / 2), T - 1].filter((n, k, all) => n >= limits.minSteps && n < T && all.indexOf(n) === k);
  for (const n of prefixes) yield withParts(c, c.S.slice(0, n), entriesOf(c), limits);
  if (T - 1 >= limits.minSteps) {
    for (let t = 0; t < T - 1; t++) yield withParts(c, c.S.filter((_, k) => k !== t), entriesOf(c), limits);
  }
  if (c.hidden > limits.minHidden) for (let r = c.hidden - 1; r >= 0; r--) yield withoutUnit(c, r, limits);
  if (c.inputs > limits.minInputs) for (let k = c.inputs - 1; k >= 0; k--) yield withoutFeature(c, k, limits);

  const keys = limits.rebuildWeights === undefined ? [...WEIGHT_KEYS[c.cell]] : [];
  const W = entriesOf(c);
  for (const key of keys) {
    const value = W[key];
    const zero = key.startsWith('b_') ? (value as number[]).map(() => 0) : (value as number[][]).map((row) => row.map(() => 0));
    if (key.startsWith('b_') ? !isZeroRow(value as number[]) : !(value as number[][]).every(isZeroRow)) yield withParts(c, c.S, { ...W, [key]: zero }, limits);
  }
  if (!c.S.every(isZeroRow)) yield withParts(c, c.S.map((row) => row.map(() => 0)), W, limits);

  for (const key of keys) {
    const value = W[key];
    if (key.startsWith('b_')) {
      const row = value as number[];
      for (let k = 0; k < row.length; k++) {
        for (const x of simpler(row[k])) yield withParts(c, c.S, { ...W, [key]: row.map((v, j) => (j === k ? x : v)) }, limits);
      }
      continue;
    }
    const rows = value as number[][];
    for (let r = 0; r < rows.length; r++) {
      for (let k = 0; k < rows[r].length; k++) {
        for (const x of simpler(rows[r][k])) {
          yield withParts(c, c.S, { ...W, [key]: rows.map((row, i) => (i === r ? row.map((v, j) => (j === k ? x : v)) : row)) }, limits);
        }
      }
    }
  }
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < c.inputs; k++) {
      for (const x of simpler(c.S[t][k])) yield withParts(c, c.S.map((row, i) => (i === t ? row.map((v, j) => (j === k ? x : v)) : row)), W, limits);
    }
  }
}

class ShrinkingCaseArbitrary<C extends CellType> extends fc.Arbitrary<CellCase<C>> {
  constructor(
    private readonly source: fc.Arbitrary<CellCase<C>>,
    private readonly limits: ShrinkLimits,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<CellCase<C>> {
    return new fc.Value(this.source.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is CellCase<C> {
    const c = value as Partial<CellCase> | null;
    return typeof c === 'object' && c !== null && (c.cell === 'type1' || c.cell === 'type2') && Array.isArray(c.S) && typeof c.W === 'object';
  }

  shrink(value: CellCase<C>): fc.Stream<fc.Value<CellCase<C>>> {
    return new fc.Stream(candidates(value, this.limits)).map((c) => new fc.Value(c as CellCase<C>, undefined));
  }
}

export function shrinkingCase<C extends CellType>(source: fc.Arbitrary<CellCase<C>>, limits: ShrinkLimits): fc.Arbitrary<CellCase<C>> {
  return new ShrinkingCaseArbitrary(source, limits);
}
