/**
 * The oldest vitest the harness's peer range admits, tried for real: packs the harness, installs
 * it beside that vitest (from the registry) in a temporary folder, and runs the conformance suite
 * on this package's cells there. `npm run check:vitest-range`; not part of CI, which stays offline
 * beyond `npm ci`. Measured 2026-12: vitest 3.2.0 and 3.2.4 pass (35 tests, 4 skipped).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../src/package-root.js';

const ROOT = packageRoot();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
const oldest = /\^(\d+\.\d+\.\d+)/.exec(pkg.peerDependencies.vitest)?.[1];
if (oldest === undefined) throw new Error(`package.json: peerDependencies.vitest: expected a range starting "^X.Y.Z", got ${pkg.peerDependencies.vitest}`);
const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-vitest-range-'));
try {
  const { stdout } = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
  const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'vitest-range', private: true, type: 'module' }));
  console.log(`installing ${filename} with vitest@${oldest} (the oldest of "${pkg.peerDependencies.vitest}")`);
  await execa('npm', ['install', '--no-audit', '--no-fund', `./${filename}`, `vitest@${oldest}`], { cwd: dir, stdio: 'inherit' });
  writeFileSync(
    join(dir, 'conformance.test.js'),
    "import { describeLstmConformance } from 'lstm-parity-harness/conformance';\nimport { lstmParityImplementation } from 'lstm-parity-harness/judge';\ndescribeLstmConformance(lstmParityImplementation(), { numRuns: 5 });\n",
  );
  const run = await execa('npx', ['vitest', 'run'], { cwd: dir, reject: false, stdio: 'inherit' });
  console.log(run.exitCode === 0 ? `vitest@${oldest}: the conformance suite runs` : `vitest@${oldest}: FAILED (exit ${run.exitCode})`);
  process.exitCode = run.exitCode === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
