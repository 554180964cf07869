import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../src/judge/verdict.js';
import { categorize, type Evaluated } from '../src/explore/categories.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { type1Weights } from './helpers/weights.js';
import { runCase } from '../src/cells/run-case.js';
import { extremeCase } from '../src/explore/arbitraries.js';
import { explore } from '../src/explore/explore.js';
import { goldenPasses, judgeGoldenFile } from '../src/judge/golden.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { caseDigest, readRegressions } from '../src/golden/regressions.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { runMain } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';
import { brokenCells } from './helpers/implementations.js';

it('should refuse bad constraints, naming the key', () => {
  expect(() => extremeCase('type1', { maxHidden: 0 })).toThrowError('maxHidden: expected an integer >= 1, got 0');
});

it('should draw valid cases of the requested sizes', () => {
  for (const value of fc.sample(extremeCase('type2', { maxHidden: 3, maxInputs: 2, maxSteps: 4, maxLongSteps: 25 }), { seed: 4, numRuns: 60 })) {
    const trace = runCase('type2', value, { allowNonFinite: true });
    expect(trace.hidden).toBeLessThanOrEqual(3);
    expect(trace.steps).toBeLessThanOrEqual(25);
  }
});

describeWithNumpy('lstm-parity explore', () => {
  let oracle: NumpyOracle;
  const golden = mkdtempSync(join(tmpdir(), 'lstm-parity-explore-'));
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
    cpSync(join(ROOT, 'golden'), golden, { recursive: true });
  });
  afterAll(async () => {
    await oracle.close();
    rmSync(golden, { recursive: true, force: true });
  });

  it('should shrink "gate exactly 0 or 1" to a tiny case, and find no port bug', async () => {
    const result = await explore({ cell: 'type1', runs: 150, seed: 1, oracle });
    const byId = Object.fromEntries(result.categories.map((c) => [c.id, c]));
    expect(byId['port-bug'].count).toBe(0);
    expect(byId['gate-exact'].count).toBeGreaterThan(0);
    // fast-check shrinks to a local minimum: small, not necessarily the smallest possible.
    const shape = byId['gate-exact'].example!.shape;
    expect(Math.max(shape.steps, shape.hidden, shape.inputs)).toBeLessThanOrEqual(2);
    expect(byId['gate-exact'].example?.detail).toMatch(/gate_activations step \d unit \d = [01] in the port$/);
    expect(byId['numpy-overflow'].example?.warnings).toContain('overflow encountered in exp');
  });

  it('should report a broken cell as a port bug with a minimal example', async () => {
    // Type 2 with h = o * tanh(c) (type 1's formula) instead of the seed's tanh(o * c).
    const broken = brokenCells('type 1 output formula', (cell, value, cells) => {
      const trace = cells(cell, value);
      for (let k = 0; k < trace.output.length; k++) trace.output[k] = trace.outputGate[k] * Math.tanh(trace.cellState[k]);
      return trace;
    });
    const result = await explore({ cell: 'type2', runs: 60, seed: 2, oracle, implementation: broken });
    const bug = result.categories.find((c) => c.id === 'port-bug')!;
    expect(bug.count).toBeGreaterThan(0);
    expect(bug.example?.shape.steps).toBe(1);
    expect(bug.example?.detail).toMatch(/^PORT BUG: .* worst Output step 0 unit \d/);
  });

  it('should save minimal examples as golden regressions that pass the golden checks, each case once', async () => {
    const result = await runMain(['explore', '--cell', 'type2', '--runs', '80', '--seed', '3', '--save', '--golden', golden, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.saved.length).toBeGreaterThan(0);
    expect(json.goldenDir).toBe(golden);
    const manifest = readManifest(golden);
    for (const path of json.saved) {
      expect(path).toMatch(/^regressions\/type2-explore-[a-z-]+-[0-9a-f]{12}\.json$/);
      const file = loadGoldenFile(golden, path, manifest);
      expect(file.source.kind).toBe('explore');
      expect(path).toContain(caseDigest(file));
      expect(goldenPasses(file, (await judgeGoldenFile(file, lstmParityImplementation())).verdict)).toBe(true);
    }
    // The same cases, found again: named by the folder they are in, and not saved twice.
    const again = await runMain(['explore', '--cell', 'type2', '--runs', '80', '--seed', '3', '--save', '--golden', golden]);
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stdout.split('\n').filter((line) => /^(saved|already saved)/.test(line));
    const examples: string[] = [...json.saved, ...json.alreadySaved];
    expect(lines.sort()).toEqual(examples.map((path) => `already saved: ${join(golden, path)} (the same case)`).sort());
    expect(Object.keys(readManifest(golden).files)).toEqual(Object.keys(manifest.files));
    // Another seed may find some of them again; no case is ever kept under two names.
    expect((await runMain(['explore', '--cell', 'type2', '--runs', '80', '--seed', '4', '--save', '--golden', golden])).code).toBe(0);
    const digests = readRegressions(golden).map(({ file }) => caseDigest(file));
    expect(new Set(digests).size).toBe(digests.length);
  });

  it('should print the table and the minimal examples, and write the HTML report', async () => {
    const report = join(golden, 'explore.html');
    const result = await runMain(['explore', '--cell', 'type1', '--runs', '40', '--seed', '5', '--report', report]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^explore type1: 40 cases, seed 5\n\ncategory +cases\n/);
    expect(result.stdout).toMatch(/\ngate exactly 0 or 1 +\d+\n/);
    expect(result.stdout).toMatch(/\ngate exactly 0 or 1: minimal example \(T \d+, H \d+, X \d+\), from run \d+ of seed 5 after \d+ shrinks\n {2}.* in the port\n {2}case: \{ "S": /);
    expect(result.stderr).toMatch(new RegExp(`^lstm-parity: report written to ${report} \\(\\d+ KiB\\)\n$`));
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>/i);
  });
});

