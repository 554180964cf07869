/**
 * npm run mutation:wasm: mutation testing of the WebAssembly text, src/cells/wasm/dots.wat, which
 * Stryker does not mutate. Each mutation changes one token of the text:
 *
 *   constant   an i32 constant moved by +1 and -1, an f64 or v128 constant's first number nudged
 *   opcode     an arithmetic instruction swapped for a sibling (add/sub, mul/add, shl/shr_u,
 *              pmin/pmax, min/max, lt/le, gt/ge, eq/ne, and/or)
 *   lane       an extract_lane or replace_lane index moved to the other lane
 *   offset     a load's or store's offset= moved by one element (8 bytes) either way
 *
 * then the module is assembled (a mutant wabt refuses is "invalid" and not scored) and judged in
 * two stages, like Stryker's: first scripts/mutation-wasm-check.ts, the built cells of a sandbox
 * on every golden case and cases over every blocking path, WebAssembly against JavaScript bit for
 * bit (a mutant that hangs past --timeout seconds is "timed out", counted as detected); a mutant
 * that survives it then runs the vitest files that cover the kernel, bailing on the first failure.
 * A mutant that survives both is a survivor: killed by a new test, or explained in
 * docs/equivalent-wasm-mutants.json. The working tree is never written: every mutant lives in a
 * sandbox copy under the system's temporary folder.
 *
 *   --max N       judge the first N mutations of a shuffled order (--seed), for a quick sample
 *   --ids A,B,... judge just these mutations (ids as --json writes them; the same text, the same ids)
 *   --seed N      the order's seed (default 1)
 *   --timeout S   seconds before a stage-one run is called timed out (default 30)
 *   --json FILE   write every mutation's result, after each one (a run stopped part way keeps them)
 *   --resume FILE a --json file of an earlier run of the same text: its results are kept, and only
 *                 the mutations it lacks are judged (a result whose line or tokens no longer match
 *                 its id is judged again)
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../src/package-root.js';
import { assembleDotsText, renderModule, WAT_PATH } from './wasm-assemble.js';

const ROOT = packageRoot();
/**
 * The vitest files that run the kernel: backends, the fast paths, threads, the kernel's edges (the
 * dots kernel alone, with canaries), and the activations, whose test calls the exported expBlock,
 * sigmoidBlock and tanhBlock (expBlock serves no cell: only that test reaches it).
 */
const COVERING_TESTS = ['test/kernel-edges.test.ts', 'test/fast-cells.test.ts', 'test/backends.test.ts', 'test/activations.test.ts', 'test/threads.test.ts', 'test/cells.test.ts'];

export interface Mutation {
  id: number;
  kind: 'constant' | 'opcode' | 'lane' | 'offset';
  line: number;
  original: string;
  replacement: string;
  text: string;
}

const SIBLINGS: Record<string, string[]> = {
  add: ['sub'],
  sub: ['add'],
  mul: ['add'],
  div: ['mul'],
  shl: ['shr_u'],
  shr_u: ['shl'],
  shr_s: ['shr_u'],
  pmin: ['pmax'],
  pmax: ['pmin'],
  min: ['max'],
  max: ['min'],
  lt: ['le'],
  le: ['lt'],
  gt: ['ge'],
  ge: ['gt'],
  lt_u: ['le_u'],
  le_u: ['lt_u'],
  gt_u: ['ge_u'],
  ge_u: ['gt_u'],
  lt_s: ['le_s'],
  ge_s: ['gt_s'],
  eq: ['ne'],
  ne: ['eq'],
  and: ['or'],
  or: ['and'],
  neg: ['abs'],
  abs: ['neg'],
};

