/**
 * npm run golden:check: regenerates the corpus in memory with the installed NumPy and reports, per
 * case, the largest difference from the committed files. Exit 1 on drift beyond tolerance, on
 * changed inputs or on table rows without a file; never writes (golden:generate does).
 */
import { join } from 'node:path';
import { readManifest } from '../src/golden/files.js';
import { checkDrift } from '../src/golden/drift.js';
import { environmentOf } from '../src/golden/generate.js';
import { formatComparison } from '../src/judge/compare.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { packageRoot } from '../src/package-root.js';

const dir = join(packageRoot(), 'golden');
const manifest = readManifest(dir);
const oracle = await NumpyOracle.start().catch((error: Error) => {
  console.error(`golden:check: ${error.message}`);
  process.exit(2);
});
try {
  const now = environmentOf(oracle);
  const then = manifest.environment;
  console.log(`golden:check: committed with NumPy ${then.numpy} (${then.blas}, core ${then.blasCore}); installed NumPy ${now.numpy} (${now.blas}, core ${now.blasCore})`);
  const { rows, missing } = await checkDrift(dir, manifest, oracle);
  const width = Math.max(...rows.map((row) => row.path.length));
  console.log(`  ${'file'.padEnd(width)}  ${'elements'.padStart(8)}  ${'bit-equal'.padStart(9)}  ${'max |diff|'.padStart(10)}  ${'max ULP'.padStart(8)}  verdict`);
  let failed = missing.length;
  for (const row of rows) {
    const { comparison: c } = row;
    const problems = [
      c.ok ? '' : 'DRIFT beyond tolerance',
      row.inputsChanged ? 'INPUTS changed (table or generator drift)' : '',
      row.warningsChanged ? 'warnings changed' : '',
    ].filter(Boolean);
    if (!c.ok || row.inputsChanged) failed++;
    const verdict = problems.length === 0 ? (row.identical === c.elements ? 'identical' : 'within tolerance') : problems.join('; ');
    console.log(`  ${row.path.padEnd(width)}  ${String(c.elements).padStart(8)}  ${String(row.identical).padStart(9)}  ${c.maxAbs.toExponential(2).padStart(10)}  ${String(c.maxUlps).padStart(8)}  ${verdict}`);
    if (!c.ok) console.log(formatComparison(c, `    ${row.path}`));
  }
  for (const path of missing) console.log(`  ${path}: in the case table but not committed; run npm run golden:generate`);
  console.log(failed === 0 ? `golden:check: no drift in ${rows.length} files` : `golden:check: ${failed} of ${rows.length + missing.length} files drifted`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await oracle.close();
}
