/**
 * npm run accuracy:activations: how close the package's exp, tanh and σ are to the truth, beside
 * V8's Math.exp / Math.tanh (σ as 1 / (1 + Math.exp(-x)), the cells' former formula) and NumPy's
 * np.exp / np.tanh (σ likewise). For each function, 10^6 arguments from a fixed generator over
 * the ranges the cells use (four ranges of 250 000 each), judged against mpmath
 * (reference/activation_truth.py) and summarised as: the largest distance in whole ULPs to the
 * correctly rounded value, the largest error in fractional ULPs, and the share correctly rounded.
 * Prints the table and writes docs/activation-accuracy.md with its provenance. About 3 minutes
 * here. ACTIVATION_ARGS=N per range to change the count.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exp, sigmoid, tanh } from '../src/index.js';
import { packageRoot } from '../src/package-root.js';
import { pythonCommand } from '../src/oracle/python.js';

type Range = { name: string; draw: (u: number, v: number) => number };

const PER_RANGE = Number(process.env.ACTIVATION_ARGS ?? 250_000);

const uniform = (lo: number, hi: number): Range => ({ name: `uniform on [${lo}, ${hi}]`, draw: (u) => lo + (hi - lo) * u });
/** |x| log-uniform on [lo, hi], either sign: the small arguments where tanh is a polynomial. */
const logUniform = (lo: number, hi: number): Range => ({
  name: `±log-uniform on [${lo}, ${hi}]`,
  draw: (u, v) => (v < 0.5 ? -1 : 1) * lo * Math.pow(hi / lo, u),
});

const FUNCTIONS = {
  exp: { ours: exp, v8: Math.exp, ranges: [uniform(-745.1, 709.7), uniform(-40, 40), uniform(-1, 1), logUniform(1e-8, 1)] },
  tanh: { ours: tanh, v8: Math.tanh, ranges: [uniform(-20, 20), uniform(-3, 3), uniform(-0.5, 0.5), logUniform(1e-8, 1)] },
  // Below -709.78 the seed's formula gives exactly 0 (exp overflows) where the truth is subnormal:
  // a choice of the formula, which σ keeps on purpose, so the ranges stop there.
  sigmoid: { ours: sigmoid, v8: (x: number) => 1 / (1 + Math.exp(-x)), ranges: [uniform(-40, 40), uniform(-709.78, 40), uniform(-3, 3), logUniform(1e-8, 1)] },
} as const;

/** A fixed generator (xorshift-multiply), so every run judges the same arguments. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Stats {
  maxUlps: number;
  maxFractionalUlps: number;
  correctlyRounded: number;
  nonFiniteMismatches: number;
}

async function judge(name: keyof typeof FUNCTIONS, range: Range, seed: number, dir: string) {
  const f = FUNCTIONS[name];
  const r = uniforms(seed);
  const n = PER_RANGE;
  const data = new Float64Array(3 * n);
  for (let k = 0; k < n; k++) {
    const x = range.draw(r(), r());
    data[k] = x;
    data[n + k] = f.ours(x);
    data[2 * n + k] = f.v8(x);
  }
  const file = join(dir, `${name}-${seed}.f64`);
  writeFileSync(file, new Uint8Array(data.buffer));
  const { stdout } = await execa(pythonCommand(), [join(packageRoot(), 'reference', 'activation_truth.py'), file], {
    input: `${JSON.stringify({ function: name, n, impls: ['ours', 'v8'] })}\n`,
  });
  return JSON.parse(stdout) as { numpy: string; mpmath: string; results: Record<'ours' | 'v8' | 'numpy', Stats> };
}

const pct = (s: Stats) => `${((100 * s.correctlyRounded) / PER_RANGE).toFixed(2)}%`;
const cell = (s: Stats) => `${s.maxUlps} (${s.maxFractionalUlps.toFixed(3)}) · ${pct(s)}${s.nonFiniteMismatches > 0 ? ` · ${s.nonFiniteMismatches} wrong non-finite` : ''}`;

const dir = mkdtempSync(join(tmpdir(), 'activation-accuracy-'));
const started = Date.now();
const lines: string[] = [];
let versions = { numpy: '', mpmath: '' };
const totals: Record<string, Record<string, { cr: number; max: number; frac: number }>> = {};
try {
  lines.push('| function | arguments | ours: max ULP (fractional) · correctly rounded | V8 | NumPy |', '|---|---|---|---|---|');
  let seed = 1;
  for (const name of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
    totals[name] = {};
    for (const range of FUNCTIONS[name].ranges) {
      const result = await judge(name, range, seed++, dir);
      versions = { numpy: result.numpy, mpmath: result.mpmath };
      const { ours, v8, numpy } = result.results;
      lines.push(`| ${name} | ${range.name} | ${cell(ours)} | ${cell(v8)} | ${cell(numpy)} |`);
      for (const [impl, s] of Object.entries(result.results)) {
        const t = (totals[name][impl] ??= { cr: 0, max: 0, frac: 0 });
        t.cr += s.correctlyRounded;
        t.max = Math.max(t.max, s.maxUlps);
        t.frac = Math.max(t.frac, s.maxFractionalUlps);
      }
      process.stderr.write(`  ${name} ${range.name}: done\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const count = 4 * PER_RANGE;
lines.push('', '| function | all arguments | ours | V8 | NumPy |', '|---|---|---|---|---|');
for (const [name, t] of Object.entries(totals)) {
  const s = (impl: string) => `${t[impl].max} (${t[impl].frac.toFixed(3)}) · ${((100 * t[impl].cr) / count).toFixed(2)}%`;
  lines.push(`| ${name} | ${count.toLocaleString('en')} | ${s('ours')} | ${s('v8')} | ${s('numpy')} |`);
}
const table = lines.join('\n');
console.log(table);
const doc = [
  '# Accuracy of the activations',
  '',
  'Written by `npm run accuracy:activations` (scripts/activation-accuracy.ts with',
  'reference/activation_truth.py); do not edit. Each cell: the largest distance to the correctly',
  'rounded value in whole ULPs, in brackets the largest error in fractional ULPs of the true value,',
  'then the share of results that are correctly rounded. "ours" is `exp`, `tanh` and `sigmoid` of',
  'this package (the same bits in JavaScript and WebAssembly); V8 is `Math.exp` / `Math.tanh`, with',
  'σ as `1 / (1 + Math.exp(-x))`; NumPy is `np.exp` / `np.tanh` on arrays, σ likewise (the seed\'s',
  "formula, with two roundings after the exponential). The package's σ keeps that formula's exact 1",
  '(from z = 36.73680056967711, where the truth is still 1 - 2^-53 or so: 1 ULP) and exact 0 (from',
  '-709.7827128933841 down, out of these ranges) and is correctly rounded in between.',
  '',
  `Provenance: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, NumPy ${versions.numpy}, mpmath ${versions.mpmath},`,
  `${PER_RANGE.toLocaleString('en')} arguments per range from a fixed generator (seeds 1 to 12), ${Math.round((Date.now() - started) / 1000)} s.`,
  '',
  table,
  '',
].join('\n');
const out = join(packageRoot(), 'docs', 'activation-accuracy.md');
writeFileSync(out, doc);
console.log(`wrote ${out}`);
