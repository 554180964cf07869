/**
 * The arbitraries and the runner, checked on their own: bad constraints fail up front naming the
 * key; drawn values respect the documented bounds; one seed gives one sequence of values; the
 * saturation constants the gate properties rely on are V8's exact boundaries; the structural
 * shrinker keeps cases valid; and FC_* settings are read strictly.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCase, WEIGHT_KEYS } from '../src/cells/schema.js';
import { cellCase, type CellCase } from '../src/conformance/arbitraries/cell-case.js';
import { edgeDouble, SATURATION_CONSTANTS } from '../src/conformance/arbitraries/edge-double.js';
import { permutationKeys, permutationOf } from '../src/conformance/arbitraries/permutation.js';
import { probeCase } from '../src/conformance/arbitraries/probe-case.js';
import { sequence } from '../src/conformance/arbitraries/sequence.js';
import { shape } from '../src/conformance/arbitraries/shape.js';
import { uniformDouble } from '../src/conformance/arbitraries/uniform-double.js';
import { weights } from '../src/conformance/arbitraries/weights.js';
import { sigmoid, tanh } from '../src/index.js';
import { MIN_NORMAL, SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, stepUlps } from '../src/conformance/support/float64.js';
import { readSettings } from '../src/conformance/runner.js';

const SAMPLES = { numRuns: 300, seed: 42 };

describe('saturation constants', () => {
  it("should be the exact float64 boundaries of the cells' σ and tanh, and of V8's", () => {
    const v8Sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    for (const s of [sigmoid, v8Sigmoid]) {
      expect(s(SIGMOID_ONE_FROM)).toBe(1);
      expect(s(stepUlps(SIGMOID_ONE_FROM, -1))).toBeLessThan(1);
      expect(s(SIGMOID_ZERO_UPTO)).toBe(0);
      expect(s(stepUlps(SIGMOID_ZERO_UPTO, 1))).toBeGreaterThan(0);
    }
    for (const t of [tanh, Math.tanh]) {
      expect(t(TANH_ONE_FROM)).toBe(1);
      expect(t(stepUlps(TANH_ONE_FROM, -1))).toBeLessThan(1);
    }
  });

  it('should step through zero and the subnormals one double at a time', () => {
    expect([stepUlps(0, -1), stepUlps(-5e-324, 1), stepUlps(5e-324, -1), stepUlps(1, 1) - 1]).toEqual([-5e-324, 0, 0, 2 ** -52]);
    expect(stepUlps(Number.MAX_VALUE, 1)).toBe(Infinity);
  });
});

describe('constraints', () => {
  it.each([
    ['shape', () => shape({ minHidden: 0 }), 'shape: minHidden: expected an integer >= 1, got 0'],
    ['shape', () => shape({ minSteps: 5, maxSteps: 2 }), 'shape: minSteps: expected minSteps <= maxSteps, got 5 > 2'],
    ['shape', () => shape({ maxInputs: 2.5 }), 'shape: maxInputs: expected an integer >= 1, got 2.5'],
    ['uniformDouble', () => uniformDouble({ halfWidth: Infinity }), 'uniformDouble: halfWidth: expected a finite number > 0, got Infinity'],
    ['edgeDouble', () => edgeDouble({ maxAbs: -1 }), 'edgeDouble: maxAbs: expected a finite number > 0, got -1'],
    ['edgeDouble', () => edgeDouble({ ulpsAround: -1 }), 'edgeDouble: ulpsAround: expected an integer in [0, 1000], got -1'],
    ['weights', () => weights('type1', { hidden: 2, inputs: 2 }, { scales: [] }), 'weights: scales: expected a non-empty list'],
    ['weights', () => weights('type1', { hidden: 2, inputs: 2 }, { scales: ['huge' as 'unit'] }), 'weights: scales: expected one of "well-scaled", "unit", "saturating", "edge", got "huge"'],
    ['weights', () => weights('type2', { hidden: 0, inputs: 2 }), 'weights: hidden: expected an integer >= 1, got 0'],
    ['sequence', () => sequence({ steps: 2, inputs: 2 }, { edges: 'many' as 'some' }), 'sequence: edges: expected one of "none", "some", "only", got "many"'],
    ['cellCase', () => cellCase('type1', { sequence: { halfWidth: 0 } }), 'sequence: halfWidth: expected a finite number > 0, got 0'],
    ['cellCase', () => cellCase('type2', { shape: { maxHidden: 0 } }), 'shape: maxHidden: expected an integer >= 1, got 0'],
    ['probeCase', () => probeCase('type1', { shape: { minInputs: -1 } }), 'shape: minInputs: expected an integer >= 1, got -1'],
    ['permutationKeys', () => permutationKeys({ maxSize: 0 }), 'permutationKeys: maxSize: expected an integer >= 1, got 0'],
  ])('%s should refuse a bad constraint when built, naming the key', (_name, build, message) => {
    expect(build).toThrowError(message);
  });
});

describe('drawn values', () => {
  it('should draw shapes within the bounds, reaching both ends', () => {
    const shapes = fc.sample(shape({ minHidden: 2, maxHidden: 5, minSteps: 1, maxSteps: 3 }), SAMPLES);
    expect(shapes.every((s) => s.hidden >= 2 && s.hidden <= 5 && s.steps >= 1 && s.steps <= 3 && s.inputs >= 1 && s.inputs <= 8)).toBe(true);
    expect(new Set(shapes.map((s) => s.hidden))).toEqual(new Set([2, 3, 4, 5]));
  });

  it('should draw uniform doubles within ±halfWidth, spread over the interval and never -0', () => {
    const xs = fc.sample(uniformDouble({ halfWidth: 3 }), { numRuns: 2000, seed: 7 });
    expect(xs.every((x) => Math.abs(x) <= 3 && !Object.is(x, -0))).toBe(true);
    expect(xs.filter((x) => Math.abs(x) > 1.5).length).toBeGreaterThan(xs.length / 4);
  });

  it('should draw edge doubles no larger than maxAbs, hitting zeros of both signs, subnormals and the constants', () => {
    const xs = fc.sample(edgeDouble({ maxAbs: 1e3 }), { numRuns: 3000, seed: 3 });
    expect(xs.every((x) => Number.isFinite(x) && Math.abs(x) <= 1e3)).toBe(true);
    expect(xs.some((x) => Object.is(x, -0))).toBe(true);
    expect(xs.some((x) => Object.is(x, 0))).toBe(true);
    expect(xs.some((x) => x !== 0 && Math.abs(x) < MIN_NORMAL)).toBe(true);
    for (const c of SATURATION_CONSTANTS) {
      expect(xs).toContain(c);
      expect(xs).toContain(-c);
    }
    expect(fc.sample(edgeDouble({ maxAbs: 1 }), SAMPLES).every((x) => Math.abs(x) <= 1)).toBe(true);
  });

  it.each(['type1', 'type2'] as const)('%s: cases should pass the cells\' own validation, with every key at its scale', (cell) => {
    const bound = { 'well-scaled': (H: number) => Math.sqrt(3 / H), unit: () => Math.sqrt(3), saturating: () => 1000 };
    for (const c of fc.sample(cellCase(cell), SAMPLES)) {
      expect(validateCase(cell, { S: c.S, W: c.W })).toEqual({ steps: c.steps, inputs: c.inputs, hidden: c.hidden });
      expect(Object.keys(c.W)).toEqual([...WEIGHT_KEYS[cell]]);
      const limit = bound[c.scale as keyof typeof bound](c.hidden);
      expect(Object.values(c.W).flat(2).every((w) => Math.abs(w as number) <= limit)).toBe(true);
      expect(c.S.flat().every((x) => Math.abs(x) <= 2)).toBe(true);
    }
  });

  it('should give the same values for the same seed, and others for another', () => {
    const draw = (seed: number) => JSON.stringify(fc.sample(cellCase('type2', { sequence: { edges: 'some' } }), { numRuns: 20, seed }));
    expect(draw(11)).toBe(draw(11));
    expect(draw(11)).not.toBe(draw(12));
  });

  it('should turn permutation keys into permutations, and all-zero keys into the identity', () => {
    for (const keys of fc.sample(permutationKeys(), SAMPLES)) {
      const p = permutationOf(keys, 9);
      expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
    expect(permutationOf(new Array(16).fill(0), 5)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('structural shrinking', () => {
  const shrinks = (arbitrary: fc.Arbitrary<CellCase>, c: CellCase, most = Infinity) => [...arbitrary.shrink(c, undefined).take(most)].map((v) => v.value);
  /** One case of exactly this shape, drawn by an arbitrary whose bounds allow shrinking below it. */
  const drawnWith = (arbitrary: fc.Arbitrary<CellCase>, hidden: number, seed: number) => fc.sample(arbitrary.filter((c) => c.hidden === hidden), { numRuns: 1, seed })[0];

  it('should offer only valid, smaller cases that keep the shape bounds', () => {
    const arbitrary = cellCase('type1', { shape: { minSteps: 1, minHidden: 2 } }) as fc.Arbitrary<CellCase>;
    for (const c of fc.sample(arbitrary, { numRuns: 10, seed: 5 })) {
      // Structure comes first in the stream; the first few hundred candidates also reach values.
      for (const smaller of shrinks(arbitrary, c, 300)) {
        expect(validateCase('type1', { S: smaller.S, W: smaller.W })).toEqual({ steps: smaller.steps, inputs: smaller.inputs, hidden: smaller.hidden });
        expect(smaller.steps >= 1 && smaller.hidden >= 2).toBe(true);
        expect(smaller.steps <= c.steps && smaller.hidden <= c.hidden && smaller.inputs <= c.inputs).toBe(true);
        expect([...smaller.S.flat(), ...Object.values(smaller.W).flat(2)].some((x) => Object.is(x, -0) && !c.S.flat().some((y) => Object.is(y, -0)))).toBe(false);
      }
    }
  });

  it('should remove a hidden unit from every matrix and bias and from the columns of every u_*, keeping the other values', () => {
    const arbitrary = cellCase('type2', { shape: { maxHidden: 3, minSteps: 2, maxSteps: 2, minInputs: 2, maxInputs: 2 } }) as fc.Arbitrary<CellCase>;
    const c = drawnWith(arbitrary, 3, 9);
    const W = c.W as unknown as Record<string, number[][] | number[]>;
    const without0 = shrinks(arbitrary, c).find((s) => s.hidden === 2 && (s.W as unknown as Record<string, number[]>).b_i[0] === (W.b_i as number[])[1])!;
    const V = without0.W as unknown as Record<string, number[][] | number[]>;
    expect(V.u_g).toEqual([(W.u_g as number[][])[1].slice(1), (W.u_g as number[][])[2].slice(1)]);
    expect(V.w_cell).toEqual((W.w_cell as number[][]).slice(1));
    expect(without0.S).toEqual(c.S);
  });

  it('should rebuild the selectors of a shrunk probe case instead of shrinking them', () => {
    const arbitrary = probeCase('type1', { shape: { maxHidden: 4, minInputs: 3, maxInputs: 3, minSteps: 1, maxSteps: 1 } }) as fc.Arbitrary<CellCase>;
    const c = drawnWith(arbitrary, 4, 4);
    const fresh = drawnWith(arbitrary, 3, 4);
    const smaller = shrinks(arbitrary, c).find((s) => s.hidden === 3)!;
    expect(smaller.W).toEqual(fresh.W);
    expect(smaller.S).toEqual(c.S);
  });
});

