/**
 * Size caps where a foreign process or file decides the size: a reply line of the line worker
 * (the NumPy bridge and the command protocol share it) and a golden file. Each is refused with one
 * line naming the cap and how to raise it, before the memory is spent: a 400 MB line never sits in
 * memory, and a 200 MB golden file is never read.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openCommandImplementation } from '../src/implementations/command.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { caseInput, runImplementation } from '../src/judge/implementation.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { DEFAULT_MAX_REPLY_BYTES, readLines, replyLimit } from '../src/process/line-worker.js';
import { BIN, cli, ROOT } from './helpers/cli.js';
import { processesMatching, scratch } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { sequence, type1Weights } from './helpers/weights.js';
import { execa } from 'execa';

const tmp = scratch('size-limits');
afterAll(() => tmp.remove());

const flat = toFlatCase('type1', { S: sequence(2, 2), W: type1Weights(2, 2) });

/** Feeds `chunks` to readLines with a cap of `max` bytes and returns what it reported. */
async function lines(chunks: (string | Buffer)[], max: number): Promise<string[]> {
  const stream = new PassThrough();
  const seen: string[] = [];
  readLines(stream, max, (line) => seen.push(line), () => seen.push('<too long>'));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return seen;
}

describe('reading reply lines', () => {
  it('should split lines across chunks, drop a CR before the newline, keep a multi-byte character split between chunks, and give a last line without newline', async () => {
    const euro = Buffer.from('€');
    expect(await lines(['ab', 'c\nd\r\n\n', Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('\nlast')])], 100)).toEqual(['abc', 'd', '', 'x€', 'last']);
  });

  it('should report a line past the cap once, hold none of it, and read the lines after it', async () => {
    expect(await lines(['12345', '6789', '0123\nok\n', '123456789012345'], 10)).toEqual(['<too long>', 'ok', '<too long>']);
    expect(await lines(['1234567890\n'], 10)).toEqual(['1234567890']);
  });

  it('should take the cap from LSTM_PARITY_MAX_REPLY_MB, and refuse a value that is not a number of MiB', () => {
    expect(replyLimit({})).toBe(DEFAULT_MAX_REPLY_BYTES);
    expect(replyLimit({ LSTM_PARITY_MAX_REPLY_MB: '0.5' })).toBe(512 * 1024);
    for (const bad of ['abc', '0', '-1', '1e3', 'Infinity', '2000000']) {
      expect(() => replyLimit({ LSTM_PARITY_MAX_REPLY_MB: bad }), bad).toThrow(`LSTM_PARITY_MAX_REPLY_MB: expected a number of MiB > 0 (default 64), got ${JSON.stringify(bad)}`);
    }
  });
});

