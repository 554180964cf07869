/**
 * Files the CLI writes go only to regular files (src/io/output-file.ts): a character device, a
 * FIFO, a socket, a folder or a symbolic link at the path is refused with one line, and left as
 * it was; a regular file is replaced whole. Every writer goes through the same helper: verify's,
 * merge's and explore's --report, the scoreboard's --out and explore's --save.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportPath, writeReport } from '../src/cli/report-file.js';
import { OutputFileError, outputFileProblem, writeOutputFile } from '../src/io/output-file.js';
import { saveRegression } from '../src/golden/regressions.js';
import { cli, ROOT } from './helpers/cli.js';
import { scratch } from './helpers/faults.js';
import { capture } from './helpers/in-process.js';

const tmp = scratch('output-file');
let socketServer: Server;

/** What is at `path`, as `ls -l` would say it, to check it is left as it was. */
function kind(path: string): string {
  const entry = lstatSync(path);
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isCharacterDevice()) return 'character device';
  if (entry.isBlockDevice()) return 'block device';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isSocket()) return 'socket';
  if (entry.isDirectory()) return 'folder';
  return 'file';
}

/**
 * A character device in the scratch folder: /dev/full's numbers (1, 7), made with mknod, which
 * needs root (CI runs as root). Elsewhere /dev/full itself, which nobody but root could replace.
 */
function characterDevice(): string {
  return device('full', ['c', '1', '7'], '/dev/full');
}

/** A device node made with mknod in the scratch folder (root only), else `fallback`. */
function device(name: string, numbers: string[], fallback: string): string {
  const path = join(tmp.dir, name);
  try {
    execFileSync('mknod', ['-m', '666', path, ...numbers], { stdio: 'ignore' });
    return path;
  } catch {
    return fallback;
  }
}

const paths: Record<string, string> = {};

beforeAll(async () => {
  paths.device = characterDevice();
  // The first loop device's numbers (7, 0); nothing is ever written to it.
  paths.block = device('loop', ['b', '7', '0'], '/dev/loop0');
  paths.fifo = join(tmp.dir, 'fifo');
  execFileSync('mkfifo', [paths.fifo]);
  paths.socket = join(tmp.dir, 'socket');
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(paths.socket, resolve));
  paths.folder = join(tmp.dir, 'folder');
  mkdirSync(paths.folder);
  writeFileSync(join(tmp.dir, 'target.html'), 'the target\n');
  paths.link = join(tmp.dir, 'link');
  symlinkSync('target.html', paths.link);
  paths.devnullLink = join(tmp.dir, 'null-link');
  symlinkSync('/dev/null', paths.devnullLink);
  paths.dangling = join(tmp.dir, 'dangling');
  symlinkSync('nowhere.html', paths.dangling);
});
afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  tmp.remove();
});

const REFUSALS: [string, string, RegExp][] = [
  ['device', 'character device', /^it is a character device, not a regular file$/],
  ['block', 'block device', /^it is a block device, not a regular file$/],
  ['fifo', 'fifo', /^it is a FIFO \(named pipe\), not a regular file$/],
  ['socket', 'socket', /^it is a socket, not a regular file$/],
  ['folder', 'folder', /^it is a folder$/],
  ['link', 'link', /^it is a symbolic link \(to target\.html\); give the path of a regular file$/],
  ['devnullLink', 'link', /^it is a symbolic link \(to \/dev\/null\); give the path of a regular file$/],
  ['dangling', 'link', /^it is a symbolic link \(to nowhere\.html\); give the path of a regular file$/],
];

