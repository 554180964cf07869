/**
 * Copies the browser libraries the HTML reports inline into dist/vendor/ (part of `npm run build`),
 * so the published harness carries the one 1 MB file it reads instead of depending on the 59 MB
 * echarts package. Apache ECharts is Apache-2.0: its LICENSE and NOTICE go beside it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

const require = createRequire(import.meta.url);
const out = join(packageRoot(), 'dist/vendor');
mkdirSync(out, { recursive: true });
const from = dirname(require.resolve('echarts/package.json'));
const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { version: string; license: string };
copyFileSync(join(from, 'dist/echarts.min.js'), join(out, 'echarts.min.js'));
copyFileSync(join(from, 'LICENSE'), join(out, 'echarts.LICENSE'));
copyFileSync(join(from, 'NOTICE'), join(out, 'echarts.NOTICE'));
writeFileSync(join(out, 'echarts.json'), `${JSON.stringify({ name: 'Apache ECharts', version: manifest.version, license: manifest.license }, null, 2)}\n`);
