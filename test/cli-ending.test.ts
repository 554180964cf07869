/**
 * How the real binary ends when it does not end by itself: Ctrl-C in the middle of a campaign
 * (one line, exit 130, no worker left, whether the signal reaches the command alone or, as from a
 * terminal, its whole process group), SIGTERM (the same, exit 143), Ctrl-C while an implementation
 * hangs (the line still says how far the run got), a reader that goes away (quietly, exit 0), an output that
 * cannot be written (one line, exit 1), and a report that cannot be written (checked before the
 * run where it can be, and never left half written).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLifecycle } from '../src/cli/lifecycle.js';
import { BIN, cli, ROOT } from './helpers/cli.js';
import { processesMatching, pythonsRunning, scratch, taggedPython } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('cli-ending');
afterAll(() => tmp.remove());

/** A case whose output is about 2 MB of JSON: far more than a pipe holds. */
function bigCase(): string {
  const H = 16;
  const row = (n: number, scale: number) => Array.from({ length: n }, (_, k) => scale * Math.sin(k + 1));
  const W: Record<string, unknown> = {};
  for (const gate of ['i', 'g', 'o', 'c']) Object.assign(W, { [`w_${gate}`]: Array.from({ length: H }, () => row(2, 0.3)), [`u_${gate}`]: Array.from({ length: H }, () => row(H, 0.1)), [`b_${gate}`]: row(H, 0.1) });
  const path = join(tmp.dir, 'big-case.json');
  writeFileSync(path, JSON.stringify({ S: Array.from({ length: 1000 }, (_, t) => row(2, Math.cos(t))), W }));
  return path;
}

