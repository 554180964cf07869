/**
 * The package's exp, σ and tanh (src/cells/math/): their saturation constants, derived here by
 * bisection over the doubles and checked with their neighbours; the bits of the WebAssembly
 * kernel's lanes against the JavaScript twins; the kernel's constants against constants.ts; the
 * special values; and, where Python with mpmath is available, their accuracy on fresh arguments.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as constants from '../src/cells/math/constants.js';
import { ROUND_SHIFT } from '../src/cells/math/exp.js';
import { SPLIT, TANH_POLY_UPTO } from '../src/cells/math/tanh.js';
import { CONSTANTS_AT, instantiateDots, KERNEL_CONSTANTS, KERNEL_DATA_BYTES, type DotsInstance } from '../src/cells/wasm-dots.js';
import { exp, sigmoid, tanh } from '../src/index.js';
import { packageRoot } from '../src/package-root.js';
import { pythonCommand } from '../src/oracle/python.js';
import { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, stepUlps } from '../src/conformance/support/float64.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { argumentsFor } from '../scripts/kernel-arguments.js';

const buffer = new ArrayBuffer(8);
const asFloat = new Float64Array(buffer);
const asInt = new BigInt64Array(buffer);

/** Positive doubles order like their bit patterns. */
const bitsOf = (x: number) => ((asFloat[0] = x), asInt[0]);
const fromBits = (b: bigint) => ((asInt[0] = b), asFloat[0]);

/**
 * The first positive double in [lo, hi] where `holds` becomes true, by bisection over the
 * doubles, given that it is false at lo and true at hi.
 */
function firstDouble(lo: number, hi: number, holds: (x: number) => boolean): number {
  let a = bitsOf(lo);
  let b = bitsOf(hi);
  expect(holds(lo)).toBe(false);
  expect(holds(hi)).toBe(true);
  while (b - a > 1n) {
    const mid = (a + b) / 2n;
    if (holds(fromBits(mid))) b = mid;
    else a = mid;
  }
  return fromBits(b);
}

/** Every double within `ulps` of c on the given side satisfies `holds`. */
function holdsBeside(c: number, ulps: number, side: 1 | -1, holds: (x: number) => boolean): boolean {
  for (let k = 1; k <= ulps; k++) if (!holds(stepUlps(c, side * k))) return false;
  return true;
}

describe('saturation constants, derived', () => {
  it('should make σ exactly 1 from 36.73680056967711 up, and below 1 just before', () => {
    const one = firstDouble(30, 40, (z) => sigmoid(z) === 1);
    expect(one).toBe(SIGMOID_ONE_FROM);
    // The seed's 1 + exp(-z) is 1 + 2^-52 there; σ itself rounds to the double below 1.
    expect(sigmoid(stepUlps(one, -1))).toBe(1 - 2 ** -53);
    expect(holdsBeside(one, 5000, 1, (z) => sigmoid(z) === 1) && holdsBeside(one, 5000, -1, (z) => sigmoid(z) < 1)).toBe(true);
    for (let z = one; z < 1e300; z *= 1.37) expect(sigmoid(z)).toBe(1);
  });

  it('should make σ exactly 0 from -709.7827128933841 down, where exp(-z) overflows, and positive just above', () => {
    const overflow = firstDouble(709, 710, (x) => exp(x) === Infinity);
    expect(-overflow).toBe(SIGMOID_ZERO_UPTO);
    expect(exp(stepUlps(overflow, -1))).toBe(1.7976931348622732e308);
    expect(sigmoid(SIGMOID_ZERO_UPTO)).toBe(0);
    expect(sigmoid(stepUlps(SIGMOID_ZERO_UPTO, 1))).toBeGreaterThan(0);
    expect(holdsBeside(SIGMOID_ZERO_UPTO, 5000, -1, (z) => sigmoid(z) === 0) && holdsBeside(SIGMOID_ZERO_UPTO, 5000, 1, (z) => sigmoid(z) > 0)).toBe(true);
    for (let z = SIGMOID_ZERO_UPTO; z > -1e300; z *= 1.37) expect(sigmoid(z)).toBe(0);
  });

  it('should make tanh exactly ±1 from |x| = 19.061547465398498, the correctly rounded boundary, and |tanh| < 1 before', () => {
    const one = firstDouble(18, 20, (x) => tanh(x) === 1);
    expect(one).toBe(TANH_ONE_FROM);
    // (55 ln 2) / 2: where 1 - tanh(x) ~ 2 exp(-2x) falls to 2^-54, half an ULP below 1.
    expect(Math.abs(one - (55 * Math.LN2) / 2)).toBeLessThan(1e-12);
    for (const sign of [1, -1]) {
      expect(tanh(sign * one)).toBe(sign);
      expect(tanh(sign * stepUlps(one, -1))).toBe(sign * (1 - 2 ** -53));
      expect(holdsBeside(one, 5000, 1, (x) => tanh(sign * x) === sign) && holdsBeside(one, 5000, -1, (x) => Math.abs(tanh(sign * x)) < 1)).toBe(true);
    }
    for (let x = one; x < 1e300; x *= 1.37) expect([tanh(x), tanh(-x)]).toEqual([1, -1]);
    expect([tanh(Infinity), tanh(-Infinity), tanh(Number.MAX_VALUE)]).toEqual([1, -1, 1]);
  });
});

