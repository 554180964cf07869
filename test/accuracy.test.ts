import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closerSide, measureAccuracy, median } from '../src/accuracy/accuracy.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { cli, ROOT } from './helpers/cli.js';
import { faultEnv, firings, scratch } from './helpers/faults.js';
import { runMain, withEnv } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { brokenCells } from './helpers/implementations.js';

const dir = join(ROOT, 'golden');
const manifest = readManifest(dir);

it('should take the median of an odd, an even and an empty set of distances', () => {
  expect(median(Float64Array.of(3, 1, 2))).toBe(2);
  expect(median(Float64Array.of(4, 1, 3, 2))).toBe(2.5);
  expect(median(new Float64Array(0))).toBe(0);
});

describeWithNumpy('accuracy against the high-precision truth', () => {
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle.close();
  });

  it('should settle the truth of the seed-shape cases and find both port and NumPy within a few hundred ULP of it', async () => {
    for (const path of ['type1/seed-shape.json', 'type2/seed-shape.json']) {
      const file = loadGoldenFile(dir, path, manifest);
      const result = await measureAccuracy(oracle, file.cell, file.case);
      expect(result.converged, path).toBe(true);
      expect(result.digits).toBe(50);
      expect(result.keys.map((k) => k.key)).toEqual(Object.keys(file.expected));
      // Absolute errors of a few 1e-16 on values of order 1: float64 rounding, for both.
      expect(result.overall.port.maxAbs).toBeLessThan(1e-15);
      expect(result.overall.numpy.maxAbs).toBeLessThan(1e-15);
      expect(result.overall.port.medianUlps).toBeLessThanOrEqual(1);
    }
  });

  it('should count NaN meeting NaN as 0 ULP and NaN against a number as infinitely far', async () => {
    const file = loadGoldenFile(dir, 'type2/nan-input.json', manifest);
    const result = await measureAccuracy(oracle, 'type2', file.case, { allowNonFinite: true });
    expect(result.converged).toBe(true);
    expect(result.overall.port.maxAbs).toBeLessThan(1e-15);
    expect(Number.isFinite(result.overall.port.maxUlps)).toBe(true);
    // The port made a NaN where the truth has a number: that distance is Infinity, not NaN.
    const broken = brokenCells('NaN first', (cell, value, cells) => {
      const trace = cells(cell, value);
      trace.output[0] = NaN;
      return trace;
    });
    const wrong = await measureAccuracy(oracle, 'type2', file.case, { allowNonFinite: true, impl: broken });
    expect(wrong.keys.find((k) => k.key === 'Output')?.port.maxUlps).toBe(Infinity);
    expect(wrong.keys.find((k) => k.key === 'Output')?.closer).not.toBe('port');
  });

  it('should put the error on the port side when the port is wrong', async () => {
    const file = loadGoldenFile(dir, 'type1/seed-shape.json', manifest);
    // A port that forgets the output gate's bias.
    const wrong = brokenCells('no output bias', (cell, { S, W }, cells) => cells(cell, { S, W: { ...W, b_o: (W.b_o as number[]).map(() => 0) } }));
    const result = await measureAccuracy(oracle, 'type1', file.case, { impl: wrong });
    const gate = result.keys.find((k) => k.key === 'Output_gate_activations')!;
    expect(gate.port.maxAbs).toBeGreaterThan(1e-3);
    expect(gate.numpy.maxAbs).toBeLessThan(1e-15);
    expect(gate.closer).toBe('numpy');
  });

  it("should never call NumPy closer where the port's largest error is smaller with the same median (type1/seed-shape's cell states)", async () => {
    const file = loadGoldenFile(dir, 'type1/seed-shape.json', manifest);
    const result = await measureAccuracy(oracle, 'type1', file.case);
    const states = result.keys.find((k) => k.key === 'cell_state_vectors')!;
    // Measured: port 40 ULP, median 1, 1.1e-16; NumPy 38 ULP, median 1, 1.7e-16.
    expect(states.port.medianUlps).toBe(states.numpy.medianUlps);
    expect(states.port.maxAbs).toBeLessThan(states.numpy.maxAbs);
    expect(states.closer).toBe(closerSide(states.port, states.numpy));
    expect(states.closer).not.toBe('numpy');
    for (const k of result.keys) expect(k.closer, k.key).toBe(closerSide(k.port, k.numpy));
  });

  it('should call neither side closer, say so in the header, and exit 4 when the truth does not settle', async () => {
    // The worker answers every truth request as unsettled at 200 digits (test/fixtures/fault-shim).
    const faults = scratch('accuracy-unsettled');
    try {
      const env = faultEnv(faults.dir, 'unsettled');
      const text = await withEnv(env, () => runMain(['accuracy', '--case', join(dir, 'type1/seed-shape.json')]));
      const json = await withEnv(env, () => runMain(['accuracy', '--case', join(dir, 'type1/seed-shape.json'), '--json']));
      expect(firings(faults.dir)).toBe(2);
      expect(text.code, text.stderr).toBe(4);
      expect(text.stdout).toMatch(/^accuracy type1 \(T 6, H 4, X 3\): truth NOT settled: mpmath at 100 and 200 digits round to different float64 outputs, so no side is called closer\n\n/);
      const rows = text.stdout.split('\n').filter((line) => /_activations|^Output|cell_state/.test(line));
      expect(rows).toHaveLength(6);
      for (const row of rows) expect(row).toMatch(/ -$/);
      expect(text.stdout).toMatch(/\naccuracy: UNSETTLED: the distances above are to the 200-digit result, which is itself uncertain here\n$/);
      expect(json.code).toBe(4);
      const result = JSON.parse(json.stdout);
      expect(result).toMatchObject({ converged: false, digits: 200 });
      expect(result.keys.map((k: { closer: unknown }) => k.closer)).toEqual(new Array(6).fill(null));
    } finally {
      faults.remove();
    }
  });

  it('should work on a golden file and on a plain case file from the CLI', async () => {
    const golden = await runMain(['accuracy', '--case', join(dir, 'type2/seed-shape.json')]);
    expect(golden.code, golden.stderr).toBe(0);
    expect(golden.stdout).toMatch(/^accuracy type2 \(T 5, H 4, X 3\): truth from mpmath at 50 digits, confirmed by a run at twice that\n\nkey +port max ULP +median +max \|err\| +NumPy max ULP +median +max \|err\| +closer\n/);
    expect(golden.stdout).toMatch(/\nall keys +\d+ +[\d.]+ +[\d.e-]+ +\d+ +[\d.]+ +[\d.e-]+\n\ncloser: the side no farther from the truth by max ULP, median and max \|err\|, and nearer by at least one; tie when all three are equal; mixed when each side is nearer by some\n$/);
    const file = loadGoldenFile(dir, 'type1/scalar-unit.json', manifest);
    const plain = await cli(['accuracy', '--cell', 'type1', '--case', '-', '--json'], { input: JSON.stringify(file.case) });
    expect(plain.exitCode, String(plain.stderr)).toBe(0);
    expect(JSON.parse(String(plain.stdout))).toMatchObject({ cell: 'type1', steps: 8, hidden: 1, converged: true });
  });
});

