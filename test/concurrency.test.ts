/**
 * Workers and CLI runs side by side must not see each other. vitest runs test files in parallel
 * (maxWorkers 2), each file with its own NumpyOracle and so its own worker process: that is safe
 * because a worker shares nothing with another (no files, sockets or ports; only its own stdin
 * and stdout). These tests run them side by side on purpose and check each gets its own answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { stringifyDoubles } from '../src/format/json-writer.js';
import { formatSeedOutput } from '../src/format/output.js';
import { runCase } from '../src/cells/run-case.js';
import { buildCase, CASE_TABLE } from '../src/golden/case-table.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import type { FlatCase, ReferenceResult } from '../src/oracle/protocol.js';
import { cli } from './helpers/cli.js';
import { pythonsRunning, scratch, taggedPython } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('concurrency');
afterAll(() => tmp.remove());

const rows = CASE_TABLE.filter((row) => row.steps > 0 && row.steps < 100);
const casesOf = (cell: 'type1' | 'type2'): FlatCase[] =>
  rows.filter((row) => row.cell === cell).map((row) => toFlatCase(row.cell, buildCase(row), { allowNonFinite: row.allowNonFinite }));

it('should give two CLI runs at once each its own output', async () => {
  // Varied cases of both cells (-0, NaN, infinities, subnormals), so a mix-up cannot go unseen.
  const names = ['seed-shape', 'negative-zero', 'nan-input', 'infinite-input', 'subnormal-inputs', 'scalar-unit'];
  const cellOf = (name: string) => (names.indexOf(name) % 2 === 0 ? 'type1' : 'type2');
  const picked = rows.filter((row) => names.includes(row.name) && row.cell === cellOf(row.name));
  expect(picked).toHaveLength(6);
  const inputs = picked.map((row, k) => {
    const path = join(tmp.dir, `case-${k}.json`);
    const value = buildCase(row);
    writeFileSync(path, stringifyDoubles(value));
    return { path, cell: row.cell, expected: formatSeedOutput(runCase(row.cell, value, { allowNonFinite: row.allowNonFinite })), allow: row.allowNonFinite };
  });
  // Pairs started together, different cases in each, so any mix-up shows in the output.
  for (let k = 0; k < inputs.length; k += 2) {
    const pair = inputs.slice(k, k + 2);
    const results = await Promise.all(pair.map((input) => cli(['run', '--cell', input.cell, '--case', input.path, ...(input.allow ? ['--allow-non-finite'] : [])], { stripFinalNewline: false })));
    results.forEach((result, n) => {
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(result.stdout).toBe(pair[n].expected);
    });
  }
});

describeWithNumpy('NumPy workers side by side', () => {
  it('should keep two oracles in one process apart, even when one of their workers is killed', async () => {
    const [a, b] = await Promise.all([NumpyOracle.start({ maxBatch: 3 }), NumpyOracle.start({ maxBatch: 2 })]);
    try {
      const type1 = casesOf('type1');
      const type2 = casesOf('type2');
      // Each oracle's answers, one at a time, are the reference for the interleaved runs.
      const alone1 = await a.evaluate(type1);
      const alone2 = await b.evaluate(type2);
      expect(a.pid).not.toBe(b.pid);
      const rounds: Promise<ReferenceResult[]>[] = [];
      for (let round = 0; round < 4; round++) rounds.push(a.evaluate(type1), b.evaluate(type2));
      process.kill(b.pid!, 'SIGKILL');
      const answers = await Promise.all(rounds);
      answers.forEach((answer, k) => expect(answer).toEqual(k % 2 === 0 ? alone1 : alone2));
      expect(a.restarts).toBe(0);
      expect(b.restarts).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should hand each of many concurrent evaluate calls on one oracle its own results', async () => {
    const oracle = await NumpyOracle.start({ maxBatch: 2 });
    try {
      const all = [...casesOf('type1'), ...casesOf('type2')];
      const alone = await oracle.evaluate(all);
      // Every call asks for a different slice; they are queued, never mixed.
      const answers = await Promise.all(all.map((_, k) => oracle.evaluate(all.slice(k))));
      answers.forEach((answer, k) => expect(answer).toEqual(alone.slice(k)));
    } finally {
      await oracle.close();
    }
  });

  it('should give two verify runs at once the same output as one alone, and leave no worker', async () => {
    const args = ['verify', '--cases', '24', '--seed', '5', '--cell', 'type2'];
    const pythons = [taggedPython(tmp.dir, 'verify'), taggedPython(tmp.dir, 'verify'), taggedPython(tmp.dir, 'verify')];
    const alone = await cli(args, { env: { LSTM_PARITY_PYTHON: pythons[0] } });
    expect(alone.exitCode, String(alone.stderr)).toBe(0);
    const together = await Promise.all(pythons.slice(1).map((python) => cli(args, { env: { LSTM_PARITY_PYTHON: python } })));
    for (const result of together) {
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(result.stdout).toBe(alone.stdout);
    }
    for (const python of pythons) expect(await pythonsRunning(python)).toEqual([]);
  });
});
