/**
 * The minified Apache ECharts bundle, inlined in every HTML report so that a report opens anywhere
 * with no network. It is one self-contained file (zrender included) that draws on a canvas and
 * fetches nothing. The build copies it into dist/vendor/ (scripts/vendor.ts), where an installed
 * package reads it; echarts itself is only a development dependency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

export interface ScriptBundle {
  name: string;
  version: string;
  license: string;
  source: string;
}

let cached: ScriptBundle | undefined;

export function echartsBundle(): ScriptBundle {
  if (cached !== undefined) return cached;
  const dir = join(packageRoot(), 'dist/vendor');
  let source: string;
  let manifest: { name: string; version: string; license: string };
  try {
    source = readFileSync(join(dir, 'echarts.min.js'), 'utf8');
    manifest = JSON.parse(readFileSync(join(dir, 'echarts.json'), 'utf8')) as typeof manifest;
  } catch (error) {
    throw new Error(`${dir}: the report's chart library is missing (${(error as Error).message.split('\n')[0]}); run npm run build`);
  }
  // Inlined in a <script>, the text must not close it early; the bundle has no such sequence today,
  // and a future one that does must fail here rather than produce a broken page.
  if (/<\/script|<!--/i.test(source)) throw new Error(`${join(dir, 'echarts.min.js')}: contains "</script" or "<!--" and cannot be inlined in a <script> element`);
  cached = { name: manifest.name, version: manifest.version, license: manifest.license, source };
  return cached;
}