it('should call a side closer only when it is no farther by any measure and nearer by one', () => {
  const side = (maxUlps: number, medianUlps: number, maxAbs: number) => ({ maxUlps, medianUlps, maxAbs });
  expect(closerSide(side(40, 1, 1.1e-16), side(38, 1, 1.7e-16))).toBe('mixed');
  expect(closerSide(side(4, 0.5, 1.1e-16), side(4, 0.5, 2.8e-17))).toBe('numpy');
  expect(closerSide(side(3, 1, 1e-16), side(3, 2, 1e-16))).toBe('port');
  expect(closerSide(side(0, 0, 0), side(0, 0, 0))).toBe('tie');
  expect(closerSide(side(Infinity, 0, 1e-16), side(3, 0, 1e-16))).toBe('numpy');
});

it('should exit 2 with one line on bad accuracy usage', async () => {
  for (const [args, message] of [
    [['--cell', 'type1', '--case', join(dir, 'type2/seed-shape.json')], "lstm-parity: --cell type1 does not match the golden file's cell type2\n"],
    [['--cell', 'type1'], 'lstm-parity: --case is required: a case file or golden file, or - for stdin\n'],
    [['--case', join(ROOT, 'package.json')], 'lstm-parity: --cell is required: type1 or type2\n'],
  ] as const) {
    const result = await runMain(['accuracy', ...args]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: message });
  }
});
