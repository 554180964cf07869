/**
 * golden/regressions/: minimal failing cases found by property tests and the explorer, kept in
 * the corpus for good. Each is a golden file of its own; saving one adds it to the manifest.
 * The explorer saves a case once: the same inputs found again are recognised by their digest.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyDoubles } from '../format/json-writer.js';
import { OutputFileError, writeOutputFile } from '../io/output-file.js';
import { formatGoldenFile, parseGoldenFile, type GoldenFile } from './format.js';
import { readGoldenBytes, readManifest, sha256 } from './files.js';

export function readRegressions(dir: string): { path: string; file: GoldenFile }[] {
  const folder = join(dir, 'regressions');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const path = `regressions/${name}`;
      const bytes = readGoldenBytes(join(dir, path), `golden/${path}`) ?? Buffer.alloc(0);
      return { path, file: parseGoldenFile(bytes.toString('utf8'), `golden/${path}`) };
    });
}

/**
 * Writes a regression file and records its hash in the manifest; returns its path. Both are
 * written whole, and only to regular files (../io/output-file.ts: an OutputFileError otherwise).
 */
export function saveRegression(dir: string, file: GoldenFile): string {
  const safe = file.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  const path = `regressions/${file.cell}-${safe}.json`;
  mkdirSync(join(dir, 'regressions'), { recursive: true });
  const text = formatGoldenFile(file);
  write(join(dir, path), text);
  const manifest = readManifest(dir);
  manifest.files[path] = { sha256: sha256(text) };
  write(join(dir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

function write(path: string, text: string): void {
  try {
    writeOutputFile(path, text);
  } catch (error) {
    throw new OutputFileError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** A digest of a case's inputs (exact doubles): the same case gets the same digest, whatever found it. */
export function caseDigest(file: Pick<GoldenFile, 'cell' | 'case'>): string {
  return sha256(`${file.cell}\n${stringifyDoubles(file.case)}`).slice(0, 12);
}

/**
 * Saves a regression unless the folder already holds one with the same cell and inputs (by
 * caseDigest): a case found again, under another seed or in another category, is kept once.
 */
export function saveRegressionOnce(dir: string, file: GoldenFile): { path: string; written: boolean } {
  const digest = caseDigest(file);
  const existing = readRegressions(dir).find(({ file: kept }) => caseDigest(kept) === digest);
  if (existing !== undefined) return { path: existing.path, written: false };
  return { path: saveRegression(dir, file), written: true };
}
