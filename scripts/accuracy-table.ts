/**
 * npm run accuracy:table: the README's findings. For every case-table file of the golden corpus,
 * and for 200 fresh cases per cell drawn like the seed notebook's (H 4, X 3, T 6, S ~ U[0,1),
 * W ~ N(0,1)), measures the port's and NumPy's distance to the mpmath truth and prints markdown
 * tables by cell and key, pooled over all elements.
 */
import { join } from 'node:path';
import { concat, measureAccuracy, median, type AccuracyResult } from '../src/accuracy/accuracy.js';
import type { CellType } from '../src/cells/schema.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { randomMatrix, randomWeights, SeededRandom } from '../src/numeric/seeded-random.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { packageRoot } from '../src/package-root.js';

type Pool = Map<string, { port: Float64Array[]; numpy: Float64Array[]; portAbs: number; numpyAbs: number }>;

function add(pool: Pool, cell: string, result: AccuracyResult) {
  for (const k of result.keys) {
    const entry = pool.get(`${cell}|${k.key}`) ?? { port: [], numpy: [], portAbs: 0, numpyAbs: 0 };
    entry.port.push(result.distances[k.key].port);
    entry.numpy.push(result.distances[k.key].numpy);
    entry.portAbs = Math.max(entry.portAbs, k.port.maxAbs);
    entry.numpyAbs = Math.max(entry.numpyAbs, k.numpy.maxAbs);
    pool.set(`${cell}|${k.key}`, entry);
  }
}

const e = (x: number) => (x === 0 ? '0' : x.toExponential(1));

/**
 * Largest and median ULP, the share of elements correctly rounded (0 ULP from the truth) and the
 * largest absolute error. The share is the robust comparison: medians of 0 or 1 ULP flip on a
 * one-point change in that share, and largest ULP explodes where cancellation leaves a value near
 * zero (where the absolute error shows it is harmless).
 */
function table(title: string, pool: Pool): string {
  const max = (a: Float64Array) => a.reduce((m, x) => Math.max(m, x), 0);
  const exact = (a: Float64Array) => `${((100 * a.filter((x) => x === 0).length) / Math.max(1, a.length)).toFixed(1)}%`;
  const lines = [
    `${title}`,
    '',
    '| cell | key | max ULP TS / NumPy | median ULP TS / NumPy | correctly rounded TS / NumPy | max abs error TS / NumPy |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const [id, { port, numpy, portAbs, numpyAbs }] of pool) {
    const [cell, key] = id.split('|');
    const p = concat(port);
    const n = concat(numpy);
    lines.push(`| ${cell} | ${key} | ${max(p)} / ${max(n)} | ${median(p)} / ${median(n)} | ${exact(p)} / ${exact(n)} | ${e(portAbs)} / ${e(numpyAbs)} |`);
  }
  return lines.join('\n');
}

const oracle = await NumpyOracle.start({ timeoutMs: 600_000 });
try {
  const dir = join(packageRoot(), 'golden');
  const manifest = readManifest(dir);
  const corpus: Pool = new Map();
  const unsettled: string[] = [];
  for (const path of Object.keys(manifest.files).filter((p) => !p.startsWith('regressions/')).sort()) {
    const file = loadGoldenFile(dir, path, manifest);
    const result = await measureAccuracy(oracle, file.cell, file.case, file.allowNonFinite);
    if (!result.converged) unsettled.push(path);
    add(corpus, file.cell, result);
    process.stderr.write(`  ${path}: port max ${result.overall.port.maxUlps} ULP, NumPy max ${result.overall.numpy.maxUlps} ULP (truth at ${result.digits} digits)\n`);
  }
  const seedShape: Pool = new Map();
  for (const cell of ['type1', 'type2'] as CellType[]) {
    for (let k = 0; k < 200; k++) {
      const random = new SeededRandom(1000 + k);
      const value = { S: randomMatrix(random, 6, 3, (r) => r.uniform()), W: randomWeights(random, cell, 4, 3, (r) => r.normal()) };
      add(seedShape, cell, await measureAccuracy(oracle, cell, value));
    }
  }
  console.log(table('Golden corpus (every case-table file; NaN meeting NaN counts as 0 ULP):', corpus));
  console.log('');
  console.log(table('200 seed-shaped cases per cell (H 4, X 3, T 6, S ~ U[0,1), W ~ N(0,1)):', seedShape));
  if (unsettled.length > 0) console.log(`\nTruth not settled at 200 digits for: ${unsettled.join(', ')}`);
} finally {
  await oracle.close();
}