describe('output that cannot be written', () => {
  it('should end quietly with exit 0 when the reader goes away (run | head -1)', async () => {
    const child = execa(process.execPath, [BIN, 'run', '--cell', 'type1', '--case', bigCase()], { reject: false, cwd: ROOT, buffer: { stdout: false } });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('should say so in one line and exit 1 when stdout is a full disk', async () => {
    const result = await execa('/bin/sh', ['-c', `exec "${process.execPath}" "${BIN}" run --cell type1 --case "${bigCase()}" > /dev/full`], { reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('lstm-parity: cannot write to stdout: ENOSPC: no space left on device');
  });
});

describeWithNumpy('a reader that goes away from a failing run', () => {
  const WRONG = `python3 ${join(ROOT, 'test/fixtures/implementations/wrong_lstm.py')} dropped-bias`;

  it('should still exit 1, with nothing on stderr, when stdout is closed after the first line (verify | head -1)', async () => {
    const child = execa(process.execPath, [BIN, 'verify', '--cell', 'type1', '--cases', '20', '--impl-command', WRONG], { reject: false, cwd: ROOT, buffer: { stdout: false } });
    let first = '';
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (chunk: Buffer) => {
        first += String(chunk);
        if (first.includes('\n')) {
          child.stdout!.destroy();
          resolve();
        }
      }),
    );
    const result = await child;
    expect(first).toMatch(/^campaign: seed 1, shard 1\/1, 20 cases per cell\n/);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('');
  });

  it('should still exit with its own code when stderr is closed before anything is written', async () => {
    const failing = execa(process.execPath, [BIN, 'verify', '--cell', 'type1', '--cases', '5', '--impl-command', WRONG, '--report', '/nonexistent/r.html'], { reject: false, cwd: ROOT, buffer: { stderr: false } });
    failing.stderr!.destroy();
    expect((await failing).exitCode).toBe(2);
    const broken = execa(process.execPath, [BIN, 'verify', '--cell', 'type1', '--cases', '5', '--impl-command', WRONG, '--json'], { reject: false, cwd: ROOT, buffer: { stderr: false, stdout: false } });
    broken.stdout!.destroy();
    broken.stderr!.destroy();
    expect((await broken).exitCode).toBe(1);
  });
});

describe('a report that cannot be written', () => {
  it.each(['/proc/r.html', '/sys/r.html'])('should refuse --report %s before the run, with one line', async (path) => {
    const result = await cli(['verify', '--cell', 'type1', '--cases', '5', '--report', path]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(String(result.stderr)).toMatch(new RegExp(`^lstm-parity: --report: cannot write ${path}: a test file could not be written in /(proc|sys): E[A-Z]+: [^\\n]+$`));
  });

  it('should leave no report, whole or truncated, and no temporary file when writing it fails', async () => {
    const folder = join(tmp.dir, 'limited');
    mkdirSync(folder);
    const report = join(folder, 'r.html');
    // A golden-only run (no python3 on PATH) under a file size limit of 100 blocks: the test file
    // written before the run fits, the report (over a megabyte) does not.
    const result = await execa('/bin/sh', ['-c', `ulimit -f 100 && exec "${process.execPath}" "${BIN}" verify --cell type1 --report "${report}"`], {
      reject: false,
      env: { LSTM_PARITY_PYTHON: '', PATH: folder },
    });
    expect(result.exitCode).toBe(1);
    expect(String(result.stdout)).toMatch(/\nverify: OK: 13 cases, .*\(golden corpus only: the live campaign was skipped\)$/);
    expect(result.stderr).toBe(`lstm-parity: --report: cannot write ${report}: EFBIG: file too large, write`);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describeWithNumpy('Ctrl-C', () => {
  // Whatever fails (an assertion, a timeout), a campaign of a million cases must not outlive it.
  const started = new Set<() => void>();
  afterEach(() => {
    for (const kill of started) kill();
    started.clear();
  });

  /** Starts a long campaign, waits until it has started, and interrupts it as `how` says. */
  async function interrupted(how: 'process' | 'group', name: NodeJS.Signals = 'SIGINT') {
    const python = taggedPython(tmp.dir, `sigint-${how}`);
    const child = execa(process.execPath, [BIN, 'verify', '--cases', '1000000', '--jobs', '2'], {
      reject: false,
      cwd: ROOT,
      env: { LSTM_PARITY_PYTHON: python },
      detached: how === 'group',
      buffer: { stdout: true, stderr: true },
    });
    const signal = (name: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (how === 'group') process.kill(-child.pid!, name);
      else child.kill(name);
    };
    started.add(() => signal('SIGKILL'));
    // The environment line comes once the workers are up.
    await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('environment: ') && resolve()));
    expect(await pythonsRunning(python)).toHaveLength(2);
    signal(name);
    const result = await child;
    return { result, left: await pythonsRunning(python) };
  }

  it.each(['process', 'group'] as const)('should stop the campaign, kill its workers, say so in one line and exit 130 (SIGINT to the %s)', async (how) => {
    const { result, left } = await interrupted(how);
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toMatch(/^lstm-parity: interrupted: stopped after \d+ of 2000028 cases; no verdict$/);
    expect(String(result.stdout)).not.toMatch(/verify: /);
    expect(left).toEqual([]);
  });

  it('should stop as for Ctrl-C at SIGTERM, with its own line and exit 143', async () => {
    const { result, left } = await interrupted('process', 'SIGTERM');
    expect(result.exitCode).toBe(143);
    expect(String(result.stderr)).toMatch(/^lstm-parity: terminated \(SIGTERM\): stopped after \d+ of 2000028 cases; no verdict$/);
    expect(String(result.stdout)).not.toMatch(/verify: /);
    expect(left).toEqual([]);
  });

  it('should say what was done when interrupted while an implementation hangs, starting or in the golden corpus, and leave no process', async () => {
    // A command that sends no hello: verify waits for one, and Ctrl-C comes during the wait.
    const marker = join(tmp.dir, 'silent-started');
    const silent = join(tmp.dir, 'silent-impl.mjs');
    writeFileSync(silent, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'up');\nsetInterval(() => undefined, 1000);\n`);
    const starting = execa(process.execPath, [BIN, 'verify', '--cell', 'type1', '--cases', '5', '--impl-command', `node ${silent} lstm-hang-probe`], { reject: false, cwd: ROOT });
    started.add(() => starting.kill('SIGKILL'));
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 50));
    starting.kill('SIGINT');
    const early = await starting;
    expect(early.exitCode).toBe(130);
    expect(early.stderr).toBe('lstm-parity: interrupted: stopped before the first case, while the implementation was starting; no verdict');
    // A command that says hello, then never answers its first case (a golden file).
    const hang = execa(process.execPath, [BIN, 'verify', '--cell', 'type1', '--cases', '5', '--impl-command', `python3 ${join(ROOT, 'test/fixtures/implementations/faulty_lstm.py')} hang`], { reject: false, cwd: ROOT, buffer: { stdout: true } });
    started.add(() => hang.kill('SIGKILL'));
    await new Promise<void>((resolve) => hang.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('environment: ') && resolve()));
    hang.kill('SIGINT');
    const golden = await hang;
    expect(golden.exitCode).toBe(130);
    expect(golden.stderr).toBe('lstm-parity: interrupted: stopped after 0 of 32 cases; no verdict');
    expect(await processesMatching('lstm-hang-probe')).toEqual([]);
    expect(await processesMatching('faulty_lstm.py hang')).toEqual([]);
  });
});

describe('the lifecycle', () => {
  function recorder() {
    const events: string[] = [];
    return { events, io: { exit: (code: number) => void events.push(`exit ${code}`), writeError: (line: string) => void events.push(`stderr ${line.trimEnd()}`) } };
  }

  it('should run the cleanups, then exit; a second signal exits at once with the first code', async () => {
    const { events, io } = recorder();
    const lifecycle = createLifecycle(io);
    const unregister = lifecycle.onCleanup(async () => void events.push('cleanup'));
    lifecycle.onCleanup(() => void events.push('other cleanup'));
    unregister();
    lifecycle.describeInterrupt(() => 'stopped after 3 of 9 cases; no verdict');
    const first = lifecycle.interrupt();
    await lifecycle.interrupt();
    await first;
    expect(events).toEqual(['stderr lstm-parity: interrupted: stopped after 3 of 9 cases; no verdict', 'other cleanup', 'exit 130', 'exit 130']);
  });

  it('should end at SIGTERM as at Ctrl-C, with its own line and 143', async () => {
    const { events, io } = recorder();
    const lifecycle = createLifecycle(io);
    lifecycle.onCleanup(() => void events.push('cleanup'));
    lifecycle.describeInterrupt(() => 'stopped after 1 of 2 cases; no verdict');
    await lifecycle.interrupt('SIGTERM');
    expect(events).toEqual(['stderr lstm-parity: terminated (SIGTERM): stopped after 1 of 2 cases; no verdict', 'cleanup', 'exit 143']);
  });

  it('should go on quietly on EPIPE, end with one line and 1 on any other write error, and silently when stderr fails', async () => {
    const error = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const [stream, failure, expected] of [
      ['stdout', error('EPIPE', 'write EPIPE'), []],
      ['stderr', error('EPIPE', 'write EPIPE'), []],
      ['stdout', error('ENOSPC', 'write ENOSPC: no space left on device'), ['stderr lstm-parity: cannot write to stdout: ENOSPC: no space left on device', 'exit 1']],
      ['stdout', error('EIO', 'write EIO: i/o error'), ['stderr lstm-parity: cannot write to stdout: EIO: i/o error', 'exit 1']],
      ['stderr', error('ENOSPC', 'write ENOSPC'), ['exit 1']],
    ] as const) {
      const { events, io } = recorder();
      await createLifecycle(io).outputError(stream, failure);
      expect(events).toEqual(expected);
    }
  });

  it('should step aside while a command holds Ctrl-C, until each holder releases it once', () => {
    const lifecycle = createLifecycle(recorder().io);
    expect(lifecycle.interruptTaken).toBe(false);
    const first = lifecycle.takeInterrupt();
    const second = lifecycle.takeInterrupt();
    first();
    first();
    expect(lifecycle.interruptTaken).toBe(true);
    second();
    expect(lifecycle.interruptTaken).toBe(false);
  });

  it('should not wait for a cleanup that hangs', async () => {
    const { events, io } = recorder();
    const lifecycle = createLifecycle(io);
    lifecycle.onCleanup(() => new Promise<void>(() => undefined));
    void lifecycle.end(1, 'lstm-parity: stopping');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(events).toEqual(['stderr lstm-parity: stopping', 'exit 1']);
  });
});
