import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCase } from '../src/cells/run-case.js';
import type { CellType, ValidationOptions } from '../src/cells/schema.js';
import { extremeCase } from '../src/explore/arbitraries.js';
import { explore } from '../src/explore/explore.js';
import { goldenPasses, judgeGoldenFile } from '../src/golden/compare.js';
import { loadGoldenFile, readManifest } from '../src/golden/format.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { cli, ROOT } from './helpers/cli.js';
import { describeWithNumpy } from './helpers/numpy.js';

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
    const broken = (cell: CellType, value: unknown, options: ValidationOptions) => {
      const trace = runCase(cell, value, options);
      for (let k = 0; k < trace.output.length; k++) trace.output[k] = trace.outputGate[k] * Math.tanh(trace.cellState[k]);
      return trace;
    };
    const result = await explore({ cell: 'type2', runs: 60, seed: 2, oracle, runner: broken });
    const bug = result.categories.find((c) => c.id === 'port-bug')!;
    expect(bug.count).toBeGreaterThan(0);
    expect(bug.example?.shape.steps).toBe(1);
    expect(bug.example?.detail).toMatch(/^PORT BUG: .* worst Output step 0 unit \d/);
  });

  it('should save minimal examples as golden regressions that pass the golden checks', async () => {
    const result = await cli(['explore', '--cell', 'type2', '--runs', '80', '--seed', '3', '--save', '--golden', golden, '--json']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const json = JSON.parse(String(result.stdout));
    expect(json.saved.length).toBeGreaterThan(0);
    const manifest = readManifest(golden);
    for (const path of json.saved) {
      expect(path).toMatch(/^regressions\/type2-explore-[a-z-]+-seed-3\.json$/);
      const file = loadGoldenFile(golden, path, manifest);
      expect(file.source.kind).toBe('explore');
      expect(goldenPasses(file, judgeGoldenFile(file).verdict)).toBe(true);
    }
  });
});
