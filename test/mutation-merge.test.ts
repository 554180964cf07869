/**
 * Merging Stryker incremental reports made in two checkouts: each file's mutants from the report
 * named for it, and every mutant's tests found again by file and name in the merged test list.
 */
import { describe, expect, it } from 'vitest';
import { mergeReports, type IncrementalReport } from '../scripts/mutation-merge.js';

const mutant = (id: string, coveredBy: string[], killedBy: string[] = []) => ({ id, coveredBy, killedBy });

describe('mutation-merge', () => {
  // Both runs know test/a.test.ts, under different ids; only the base knows test/b.test.ts, and the
  // overlay's copy of a.test.ts has a test the base's lacks and lacks one the base's has.
  const base: IncrementalReport = {
    files: { 'src/cells/x.ts': { mutants: [mutant('7', ['0', '1', '2'], ['1'])] }, 'src/judge/y.ts': { mutants: [mutant('8', ['0'], ['0'])] } },
    testFiles: { 'test/a.test.ts': { tests: [{ id: '0', name: 'one' }, { id: '1', name: 'gone' }] }, 'test/b.test.ts': { tests: [{ id: '2', name: 'three' }] } },
  };
  const overlay: IncrementalReport = {
    files: { 'src/cells/x.ts': { mutants: [mutant('0', ['5'])] }, 'src/judge/y.ts': { mutants: [mutant('1', ['5', '6'], ['6'])] } },
    testFiles: { 'test/a.test.ts': { tests: [{ id: '5', name: 'one' }, { id: '6', name: 'new' }] } },
  };
  const merged = mergeReports(base, overlay, (file) => file.startsWith('src/judge/'));
  const name = (id: string) => Object.entries(merged.testFiles!).flatMap(([file, { tests }]) => tests.filter((t) => t.id === id).map((t) => `${file} ${t.name}`))[0];

  it("should take each file's mutants from the report named for it", () => {
    expect(Object.keys(merged.files).sort()).toEqual(['src/cells/x.ts', 'src/judge/y.ts']);
    expect(merged.files['src/judge/y.ts'].mutants.map((m) => m.killedBy!.map(name))).toEqual([['test/a.test.ts new']]);
  });

  it('should keep one copy of a test file, the overlay\'s where both have it, and give every test one id', () => {
    expect(Object.fromEntries(Object.entries(merged.testFiles!).map(([file, { tests }]) => [file, tests.map((t) => t.name)]))).toEqual({
      'test/a.test.ts': ['one', 'new'],
      'test/b.test.ts': ['three'],
    });
    const ids = Object.values(merged.testFiles!).flatMap(({ tests }) => tests.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("should find a base mutant's tests again by name, and drop one the kept copy no longer has", () => {
    const [x] = merged.files['src/cells/x.ts'].mutants;
    expect(x.coveredBy!.map(name)).toEqual(['test/a.test.ts one', 'test/b.test.ts three']);
    expect(x.killedBy).toEqual([]);
    const mutantIds = Object.values(merged.files).flatMap((f) => f.mutants.map((m) => m.id));
    expect(new Set(mutantIds).size).toBe(mutantIds.length);
  });
});
