/**
 * The TypeScript cells against NumPy's recorded answers: no Python needed. Every file listed in
 * golden/MANIFEST.json is hash-checked, then run through its cell and compared element-wise under
 * the tolerance policy (NaN and infinities exactly).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASE_TABLE } from '../src/golden/case-table.js';
import { describeVerdict } from '../src/judge/verdict.js';
import { goldenPasses, judgeGoldenFile } from '../src/judge/golden.js';
import { loadGoldenFile, readManifest, unlistedFiles } from '../src/golden/files.js';
import { formatComparison } from '../src/judge/compare.js';
import { ROOT } from './helpers/cli.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

const dir = join(ROOT, 'golden');
const manifest = readManifest(dir);
const paths = Object.keys(manifest.files).sort();

describe('golden corpus', () => {
  it('should list every table row and every file on disk in the manifest', () => {
    for (const row of CASE_TABLE) expect(paths, `golden/${row.cell}/${row.name}.json: a case-table row without a file in MANIFEST.json`).toContain(`${row.cell}/${row.name}.json`);
    const extra = unlistedFiles(dir, manifest);
    expect(extra, `on disk but not listed in golden/MANIFEST.json: ${extra.map((path) => `golden/${path}`).join(', ')}`).toEqual([]);
    for (const path of paths) expect(existsSync(join(dir, path)), `golden/${path}: listed in MANIFEST.json but missing`).toBe(true);
  });

  it.each(paths)('golden/%s: the TypeScript cell should agree with NumPy', async (path) => {
    const file = loadGoldenFile(dir, path, manifest);
    const { verdict } = await judgeGoldenFile(file, lstmParityImplementation());
    const comparison = verdict.comparison;
    if (!goldenPasses(file, verdict)) expect.fail(`${describeVerdict(verdict)}\n${formatComparison(comparison, `golden/${path}`)}`);
    expect(comparison.elements).toBe(Object.values(file.expected).reduce((n, rows) => n + rows.length * (rows[0]?.length ?? 0), 0));
  });
});
