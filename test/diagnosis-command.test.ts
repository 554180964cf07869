/**
 * The catalogued mistakes, made by a port in another language: test/fixtures/implementations/
 * mistaken_lstm.py writes every mistake of src/diagnosis/mistakes/ again in NumPy, independently,
 * and is judged through the command protocol (here every kind of mistake, not every parameter). On the case made for it
 * (./helpers/mistake-examples.ts) each is a port bug, and the diagnosis names that very mistake
 * among those that reproduce the answer; the same program without a mistake agrees, and nothing
 * explains its answer. Shrinking is left out here (its deadline is now): ./diagnosis.test.ts and
 * ./diagnosis-cli.test.ts shrink.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CellType } from '../src/cells/schema.js';
import { MISTAKES } from '../src/diagnosis/catalogue.js';
import { diagnose } from '../src/diagnosis/diagnose.js';
import { explain } from '../src/diagnosis/explain.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { runImplementation, type CaseInput } from '../src/judge/implementation.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { openCommandImplementation } from '../src/implementations/command.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { exampleFor } from './helpers/mistake-examples.js';
import { describeWithNumpy } from './helpers/numpy.js';

const FIXTURE = join(ROOT, 'test/fixtures/implementations/mistaken_lstm.py');
const python = process.env.LSTM_PARITY_PYTHON || 'python3';

describeWithNumpy('catalogued mistakes made by a NumPy port behind the command protocol', () => {
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle?.close();
  });

  // One or two of each kind of mistake (a Python process costs a fifth of a second to start);
  // ./diagnosis.test.ts names every entry from the TypeScript copy of the seed's computation.
  const KINDS = [
    'swap-i-g', 'swap-o-c-weights', 'swap-g-o', 'transpose-W', 'transpose-U', 'bias-i-dropped', 'bias-o-doubled', 'bias-cell-dropped',
    'type2-g-reads-h', 'type2-gates-read-h', 'h-o-tanh-c', 'h-tanh-o-c', 'candidate-without-recurrence',
    'h-not-carried', 'c-not-carried', 'state-not-carried', 'state-reset-every-2', 'state-reset-every-64',
    'recurrent-rows-in-blocks-of-32', 'input-rows-in-blocks-of-4', 'daz', 'ftz', 'daz-ftz', 'float32-activations', 'float32-products',
    'clip-5', 'clip-30', 'nan-as-clip-limit', 'nan-as-zero', 'negative-zero-as-positive',
  ];
  const entries = MISTAKES.filter((m) => KINDS.includes(m.id)).flatMap((m) => m.cells.map((cell) => [`${cell} ${m.id}`, m, cell] as const));

  it.concurrent.each(entries)('should name %s', async (_, mistake, cell) => {
    const implementation = await openCommandImplementation({ command: `${python} ${FIXTURE} ${mistake.id}`, cells: [cell] });
    try {
      const value = exampleFor(mistake, cell);
      const check = mistake.id === 'negative-zero-as-positive' ? 'numpy:signed-zero' : 'numpy';
      const d = await diagnose({ name: `${cell}/${mistake.id}`, cell, check, value, allowNonFinite: true }, { implementation, reference: oracle.reference('float64'), tolerance: FLOAT64_TOLERANCE, deadline: 0 });
      if (check === 'numpy') expect(d.original.verdict?.kind, d.original.verdict && JSON.stringify(d.original.verdict.worst)).toBe('port-bug');
      expect(d.notShrunk).toBe('no time was left for shrinking (--shrink-time)');
      expect(d.mistakes.map((m) => m.mistake.id)).toContain(mistake.id);
      // The controls never refute the mistake the port makes (they only set apart those that fit by accident).
      expect(d.mistakes.find((m) => m.mistake.id === mistake.id)!.onControls).not.toBe(false);
      expect(d.localization).toBeDefined();
    } finally {
      await implementation.close?.();
    }
  });

  it.each(['type1', 'type2'] as const)('should find nothing to explain in the same port without a mistake (%s)', async (cell: CellType) => {
    const implementation = await openCommandImplementation({ command: `${python} ${FIXTURE} none`, cells: [cell] });
    try {
      for (const mistake of MISTAKES.filter((m) => m.cells.includes(cell))) {
        const value = exampleFor(mistake, cell);
        const c = toFlatCase(cell, value, { allowNonFinite: true });
        const actual = await runImplementation(implementation, c, mistake.id, value as CaseInput);
        const [numpy] = await oracle.evaluate([c]);
        if (!numpy.ok) throw new Error(numpy.error);
        expect(explain({ case: c, actual, numpy: numpy.outputs, tolerance: FLOAT64_TOLERANCE, signs: true }), `${cell} on ${mistake.id}'s case`).toEqual([]);
      }
    } finally {
      await implementation.close?.();
    }
  });
});
