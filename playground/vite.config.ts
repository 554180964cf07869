/**
 * Builds the playground into dist/playground/ (part of `npm run build`): one page, its script and
 * its styles, with this package's browser entry bundled from source. Relative asset paths, so the
 * server may mount it anywhere.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { alias: { 'lstm-parity': fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL('../dist/playground', import.meta.url)), emptyOutDir: true, reportCompressedSize: false },
});
