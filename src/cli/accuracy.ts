/** `lstm-parity accuracy`: the port and NumPy, each against the high-precision truth. */
import { parseArgs } from 'node:util';
import { measureAccuracy, type AccuracyResult, type ErrorSummary, type KeyAccuracy } from '../accuracy/accuracy.js';
import { NumpyOracle } from '../oracle/numpy-oracle.js';
import { readCaseInput } from './case-input.js';
import { checkDeclaredDtype, cellsToCheck, crashedLine, IMPL_OPTIONS, IMPL_USAGE, openImplementation, parseImplChoice } from './impl-options.js';
import { printOut, printRaw } from './terminal.js';
import { EXIT_FAILED, EXIT_OK, EXIT_UNSETTLED, UsageError } from './usage-error.js';

export const ACCURACY_USAGE = `usage: lstm-parity accuracy --cell type1|type2 --case FILE|- [--allow-non-finite] [--json]
                           [--impl NAME|FILE | --impl-command CMD [--impl-dtype D]] [--backend B]

Measures how far the implementation (by default the TypeScript cell) and NumPy each are from the
truth: the same cell evaluated with mpmath until 50 and 100 digits (or 100 and 200) round to the
same float64 outputs. Reports, per key, the largest and median distance in ULPs and the largest
absolute error, side by side. A float32 implementation is set beside NumPy in float32, in float32
ULPs, with NumPy in float64 shown too.
FILE is a case file, or a golden file (its case and cell are used; --cell may then be omitted).
${IMPL_USAGE}
Needs Python with NumPy and mpmath. Exit 0, or 4 when even 200 digits do not settle the truth (then
no side is called closer, and --json gives "closer": null), 1 when the implementation crashed and
was restarted, 2 for bad usage.`;

const e = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const u = (x: number) => (Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toFixed(1)) : String(x));

function cells(s: ErrorSummary): string[] {
  return [u(s.maxUlps), u(s.medianUlps), e(s.maxAbs)];
}

/** A key's verdict: which side is closer (the implementation by its name), or none when the truth did not settle. */
function closerCell(k: KeyAccuracy, converged: boolean, own: string): string {
  if (!converged) return '-';
  return k.closer === 'port' ? own : k.closer === 'numpy' ? 'NumPy' : k.closer;
}

/** What the closer column means, printed under the table (the same rule as closerSide). */
const CLOSER_DEFINED = 'closer: the side no farther from the truth by max ULP, median and max |err|, and nearer by at least one; tie when all three are equal; mixed when each side is nearer by some';

export function formatAccuracy(result: Omit<AccuracyResult, 'distances'>): string[] {
  const truth = result.converged
    ? `truth from mpmath at ${result.digits} digits, confirmed by a run at twice that`
    : `truth NOT settled: mpmath at ${result.digits / 2} and ${result.digits} digits round to different float64 outputs, so no side is called closer`;
  const impl = result.implementation;
  const ours = impl.name.startsWith('lstm-parity');
  const float32 = impl.dtype === 'float32';
  const rows = [
    ['key', float32 ? 'port f32 ULP' : 'port max ULP', 'median', 'max |err|', float32 ? 'NumPy f32 ULP' : 'NumPy max ULP', 'median', 'max |err|', 'closer'],
    ...result.keys.map((k) => [k.key, ...cells(k.port), ...cells(k.numpy), closerCell(k, result.converged, ours ? 'TypeScript' : impl.name)]),
    ['all keys', ...cells(result.overall.port), ...cells(result.overall.numpy), ''],
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const table = rows.map((r) => r.map((cell, k) => (k === 0 || k === 7 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd());
  const beside = result.keys
    .filter((k) => k.numpy64 !== undefined)
    .map((k) => `  ${k.key}: NumPy float64 max ${u(k.numpy64!.maxUlps)} ULP (float64), median ${u(k.numpy64!.medianUlps)}, max |err| ${e(k.numpy64!.maxAbs)}`);
  const warning = result.converged ? [] : ['', `accuracy: UNSETTLED: the distances above are to the ${result.digits}-digit result, which is itself uncertain here`];
  const of = ours ? '' : ` of ${impl.name}${impl.version ? ` ${impl.version}` : ''} (${impl.dtype})`;
  const head = `accuracy ${result.cell} (T ${result.steps}, H ${result.hidden}, X ${result.inputs})${of}: ${truth}`;
  return [head, '', ...table, '', CLOSER_DEFINED, ...(beside.length > 0 ? ['', 'for comparison, NumPy in float64 against the same truth:', ...beside] : []), ...warning];
}

export async function accuracyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { cell: { type: 'string' }, case: { type: 'string' }, 'allow-non-finite': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, ...IMPL_OPTIONS },
    strict: true,
    allowPositionals: false,
  });
  const choice = parseImplChoice(values);
  const input = await readCaseInput(values.case, values.cell, values['allow-non-finite']);
  const oracle = await NumpyOracle.start().catch((error: Error) => {
    throw new UsageError(`accuracy needs NumPy and mpmath: ${error.message}`);
  });
  let impl: Awaited<ReturnType<typeof openImplementation>> | undefined;
  try {
    impl = await openImplementation(choice, { cells: [input.cell] });
    checkDeclaredDtype(choice, impl);
    cellsToCheck(impl, input.cell);
    const { distances: _distances, ...measured } = await measureAccuracy(oracle, input.cell, input.value, { allowNonFinite: input.allowNonFinite, impl });
    // No "closer" verdict from a truth that did not settle.
    const result = measured.converged ? measured : { ...measured, keys: measured.keys.map((k) => ({ ...k, closer: null })) };
    const crashed = crashedLine('accuracy', impl);
    const restarts = crashed === undefined ? {} : { implementationRestarts: { count: impl.restarts, causes: impl.restartCauses } };
    if (values.json) printRaw(`${JSON.stringify({ ...result, ...restarts }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
    else printOut([...formatAccuracy(measured), ...(crashed === undefined ? [] : ['', crashed])]);
    if (crashed !== undefined) return EXIT_FAILED;
    return measured.converged ? EXIT_OK : EXIT_UNSETTLED;
  } finally {
    await impl?.close?.();
    await oracle.close();
  }
}
