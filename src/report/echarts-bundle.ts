/**
 * The minified Apache ECharts bundle, read from node_modules at report time and inlined in the
 * page, so a report opens anywhere with no network. It is one self-contained file (zrender
 * included) that draws on a canvas and fetches nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ScriptBundle {
  name: string;
  version: string;
  license: string;
  source: string;
}

let cached: ScriptBundle | undefined;

export function echartsBundle(): ScriptBundle {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const path = require.resolve('echarts/dist/echarts.min.js');
  const source = readFileSync(path, 'utf8');
  // Inlined in a <script>, the text must not close it early; the bundle has no such sequence today,
  // and a future one that does must fail here rather than produce a broken page.
  if (/<\/script|<!--/i.test(source)) throw new Error(`${path}: contains "</script" or "<!--" and cannot be inlined in a <script> element`);
  const manifest = JSON.parse(readFileSync(require.resolve('echarts/package.json'), 'utf8')) as { version: string; license: string };
  cached = { name: 'Apache ECharts', version: manifest.version, license: manifest.license, source };
  return cached;
}
