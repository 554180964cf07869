/**
 * The tools behind npm run golden:check and golden:generate, run in-process on a copy of the
 * corpus: regressions saved and read back, and the drift check with the installed NumPy, which
 * must find the committed corpus unchanged and catch an edited answer and a dropped file.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDrift } from '../src/golden/drift.js';
import { formatGoldenFile, parseGoldenFile } from '../src/golden/format.js';
import { loadGoldenFile, readManifest, sha256 } from '../src/golden/files.js';
import { environmentOf, generatorInfo } from '../src/golden/generate.js';
import { readRegressions, saveRegression } from '../src/golden/regressions.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { scratch } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('golden-tools');
afterAll(() => tmp.remove());

function corpusCopy(name: string): string {
  const dir = join(tmp.dir, name);
  cpSync(join(ROOT, 'golden'), dir, { recursive: true });
  return dir;
}

describe('golden regressions', () => {
  it('should save a regression into the corpus and its manifest, and read it back intact', () => {
    const dir = corpusCopy('regressions');
    expect(readRegressions(dir)).toEqual([]);
    const found = { ...loadGoldenFile(dir, 'type2/seed-shape.json', readManifest(dir)), name: 'found by a property: #3', source: { kind: 'property' as const, seed: 3 } };
    const path = saveRegression(dir, found);
    expect(path).toBe('regressions/type2-found-by-a-property-3.json');
    expect(readRegressions(dir)).toEqual([{ path, file: found }]);
    expect(loadGoldenFile(dir, path, readManifest(dir))).toEqual(found);
  });
});

describe('generatorInfo', () => {
  it('should fingerprint the sources that decide the corpus', () => {
    expect(generatorInfo()).toMatchObject({ name: 'lstm-parity golden', sourceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describeWithNumpy('golden drift against the installed NumPy', () => {
  it('should find the committed answers unchanged, and catch an edited answer and a dropped file', async () => {
    const dir = corpusCopy('drift');
    const manifest = readManifest(dir);
    // One answer edited by 1e-3, its hash updated so that only the drift check can notice.
    const edited = 'type1/seed-shape.json';
    const file = parseGoldenFile(readFileSync(join(dir, edited), 'utf8'), edited);
    file.expected.Output[2][1] += 1e-3;
    const text = formatGoldenFile(file);
    writeFileSync(join(dir, edited), text);
    manifest.files[edited] = { sha256: sha256(text) };
    const dropped = 'type2/one-step.json';
    delete manifest.files[dropped];

    const oracle = await NumpyOracle.start();
    try {
      const { rows, missing } = await checkDrift(dir, manifest, oracle);
      expect(missing).toEqual([dropped]);
      expect(rows.map((row) => row.path)).toEqual(Object.keys(manifest.files).sort());
      const bad = rows.filter((row) => !row.comparison.ok);
      expect(bad.map((row) => row.path)).toEqual([edited]);
      expect(bad[0].comparison.mismatches).toBe(1);
      expect(rows.every((row) => !row.inputsChanged && !row.warningsChanged)).toBe(true);
      expect(rows.find((row) => row.path === 'type1/zero-weights.json')?.identical).toBe(rows.find((row) => row.path === 'type1/zero-weights.json')?.comparison.elements);
      expect(environmentOf(oracle)).toMatchObject({ numpy: oracle.info.numpy, python: oracle.info.python, openblasThreads: '1', node: process.version });
    } finally {
      await oracle.close();
    }
  });
});
