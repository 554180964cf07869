/**
 * Real faults for the NumPy bridge, without mocks: stand-in Python executables, and the real
 * worker made to misbehave on cue by test/fixtures/fault-shim/sitecustomize.py (loaded through
 * PYTHONPATH, so reference/worker.py itself is unchanged).
 *
 * Each test names its Python with a unique tag (a symlink to the real interpreter), so the
 * process table shows which worker belongs to which test even while other test files run their
 * own workers in parallel.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from './cli.js';
import { numpy } from './numpy.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures');

/** The interpreter behind `python3` (or $LSTM_PARITY_PYTHON), past any version-manager shim. */
export const realPython: string | undefined = numpy.ok
  ? String((await execa(numpy.python, ['-c', 'import sys; print(sys.executable)'])).stdout).trim()
  : undefined;

/** A scratch folder for one test file, removed by `remove()`. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lstm-parity-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let tagCount = 0;

/** A symlink to the real Python whose path carries a unique tag; ps shows that path. */
export function taggedPython(dir: string, name: string): string {
  const path = join(dir, `python-${name}-${process.pid}-${++tagCount}`);
  symlinkSync(realPython!, path);
  return path;
}

/** A shell script standing in for Python; `body` runs with $REAL set to the real interpreter. */
export function fakePython(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nREAL='${realPython}'\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

export type Fault =
  | 'kill-mid-batch'
  | 'exit-mid-batch'
  | 'hang'
  | 'garbage'
  | 'truncate'
  | 'truncate-and-die'
  | 'unknown-id'
  | 'stderr-noise'
  | 'unreadable-request'
  | 'stop-reading'
  | 'wrong-count'
  | 'short-output'
  | 'refuse'
  | 'unsettled';

export interface FaultPlan {
  /** The fault fires from the n-th "run" request on, counted over restarted workers too (default 1). */
  at?: number;
  /** How many times it fires in all, over every restarted worker (default 1). */
  times?: number;
}

/** Environment for a worker that misbehaves as planned; firings are recorded in `dir`. */
export function faultEnv(dir: string, fault: Fault, plan: FaultPlan = {}): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  return {
    PYTHONPATH: join(FIXTURES, 'fault-shim'),
    LSTM_PARITY_FAULT: fault,
    LSTM_PARITY_FAULT_DIR: dir,
    LSTM_PARITY_FAULT_AT: String(plan.at ?? 1),
    LSTM_PARITY_FAULT_TIMES: String(plan.times ?? 1),
  };
}

/** How many times the fault really happened: proof that a passing test exercised it. */
export function firings(dir: string): number {
  return readdirSync(dir).filter((name) => name.startsWith('fired-')).length;
}

/** Lines of the process table (pid and command line) whose command line mentions `text`. */
export async function processesMatching(text: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  return String(stdout)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(text) && !/^\d+ ps -eo\b/.test(line));
}

/** Processes running the tagged Python `python` (not others that merely name it in their arguments). */
export async function pythonsRunning(python: string): Promise<string[]> {
  return (await processesMatching(python)).filter((line) => line.replace(/^\d+ /, '').startsWith(`${python} `));
}

export async function isRunning(pid: number): Promise<boolean> {
  const { stdout } = await execa('ps', ['-o', 'pid=', '-p', String(pid)], { reject: false });
  return String(stdout).trim() === String(pid);
}