describe('special values', () => {
  it('should give exp its IEEE special values and exact points', () => {
    expect([exp(0), exp(-0), exp(Infinity), exp(-Infinity), exp(-746), exp(1e308)]).toEqual([1, 1, Infinity, 0, 0, Infinity]);
    expect(exp(NaN)).toBeNaN();
    expect([exp(1), exp(Math.LN2), exp(-745.1332191019411)]).toEqual([Math.E, 2, 5e-324]);
  });

  it('should keep the sign of zero in tanh, and give tanh(x) = x for tiny x', () => {
    expect(Object.is(tanh(-0), -0)).toBe(true);
    expect(Object.is(tanh(0), 0)).toBe(true);
    expect([tanh(5e-324), tanh(-1e-200), tanh(1e-9)]).toEqual([5e-324, -1e-200, 1e-9]);
    expect(tanh(NaN)).toBeNaN();
  });

  it('should make tanh odd, bit for bit, and monotone across the switch from polynomial to exponential', () => {
    for (let x = 1e-6; x < 25; x *= 1.0137) expect(tanh(-x)).toBe(-tanh(x));
    let previous = tanh(stepUlps(TANH_POLY_UPTO, -2000));
    for (let k = -1999; k <= 2000; k++) {
      const t = tanh(stepUlps(TANH_POLY_UPTO, k));
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    }
  });

  it('should give σ its limits and the value 1/2 at zero', () => {
    expect([sigmoid(0), sigmoid(-0), sigmoid(Infinity), sigmoid(-Infinity)]).toEqual([0.5, 0.5, 1, 0]);
    expect(sigmoid(NaN)).toBeNaN();
  });

  it('should make σ monotone, and keep σ(z) + σ(-z) within an ULP of 1', () => {
    let previous = 0;
    for (let z = -709.78; z < 37; z += 0.0137) {
      const s = sigmoid(z);
      expect(s).toBeGreaterThanOrEqual(previous);
      previous = s;
      if (Math.abs(z) < 30) expect(Math.abs(s + sigmoid(-z) - 1)).toBeLessThanOrEqual(2 ** -53);
    }
  });
});


