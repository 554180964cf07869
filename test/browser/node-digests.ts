/**
 * Global setup of the browser project: Node's answers on every golden case, on both backends, as
 * SHA-256 digests of each seed key's canonical bytes, and of Node's own Math.exp and Math.tanh,
 * handed to the suite that runs in Chromium.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadGoldenFile, readManifest } from '../../src/golden/files.js';
import { ROOT } from '../helpers/cli.js';
import { BACKENDS, LIBM_FUNCTIONS, canonicalBytes, libmValues, runGolden, seedFields, type NodeDigests } from './golden-runs.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export default function setup(project: TestProject): void {
  const dir = join(ROOT, 'golden');
  const manifest = readManifest(dir);
  const digests: NodeDigests = {};
  for (const path of Object.keys(manifest.files)) {
    const file = loadGoldenFile(dir, path, manifest);
    digests[path] = { wasm: {}, scalar: {} };
    for (const backend of BACKENDS) {
      for (const [key, values] of seedFields(runGolden(file, backend))) digests[path][backend][key] = sha256(canonicalBytes(values));
    }
  }
  project.provide('nodeDigests', digests);
  project.provide('nodeLibm', { exp: sha256(canonicalBytes(libmValues('exp'))), tanh: sha256(canonicalBytes(libmValues('tanh'))) });
}
