/**
 * Installing packed tarballs into a fresh app without a registry: the app's package-lock.json
 * takes each package from its tarball and every package under them from this repository's own
 * lockfile (same versions, same integrity), so `npm install --offline` finds them all in the npm
 * cache that `npm ci` filled. Nothing is resolved, so no registry is asked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

/** The package a dependency `name` of the package at `from` resolves to, as Node would find it. */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (key in packages) return key;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

export interface PackedTarball {
  /** The tarball's file name, relative to the app's folder's parent. */
  filename: string;
  integrity: string;
  /** The package.json it was packed from. */
  manifest: string;
}

/** The lockfile of an app named `app` whose dependencies are the packages in `tarballs`. */
export function appLockfile(app: string, tarballs: readonly PackedTarball[]): object {
  const root = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = { '': { name: app, dependencies: {} } };
  const visit = (from: string, entry: LockEntry) => {
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name));
    const names = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers.has(name))];
    for (const name of names) {
      const key = resolveKey(root.packages, from, name);
      if (key === undefined) {
        if (name in (entry.optionalDependencies ?? {})) continue;
        throw new Error(`${from}: its dependency ${name} is not in package-lock.json`);
      }
      if (key in packages) continue;
      const { dev: _dev, devOptional: _devOptional, ...copy } = root.packages[key];
      packages[key] = copy;
      visit(key, copy);
    }
  };
  for (const tarball of tarballs) {
    const pkg = JSON.parse(readFileSync(tarball.manifest, 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string>; bin?: Record<string, string>; engines: Record<string, string> };
    const spec = `file:../${tarball.filename}`;
    (packages[''].dependencies as Record<string, string>)[pkg.name] = spec;
    packages[`node_modules/${pkg.name}`] = { version: pkg.version, resolved: spec, integrity: tarball.integrity, license: pkg.license, dependencies: pkg.dependencies, ...(pkg.bin === undefined ? {} : { bin: pkg.bin }), engines: pkg.engines };
  }
  for (const tarball of tarballs) {
    const { name } = JSON.parse(readFileSync(tarball.manifest, 'utf8')) as { name: string };
    visit(`node_modules/${name}`, packages[`node_modules/${name}`]);
  }
  return { name: app, lockfileVersion: 3, requires: true, packages };
}
