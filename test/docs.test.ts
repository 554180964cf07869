/**
 * The docs hold only what is true: every relative link and anchor resolves, and every example
 * marked `run` runs as shown (scripts/docs/run-examples.ts says how blocks are marked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../src/campaign/case-checks.js';
import { DEFAULT_CASES } from '../src/cli/verify.js';
import { checkLinks } from '../scripts/docs/check-links.js';
import { codeBlocks } from '../scripts/docs/markdown.js';
import { outputMatches, runExamples, shellCommands } from '../scripts/docs/run-examples.js';
import { ROOT } from './helpers/cli.js';

/** The hand-written docs: the README, the changelog and the guides (not the generated API pages). */
const DOCS = ['README.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

describe('docs', () => {
  it('should have no broken relative link or anchor', () => {
    const { broken } = checkLinks(ROOT, DOCS);
    expect(broken.map((b) => `${b.file}:${b.line}: ${b.target}: ${b.problem}`)).toEqual([]);
  });

  it.each(DOCS.filter((doc) => codeBlocks(readFileSync(join(ROOT, doc), 'utf8')).some((block) => block.meta.includes('run'))))(
    '%s: every example marked run should run as shown',
    async (doc) => {
      const { ran, failures } = await runExamples(readFileSync(join(ROOT, doc), 'utf8'), ROOT);
      expect(ran).toBeGreaterThan(0);
      expect(failures.map((f) => `${doc}:${f.line}: ${f.problem}`)).toEqual([]);
    },
    300_000,
  );
});

/**
 * The sample `npm run verify` outputs in the README and the verify guide. They are pasted from a
 * run, not produced by each test run (a campaign takes minutes), so they must say they are a
 * sample, show verify's current checks in its order, and hold together: no number edited by hand
 * or left over from an older run can contradict the others.
 */
describe('the sample verify outputs', () => {
  const samples = ['README.md', 'docs/verify.md'].map((doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const block = codeBlocks(text).find((b) => b.code.startsWith('campaign: '));
    if (block === undefined) throw new Error(`${doc}: no sample verify output`);
    const before = text.split('\n').slice(Math.max(0, block.line - 6), block.line - 1).join(' ');
    return { doc, before, lines: block.code.trimEnd().split('\n') };
  });

  it.each(samples)('$doc: should be marked as a sample of the default campaign, with the checks verify runs', ({ before, lines }) => {
    expect(before).toMatch(/\bsample run\b/);
    expect(lines[0]).toBe(`campaign: seed 1, shard 1/1, ${DEFAULT_CASES} cases per cell`);
    const checks = lines.filter((l) => /^[a-z][a-z:-]+ +\d+ +\d+ +\d+ +\d+$/.test(l)).map((l) => l.split(' ')[0]);
    // Abridged with "..." lines perhaps, but never out of order nor naming a check verify lacks.
    expect(checks.filter((c) => !CHECK_NAMES.includes(c as never))).toEqual([]);
    expect(checks).toEqual(CHECK_NAMES.filter((c) => checks.includes(c)));
    if (!lines.includes('...')) expect(checks).toEqual([...CHECK_NAMES]);
  });

  it.each(samples)('$doc: should add up: each row\'s verdicts, each cell\'s cases, and the total', ({ lines }) => {
    const rows = lines.flatMap((l) => {
      const m = /^(type[12]) +(golden|live) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) /.exec(l);
      return m === null ? [] : [{ cell: m[1], source: m[2], counts: m.slice(3, 8).map(Number) }];
    });
    expect(rows.map((r) => `${r.cell} ${r.source}`)).toEqual(['type1 golden', 'type1 live', 'type2 golden', 'type2 live']);
    for (const { counts: [cases, ...verdicts] } of rows) expect(verdicts.reduce((a, b) => a + b)).toBe(cases);
    const perCell = (cell: string) => rows.filter((r) => r.cell === cell).reduce((n, r) => n + r.counts[0], 0);
    const run = lines.find((l) => l.startsWith('run '))!.trim().split(/ +/).map(Number);
    expect([run[1], run[3]]).toEqual([perCell('type1'), perCell('type2')]);
    expect(lines.at(-1)).toBe(`verify: OK: ${perCell('type1') + perCell('type2')} cases, the TypeScript cells agree with NumPy`);
  });
});