describe('a command printing a line over the cap', () => {
  it('should be killed and fail for good, naming the cap, with no process left', async () => {
    // One endless line: 1 MiB at a time, never a newline.
    const endless = "/* lstm-size-probe endless */ const x = Buffer.alloc(1 << 20, 120); const write = () => { while (process.stdout.write(x)); process.stdout.once('drain', write); }; process.stdin.once('data', write);";
    const impl = await openCommandImplementation({ command: [process.execPath, '-e', endless], helloWaitMs: 0, maxReplyBytes: 4 * 1024 * 1024, timeoutMs: 60_000 });
    try {
      const error = (await runImplementation(impl, flat, 'case 1', caseInput(flat)).catch((e: unknown) => e)) as Error & { fatal: boolean };
      expect(error.fatal).toBe(true);
      expect(error.message).toMatch(/printed a line longer than the 4 MiB limit for a reply \(raise maxReplyBytes to take it\); it was killed\)$/);
      expect(impl.restarts).toBe(1);
    } finally {
      await impl.close();
    }
    expect(await processesMatching('lstm-size-probe')).toEqual([]);
  });

  it('should keep the CLI within a small heap: 400 MB of one line is refused, not held (the real binary)', async () => {
    const script = join(tmp.dir, 'endless.mjs');
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({ hello: { name: 'endless', dtype: 'float64', cells: ['type1', 'type2'] } }) + '\\n');
const x = Buffer.alloc(1 << 20, 120);
let sent = 0;
const write = () => { while (sent++ < 400 && process.stdout.write(x)); if (sent < 400) process.stdout.once('drain', write); };
process.stdin.once('data', write);
process.stdout.on('error', () => process.exit(0));
`,
    );
    // Node's heap held to 96 MB: a 400 MB line held as a string would end in an out-of-memory crash.
    const result = await execa(process.execPath, ['--max-old-space-size=96', BIN, 'verify', '--cell', 'type1', '--cases', '0', '--impl-command', `node ${script}`], {
      reject: false,
      cwd: ROOT,
      env: { LSTM_PARITY_MAX_REPLY_MB: '2', LSTM_PARITY_PYTHON: '' },
    });
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(String(result.stdout)).toMatch(/\nverify: INCOMPLETE: \d+ of \d+ cases were not judged: the implementation failed for good: endless: golden\/type1\/\S+: failed: .* printed a line longer than the 2 MiB limit for a reply \(set LSTM_PARITY_MAX_REPLY_MB to raise it\); it was killed\)$/);
  });

  it('should refuse a bad LSTM_PARITY_MAX_REPLY_MB before anything starts, with exit 2', async () => {
    const result = await cli(['verify', '--cases', '0'], { env: { LSTM_PARITY_MAX_REPLY_MB: 'lots' } });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('lstm-parity: LSTM_PARITY_MAX_REPLY_MB: expected a number of MiB > 0 (default 64), got "lots"');
  });
});

describeWithNumpy('the NumPy worker printing a reply over the cap', () => {
  it('should fail the request, naming the cap, and work again for smaller replies', async () => {
    const oracle = await NumpyOracle.start({ maxReplyBytes: 4096 });
    try {
      const big = toFlatCase('type1', { S: sequence(40, 3), W: type1Weights(8, 3) });
      const error = (await oracle.evaluate([big]).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/NumPy worker printed a line longer than the 4096 bytes limit for a reply \(raise maxReplyBytes to take it\); it was killed/);
      const [small] = await oracle.evaluate([toFlatCase('type1', { S: sequence(1, 1), W: type1Weights(1, 1) })]);
      expect(small.ok).toBe(true);
    } finally {
      await oracle.close();
    }
    await expect(NumpyOracle.start({ maxReplyBytes: 0 })).rejects.toThrow('OracleOptions.maxReplyBytes: expected an integer >= 1, got 0');
  });
});

describe('a golden file over the cap', () => {
  it('should be refused by its size, before it is read, with exit 3 (the real binary)', async () => {
    const dir = join(tmp.dir, 'golden');
    mkdirSync(join(dir, 'type1'), { recursive: true });
    // 200 MB without writing them: a sparse file.
    const fd = openSync(join(dir, 'type1', 'huge.json'), 'w');
    ftruncateSync(fd, 200 * 1024 * 1024);
    closeSync(fd);
    const manifest = { schema: 1, generator: { name: 'x', version: '1', sourceSha256: 'x' }, tableSeed: 1, generatedAt: 'now', environment: { python: '', numpy: '', blas: '', blasCore: null, platform: '', cpuFeatures: [], openblasThreads: '', node: '' }, files: { 'type1/huge.json': { sha256: '0'.repeat(64) } } };
    writeFileSync(join(dir, 'MANIFEST.json'), JSON.stringify(manifest));
    const result = await cli(['verify', '--cases', '0', '--golden', dir], { env: { LSTM_PARITY_PYTHON: '' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('lstm-parity: golden corpus damaged: golden/type1/huge.json: 200.0 MiB is over the 64 MiB limit for a golden file (the corpus\'s largest is 2.2 MB); restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)');
  });
});