describe('the WebAssembly lanes and the JavaScript twins', () => {
  const kernel: DotsInstance = instantiateDots();
  const n = 200_001;
  kernel.memory.grow(Math.ceil((KERNEL_DATA_BYTES + 16 * (n + 2)) / 65536));
  const at = KERNEL_DATA_BYTES;
  const outAt = at + 8 * (n + 1);

  it.each([
    ['exp', 'expBlock', exp],
    ['sigmoid', 'sigmoidBlock', sigmoid],
    ['tanh', 'tanhBlock', tanh],
  ] as const)('should give %s the same bits in every lane, in pairs and alone, in place or not, and write nothing past the last value', (_name, block, f) => {
    const xs = argumentsFor(7, n);
    const memory = () => new Float64Array(kernel.memory.buffer);
    memory().set(xs, at / 8);
    kernel[block](outAt, at, n);
    const lanes = memory().slice(outAt / 8, outAt / 8 + n);
    const scalar = xs.map(f);
    let mismatches = 0;
    for (let k = 0; k < n; k++) if (!Object.is(lanes[k], scalar[k])) mismatches++;
    expect(mismatches).toBe(0);
    // In place.
    kernel[block](at, at, n);
    expect(memory().slice(at / 8, at / 8 + n)).toEqual(lanes);
    // And lengths 1 to 4 before a canary: an odd length ends on one lane, an even one on a pair,
    // and neither may write past its last value.
    for (const count of [1, 2, 3, 4]) {
      memory().set(xs.subarray(100, 100 + count), at / 8);
      memory()[at / 8 + count] = 12345;
      kernel[block](at, at, count);
      expect(Array.from(memory().slice(at / 8, at / 8 + count + 1))).toEqual([...Array.from(xs.subarray(100, 100 + count), f), 12345]);
    }
  });

  it('should load every constant of the kernel from the offset its name has, holding the value of its source', () => {
    const wat = readFileSync(join(packageRoot(), 'src', 'cells', 'wasm', 'dots.wat'), 'utf8');
    const loads = [...wat.matchAll(/\(v128\.load offset=(\d+) \(i32\.const 0\)\) \(;(\w+);\)/g)];
    const byName = new Map(KERNEL_CONSTANTS.map((c, k) => [c.name, CONSTANTS_AT + 16 * k]));
    for (const [, offset, name] of loads) expect(Number(offset), name).toBe(byName.get(name));
    // Every constant is used, and the text holds no other non-zero v128.const in the activations.
    expect(new Set(loads.map((m) => m[2]))).toEqual(new Set(byName.keys()));
    const activations = wat.slice(wat.indexOf('(func $expBlock'), wat.indexOf('(func $negate'));
    expect(activations.match(/v128\.const (?!f64x2 0 0\))[^)]*\)/g)).toBeNull();
    const sources: Record<string, number> = { ...(constants as unknown as Record<string, number>), ROUND_SHIFT, SPLIT, TANH_POLY_UPTO };
    const fromSource = KERNEL_CONSTANTS.filter((c) => c.name in sources);
    expect(fromSource.map((c) => c.name).sort()).toEqual(['EXP_C2', 'EXP_C3', 'EXP_C4', 'EXP_C5', 'INV_LN2_N', 'LN2_HI_N', 'LN2_LO_N', 'ROUND_SHIFT', 'SPLIT',
      'TANH_POLY_UPTO', 'TANH_Q0', 'TANH_Q1', 'TANH_Q2', 'TANH_Q3', 'TANH_Q4', 'TANH_Q5']);
    for (const c of fromSource) expect('f64' in c && c.f64, c.name).toBe(sources[c.name]);
    // The rest are the literals of the scalar twins (exp.ts, sigmoid.ts, tanh.ts), or lane masks.
    const literals = Object.fromEntries(KERNEL_CONSTANTS.filter((c) => !(c.name in sources)).map((c) => [c.name, 'f64' in c ? c.f64 : c.i32]));
    expect(literals).toEqual({ X_MIN: -746, X_MAX: 710, TABLE_MASK: [127, 0, 127, 0], EXPONENT_BIAS: [1023, 0, 1023, 0], TANH_2A_MAX: 40, ONE: 1, TWO: 2, HALF: 0.5, INFINITY: Infinity });
    // And an instance's memory holds them where the text reads them.
    const kernel = instantiateDots();
    const f64 = new Float64Array(kernel.memory.buffer, CONSTANTS_AT, 2 * KERNEL_CONSTANTS.length);
    const i32 = new Int32Array(kernel.memory.buffer, CONSTANTS_AT, 4 * KERNEL_CONSTANTS.length);
    KERNEL_CONSTANTS.forEach((c, k) => {
      if ('f64' in c) expect([f64[2 * k], f64[2 * k + 1]], c.name).toEqual([c.f64, c.f64]);
      else expect(Array.from(i32.subarray(4 * k, 4 * k + 4)), c.name).toEqual(c.i32);
    });
  });

  it('should give the constants the names the text loads them by, in a fresh load of the module', async () => {
    // The names are set once, when the module loads: loaded afresh here, the names are those the module gives now.
    vi.resetModules();
    const fresh = await import('../src/cells/wasm-dots.js');
    const wat = readFileSync(join(packageRoot(), 'src', 'cells', 'wasm', 'dots.wat'), 'utf8');
    const loads = [...wat.matchAll(/\(v128\.load offset=(\d+) \(i32\.const 0\)\) \(;(\w+);\)/g)];
    const byName = new Map(fresh.KERNEL_CONSTANTS.map((c, k) => [c.name, fresh.CONSTANTS_AT + 16 * k]));
    expect(byName.size).toBe(fresh.KERNEL_CONSTANTS.length);
    for (const [, offset, name] of loads) expect(Number(offset), name).toBe(byName.get(name));
    expect(new Set(loads.map((m) => m[2]))).toEqual(new Set(byName.keys()));
  });
});

