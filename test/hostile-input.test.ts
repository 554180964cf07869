/**
 * Hostile input beyond the faults of issue 25, each listed with its outcome in
 * docs/faults-and-limits.md (Hostile input): case files and command replies fuzzed with
 * fast-check, and one-off inputs made to break a parser, a prototype, a read or the terminal.
 *
 * The properties run with a fixed seed, so a run is the same everywhere; FC_SEED and FC_RUNS
 * (environment) change the seed and the number of runs. A failure prints fast-check's report with
 * the seed and path, then the command that replays it, e.g.
 *   FC_SEED=25 FC_PATH=3:0 npx vitest run test/hostile-input.test.ts -t 'case file'
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalText } from '../src/cli/terminal.js';
import { failureReport, readSettings } from '../src/conformance/runner.js';
import { CaseFileError, parseCaseJson } from '../src/format/case-file.js';
import { reviveDouble } from '../src/format/doubles.js';
import { sha256 } from '../src/golden/files.js';
import { openCommandImplementation, type CommandImplementation } from '../src/implementations/command.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { caseInput, ImplementationError, runImplementation } from '../src/judge/implementation.js';
import { cli, ROOT } from './helpers/cli.js';
import { processesMatching, scratch } from './helpers/faults.js';
import { runMain } from './helpers/in-process.js';
import { sequence, type1Weights } from './helpers/weights.js';

const tmp = scratch('hostile');
afterAll(() => tmp.remove());

/** Anything a terminal would act on: every control character but the newline ending a line. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Runs a property with this file's fixed seed (or FC_SEED) and FC_RUNS, failing with the replay line. */
async function holds<Ts extends [unknown, ...unknown[]]>(title: string, runs: number, arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, body: (...args: Ts) => Promise<void>): Promise<void> {
  const settings = readSettings(runs);
  const seed = settings.seeded ? settings.seed : 25;
  const details = await fc.check(fc.asyncProperty(...arbitraries, body), { seed, numRuns: settings.numRuns, path: settings.path, endOnFailure: true });
  if (details.failed) throw new Error(await failureReport(details, title, join(ROOT, 'test/hostile-input.test.ts')));
}

const KEYS = ['S', 'W', 'w_i', 'u_i', 'b_i', 'w_g', 'u_g', 'b_g', 'w_o', 'u_o', 'b_o', 'w_c', 'u_c', 'b_c', 'w_cell', 'b_cell', '__proto__', 'constructor', '', '\u001b[2J', 'x\ny'];
const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', 'nan', '1e400', '\u0007'),
  fc.constant(null),
  fc.boolean(),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
})).node;

/** A real case (T, X, H small), so that the fuzz often gets past parsing into the schema and the cell. */
const realCase = fc
  .record({ T: fc.integer({ min: 0, max: 3 }), X: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }), key: fc.constantFrom(...KEYS), at: fc.nat(), swap: fc.option(scalar) })
  .map(({ T, X, H, key, at, swap }) => {
    // A real case, sometimes with one weight or one value replaced by something else.
    const W = { ...type1Weights(H, X) } as Record<string, unknown>;
    const S = sequence(T, X) as unknown[][];
    if (swap !== null) {
      if (T > 0 && at % 2 === 0) S[at % T][0] = swap;
      else W[key] = swap;
    }
    return { S, W } as unknown;
  });

type Corruption = { kind: 'none' } | { kind: 'insert'; at: number; text: string } | { kind: 'cut'; at: number } | { kind: 'twice'; at: number } | { kind: 'bare'; at: number; word: string };
const corruption = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('"', ',', '[', '}', '\u0000', '\\', ' NaN', '\uFEFF', '\r\n', '"S": 1,', '\ud800') }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('twice' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bare' as const), at: fc.nat(), word: fc.constantFrom('NaN', 'Infinity', '-Infinity') }),
) as fc.Arbitrary<Corruption>;

