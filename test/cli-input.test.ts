/**
 * The CLI's input limits and failure lines. The limits are tested through the real binary (a huge
 * file, a huge stdin, an endless device) and through src directly, where a small `maxBytes`
 * makes the same paths cheap; main() is driven directly so every failure class is seen.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkCaseSize, formatBytes, MAX_CASE_BYTES, MAX_SEQUENCE_VALUES, MAX_TRACE_VALUES } from '../src/cli/limits.js';
import { main } from '../src/cli/main.js';
import { readTextInput } from '../src/cli/read-input.js';
import { UsageError } from '../src/cli/usage-error.js';
import { VERSION } from '../src/version.js';
import { runCase } from '../src/cells/run-case.js';
import { overflowingLiteral } from '../src/format/case-problems.js';
import { formatSeedOutput } from '../src/format/output.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { cli, ROOT } from './helpers/cli.js';
import { runMain } from './helpers/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-cli-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plainCase = join(dir, 'plain.json');
writeFileSync(plainCase, '{}');

const W1 = {
  w_i: [[0.5]], u_i: [[0.1]], b_i: [0],
  w_g: [[0.2]], u_g: [[0.3]], b_g: [1],
  w_o: [[-0.4]], u_o: [[0.2]], b_o: [0],
  w_c: [[1.5]], u_c: [[-0.7]], b_c: [0.1],
};

describe('case size limits, through the real binary', () => {
  it('should refuse a case file over 32 MiB by its size, before reading it', async () => {
    const path = join(dir, 'huge.json');
    // A sparse file: 33 MiB long, nothing written, so the refusal must come from its size.
    writeFileSync(path, '');
    truncateSync(path, 33 * 1024 * 1024);
    const result = await cli(['run', '--cell', 'type1', '--case', path]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`lstm-parity: ${path}: 33.0 MiB is over the 32.0 MiB limit for a case`);
  });

  it('should stop reading stdin past 32 MiB and refuse it', async () => {
    const result = await cli(['run', '--cell', 'type1', '--case', '-'], { input: Buffer.alloc(MAX_CASE_BYTES + 1, 32) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('lstm-parity: stdin: more than 32.0 MiB; a case may be at most 32.0 MiB');
  });

  it('should stop reading an endless device past 32 MiB and refuse it', async () => {
    const result = await cli(['run', '--cell', 'type1', '--case', '/dev/zero']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('lstm-parity: /dev/zero: more than 32.0 MiB; a case may be at most 32.0 MiB');
  });

  it('should refuse a sequence with more than 2^20 values (T x X) before running it', async () => {
    const S = Array.from({ length: 1025 }, () => new Array<number>(1024).fill(0));
    const result = await cli(['run', '--cell', 'type1', '--case', '-'], { input: JSON.stringify({ S, W: W1 }) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`lstm-parity: stdin: S is 1025 x 1024 (T x X = 1049600 values); the CLI takes at most ${MAX_SEQUENCE_VALUES} (2^20): split the sequence`);
  });

  it('should refuse a trace with more than 2^18 values per key (T x H) before running it', async () => {
    const S = Array.from({ length: MAX_TRACE_VALUES + 1 }, () => [0]);
    const result = await cli(['run', '--cell', 'type1', '--case', '-'], { input: JSON.stringify({ S, W: W1 }) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `lstm-parity: stdin: the trace would be 262145 x 1 (T x H = 262145 values per key); the CLI writes at most ${MAX_TRACE_VALUES} (2^18): split the sequence`,
    );
  });
});

describe('readTextInput', () => {
  it('should read a file and stdin up to the limit, and refuse one byte more', async () => {
    const path = join(dir, 'ten.json');
    writeFileSync(path, '0123456789');
    await expect(readTextInput(path, { maxBytes: 10 })).resolves.toBe('0123456789');
    await expect(readTextInput(path, { maxBytes: 9 })).rejects.toThrowError(`${path}: 10 bytes is over the 9 bytes limit for a case`);
    await expect(readTextInput('-', { maxBytes: 10, stdin: Readable.from([Buffer.from('01234'), Buffer.from('56789')]) })).resolves.toBe('0123456789');
    await expect(readTextInput('-', { maxBytes: 9, stdin: Readable.from([Buffer.from('01234'), Buffer.from('56789')]) })).rejects.toThrowError(
      'stdin: more than 9 bytes; a case may be at most 9 bytes',
    );
  });

  it.each([
    ['a missing file', join('no', 'such.json'), 'cannot read no/such.json: no such file'],
    ['a directory', '.', 'cannot read .: it is a directory'],
  ])('should refuse %s with a usage error', async (_what, path, message) => {
    const error = await readTextInput(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it('should report any other read failure with its reason', async () => {
    await expect(readTextInput(`${join(dir, 'ten.json')}/below-a-file`)).rejects.toThrowError(/^cannot read .*below-a-file: ENOTDIR: not a directory/);
  });
});

describe('checkCaseSize', () => {
  it('should accept a case exactly at the limits and leave malformed cases to the schema', () => {
    expect(() => checkCaseSize({ S: [new Array(MAX_SEQUENCE_VALUES).fill(0)], W: { u_i: [[0]] } }, 'x')).not.toThrow();
    expect(() => checkCaseSize({ S: new Array(MAX_TRACE_VALUES).fill([0]), W: { u_i: [[0]] } }, 'x')).not.toThrow();
    for (const value of [null, 5, [], { S: 'x' }, { S: [] }, { S: [5] }, { S: [[0]], W: null }, { S: [[0]], W: { u_i: 3 } }]) {
      expect(() => checkCaseSize(value, 'x')).not.toThrow();
    }
  });

  it('should refuse one value over either limit, naming the source', () => {
    expect(() => checkCaseSize({ S: [new Array(MAX_SEQUENCE_VALUES + 1).fill(0)], W: {} }, 'big.json')).toThrowError(
      `big.json: S is 1 x ${MAX_SEQUENCE_VALUES + 1} (T x X = ${MAX_SEQUENCE_VALUES + 1} values); the CLI takes at most ${MAX_SEQUENCE_VALUES} (2^20): split the sequence`,
    );
    expect(() => checkCaseSize({ S: new Array(MAX_TRACE_VALUES / 2 + 1).fill([0]), W: { u_i: [[0, 0], [0, 0]] } }, 'stdin')).toThrowError(
      `stdin: the trace would be ${MAX_TRACE_VALUES / 2 + 1} x 2 (T x H = ${MAX_TRACE_VALUES + 2} values per key); the CLI writes at most ${MAX_TRACE_VALUES} (2^18): split the sequence`,
    );
  });

  it('should say sizes in bytes or MiB', () => {
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(3 * 1024 * 1024 + 512 * 1024)).toBe('3.5 MiB');
  });
});

describe('a golden file as --case', () => {
  const golden = join(ROOT, 'golden');

  it('should run its case, with its cell and its allowNonFinite, as run does the case itself', async () => {
    for (const path of ['type2/seed-shape.json', 'type1/nan-input.json']) {
      const file = loadGoldenFile(golden, path, readManifest(golden));
      const fromGolden = await runMain(['run', '--case', join(golden, path)]);
      expect(fromGolden.code, fromGolden.stderr).toBe(0);
      expect(fromGolden.stdout).toBe(formatSeedOutput(runCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite })));
      expect((await runMain(['run', '--cell', file.cell, '--case', join(golden, path)])).stdout).toBe(fromGolden.stdout);
    }
  });

  it("should refuse a --cell that is not the golden file's", async () => {
    expect(await runMain(['run', '--cell', 'type1', '--case', join(golden, 'type2/seed-shape.json')])).toEqual({
      code: 2,
      stdout: '',
      stderr: "lstm-parity: --cell type1 does not match the golden file's cell type2\n",
    });
  });
});

describe('overflowing number literals', () => {
  it('should find the first literal beyond a double, skipping strings, with its line and column', () => {
    expect(overflowingLiteral('{"S": [[1e308, "1e400"],\n  [-1.5e999]]}')).toEqual({ literal: '-1.5e999', line: 2, column: 4 });
    expect(overflowingLiteral(`[${'9'.repeat(400)}]`)).toEqual({ literal: '9'.repeat(400), line: 1, column: 2 });
    expect(overflowingLiteral('[1e308, "\\"1e999", 2]')).toBeUndefined();
  });

  it('should name the literal in the CLI, and leave other infinities to the schema', async () => {
    const path = join(dir, 'overflow.json');
    writeFileSync(path, JSON.stringify({ S: [[1]], W: W1 }).replace('"b_c":[0.1]', '"b_c":[1e400]'));
    expect(await runMain(['run', '--cell', 'type1', '--case', path])).toEqual({
      code: 2,
      stdout: '',
      stderr: `lstm-parity: ${path}: the number 1e400 at line 1, column ${readFileSync(path, 'utf8').indexOf('1e400') + 1} is too large for a double (it reads as Infinity); non-finite values need --allow-non-finite\n`,
    });
    writeFileSync(path, JSON.stringify({ S: [[1]], W: { ...W1, b_c: ['-Infinity'] } }));
    expect((await runMain(['run', '--cell', 'type1', '--case', path])).stderr).toBe(
      'lstm-parity: W.b_c[0]: expected a finite number, got -Infinity; non-finite values need --allow-non-finite\n',
    );
  });
});

describe('main', () => {
  it('should print the usage on stderr and exit 2 with no command, on stdout and exit 0 when asked for help', async () => {
    expect(await runMain([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^usage: lstm-parity <command>/) });
    expect(await runMain(['--help'])).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^usage: lstm-parity <command>/) });
    expect(await runMain(['run', '-h'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: lstm-parity run /) });
    expect(await runMain(['merge', '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: lstm-parity merge /) });
  });

  it('should print its version', async () => {
    expect(await runMain(['--version'])).toEqual({ code: 0, stdout: `lstm-parity ${VERSION}\n`, stderr: '' });
  });

  it.each([
    ['an unknown command', ['frobnicate'], 'lstm-parity: unknown command "frobnicate"; commands: verify, merge, explore, accuracy, scoreboard, run, case, serve\n'],
    ['an unknown option', ['run', '--fast'], "lstm-parity: Unknown option '--fast'\n"],
    ['a stray argument', ['run', '--cell', 'type1', 'case.json'], 'lstm-parity: Unexpected argument \'case.json\'. This command does not take positional arguments\n'],
    ['an empty --cell', ['run', '--cell', '', '--case', '-'], 'lstm-parity: --cell: expected type1 or type2, got ""\n'],
    ['a file that is not there', ['run', '--cell', 'type1', '--case', 'nope.json'], 'lstm-parity: cannot read nope.json: no such file\n'],
    ['no --cell for a case file', ['run', '--case', plainCase], 'lstm-parity: --cell is required: type1 or type2\n'],
    ['no --case', ['run', '--cell', 'type2'], 'lstm-parity: --case is required: a case file or golden file, or - for stdin\n'],
    ['a negative number after an option', ['verify', '--cases', '-1'], 'lstm-parity: --cases: expected an integer >= 0, got "-1"\n'],
    ['the same with =', ['verify', '--cases=-1'], 'lstm-parity: --cases: expected an integer >= 0, got "-1"\n'],
    ['a number too large', ['verify', '--cases', '99999999999999999999'], 'lstm-parity: --cases: 99999999999999999999 is too large; at most 4294967295 (the campaign draws at most 2^32 - 1 distinct cases per cell)\n'],
    ['a seed too large', ['verify', '--seed', '4294967296'], 'lstm-parity: --seed: 4294967296 is too large; at most 4294967295 (campaign seeds are 32-bit)\n'],
    ['no worker', ['verify', '--jobs', '0'], 'lstm-parity: --jobs: expected an integer >= 1, got "0"\n'],
    ['control bytes in a name', ['run', '--cell', 'type1', '--case', 'a\u0000b\u001b[31m.json'], 'lstm-parity: cannot read a\\u0000b\\u001b[31m.json: a file name cannot hold a NUL byte\n'],
  ])('should exit 2 with one line on %s', async (_what, args, line) => {
    expect(await runMain(args)).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('should exit 2 on a case that fails the schema, and 1 with "internal error" on anything unforeseen', async () => {
    const path = join(dir, 'case.json');
    writeFileSync(path, JSON.stringify({ S: [[1]], W: { ...W1, b_i: [0, 1] } }));
    expect(await runMain(['run', '--cell', 'type1', '--case', path])).toEqual({ code: 2, stdout: '', stderr: 'lstm-parity: W.b_i: expected shape [1], got [2]\n' });
    writeFileSync(path, JSON.stringify({ S: [[1]], W: W1 }));
    const ok = await runMain(['run', '--cell', 'type1', '--case', path]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).Output).toHaveLength(1);
    // A failing write stands for anything unforeseen: an internal error, with its stack on request.
    const write = vi.spyOn(process.stdout, 'write');
    const debug = process.env.LSTM_PARITY_DEBUG;
    process.env.LSTM_PARITY_DEBUG = '1';
    try {
      write.mockImplementationOnce(() => {
        throw new Error('disk full');
      });
      const failed = await runMain(['run', '--cell', 'type1', '--case', path]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^lstm-parity: internal error: disk full\nError: disk full\n {4}at /);
    } finally {
      write.mockRestore();
      if (debug === undefined) delete process.env.LSTM_PARITY_DEBUG;
      else process.env.LSTM_PARITY_DEBUG = debug;
    }
  });
});