describe('FC_SEED, FC_RUNS and FC_PATH', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['FC_SEED', 'FC_RUNS', 'FC_PATH']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('should replay a given seed and scale the runs', () => {
    process.env.FC_SEED = '-123';
    process.env.FC_RUNS = '7';
    delete process.env.FC_PATH;
    expect(readSettings(100)).toEqual({ seed: -123, numRuns: 7, path: undefined, seeded: true });
  });

  it('should fall back to the suite default and a fresh 32-bit seed', () => {
    delete process.env.FC_SEED;
    delete process.env.FC_RUNS;
    delete process.env.FC_PATH;
    const settings = readSettings(100);
    expect(settings.numRuns).toBe(100);
    expect(settings.seeded).toBe(false);
    expect(Number.isInteger(settings.seed) && settings.seed === (settings.seed | 0)).toBe(true);
  });

  it.each([
    ['FC_RUNS', 'lots', 'FC_RUNS: expected an integer in [1, 10000000], got "lots"'],
    ['FC_RUNS', '0', 'FC_RUNS: expected an integer in [1, 10000000], got "0"'],
    ['FC_SEED', '1.5', 'FC_SEED: expected an integer in [-2147483648, 4294967295], got "1.5"'],
    ['FC_PATH', '3:a', 'FC_PATH: expected a fast-check path such as 3:0:1, got "3:a"'],
  ])('should refuse %s=%s, naming the variable', (name, value, message) => {
    process.env[name] = value;
    expect(() => readSettings(100)).toThrowError(message);
  });

  it('should refuse FC_PATH without the FC_SEED it belongs to', () => {
    delete process.env.FC_SEED;
    process.env.FC_PATH = '3:0';
    expect(() => readSettings(100)).toThrowError('FC_PATH: a path replays only with the seed it came from; set FC_SEED too');
  });
});
