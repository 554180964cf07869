/**
 * The golden corpus on disk: the manifest, and each file read with its sha256 checked against it,
 * so a file edited by hand or corrupted fails by name before any comparison runs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoldenFileError, parseGoldenFile, parseManifest, type GoldenFile, type GoldenManifest } from './format.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads and validates golden/MANIFEST.json. */
export function readManifest(dir: string): GoldenManifest {
  const manifestPath = join(dir, 'MANIFEST.json');
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch {
    throw new GoldenFileError(`${manifestPath}: missing; run npm run golden:generate`);
  }
  return parseManifest(text, 'golden/MANIFEST.json');
}

/**
 * Loads one file listed in the manifest, checking its sha256 first: a file edited by hand or
 * corrupted fails here, by name, before any comparison runs.
 */
export function loadGoldenFile(dir: string, path: string, manifest: GoldenManifest): GoldenFile {
  const entry = manifest.files[path];
  if (entry === undefined) throw new GoldenFileError(`golden/${path}: not listed in MANIFEST.json`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, path));
  } catch {
    throw new GoldenFileError(`golden/${path}: listed in MANIFEST.json but missing`);
  }
  const actual = sha256(bytes);
  if (actual !== entry.sha256) {
    throw new GoldenFileError(
      `golden/${path}: sha256 ${actual.slice(0, 12)}... does not match MANIFEST.json (${entry.sha256.slice(0, 12)}...): changed by hand or corrupted; regenerate with npm run golden:generate`,
    );
  }
  return parseGoldenFile(bytes.toString('utf8'), `golden/${path}`);
}
