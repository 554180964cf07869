/**
 * The golden corpus on disk: the manifest, and each file read with its sha256 checked against it,
 * so a file edited by hand or corrupted fails by name before any comparison runs. A file on disk
 * that the manifest does not list is named too, rather than silently left out of the corpus.
 *
 * Damage to the committed corpus is a GoldenCorpusError, which says how to restore it: the CLI
 * gives it an exit code of its own, apart from bad input and from disagreement.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoldenFileError, parseGoldenFile, parseManifest, type GoldenFile, type GoldenManifest } from './format.js';

/**
 * The corpus on disk is damaged: a file changed (its sha256 differs from MANIFEST.json's),
 * missing, or not listed. The message names the file and how to restore it; the CLI exits with
 * its own code for it, since the port is not to blame.
 */
export class GoldenCorpusError extends GoldenFileError {
  override readonly name: string = 'GoldenCorpusError';
}

const RESTORE = 'restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)';

/**
 * The largest golden file (or manifest) read: the corpus's largest is 2.2 MB, and a file at the
 * CLI's largest case (2^18 values per output key) about 40 MB. A file is checked against it before
 * it is read, so a 200 MB file costs nothing.
 */
export const MAX_GOLDEN_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The bytes of a corpus file, named `name` in errors: a regular file (a FIFO would block the
 * read, a device never end) of at most MAX_GOLDEN_FILE_BYTES. Undefined when it is not there.
 */
export function readGoldenBytes(path: string, name: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoldenCorpusError(`${name}: cannot be read: ${(error as Error).message.split('\n')[0]}; ${RESTORE}`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new GoldenCorpusError(`${name}: not a regular file; ${RESTORE}`);
    if (info.size > MAX_GOLDEN_FILE_BYTES) {
      const size = (info.size / 1024 / 1024).toFixed(1);
      throw new GoldenCorpusError(`${name}: ${size} MiB is over the ${MAX_GOLDEN_FILE_BYTES / 1024 / 1024} MiB limit for a golden file (the corpus's largest is 2.2 MB); ${RESTORE}`);
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The hex sha256 of a file's text or bytes, as MANIFEST.json records it. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function readManifestText(dir: string): string {
  const manifestPath = join(dir, 'MANIFEST.json');
  const bytes = readGoldenBytes(manifestPath, manifestPath);
  if (bytes === undefined) throw new GoldenCorpusError(`${manifestPath}: missing; ${RESTORE}`);
  return bytes.toString('utf8');
}

function parseCorpusManifest(text: string): GoldenManifest {
  try {
    return parseManifest(text, 'golden/MANIFEST.json');
  } catch (error) {
    throw new GoldenCorpusError(`${(error as Error).message}; ${RESTORE}`, { cause: error });
  }
}

/** Reads and validates golden/MANIFEST.json. */
export function readManifest(dir: string): GoldenManifest {
  return parseCorpusManifest(readManifestText(dir));
}

/** The manifest with the sha256 of its own bytes: shards of one campaign must share it. */
export function readManifestWithDigest(dir: string): { manifest: GoldenManifest; sha256: string } {
  const text = readManifestText(dir);
  return { manifest: parseCorpusManifest(text), sha256: sha256(text) };
}

function jsonFilesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return jsonFilesUnder(dir, path);
    return entry.name.endsWith('.json') && path !== 'MANIFEST.json' ? [path] : [];
  });
}

/** JSON files under the golden folder that the manifest does not list, sorted. */
export function unlistedFiles(dir: string, manifest: GoldenManifest): string[] {
  return jsonFilesUnder(dir)
    .filter((path) => !(path in manifest.files))
    .sort();
}

/** Refuses a corpus with files the manifest does not list, naming them. */
export function checkNothingUnlisted(dir: string, manifest: GoldenManifest): void {
  const extra = unlistedFiles(dir, manifest);
  if (extra.length === 0) return;
  const more = extra.length > 1 ? ` (and ${extra.length - 1} more: ${extra.slice(1).map((path) => `golden/${path}`).join(', ')})` : '';
  throw new GoldenCorpusError(`golden/${extra[0]}: not listed in MANIFEST.json${more}; remove it, or run npm run golden:generate to add it to the corpus`);
}

/** The bytes of a listed file, after checking them against the manifest's sha256. */
function readListed(dir: string, path: string, manifest: GoldenManifest): Buffer {
  const entry = manifest.files[path];
  if (entry === undefined) throw new GoldenCorpusError(`golden/${path}: not listed in MANIFEST.json; remove it, or run npm run golden:generate to add it to the corpus`);
  const bytes = readGoldenBytes(join(dir, path), `golden/${path}`);
  if (bytes === undefined) throw new GoldenCorpusError(`golden/${path}: listed in MANIFEST.json but missing; ${RESTORE}`);
  const actual = sha256(bytes);
  if (actual !== entry.sha256) {
    throw new GoldenCorpusError(
      `golden/${path}: sha256 ${actual.slice(0, 12)}... does not match MANIFEST.json (${entry.sha256.slice(0, 12)}...): changed by hand or corrupted; ${RESTORE}`,
    );
  }
  return bytes;
}

/**
 * The whole corpus, checked before anything is judged: the manifest, every listed file against
 * its sha256, and no file the manifest does not list. Returns the manifest and its own digest.
 */
export function checkCorpus(dir: string): { manifest: GoldenManifest; sha256: string } {
  const corpus = readManifestWithDigest(dir);
  for (const path of Object.keys(corpus.manifest.files).sort()) readListed(dir, path, corpus.manifest);
  checkNothingUnlisted(dir, corpus.manifest);
  return corpus;
}

/**
 * Loads one file listed in the manifest, checking its sha256 first: a file edited by hand or
 * corrupted fails here, by name, before any comparison runs.
 */
export function loadGoldenFile(dir: string, path: string, manifest: GoldenManifest): GoldenFile {
  const bytes = readListed(dir, path, manifest);
  try {
    return parseGoldenFile(bytes.toString('utf8'), `golden/${path}`);
  } catch (error) {
    throw new GoldenCorpusError(`${(error as Error).message}; ${RESTORE}`, { cause: error });
  }
}