/** Every mutation of `wat`, each the whole text with one token changed; comments are left alone. */
export function mutationsOf(wat: string): Mutation[] {
  const lines = wat.split('\n');
  const out: Mutation[] = [];
  const add = (kind: Mutation['kind'], k: number, start: number, original: string, replacement: string) => {
    const line = lines[k];
    const changed = [...lines];
    changed[k] = line.slice(0, start) + replacement + line.slice(start + original.length);
    out.push({ id: out.length, kind, line: k + 1, original, replacement, text: changed.join('\n') });
  };
  for (const [k, full] of lines.entries()) {
    const code = full.split(';;')[0];
    for (const m of code.matchAll(/\bi32\.const (-?\d+)/g)) {
      const n = Number(m[1]);
      const at = m.index + m[0].length - m[1].length;
      add('constant', k, at, m[1], String(n + 1));
      add('constant', k, at, m[1], String(n - 1));
    }
    for (const m of code.matchAll(/\b(f64\.const|v128\.const f64x2|v128\.const i64x2) (-?[0-9][0-9a-fA-Fx.p+-]*)/g)) {
      const at = m.index + m[0].length - m[2].length;
      const n = Number(m[2]);
      const nudged = Number.isFinite(n) && n !== 0 ? String(n * (1 + 2 ** -20)) : '1';
      add('constant', k, at, m[2], m[1].includes('i64x2') ? String(BigInt.asIntN(64, BigInt(m[2]) + 1n)) : nudged);
    }
    for (const m of code.matchAll(/\b((?:f64x2|f64|i32|i64x2|v128)\.)([a-z_]+)\b/g)) {
      for (const sibling of SIBLINGS[m[2]] ?? []) add('opcode', k, m.index + m[1].length, m[2], sibling);
    }
    for (const m of code.matchAll(/\b(?:extract_lane|replace_lane) ([01])\b/g)) {
      add('lane', k, m.index + m[0].length - 1, m[1], m[1] === '0' ? '1' : '0');
    }
    for (const m of code.matchAll(/\boffset=(\d+)/g)) {
      const n = Number(m[1]);
      const at = m.index + 'offset='.length;
      add('offset', k, at, m[1], String(n + 8));
      if (n >= 8) add('offset', k, at, m[1], String(n - 8));
    }
  }
  return out;
}

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  if (k < 0) return fallback;
  const value = Number(process.argv[k + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: expected a positive integer, got ${process.argv[k + 1]}`);
  return value;
}

/** A Fisher-Yates shuffle by a small LCG: the same seed, the same sample. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let k = out.length - 1; k > 0; k--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (k + 1);
    [out[k], out[j]] = [out[j], out[k]];
  }
  return out;
}

type Status = 'killed' | 'timed out' | 'survived' | 'invalid';

async function main(): Promise<void> {
  const wat = readFileSync(WAT_PATH, 'utf8');
  const all = mutationsOf(wat);
  const max = option('--max', all.length);
  const timeout = option('--timeout', 30);
  const idsAt = process.argv.indexOf('--ids');
  const ids = idsAt < 0 ? undefined : new Set(process.argv[idsAt + 1].split(',').map(Number));
  const jsonAt = process.argv.indexOf('--json');
  const resumeAt = process.argv.indexOf('--resume');
  type Result = Mutation & { status: Status; stage?: 1 | 2; why: string };
  const earlier = new Map<number, Omit<Result, 'text'>>();
  if (resumeAt > 0) {
    for (const r of JSON.parse(readFileSync(process.argv[resumeAt + 1], 'utf8')) as Omit<Result, 'text'>[]) {
      const m = all[r.id];
      if (m !== undefined && m.line === r.line && m.original === r.original && m.replacement === r.replacement && m.kind === r.kind) earlier.set(r.id, r);
    }
  }
  const picked = ids === undefined ? shuffled(all, option('--seed', 1)).slice(0, max) : all.filter((m) => ids.has(m.id));
  const chosen = picked.filter((m) => !earlier.has(m.id));
  const byKind = (kind: string) => all.filter((m) => m.kind === kind).length;
  console.log(`mutation:wasm: ${all.length} mutations of dots.wat (constant ${byKind('constant')}, opcode ${byKind('opcode')}, lane ${byKind('lane')}, offset ${byKind('offset')}); judging ${chosen.length}${earlier.size > 0 ? ` (${picked.length - chosen.length} judged before, kept from ${process.argv[resumeAt + 1]})` : ''}`);

  // The sandbox: the built package and the sources the vitest stage needs, node_modules linked.
  const sandbox = mkdtempSync(join(tmpdir(), 'lstm-parity-wasm-mutation-'));
  for (const folder of ['dist', 'src', 'test', 'scripts', 'golden', 'reference', 'examples', 'properties', 'packages']) cpSync(join(ROOT, folder), join(sandbox, folder), { recursive: true, filter: (p) => !p.includes('node_modules') });
  for (const file of ['package.json', 'tsconfig.json', 'vitest.config.ts']) cpSync(join(ROOT, file), join(sandbox, file));
  symlinkSync(join(ROOT, 'node_modules'), join(sandbox, 'node_modules'), 'dir');
  mkdirSync(join(sandbox, 'reports'), { recursive: true });
  // The mutant's text goes beside its module, so the test that the module is assembled from
  // dots.wat holds, and only the kernel's behaviour can kill it.
  const watPath = join(sandbox, 'src/cells/wasm/dots.wat');
  const modulePaths = [join(sandbox, 'dist/src/cells/wasm/dots-module.js'), join(sandbox, 'src/cells/wasm/dots-module.ts')];

  const results: Result[] = picked.filter((m) => earlier.has(m.id)).map((m) => ({ ...m, ...earlier.get(m.id)! }));
  const writeJson = () => {
    if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], `${JSON.stringify([...results].sort((a, b) => a.id - b.id).map(({ text: _text, ...r }) => r), null, 2)}\n`);
  };
  const started = performance.now();
  const check = join(ROOT, 'dist/scripts/mutation-wasm-check.js');
  const expected = join(sandbox, 'reports/expected.json');
  await execa('node', [check, join(sandbox, 'dist/src'), '--record', expected]);
  try {
    for (const [k, mutation] of chosen.entries()) {
      let status: Status;
      let stage: 1 | 2 | undefined;
      let why: string;
      let module: string | undefined;
      try {
        module = renderModule(await assembleDotsText(mutation.text));
      } catch (error) {
        module = undefined;
        why = (error as Error).message.split('\n')[0];
      }
      if (module === undefined) {
        status = 'invalid';
        why ??= 'wabt refused it';
      } else {
        for (const p of modulePaths) writeFileSync(p, module);
        writeFileSync(watPath, mutation.text);
        const first = await execa('node', [check, join(sandbox, 'dist/src'), '--expected', expected], { reject: false, timeout: timeout * 1000, all: true });
        if (first.timedOut) [status, stage, why] = ['timed out', 1, `no answer in ${timeout} s`];
        else if (first.exitCode !== 0) [status, stage, why] = ['killed', 1, first.all.split('\n').find((l) => l.startsWith('killed')) ?? first.all.split('\n')[0]];
        else {
          const second = await execa('npx', ['vitest', 'run', '--project', 'node', '--bail', '1', ...COVERING_TESTS], { cwd: sandbox, reject: false, all: true, env: { FC_SEED: '1', FC_RUNS: '20', CI: 'true' }, timeout: 10 * timeout * 1000 });
          if (second.timedOut) [status, stage, why] = ['timed out', 2, 'the covering tests did not finish'];
          else if (second.exitCode !== 0) [status, stage, why] = ['killed', 2, (second.all.match(/FAIL .*$/m)?.[0] ?? 'a covering test failed').replace(/\u001b\[[0-9;]*m/g, '')];
          else [status, why] = ['survived', 'every check and covering test passed'];
        }
      }
      results.push({ ...mutation, status, stage, why });
      writeJson();
      const elapsed = (performance.now() - started) / 1000;
      console.log(`[${k + 1}/${chosen.length} ${elapsed.toFixed(0)} s] line ${mutation.line} ${mutation.kind} ${mutation.original} -> ${mutation.replacement}: ${status}${status === 'survived' ? ' <<<' : ''}`);
    }
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }

  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const scored = results.length - count('invalid');
  const explained = JSON.parse(readFileSync(join(ROOT, 'docs/equivalent-wasm-mutants.json'), 'utf8')) as { line: string; original: string; replacement: string; reason: string }[];
  const lineText = (line: number) => wat.split('\n')[line - 1].trim();
  const survivors = results.filter((r) => r.status === 'survived');
  const unexplained = survivors.filter((r) => !explained.some((e) => e.line === lineText(r.line) && e.original === r.original && e.replacement === r.replacement));
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nmutation:wasm: ${results.length} judged (${chosen.length} in this run, ${seconds.toFixed(0)} s): killed ${count('killed')}, timed out ${count('timed out')}, survived ${count('survived')} (${survivors.length - unexplained.length} explained as equivalent), invalid ${count('invalid')}`);
  console.log(`score: ${scored === 0 ? 'n/a' : ((100 * (count('killed') + count('timed out'))) / scored).toFixed(2)}% of ${scored} valid mutants detected; ${scored === 0 ? 'n/a' : ((100 * (scored - unexplained.length)) / scored).toFixed(2)}% counting the explained survivors`);
  for (const r of unexplained) console.log(`SURVIVED, not explained: line ${r.line} (${lineText(r.line)}): ${r.original} -> ${r.replacement}`);
  writeJson();
  process.exitCode = unexplained.length === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('mutation-wasm.js')) await main();