it('should exit 2 before exploring when the report cannot be written or the options are wrong', async () => {
  for (const [args, message] of [
    [['--cell', 'type1', '--report', '/nonexistent/folder/x.html'], /^lstm-parity: --report: cannot write \/nonexistent\/folder\/x\.html: folder \/nonexistent\/folder does not exist\n$/],
    [['--cell', 'type1', '--report', tmpdir()], /: it is a folder\n$/],
    [['--cell', 'type1', '--runs', '0'], /^lstm-parity: --runs: expected an integer >= 1, got "0"\n$/],
    [['--runs', '5'], /^lstm-parity: --cell is required: type1 or type2\n$/],
  ] as const) {
    const result = await runMain(['explore', ...args]);
    expect(result.code, args.join(' ')).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  }
});

describe('explore categories', () => {
  const value = { S: [[0.5]], W: {} as Record<string, unknown> };
  const evaluated = (output: number[], numpyOutput: number[], warnings: string[] = []): Evaluated => {
    const port = { Output: Float64Array.from(output) };
    const numpy = { Output: Float64Array.from(numpyOutput) };
    return { cell: 'type1', value, steps: 2, hidden: 1, port, warnings, numpy, verdict: judge(toFlatCase('type1', { S: [[0.5], [0.5]], W: type1Weights(1, 1) }), port, numpy, FLOAT64_TOLERANCE) };
  };

  it('should say which side made a NaN from finite inputs, NumPy first', () => {
    expect(categorize(evaluated([0.1, NaN], [0.1, 0.2])).get('nan-from-finite')).toBe('port: NaN first at Output step 1 unit 0');
    expect(categorize(evaluated([0.1, NaN], [NaN, 0.2])).get('nan-from-finite')).toBe('NumPy: NaN first at Output step 0 unit 0');
    expect(categorize(evaluated([0.1, 0.2], [0.1, 0.2])).has('nan-from-finite')).toBe(false);
  });

  it('should sort NumPy warnings by kind and report |h| = 1 and exact gates', () => {
    const found = categorize(evaluated([0.1, -1], [0.1, -1], ['overflow encountered in exp', 'invalid value encountered in dot', 'divide by zero encountered in log', 'overflow encountered in dot']));
    expect(found.get('numpy-overflow')).toBe('overflow encountered in exp; overflow encountered in dot');
    expect(found.get('numpy-invalid')).toBe('invalid value encountered in dot');
    expect(found.get('numpy-other-warning')).toBe('divide by zero encountered in log');
    expect(found.get('h-unit')).toBe('Output step 1 unit 0 = -1 in the port');
    expect(found.has('gate-exact')).toBe(false);
  });
});
