/**
 * npm run mutation:merge -- BASE OVERLAY --group A,B [--out FILE]: one Stryker incremental report
 * from two made in different checkouts (groups run side by side in two working trees, each
 * writing its own mutation/stryker-incremental.json). The files of the groups named come from
 * OVERLAY, every other file from BASE; the result goes to --out (default BASE).
 *
 * Stryker keys a test by its file, position and name, and gives it a fresh id in every run, so a
 * mutant's `coveredBy` and `killedBy` mean something only beside its own report's `testFiles`.
 * Here each test file is taken from OVERLAY where OVERLAY has it (its tests' positions fit only
 * its own copy of the source), else from BASE, and every mutant's tests are found again by file
 * and name. A test that no longer exists there is dropped from the mutant: Stryker then runs that
 * mutant again in the next incremental run, instead of reusing a result it cannot vouch for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GROUPS, matches } from './mutation-groups.js';

interface Test {
  id: string;
  name: string;
}

interface Mutant {
  id: string;
  coveredBy?: string[];
  killedBy?: string[];
}

export interface IncrementalReport {
  files: Record<string, { mutants: Mutant[] }>;
  testFiles?: Record<string, { tests: Test[] }>;
}

/** BASE with the files `fromOverlay` says are OVERLAY's taken from OVERLAY, tests united by file and name. */
export function mergeReports(base: IncrementalReport, overlay: IncrementalReport, fromOverlay: (file: string) => boolean): IncrementalReport {
  const testFiles: Record<string, { tests: Test[] }> = {};
  for (const [file, entry] of Object.entries(base.testFiles ?? {})) if (!(file in (overlay.testFiles ?? {}))) testFiles[file] = { ...entry, tests: [] };
  for (const [file, entry] of Object.entries(overlay.testFiles ?? {})) testFiles[file] = { ...entry, tests: [] };
  // New ids, one per (file, name), in the order the tests are met.
  const idOf = new Map<string, string>();
  const keep = (file: string, test: Test) => {
    const key = `${file}\n${test.name}`;
    if (!idOf.has(key)) {
      idOf.set(key, String(idOf.size));
      testFiles[file].tests.push({ ...test, id: idOf.get(key)! });
    }
  };
  const source = (report: IncrementalReport) => {
    const byId = new Map<string, string>();
    for (const [file, entry] of Object.entries(report.testFiles ?? {})) {
      for (const test of entry.tests) {
        byId.set(test.id, `${file}\n${test.name}`);
        // A test file's entry comes from one report only: the other's tests of it are found by name.
        if ((report === overlay) === file in (overlay.testFiles ?? {})) keep(file, test);
      }
    }
    return (ids: string[] | undefined) => ids?.map((id) => idOf.get(byId.get(id) ?? '')).filter((id): id is string => id !== undefined);
  };
  const fromBase = source(base);
  const fromOver = source(overlay);
  const files: IncrementalReport['files'] = {};
  let mutantId = 0;
  const take = (entry: IncrementalReport['files'][string], tests: (ids: string[] | undefined) => string[] | undefined) => ({
    ...entry,
    mutants: entry.mutants.map((m) => ({ ...m, id: String(mutantId++), coveredBy: tests(m.coveredBy), killedBy: tests(m.killedBy) })),
  });
  for (const [file, entry] of Object.entries(base.files)) if (!fromOverlay(file)) files[file] = take(entry, fromBase);
  for (const [file, entry] of Object.entries(overlay.files)) if (fromOverlay(file)) files[file] = take(entry, fromOver);
  return { ...base, files, testFiles };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = (flag: string) => {
    const k = args.indexOf(flag);
    return k < 0 ? undefined : args.splice(k, 2)[1];
  };
  const groupList = at('--group');
  const out = at('--out');
  const [basePath, overlayPath] = args;
  if (basePath === undefined || overlayPath === undefined || groupList === undefined) {
    console.error('usage: mutation-merge BASE OVERLAY --group A,B [--out FILE]');
    process.exit(2);
  }
  const groups = groupList.split(',').map((name) => {
    const group = GROUPS.find((g) => g.name === name);
    if (group === undefined) {
      console.error(`mutation-merge: no group ${name}; groups: ${GROUPS.map((g) => g.name).join(', ')}`);
      process.exit(2);
    }
    return group;
  });
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as IncrementalReport;
  const merged = mergeReports(read(basePath), read(overlayPath), (file) => groups.some((g) => g.files.some((pattern) => matches(pattern, file))));
  writeFileSync(out ?? basePath, JSON.stringify(merged, null, 2));
  const count = Object.values(merged.files).reduce((n, f) => n + f.mutants.length, 0);
  console.log(`mutation-merge: ${Object.keys(merged.files).length} files, ${count} mutants -> ${out ?? basePath}`);
}

if (process.argv[1]?.endsWith('mutation-merge.js')) main();
