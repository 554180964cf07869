/**
 * A diagnosis as `verify --json` carries it and as the terminal shows it, Hypothesis-style: the
 * minimal example first, then what about it matters (where it first parts from NumPy, the seed's
 * terms there, the catalogued mistake that reproduces it), then how to replay it.
 */
import type { CellType } from '../cells/schema.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import type { Diagnosis } from './diagnose.js';
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';
import { explain, type ExplainInput } from './explain.js';
import { localize, type Localization } from './localize.js';
import type { ShrinkStop } from './shrink.js';

/** The JSON form of a {@link Diagnosis}. */
export interface DiagnosisRecord {
  /** The case's name. */
  case: string;
  cell: CellType;
  /** The check that called it a port bug. */
  check: string;
  /** T, H and X of the case as found. */
  original: { steps: number; hidden: number; inputs: number };
  /** The smallest case that still fails the check, when shrinking ran. */
  shrunk?: { steps: number; hidden: number; inputs: number; value: CaseValue; tests: number; seconds: number; stopped: ShrinkStop; why?: string; unchanged: boolean };
  /** Why it was not shrunk. */
  notShrunk?: string;
  /** Where the implementation first parts from NumPy on the shrunk case. */
  localization?: Localization;
  /** Catalogued mistakes that reproduce the implementation's answer on the shrunk case. */
  mistakes: { id: string; title: string; onOriginal: boolean; onControls?: boolean }[];
  /** Where `--save-failures` wrote the shrunk case and the original. */
  saved?: { shrunk?: string; original: string };
}

/** The record of a diagnosis. */
export function recordOf(d: Diagnosis): DiagnosisRecord {
  const record: DiagnosisRecord = { case: d.name, cell: d.cell, check: d.check, original: d.original.shape, mistakes: d.mistakes.map(({ mistake, onOriginal, onControls }) => ({ id: mistake.id, title: mistake.title, onOriginal, ...(onControls === undefined ? {} : { onControls }) })) };
  if (d.shrinking !== undefined) record.shrunk = { ...d.shrunk.shape, value: d.shrunk.value, ...d.shrinking, unchanged: d.shrunk === d.original };
  if (d.notShrunk !== undefined) record.notShrunk = d.notShrunk;
  if (d.localization !== undefined) record.localization = d.localization;
  return record;
}

const g = (x: number) => (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));
const exact = (x: number) => (Object.is(x, -0) ? '-0' : String(x));
const shape = (s: { steps: number; hidden: number; inputs: number }) => `T ${s.steps}, H ${s.hidden}, X ${s.inputs}`;

/** A case in a line: S, then each weight that is not all zeros; the all-zero ones named together. */
export function describeValue(value: CaseValue, limit = 600): string {
  // A -0 is shown: its sign can be what the case is about.
  const nonzero = (v: number[] | number[][]) => v.flat().some((x) => !Object.is(x, 0));
  const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x)) : x)).replace(/"(-0|NaN|-?Infinity)"/g, '$1');
  /** A mostly-zero array as its nonzero entries, `u_o[32][5] = -0.38`; else whole. */
  const entries = (name: string, v: number[] | number[][]) => {
    const flat = v.flat();
    const marks: string[] = [];
    v.forEach((row, r) => (Array.isArray(row) ? row.forEach((x, k) => !Object.is(x, 0) && marks.push(`${name}[${r}][${k}] = ${show(x)}`)) : !Object.is(row, 0) && marks.push(`${name}[${r}] = ${show(row)}`)));
    return flat.length > 6 && marks.length <= 6 ? `${marks.join(', ')} (the rest 0)` : `${name} = ${show(v)}`;
  };
  const parts = [value.S.length === 0 ? 'S = []' : entries('S', value.S)];
  const zero: string[] = [];
  for (const [key, w] of Object.entries(value.W)) {
    if (nonzero(w)) parts.push(entries(key, w));
    else zero.push(key);
  }
  if (zero.length > 0) parts.push(`${zero.join(', ')} all 0`);
  const text = parts.join('; ');
  return text.length <= limit ? text : `${text.slice(0, limit)}... (in full with --save-failures or --json)`;
}

/**
 * Where an answer first parts from NumPy's and which catalogued mistakes reproduce it, without
 * shrinking: for a case already small (the conformance suite's, shrunk by fast-check). `numpy`
 * holds every key of the cell.
 */
