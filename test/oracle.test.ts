import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCase } from '../src/cells/run-case.js';
import { seedFields } from '../src/cells/trace.js';
import { buildCase, CASE_TABLE } from '../src/golden/case-table.js';
import { compareTraces } from '../src/judge/compare.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { NumpyOracle, NumpyWorkerError } from '../src/oracle/numpy-oracle.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { decodeFloat64, encodeFloat64 } from '../src/oracle/protocol.js';
import { measureNoiseFloors } from '../src/judge/noise-floor.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { type1Weights } from './helpers/weights.js';

it('should carry every double across base64 exactly, NaN, infinities and -0 included', () => {
  const values = Float64Array.from([0, -0, 1, -1.5, 5e-324, -5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, Math.PI]);
  const back = decodeFloat64(encodeFloat64(values));
  expect(Array.from(back).map((x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual(Array.from(values).map((x) => (Object.is(x, -0) ? '-0' : String(x))));
  expect(() => decodeFloat64('AAAA')).toThrowError('expected a multiple of 8 bytes, got 3');
});

it('should refuse text that is not base64, as a regular expression over the alphabet would', () => {
  const valid = encodeFloat64(Float64Array.of(1, 2));
  expect(decodeFloat64(valid)).toEqual(Float64Array.of(1, 2));
  for (const text of [`${valid.slice(0, 4)}!${valid.slice(5)}`, `${valid.slice(0, 4)} ${valid.slice(5)}`, `${valid.slice(0, 4)}-${valid.slice(5)}`, `${valid.slice(0, 4)}_${valid.slice(5)}`, `AA==${valid.slice(4)}`, valid.slice(1)]) {
    expect(() => decodeFloat64(text), text).toThrowError('expected base64');
  }
});

it('should say what to install when Python is missing', async () => {
  await expect(NumpyOracle.start({ python: '/nonexistent/python3' })).rejects.toThrowError(
    /^Python not found: \/nonexistent\/python3 is not on this machine; install Python 3 with NumPy/,
  );
});

async function pythonProcesses(): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid,args'], { reject: false });
  return String(stdout).split('\n').filter((line) => line.includes('reference/worker.py'));
}

describeWithNumpy('NumPy oracle', () => {
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start({ maxBatch: 8 });
  });
  afterAll(async () => {
    await oracle.close();
  });

  it('should report the versions of Python, NumPy and its BLAS', () => {
    expect(oracle.info.numpy).toMatch(/^\d+\.\d+/);
    expect(oracle.info.python).toMatch(/^3\.\d+/);
    expect(oracle.info.blas.name).toBeTruthy();
  });

  it('should answer a batch larger than maxBatch, in order, agreeing with the cells', async () => {
    const rows = CASE_TABLE.filter((row) => row.steps < 100);
    const cases = rows.map((row) => toFlatCase(row.cell, buildCase(row), { allowNonFinite: row.allowNonFinite }));
    const results = await oracle.evaluate(cases);
    expect(results).toHaveLength(rows.length);
    rows.forEach((row, k) => {
      const result = results[k];
      if (!result.ok) throw new Error(result.error);
      const trace = runCase(row.cell, buildCase(row), { allowNonFinite: row.allowNonFinite });
      const comparison = compareTraces(Object.fromEntries(seedFields(trace)), result.outputs, trace.hidden, FLOAT64_TOLERANCE);
      expect(comparison.ok, `${row.cell}/${row.name}`).toBe(true);
    });
  });

  it('should move every activation result by at most one ULP with a jitter seed, the same way for the same seed, and span a saturated gate in the noise floor', async () => {
    // Gates near 1 (pre-activations about 30): a 1-ULP nudge of the inputs cannot move them.
    const W = type1Weights(3, 2);
    for (const key of ['b_i', 'b_g', 'b_o'] as const) W[key] = [30, 31, 32];
    const c = toFlatCase('type1', { S: [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]], W });
    const [plain, once, again, other] = await oracle.evaluate([c, { ...c, jitter: 7 }, { ...c, jitter: 7 }, { ...c, jitter: 8 }]);
    if (!plain.ok || !once.ok || !again.ok || !other.ok) throw new Error('NumPy could not evaluate the case');
    expect(once.outputs).toEqual(again.outputs);
    expect(once.outputs).not.toEqual(other.outputs);
    // At step 0 (h_0 = c_0 = 0) both runs feed the activations the same arguments.
    for (const key of ['Output_gate_activations', 'input_gate_activations', 'forget_gate_activations', 'cell_input_activations']) {
      plain.outputs[key].subarray(0, 3).forEach((value, k) => {
        const moved = once.outputs[key][k];
        expect(Math.abs(moved - value), `${key}[${k}]`).toBeLessThanOrEqual(2 ** -52 * Math.max(Math.abs(value), 2 ** -1022));
        expect(Math.abs(moved), `${key}[${k}] stays in range`).toBeLessThanOrEqual(1);
      });
    }
    const [floor] = await measureNoiseFloors(oracle, [c], [plain.outputs], { seed: 3 });
    // Every step's gate moved by the ULP just below 1 in some copy; with input nudges alone it was 0.
    expect(Array.from(floor.stepSpread.forget_gate_activations)).toEqual([2 ** -53, 2 ** -53, 2 ** -53]);
    const [inputsOnly] = await measureNoiseFloors({ evaluate: (cases) => oracle.evaluate(cases.map(({ jitter: _, ...rest }) => rest)) }, [c], [plain.outputs], { seed: 3 });
    expect(Array.from(inputsOnly.stepSpread.forget_gate_activations)).toEqual([0, 0, 0]);
  });

  it("should return NumPy's warnings with the case that raised them", async () => {
    const row = CASE_TABLE.find((r) => r.name === 'forget-bias-overflow' && r.cell === 'type1')!;
    const [result] = await oracle.evaluate([toFlatCase(row.cell, buildCase(row))]);
    expect(result.ok && result.warnings).toEqual(['overflow encountered in exp']);
  });

  it('should answer a bad case with an error result and go on with the batch', async () => {
    const row = CASE_TABLE.find((r) => r.name === 'seed-shape' && r.cell === 'type2')!;
    const good = toFlatCase(row.cell, buildCase(row));
    const bad = { ...good, W: { ...good.W, w_i: new Float64Array(5) } };
    const results = await oracle.evaluate([good, bad, good]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(!results[1].ok && results[1].error).toBe('ValueError: W.w_i: expected 96 bytes for shape [4, 3], got 40');
  });

  it('should leave no Python process behind after close', async () => {
    const extra = await NumpyOracle.start();
    const pid = extra.pid;
    expect((await pythonProcesses()).some((line) => line.trim().startsWith(`${pid} `))).toBe(true);
    await extra.close();
    expect((await pythonProcesses()).some((line) => line.trim().startsWith(`${pid} `))).toBe(false);
    await expect(extra.evaluate([])).resolves.toEqual([]);
    await expect(extra.evaluate([toFlatCase('type1', buildCase(CASE_TABLE[0]))])).rejects.toThrowError(NumpyWorkerError);
  });
});