/** The text of `value` with one corruption: a character inserted, the text cut, a key given twice, a bare NaN. */
function corrupt(text: string, c: Corruption): string {
  if (c.kind === 'none') return text;
  const at = text.length === 0 ? 0 : c.at % text.length;
  if (c.kind === 'insert') return text.slice(0, at) + c.text + text.slice(at);
  if (c.kind === 'cut') return text.slice(0, at);
  const keys = [...text.matchAll(/"((?:[^"\\]|\\.)*)":/g)];
  if (c.kind === 'twice') {
    if (keys.length === 0) return text;
    const k = keys[c.at % keys.length];
    return `${text.slice(0, k.index)}${k[0]} 0, ${text.slice(k.index)}`;
  }
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/g)];
  if (numbers.length === 0) return text;
  const n = numbers[c.at % numbers.length];
  return text.slice(0, n.index) + c.word + text.slice(n.index! + n[0].length);
}

describe('fuzzed case files', () => {
  it('should parse a case file or refuse it with one CaseFileError line naming the source, never anything else, and agree with JSON.parse on what it accepts', async () => {
    await holds('case file text', 400, [fc.oneof(realCase, value), corruption], async (v, c) => {
      const text = corrupt(JSON.stringify(v) ?? 'null', c);
      let parsed: unknown;
      try {
        parsed = parseCaseJson(text, 'fuzz.json');
      } catch (error) {
        if (!(error instanceof CaseFileError)) throw error;
        expect(error.message.startsWith('fuzz.json: ')).toBe(true);
        expect(terminalText([error.message]).split('\n')).toHaveLength(2);
        return;
      }
      expect(parsed).toEqual(JSON.parse(text.replace(/^\uFEFF/, ''), reviveDouble));
    });
  });

  it('should run a fuzzed case file or refuse it with exit 2 and one line, never another code, a stack or a raw control character (lstm-parity run)', async () => {
    const file = join(tmp.dir, 'fuzz-case.json');
    await holds('case file run', 150, [fc.oneof({ arbitrary: realCase, weight: 3 }, { arbitrary: value, weight: 1 }), corruption, fc.constantFrom('type1', 'type2')], async (v, c, cell) => {
      writeFileSync(file, corrupt(JSON.stringify(v) ?? 'null', c));
      const result = await runMain(['run', '--cell', cell, '--case', file]);
      if (result.code === 0) {
        expect(Object.keys(JSON.parse(result.stdout) as object)).toContain('Output');
        return;
      }
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^lstm-parity: [^\n]*\n$/);
      expect(result.stderr).not.toMatch(RAW_CONTROL);
    });
    // Nothing from the case reached a prototype.
    expect(({} as Record<string, unknown>).Output).toBeUndefined();
  });
});

/**
 * A command that answers each request with the line it is sent in the request itself (W.reply,
 * with $ID made the request's id), so one process can give every fuzzed reply.
 */
const ECHO = `/* lstm-hostile-echo */ require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => { const r = JSON.parse(line); process.stdout.write(String(r.W.reply).split('$ID').join(String(r.id)) + '\\n'); });`;

const flat = toFlatCase('type1', { S: sequence(2, 1), W: type1Weights(1, 1) });
const GOOD = '{"id": $ID, "outputs": {"Output": [[0.5], [0.25]]}}';

const reply = fc.oneof(
  fc.constant(GOOD),
  fc.json().map((text) => text.replace(/"id":\d+/, '"id":$ID')),
  fc.record({ id: fc.oneof(fc.constant('$ID'), fc.constantFrom('-1', '1e300', '"1"', 'null', '0.5')), body: value }).map(({ id, body }) => `{"id": ${id}, "outputs": ${JSON.stringify(body)}}`),
  fc.record({ error: fc.string({ unit: 'binary', maxLength: 40 }) }).map(({ error }) => `{"id": $ID, "error": ${JSON.stringify(error)}}`),
  fc.record({ body: value }).map(({ body }) => `{"id": $ID, "outputs": {"Output": ${JSON.stringify(body)}}}`),
  fc.constantFrom('{"hello": {"dtype": "float64", "cells": ["type1"]}}', '', '{', '[]', 'null', '{"id": $ID}', `{"id": $ID, "outputs": {"Output": ${'['.repeat(50_000)}${']'.repeat(50_000)}}}`),
  fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/[\n\r]/g, ' ')),
);

