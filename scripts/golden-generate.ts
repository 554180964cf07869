/**
 * npm run golden:generate: runs every row of the case table, and every saved regression, through
 * the NumPy reference and writes golden/<cell>/<name>.json, golden/regressions/*.json and
 * golden/MANIFEST.json. Deterministic inputs; review the diff in git.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_SEED } from '../src/golden/case-table.js';
import { formatGoldenFile, type GoldenManifest } from '../src/golden/format.js';
import { sha256 } from '../src/golden/files.js';
import { environmentOf, evaluateGolden, generatorInfo, tableInputs } from '../src/golden/generate.js';
import { packageRoot } from '../src/package-root.js';
import { readRegressions } from '../src/golden/regressions.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';

const dir = join(packageRoot(), 'golden');
const oracle = await NumpyOracle.start().catch((error: Error) => {
  console.error(`golden:generate: ${error.message}`);
  process.exit(2);
});
try {
  const environment = environmentOf(oracle);
  console.log(`golden:generate: NumPy ${environment.numpy} (${environment.blas}, core ${environment.blasCore}), Python ${environment.python}`);
  const planned = [...tableInputs(), ...readRegressions(dir).map(({ path, file }) => ({ path, input: file }))];
  const files = await evaluateGolden(oracle, planned.map(({ input }) => input));
  const manifest: GoldenManifest = {
    schema: 1,
    generator: generatorInfo(),
    tableSeed: TABLE_SEED,
    generatedAt: new Date().toISOString(),
    environment,
    files: {},
  };
  for (const cell of ['type1', 'type2']) {
    rmSync(join(dir, cell), { recursive: true, force: true });
    mkdirSync(join(dir, cell), { recursive: true });
  }
  planned.forEach(({ path }, k) => {
    const file = files[k];
    const text = formatGoldenFile(path.startsWith('regressions/') ? { ...file, environment } : file);
    writeFileSync(join(dir, path), text);
    manifest.files[path] = { sha256: sha256(text) };
    const steps = Object.values(file.expected)[0]?.length ?? 0;
    const warned = file.numpyWarnings.length > 0 ? `, NumPy warned: ${file.numpyWarnings.join('; ')}` : '';
    console.log(`  wrote golden/${path} (T = ${steps}, ${(text.length / 1024).toFixed(1)} KiB${warned})`);
  });
  writeFileSync(join(dir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const stale = readdirSync(dir).filter((name) => name.endsWith('.json') && name !== 'MANIFEST.json');
  if (stale.length > 0) console.warn(`golden:generate: files not in the corpus: ${stale.join(', ')}`);
  console.log(`golden:generate: wrote ${planned.length} files and golden/MANIFEST.json`);
} finally {
  await oracle.close();
}