describeWithNumpy('accuracy against mpmath, on fresh arguments', () => {
  it('should load the constants scripts/activation-constants.py derives, value for value', async () => {
    const { stdout } = await execa(pythonCommand(), [join(packageRoot(), 'scripts', 'activation-constants.py'), '--json']);
    const derived = JSON.parse(stdout) as { table: number[]; inv_ln2_n: number; ln2_hi: number; ln2_lo: number; exp_c: number[]; tanh_q: number[] };
    // Loaded afresh, so the values are those the module computes now, not those of an earlier load.
    vi.resetModules();
    const c = await import('../src/cells/math/constants.js');
    expect(Array.from(c.EXP_TABLE)).toEqual(derived.table);
    expect([c.INV_LN2_N, c.LN2_HI_N, c.LN2_LO_N]).toEqual([derived.inv_ln2_n, derived.ln2_hi, derived.ln2_lo]);
    expect([c.EXP_C2, c.EXP_C3, c.EXP_C4, c.EXP_C5]).toEqual(derived.exp_c);
    expect([c.TANH_Q0, c.TANH_Q1, c.TANH_Q2, c.TANH_Q3, c.TANH_Q4, c.TANH_Q5]).toEqual(derived.tanh_q);
  });

  it.each([
    ['exp', exp, 1],
    ['tanh', tanh, 2],
    ['sigmoid', sigmoid, 3],
  ] as const)('%s should be within 1 ULP of the truth and correctly rounded at least 99% of the time', async (name, f, seed) => {
    // exp's own overflow, and σ where the seed's formula saturates (exactly 0 or 1 by design), aside.
    const inRange = { exp: (x: number) => x < 709.7, tanh: () => true, sigmoid: (x: number) => x > -709.78 && x < 36.7 };
    const xs = argumentsFor(seed, 6000).filter((x) => Number.isFinite(x) && inRange[name](x));
    const n = xs.length;
    const data = new Float64Array(2 * n);
    data.set(xs);
    data.set(xs.map(f), n);
    const file = join(process.env.TMPDIR ?? '/tmp', `lstm-parity-activations-${process.pid}-${name}.f64`);
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(file, new Uint8Array(data.buffer));
    try {
      const { stdout } = await execa(pythonCommand(), [join(packageRoot(), 'reference', 'activation_truth.py'), file], { input: `${JSON.stringify({ function: name, n, impls: ['ours'] })}\n` });
      const ours = JSON.parse(stdout).results.ours as { maxUlps: number; maxFractionalUlps: number; correctlyRounded: number };
      expect(ours.maxUlps).toBeLessThanOrEqual(1);
      expect(ours.maxFractionalUlps).toBeLessThan(1);
      expect(ours.correctlyRounded / n).toBeGreaterThanOrEqual(0.99);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