export function explainLines(c: FlatCase, actual: FlatOutputs, numpy: FlatOutputs, policy: Pick<ExplainInput, 'tolerance' | 'floor' | 'signs'>): string[] {
  const at = localize(c, actual, numpy, policy);
  const mistakes = explain({ case: c, actual, numpy: Object.fromEntries(Object.keys(actual).map((key) => [key, numpy[key]])), ...policy });
  return describeDiagnosis({ case: '', cell: c.cell, check: '', original: { steps: c.steps, hidden: c.hidden, inputs: c.inputs }, localization: at, mistakes: mistakes.map((m) => ({ id: m.id, title: m.title, onOriginal: true })) }, undefined).filter((line) => !line.startsWith('  not shrunk')).map((line) => line.replace(' (on the original case too)', ''));
}

/** The diagnosis as indented lines for the terminal, with the command that replays it. */
export function describeDiagnosis(r: DiagnosisRecord, replay: string | undefined): string[] {
  const lines: string[] = [];
  if (r.shrunk !== undefined) {
    const stop = { done: '', time: 'the time budget (--shrink-time) ran out', tests: 'the budget of cases tried ran out', implementation: r.shrunk.why ?? 'the implementation stopped answering' }[r.shrunk.stopped];
    const how = `${r.shrunk.tests} cases tried in ${r.shrunk.seconds.toFixed(1)} s${stop === '' ? '' : `, stopped: ${stop}`}`;
    const from = !r.shrunk.unchanged ? `shrunk from ${shape(r.original)}` : r.shrunk.stopped === 'done' ? 'nothing smaller fails the same way' : 'no smaller failing case found before shrinking stopped';
    lines.push(`  minimal case (${shape(r.shrunk)}, ${from}; ${how}):`, `    ${describeValue(r.shrunk.value)}`);
  } else {
    lines.push(`  not shrunk (${shape(r.original)}): ${r.notShrunk ?? 'no smaller case fails'}`);
  }
  const at = r.localization;
  if (at !== undefined) {
    lines.push(`  first difference: step ${at.step} ${at.key} unit ${at.unit}: implementation ${exact(at.actual)}, NumPy ${exact(at.numpy)}`);
    lines.push(`    the seed's terms there (NumPy's operands): ${at.terms.map((t) => `${t.name} ${g(t.value)}`).join(', ')}`);
    if (at.unseen.length > 0) lines.push(`    (the implementation does not return ${at.unseen.join(', ')}: the difference may start there, earlier)`);
  }
  // Mistakes that reproduce the original too are the explanation, and of those the ones that also
  // reproduce the controls (a minimal case is mostly zeros, on which several mistakes agree);
  // those that fit the shrunk case alone are only counted beside them.
  const both = r.mistakes.filter((m) => m.onOriginal);
  const robust = both.filter((m) => m.onControls !== false);
  const best = robust.length > 0 ? robust : both.length > 0 ? both : r.mistakes;
  // A NaN-ridden answer fits many: at most five are named.
  const shown = best.slice(0, 5);
  const where = (m: DiagnosisRecord['mistakes'][number]) =>
    !m.onOriginal ? 'on the shrunk case only' : m.onControls === true ? 'on the original case and the controls too' : m.onControls === false ? 'on the original case too, not on the controls' : 'on the original case too';
  if (shown.length === 0) lines.push('  no catalogued mistake reproduces it');
  for (const m of shown) lines.push(`  reproduced by: ${m.title} (${where(m)})`);
  const counted = [
    [best.length - shown.length, 'more reproduce it'],
    [best === robust ? both.length - robust.length : 0, 'reproduce it but not the controls'],
    [best === r.mistakes ? 0 : r.mistakes.length - both.length, 'reproduce the shrunk case only'],
  ].filter(([n]) => (n as number) > 0);
  if (counted.length > 0) lines.push(`  (${counted.map(([n, what]) => `${n} ${what}`).join('; ')}; --json lists them)`);
  if (r.saved !== undefined) lines.push(`  saved: ${[r.saved.shrunk, r.saved.original].filter(Boolean).join(', ')}`);
  if (replay !== undefined) lines.push(`  replay: ${replay}`);
  return lines;
}
