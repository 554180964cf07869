/**
 * The TypeScript cells against NumPy's recorded answers: no Python needed. Every file listed in
 * golden/MANIFEST.json is hash-checked, then run through its cell and compared element-wise under
 * the tolerance policy (NaN and infinities exactly), through the conformance suite's golden
 * check, as any implementation is judged.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASE_TABLE } from '../src/golden/case-table.js';
import { readManifest, unlistedFiles } from '../src/golden/files.js';
import { describeLstmConformance } from '../src/conformance.js';
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
});

describeLstmConformance(lstmParityImplementation(), { suites: ['golden'], exactArithmetic: true });