describe('fuzzed command replies', () => {
  it('should take a valid reply, and refuse any other with an ImplementationError naming the command, one line, no process left', async () => {
    let impl: CommandImplementation | undefined;
    // A reply that is no reply (a hello, say) leaves the case waiting for the timeout: kept short.
    const open = async () => (impl = await openCommandImplementation({ command: [process.execPath, '-e', ECHO], name: 'fuzz', helloWaitMs: 0, timeoutMs: 3000 }));
    try {
      await holds('command reply', 60, [reply], async (line) => {
        // A command that failed for good answers nothing more: each run gets a process of its own.
        if (impl === undefined || impl.restarts > 0) {
          await impl?.close();
          await open();
        }
        const input = { ...caseInput(flat), W: { ...caseInput(flat).W, reply: line } as never };
        try {
          const outputs = await runImplementation(impl!, flat, 'fuzzed case', input);
          expect(outputs.Output).toHaveLength(2);
        } catch (error) {
          if (!(error instanceof ImplementationError)) throw error;
          expect(error.message.startsWith('fuzz: fuzzed case: ')).toBe(true);
          expect(terminalText([error.message]).split('\n')).toHaveLength(2);
          if (error.fatal) {
            await impl!.close();
            impl = undefined;
          }
        }
      });
    } finally {
      await impl?.close();
    }
    expect(await processesMatching('lstm-hostile-echo')).toEqual([]);
  }, 300_000);
});

describe('one-off hostile input', () => {
  it('should refuse an output key named __proto__ as an unknown key, not as a prototype', async () => {
    const impl = await openCommandImplementation({ command: [process.execPath, '-e', ECHO], name: 'proto', helloWaitMs: 0 });
    try {
      const input = { ...caseInput(flat), W: { ...caseInput(flat).W, reply: '{"id": $ID, "outputs": {"__proto__": {"Output": [[1], [2]]}, "Output": [[0.5], [0.25]]}}' } as never };
      await expect(runImplementation(impl, flat, 'case', input)).rejects.toThrow('proto: case: unknown output key "__proto__"; type1 has Output, ');
    } finally {
      await impl.close();
    }
  });

  it('should refuse a case whose W holds a __proto__ key, naming it, and leave Object.prototype alone', async () => {
    const file = join(tmp.dir, 'proto-case.json');
    writeFileSync(file, JSON.stringify({ S: [[1]], W: type1Weights(1, 1) }).replace('"W":{', '"W":{"__proto__":{"polluted":1},'));
    const result = await runMain(['run', '--cell', 'type1', '--case', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('lstm-parity: W.__proto__: unexpected key for type1; expected only w_i, u_i, b_i, w_g, u_g, b_g, w_o, u_o, b_o, w_c, u_c, b_c\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should refuse a golden file that is a FIFO instead of waiting on it for ever (exit 3)', async () => {
    const dir = join(tmp.dir, 'fifo-golden');
    mkdirSync(join(dir, 'type1'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'type1', 'seed-shape.json')]);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, unknown> };
    manifest.files = { 'type1/seed-shape.json': { sha256: sha256('') } };
    writeFileSync(join(dir, 'MANIFEST.json'), JSON.stringify(manifest));
    const result = await cli(['verify', '--cases', '0', '--golden', dir], { env: { LSTM_PARITY_PYTHON: '' }, timeout: 60_000 });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('lstm-parity: golden corpus damaged: golden/type1/seed-shape.json: not a regular file; restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)');
  });

  it("should show a crashing command's last stderr line escaped: it cannot clear the screen from an error message", async () => {
    const script = join(tmp.dir, 'dies-loudly.mjs');
    writeFileSync(script, "process.stdout.write(JSON.stringify({ hello: { name: 'loud', dtype: 'float64', cells: ['type1'] } }) + '\\n');\nprocess.stdin.once('data', () => { process.stderr.write('\\u001b[2J\\u001b[Hverify: OK: fake\\r\\n'); process.exit(9); });\n");
    const result = await cli(['verify', '--cell', 'type1', '--cases', '0', '--impl-command', `node ${script}`], { env: { LSTM_PARITY_PYTHON: '' } });
    expect(result.exitCode).toBe(1);
    const out = String(result.stdout);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).not.toMatch(/^verify: OK/m);
    expect(out).toMatch(/its last stderr line: \\u001b\[2J\\u001b\[Hverify: OK: fake\)$/);
  });
});