describe('writeOutputFile', () => {
  it.each(REFUSALS)('should refuse a %s and leave it as it was', (name, was, reason) => {
    const path = paths[name];
    expect(outputFileProblem(path)).toMatch(reason);
    expect(() => writeOutputFile(path, 'report')).toThrow(OutputFileError);
    expect(() => writeOutputFile(path, 'report')).toThrow(reason);
    expect(kind(path)).toBe(was);
    expect(readFileSync(join(tmp.dir, 'target.html'), 'utf8')).toBe('the target\n');
  });

  it('should replace a regular file whole, create a new one, and leave no temporary file', () => {
    const folder = join(tmp.dir, 'regular');
    mkdirSync(folder);
    const path = join(folder, 'r.html');
    writeFileSync(path, 'old');
    expect(outputFileProblem(path)).toBeUndefined();
    writeOutputFile(path, 'new');
    writeOutputFile(join(folder, 'fresh.html'), 'fresh');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(folder).sort()).toEqual(['fresh.html', 'r.html']);
  });

  it('should not write through a link planted at its temporary file', () => {
    const folder = join(tmp.dir, 'planted');
    mkdirSync(folder);
    writeFileSync(join(folder, 'victim'), 'keep me');
    symlinkSync(join(folder, 'victim'), join(folder, `.r.html.partial-${process.pid}`));
    writeOutputFile(join(folder, 'r.html'), 'report');
    expect(readFileSync(join(folder, 'victim'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(folder, 'r.html'), 'utf8')).toBe('report');
  });

  it('should say when the folder is missing or is not a folder', () => {
    expect(outputFileProblem(join(tmp.dir, 'missing', 'r.html'))).toBe(`folder ${join(tmp.dir, 'missing')} does not exist`);
    expect(outputFileProblem(join(tmp.dir, 'target.html', 'r.html'))).toBe(`${join(tmp.dir, 'target.html')} is not a folder`);
    expect(outputFileProblem(join(tmp.dir, `${'x'.repeat(300)}.html`))).toMatch(/^ENAMETOOLONG: name too long, lstat /);
  });

  it('should say why a file cannot be written where the folder looks writable but is not (/proc)', () => {
    expect(outputFileProblem('/proc/r.html')).toMatch(/^a test file could not be written in \/proc: ENOENT: no such file or directory, open '\/proc\/\.r\.html\.check-\d+'$/);
    expect(() => writeOutputFile('/proc/r.html', 'report')).toThrow(/^ENOENT: no such file or directory, open '\/proc\/\.r\.html\.partial-\d+'$/);
  });
});

describe('every writer of the CLI', () => {
  it('should refuse a report path at once, with exit 2, naming the option', () => {
    for (const [name, , reason] of REFUSALS) {
      expect(() => checkReportPath(paths[name])).toThrow(`--report: cannot write ${paths[name]}: ${reason.source.replace(/\\/g, '').slice(1, -1)}`);
    }
    expect(() => checkReportPath(paths.fifo, '--out')).toThrow(/^--out: cannot write /);
  });

  it('should refuse a path replaced while the run went on, with exit 1, and write nothing', async () => {
    const folder = join(tmp.dir, 'replaced');
    mkdirSync(folder);
    const path = join(folder, 'r.html');
    expect(checkReportPath(path)).toBe(path);
    execFileSync('mkfifo', [path]);
    const caught = await capture(async () => {
      try {
        writeReport(path, '<html>');
        return 0;
      } catch (error) {
        expect((error as Error).message).toBe(`--report: cannot write ${path}: it is a FIFO (named pipe), not a regular file`);
        return 1;
      }
    });
    expect(caught).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(kind(path)).toBe('fifo');
    expect(readdirSync(folder)).toEqual(['r.html']);
  });

  it('should keep explore --save from writing the manifest through a link', () => {
    const dir = join(tmp.dir, 'golden');
    mkdirSync(dir);
    const manifest = readFileSync(join(ROOT, 'golden', 'MANIFEST.json'), 'utf8');
    writeFileSync(join(tmp.dir, 'elsewhere.json'), manifest);
    symlinkSync(join(tmp.dir, 'elsewhere.json'), join(dir, 'MANIFEST.json'));
    const file = { cell: 'type1', name: 'x' } as Parameters<typeof saveRegression>[1];
    expect(() => saveRegression(dir, file)).toThrow(`cannot write ${join(dir, 'MANIFEST.json')}: it is a symbolic link (to ${join(tmp.dir, 'elsewhere.json')}); give the path of a regular file`);
    expect(readFileSync(join(tmp.dir, 'elsewhere.json'), 'utf8')).toBe(manifest);
  });

  it.each(['device', 'fifo', 'link'])('should refuse verify --report on a %s with one line and exit 2, and leave it as it was (the real binary)', async (name) => {
    const path = paths[name];
    const before = kind(path);
    const result = await cli(['verify', '--cases', '0', '--cell', 'type1', '--report', path], { env: { LSTM_PARITY_PYTHON: '' }, timeout: 60_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(String(result.stderr)).toMatch(new RegExp(`^lstm-parity: --report: cannot write ${path}: it is a [^\\n]+$`));
    expect(kind(path)).toBe(before);
  });
});
