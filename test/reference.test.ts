/**
 * The Python reference must equal the seed's original_lstm.py bit for bit. The proof is the
 * unittest in reference/; this runs it, and says plainly when Python/NumPy or the seed is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { probePython } from '../src/oracle/python.js';
import { ROOT } from './helpers/cli.js';

const seed = resolve(process.env.LSTM_PARITY_SEED ?? resolve(ROOT, '../shared/seed/original_lstm.py'));
const probe = await probePython();
const reason = !probe.ok ? probe.reason : !existsSync(seed) ? `the seed is not at ${seed} (set LSTM_PARITY_SEED)` : undefined;
if (reason !== undefined) console.warn(`SKIPPED reference == seed, bit for bit: ${reason}`);

describe('reference/lstm_reference.py', () => {
  it.skipIf(reason !== undefined)('should equal the seed bit for bit, outputs and NumPy warnings', async () => {
    const result = await execa(probe.python, ['-m', 'unittest', '-v', 'reference/test_lstm_reference.py'], {
      cwd: ROOT,
      reject: false,
      env: { LSTM_PARITY_SEED: seed },
    });
    expect(result.stderr, String(result.stderr)).toMatch(/Ran 2 tests[\s\S]*\nOK\s*$/);
    expect(result.stderr).not.toMatch(/skipped/);
    expect(result.exitCode).toBe(0);
  });
});

const mpmath = probe.ok ? await execa(probe.python, ['-c', 'import mpmath'], { reject: false }) : undefined;
const mpmathReason = !probe.ok ? probe.reason : mpmath?.exitCode !== 0 ? `mpmath is not importable by ${probe.python}; install it with: ${probe.python} -m pip install mpmath` : undefined;
if (mpmathReason !== undefined) console.warn(`SKIPPED high-precision reference tests: ${mpmathReason}`);

describe('reference/lstm_mpmath.py', () => {
  it.skipIf(mpmathReason !== undefined)('should compute the seed cells in high precision, with IEEE special values', async () => {
    const result = await execa(probe.python, ['-m', 'unittest', '-v', 'reference/test_lstm_mpmath.py'], { cwd: ROOT, reject: false });
    expect(result.stderr, String(result.stderr)).toMatch(/Ran 4 tests[\s\S]*\nOK\s*$/);
    expect(result.exitCode).toBe(0);
  });
});
