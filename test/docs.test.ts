/**
 * The docs hold only what is true: every relative link and anchor resolves, and every example
 * marked `run` runs as shown (scripts/docs/run-examples.ts says how blocks are marked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
