/**
 * npm run mutation: Stryker over every file of stryker.config.json's `mutate`, one group of files
 * at a time. A whole run takes hours on two cores; run as groups, each `stryker run --mutate
 * <group>` ends by writing the incremental file (mutation/stryker-incremental.json), and Stryker
 * keeps there the results of every file outside that run's --mutate, so the file accumulates the
 * groups as they finish. A run stopped part way loses only the group it was in, and the next run
 * redoes only what changed since (Stryker's incremental mode) and the groups never finished.
 *
 *   (no flags)          every group in turn, in the order below
 *   --group A,B         just these groups
 *   --list              print the groups and their files, run nothing
 *
 * Each group runs with FC_SEED=1 FC_RUNS=60 (the property suites' seed and runs, as before), and
 * stops the whole run on a Stryker failure. Then scripts/mutation-survivors.ts checks the survivors
 * of every group run so far (reports/mutation/mutation.json holds them all), and its exit code is
 * this script's.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../src/package-root.js';

/** The judge's groups run against the judge's own suites (see vitest.mutation-judge.config.ts). */
const JUDGE_CONFIG = 'stryker.judge.config.mjs';

/**
 * The groups, most needed first: src/judge had never been mutated (but for compare.ts and
 * tolerance.ts, last); steps, threads, the WebAssembly loader, the workspace and the driver had
 * not been since they were rewritten.
 */
export const GROUPS: { name: string; files: string[]; config?: string }[] = [
  { name: 'judge-facts', files: ['src/judge/exact-facts.ts', 'src/judge/exact-reference.ts', 'src/judge/signed-zeros.ts'], config: JUDGE_CONFIG },
  { name: 'judge-verdict', files: ['src/judge/verdict.ts', 'src/judge/order-decided.ts', 'src/judge/noise-floor.ts', 'src/judge/golden.ts', 'src/judge/flat-case.ts'], config: JUDGE_CONFIG },
  { name: 'judge-implementation', files: ['src/judge/implementation.ts'], config: JUDGE_CONFIG },
  { name: 'steps', files: ['src/cells/steps.ts'] },
  { name: 'threads', files: ['src/cells/threads.ts'] },
  { name: 'wasm-dots', files: ['src/cells/wasm-dots.ts'] },
  { name: 'workspace', files: ['src/cells/workspace.ts'] },
  { name: 'driver', files: ['src/cells/driver.ts'] },
  { name: 'math', files: ['src/cells/math/**/*.ts', 'src/cells/reuse.ts'] },
  { name: 'cells', files: ['src/cells/kernels.ts', 'src/cells/lstm-type1.ts', 'src/cells/lstm-type2.ts', 'src/cells/prepared.ts', 'src/cells/run-case.ts', 'src/cells/trace.ts', 'src/cells/weights.ts'] },
  { name: 'schema', files: ['src/cells/schema.ts'] },
  { name: 'judge-compare', files: ['src/judge/compare.ts', 'src/judge/tolerance.ts'], config: JUDGE_CONFIG },
  { name: 'ulp', files: ['src/numeric/ulp.ts'] },
];

/** Files Stryker never mutates: generated from other sources (dots-module.ts is dots.wat assembled, which npm run mutation:wasm mutates). */
const GENERATED = ['src/cells/wasm/dots-module.ts'];

/** Every file the groups must cover between them: each .ts under src/cells and src/judge, and ulp.ts. */
function mutatedFiles(root: string): string[] {
  const under = (folder: string) =>
    (readdirSync(join(root, folder), { recursive: true }) as string[]).filter((name) => name.endsWith('.ts')).map((name) => relative(root, join(root, folder, name)).split('\\').join('/'));
  return [...under('src/cells'), ...under('src/judge'), 'src/numeric/ulp.ts'].filter((file) => !GENERATED.includes(file)).sort();
}

/** Whether a group's pattern (a path, or a folder followed by `**\/*.ts`) matches a file. */
export function matches(pattern: string, file: string): boolean {
  return pattern.endsWith('/**/*.ts') ? file.startsWith(pattern.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts') : file === pattern;
}

/** Files that no group or several groups hold: a group list that has fallen behind the sources. */
export function coverageProblems(files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const holders = GROUPS.filter((g) => g.files.some((p) => matches(p, file))).map((g) => g.name);
    if (holders.length !== 1) problems.push(`${file}: in ${holders.length === 0 ? 'no group' : `groups ${holders.join(', ')}`}`);
  }
  return problems;
}

async function main(): Promise<void> {
  const root = packageRoot();
  const problems = coverageProblems(mutatedFiles(root));
  if (problems.length > 0) {
    console.error(`mutation: every mutated file must be in exactly one group of scripts/mutation-groups.ts:\n  ${problems.join('\n  ')}`);
    process.exit(2);
  }
  if (process.argv.includes('--list')) {
    for (const g of GROUPS) console.log(`${g.name}: ${g.files.join(' ')}`);
    return;
  }
  const at = process.argv.indexOf('--group');
  const names = at < 0 ? GROUPS.map((g) => g.name) : process.argv[at + 1].split(',');
  const unknown = names.filter((name) => !GROUPS.some((g) => g.name === name));
  if (unknown.length > 0) {
    console.error(`mutation: no group ${unknown.join(', ')}; groups: ${GROUPS.map((g) => g.name).join(', ')}`);
    process.exit(2);
  }
  for (const name of names) {
    const group = GROUPS.find((g) => g.name === name)!;
    const started = performance.now();
    console.log(`mutation: group ${name} (${group.files.join(', ')})`);
    await execa('npx', ['stryker', 'run', ...(group.config === undefined ? [] : [group.config]), '--mutate', group.files.join(',')], { cwd: root, stdio: 'inherit', env: { FC_SEED: '1', FC_RUNS: '60' } });
    console.log(`mutation: group ${name} done in ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  }
  const survivors = await execa('node', [join(root, 'dist/scripts/mutation-survivors.js')], { cwd: root, stdio: 'inherit', reject: false });
  process.exitCode = survivors.exitCode ?? 1;
}

if (process.argv[1]?.endsWith('mutation-groups.js')) await main();