describe("the README's scoreboard", () => {
  it("should give the failures and cases of the committed scoreboard run (docs/scoreboard.md)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const board = readFileSync(join(ROOT, 'docs/scoreboard.md'), 'utf8');
    const claims = [...readme.matchAll(/\*\*fails\*\* on (\d+) of (\d+) cases/g)];
    expect(claims.length).toBeGreaterThan(0);
    // The scoreboard's rows that fail: | name | cell | dtype | version | cases | agree | ill-cond | quirk | port bug | ... | FAILS |
    const failing = board.split('\n').filter((l) => l.startsWith('| ') && l.trimEnd().endsWith('| FAILS |')).map((l) => l.split('|').map((c) => c.trim()));
    expect(claims.map((m) => [Number(m[1]), Number(m[2])])).toEqual(failing.map((cells) => [Number(cells[9]), Number(cells[5])]));
  });
});

describe('the example runner', () => {
  it('should match shown output exactly, abridged only where a line is ...', () => {
    expect(outputMatches(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(outputMatches(['a'], ['a', 'b'])).toBe(false);
    expect(outputMatches(['a', '...'], ['a', 'b', 'c'])).toBe(true);
    expect(outputMatches(['...', 'c'], ['a', 'b', 'c'])).toBe(true);
    expect(outputMatches(['a', '...', 'c'], ['a', 'b', 'c'])).toBe(true);
    expect(outputMatches(['a', 'c'], ['a', 'b', 'c'])).toBe(false);
    expect(outputMatches(['x ... y'], ['x 1.5 s y'])).toBe(true);
    expect(outputMatches(['x ... y'], ['x 1.5 s z'])).toBe(false);
    expect(outputMatches([], ['noise'])).toBe(false);
    expect(outputMatches(['...', 'b', '...'], ['a', 'b', 'c'])).toBe(true);
    expect(outputMatches(['...', 'c', 'b', '...'], ['a', 'b', 'c'])).toBe(false);
  });

  it('should read commands and their shown output from a shell block', () => {
    expect(shellCommands('$ echo hi\nhi\n\n$ true\n')).toEqual([
      { command: 'echo hi', expected: ['hi'] },
      { command: 'true', expected: [] },
    ]);
  });

  it('should fail an example that throws, exits non-zero, or prints something else', async () => {
    const doc = ['```ts run', "throw new Error('no');", '```', '```sh run', '$ echo one', 'two', '```', '```sh run', 'exit 3', '```', '```sh', 'not run', '```'].join('\n');
    const { ran, failures } = await runExamples(doc, ROOT);
    expect(ran).toBe(3);
    expect(failures.map((f) => f.line)).toEqual([1, 4, 8]);
    expect(failures[1].problem).toMatch(/^`echo one` printed something else than shown/);
  });

  it('should let an example import the package by name and run its command', async () => {
    const doc = [
      '```ts run',
      "import { lstmType1 } from 'lstm-parity';",
      "import assert from 'node:assert/strict';",
      'assert.equal(lstmType1([], { w_i: [[0]], u_i: [[0]], b_i: [0], w_g: [[0]], u_g: [[0]], b_g: [0], w_o: [[0]], u_o: [[0]], b_o: [0], w_c: [[0]], u_c: [[0]], b_c: [0] }).steps, 0);',
      '```',
      '```sh run',
      '$ npx lstm-parity run --cell type9 --case golden/type1/seed-shape.json; echo "exit $?"',
      'lstm-parity: --cell: expected type1 or type2, got "type9"',
      'exit 2',
      '```',
    ].join('\n');
    expect((await runExamples(doc, ROOT)).failures).toEqual([]);
  });
});
