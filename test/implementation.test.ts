/**
 * The interface every checker judges through: replies are checked before anything compares them,
 * and every complaint names the implementation and the case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lstmType1, lstmType2 } from '../src/index.js';
import { caseInput, ImplementationError, implementationProblems, isFatal, runImplementation, runImplementations, seedKeysOf, type CaseInput, type Implementation, type ImplementationOutputs } from '../src/judge/implementation.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { flattenRows, goldenPasses, judgeGoldenFile, judgeGoldenFileLive, recordedFloor, toleranceOf } from '../src/judge/golden.js';
import type { FlatCase, Reference } from '../src/judge/flat-case.js';
import { perturbedCopies } from '../src/judge/noise-floor.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { runCase } from '../src/cells/run-case.js';
import { seedFields } from '../src/cells/trace.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';
import { parseGoldenFile } from '../src/golden/format.js';
import { reviveDoubles } from '../src/format/doubles.js';
import { ROOT } from './helpers/cli.js';
import { sequence, type1Weights, type2Weights } from './helpers/weights.js';

const S = sequence(3, 2);
const W = type1Weights(2, 2);
const asInput = (value: { S: number[][]; W: object }) => value as CaseInput;
const flat = toFlatCase('type1', { S, W });

function replying(reply: unknown, cells: Implementation['cells'] = ['type1']): Implementation {
  return { name: 'fake', cells, dtype: 'float64', run: () => reply as ImplementationOutputs };
}

const run = (impl: Implementation) => runImplementation(impl, flat, 'case 7', asInput({ S, W }));

describe('runImplementation', () => {
  it('should take T x H rows or one flat T x H array per key, and return the seed order', async () => {
    const trace = lstmType1(S, W);
    const rows = (values: Float64Array) => [0, 1, 2].map((t) => Array.from(values.subarray(2 * t, 2 * t + 2)));
    const out = await run(replying({ cell_state_vectors: Float32Array.from(trace.cellState), Output: rows(trace.output) }));
    expect(Object.keys(out)).toEqual(['Output', 'cell_state_vectors']);
    expect(out.Output).toEqual(trace.output);
    expect(out.cell_state_vectors).toEqual(Float64Array.from(Float32Array.from(trace.cellState)));
  });

  it('should give this package cells every seed key, bit for bit, through the interface', async () => {
    const own = lstmParityImplementation({ backend: 'scalar' });
    expect(own).toMatchObject({ name: 'lstm-parity (scalar)', cells: ['type1', 'type2'], dtype: 'float64' });
    const out1 = await runImplementation(own, flat, 'case', asInput({ S, W }));
    expect(Object.keys(out1)).toEqual(seedKeysOf('type1'));
    expect(out1.Output).toEqual(lstmType1(S, W).output);
    const W2 = type2Weights(2, 2);
    const out2 = await runImplementation(lstmParityImplementation(), toFlatCase('type2', { S, W: W2 }), 'case', asInput({ S, W: W2 }));
    expect(Object.keys(out2)).toEqual(seedKeysOf('type2'));
    expect(out2.cell_state_vectors).toEqual(lstmType2(S, W2).cellState);
  });

  it.each([
    [{ Output: [[0, 0]] }, 'fake: case 7: Output: expected 3 rows of 2 numbers (T x H), got 1 rows'],
    [{ Output: [[0, 0], [0], [0, 0]] }, 'fake: case 7: Output[1]: expected 2 numbers (H), got 1'],
    [{ Output: [[0, 0], [0, '1'], [0, 0]] }, 'fake: case 7: Output[1][1]: expected a number, got string'],
    [{ Output: [[0, 0], null, [0, 0]] }, 'fake: case 7: Output[1]: expected a row of 2 numbers, got null'],
    [{ Output: new Float64Array(5) }, 'fake: case 7: Output: expected 3 x 2 = 6 values, got 5'],
    [{ Output: 'none' }, 'fake: case 7: Output: expected 3 rows of 2 numbers, got string'],
    [{ Output: null }, 'fake: case 7: Output: expected 3 rows of 2 numbers, got null'],
    [{ Output: [[0, 0], 5, [0, 0]] }, 'fake: case 7: Output[1]: expected a row of 2 numbers, got number'],
    [{ Output: [[0, 0], [0, null], [0, 0]] }, 'fake: case 7: Output[1][1]: expected a number, got null'],
    [{ cell_state_vectors: new Float64Array(6) }, 'fake: case 7: missing Output (every implementation must return at least Output)'],
    [{ Output: new Float64Array(6), cell_input: [] }, 'fake: case 7: unknown output key "cell_input"; type1 has Output, Output_gate_activations, input_gate_activations, forget_gate_activations, cell_input_activations, cell_state_vectors'],
    [[], 'fake: case 7: expected an object of outputs by seed key, got an array'],
    [null, 'fake: case 7: expected an object of outputs by seed key, got null'],
    [6, 'fake: case 7: expected an object of outputs by seed key, got number'],
  ])('should refuse a reply that breaks the interface (%#)', async (reply, message) => {
    await expect(run(replying(reply))).rejects.toThrow(message);
  });

  it('should name the implementation and case when it throws, and when it lacks the cell', async () => {
    const throwing: Implementation = { name: 'boom', cells: ['type1'], dtype: 'float64', run: async () => Promise.reject(new Error('out of memory')) };
    await expect(run(throwing)).rejects.toThrow('boom: case 7: failed: out of memory');
    await expect(run(replying({}, ['type2']))).rejects.toThrow('fake: case 7: does not implement type1 (it implements type2)');
    await expect(run(replying({}, []))).rejects.toThrow('fake: case 7: does not implement type1 (it implements no cell)');
    await expect(run(replying({}, ['type2', 'type3' as 'type2']))).rejects.toThrow('fake: case 7: does not implement type1 (it implements type2, type3)');
  });

  it('should rebuild S and W from a flat case with the shapes the seed uses', () => {
    expect(caseInput(flat)).toEqual({ S, W });
    const W2 = type2Weights(3, 1);
    expect(caseInput(toFlatCase('type2', { S: [], W: W2 }))).toEqual({ S: [], W: W2 });
  });
});

describe('golden files in a browser', () => {
  it('should parse a golden file from the object JSON.parse made of it, NaN and -0 included', async () => {
    const text = readFileSync(join(ROOT, 'golden/type2/nan-input.json'), 'utf8');
    const fromObject = parseGoldenFile(JSON.parse(text) as object, 'nan-input');
    expect(fromObject).toEqual(parseGoldenFile(text, 'nan-input'));
    expect((await judgeGoldenFile(fromObject, lstmParityImplementation())).verdict.kind).toBe('agrees');
    expect(Object.is((reviveDoubles(JSON.parse('{"a": [-0.0, "NaN", "-Infinity", "x"]}')) as { a: unknown[] }).a[0], -0)).toBe(true);
    expect(reviveDoubles({ a: [-0, 'NaN', '-Infinity', 'x'] })).toEqual({ a: [-0, NaN, -Infinity, 'x'] });
  });
});

describe('judging a golden file', () => {
  const file = parseGoldenFile(readFileSync(join(ROOT, 'golden/type1/one-step.json'), 'utf8'), 'one-step');
  /** The cells as a reference, each output moved by `shift` (0: the cells' own bits). */
  const cellsReference = (shift = 0, failWith?: string): Reference & { calls: number[]; asked: FlatCase[] } => {
    const calls: number[] = [];
    const asked: FlatCase[] = [];
    return {
      calls,
      asked,
      evaluate: async (cases) => {
        calls.push(cases.length);
        asked.push(...cases);
        return cases.map((c) => {
          if (failWith !== undefined) return { ok: false as const, error: failWith };
          const trace = runCase(c.cell, caseInput(c), { allowNonFinite: true });
          return { ok: true as const, warnings: [], outputs: Object.fromEntries(seedFields(trace).map(([key, values]) => [key, Float64Array.from(values, (x) => x + shift)])) };
        });
      },
    };
  };

  it('should pass a file on agreement, or on exactly the verdict it expects, and on nothing else', async () => {
    const { verdict } = await judgeGoldenFile(file, lstmParityImplementation());
    expect(verdict.kind).toBe('agrees');
    expect(goldenPasses(file, verdict)).toBe(true);
    const ill = { ...verdict, kind: 'ill-conditioned' as const };
    expect(goldenPasses(file, ill)).toBe(false);
    expect(goldenPasses({ ...file, expectedVerdict: 'ill-conditioned' }, ill)).toBe(true);
    expect(goldenPasses({ ...file, expectedVerdict: 'ill-conditioned' }, { ...verdict, kind: 'port-bug' })).toBe(false);
  });

  it("should judge with the file's own tolerance where it has one, and refuse a key the file lacks", async () => {
    expect(toleranceOf(file)).toBe(FLOAT64_TOLERANCE);
    const wide = { rtol: 1e-6, atol: 1e-9, reason: 'widened' };
    expect(toleranceOf({ ...file, tolerance: wide })).toBe(wide);
    const { cell_state_vectors: _dropped, ...expected } = file.expected;
    await expect(judgeGoldenFile({ ...file, expected }, lstmParityImplementation())).rejects.toThrow('golden/type1/one-step: golden file lacks key cell_state_vectors');
  });

  it('should read the recorded floor per key and step, and mark the elements whose NaN-ness moved', () => {
    const floor = recordedFloor({ ...file, noiseFloor: { ...file.noiseFloor, classMoved: { Output: [0, 2] } } });
    expect(Object.keys(floor.stepSpread)).toEqual(Object.keys(file.noiseFloor.stepSpread));
    expect(floor.stepSpread.Output).toBeInstanceOf(Float64Array);
    expect([...floor.stepSpread.Output]).toEqual(file.noiseFloor.stepSpread.Output);
    const H = file.case.W.u_i.length;
    expect(H).toBeGreaterThan(2);
    expect([...floor.classMoved.Output]).toEqual(Array.from({ length: file.case.S.length * H }, (_, k) => (k === 0 || k === 2 ? 1 : 0)));
    expect(recordedFloor(file).classMoved).toEqual({});
  });

  it('should name the file in an implementation\'s failure, flatten no rows to nothing, and judge non-finite files live', async () => {
    const failing: Implementation = { name: 'broken', cells: ['type1', 'type2'], dtype: 'float64', run: () => { throw new Error('no'); } };
    await expect(judgeGoldenFile(file, failing)).rejects.toThrow('broken: golden/type1/one-step: failed: no');
    await expect(judgeGoldenFileLive(file, failing, cellsReference(), FLOAT64_TOLERANCE)).rejects.toThrow('broken: golden/type1/one-step: failed: no');
    expect(flattenRows([])).toEqual(new Float64Array(0));
    const nan = parseGoldenFile(readFileSync(join(ROOT, 'golden/type2/nan-input.json'), 'utf8'), 'nan-input');
    expect(nan.allowNonFinite).toBe(true);
    expect((await judgeGoldenFileLive(nan, lstmParityImplementation(), cellsReference(), FLOAT64_TOLERANCE)).verdict.kind).toBe('agrees');
  });

  it('should judge against a live reference, measuring its noise floor only when something differs', async () => {
    const same = cellsReference();
    const agreed = await judgeGoldenFileLive(file, lstmParityImplementation(), same, FLOAT64_TOLERANCE);
    expect(agreed.verdict.kind).toBe('agrees');
    expect(agreed.stepSpread).toEqual({});
    expect(same.calls).toEqual([1]);
    expect(Object.keys(agreed.expected)).toEqual(Object.keys(agreed.actual));
    expect(agreed.hidden).toBe(file.case.W.u_i.length);
    const off = cellsReference(1e-3);
    const differs = await judgeGoldenFileLive(file, lstmParityImplementation(), off, FLOAT64_TOLERANCE);
    expect(differs.verdict.kind).toBe('port-bug');
    expect(differs.verdict.spread).toBeDefined();
    // The floor: the case, then its 4 copies in one call, perturbed from the file's seed.
    expect(off.calls).toEqual([1, 4]);
    const c = toFlatCase(file.cell, file.case);
    expect(off.asked.slice(1).map((copy) => [...copy.S, ...copy.W.w_i])).toEqual(perturbedCopies(c, 4, file.source.seed).map((copy) => [...copy.S, ...copy.W.w_i]));
    expect(file.source.seed).not.toBe(1);
    expect(Object.keys(differs.stepSpread)).toEqual(Object.keys(differs.actual));
    await expect(judgeGoldenFileLive(file, lstmParityImplementation(), cellsReference(0, 'no numpy'), FLOAT64_TOLERANCE)).rejects.toThrow('golden/type1/one-step: the reference could not evaluate it: no numpy');
  });
});

describe('runImplementations', () => {
  const cases = [
    { cell: 'type1', T: 3, X: 2, H: 2 },
    { cell: 'type2', T: 3, X: 2, H: 2 },
    { cell: 'type1', T: 1, X: 2, H: 3 },
    { cell: 'type1', T: 3, X: 2, H: 2 },
    { cell: 'type1', T: 0, X: 1, H: 1 },
    { cell: 'type1', T: 3, X: 2, H: 2 },
  ].map(({ cell, T, X, H }, k) => {
    const input = { S: sequence(T, X, 10 + k), W: cell === 'type1' ? type1Weights(H, X, 20 + k) : type2Weights(H, X, 20 + k) };
    return { c: toFlatCase(cell as 'type1' | 'type2', input), name: `case ${k}`, input: asInput(input) };
  });
  const own = lstmParityImplementation({ backend: 'scalar' });

  /** This package's cells behind runBatch, recording what each batch held. */
  function batching(size: number, answer: (cell: 'type1' | 'type2', batch: readonly CaseInput[]) => unknown[] = (cell, batch) => batch.map(({ S, W }) => own.run(cell, S, W))) {
    const batches: string[][] = [];
    const impl: Implementation = {
      name: 'batching',
      cells: ['type1', 'type2'],
      dtype: 'float64',
      run: () => Promise.reject(new Error('asked one case at a time')),
      batch: size,
      runBatch: (cell, batch) => {
        batches.push(batch.map(({ S, W }) => `${cell} T${S.length} H${W.u_i.length}`));
        return answer(cell, batch) as ImplementationOutputs[];
      },
    };
    return { impl, batches };
  }

  it('should send cases by cell, grouped by shape, at most `batch` at a time, and give each its own answer', async () => {
    const { impl, batches } = batching(2);
    const { results, fatal } = await runImplementations(impl, cases);
    expect(fatal).toBeUndefined();
    expect(batches).toEqual([['type1 T0 H1', 'type1 T1 H3'], ['type1 T3 H2', 'type1 T3 H2'], ['type1 T3 H2'], ['type2 T3 H2']]);
    for (const [k, { c, name, input }] of cases.entries()) {
      expect(results[k], name).toEqual(await runImplementation(own, c, name, input));
    }
  });

  it('should fail only the case a batch answers with an error or a broken reply, and fail the run when the count is wrong', async () => {
    const { impl } = batching(8, (cell, batch) => batch.map(({ S, W }, j) => (j === 0 ? new Error('no kernel for T = 0') : j === 1 ? { Output: [] } : own.run(cell, S, W))));
    const { results, fatal } = await runImplementations(impl, cases);
    expect(fatal).toBeUndefined();
    expect(String(results[4])).toMatch(/ImplementationError: batching: case 4: failed: no kernel for T = 0$/);
    expect(String(results[2])).toMatch(/batching: case 2: Output: expected 1 rows of 3 numbers \(T x H\), got 0 rows$/);
    expect(results[0]).toEqual(await runImplementation(own, cases[0].c, 'case 0', cases[0].input));
    const short = await runImplementations(batching(8, (cell, batch) => batch.slice(1).map(({ S, W }) => own.run(cell, S, W))).impl, cases);
    expect(short.fatal?.message).toBe('batching: a batch of 5 type1 cases came back with 4 results');
    expect(short.results.every((r) => r === undefined)).toBe(true);
  });

  it('should fail every case of a batch that throws, stop at one that throws for good, and ask one at a time of an implementation without batches', async () => {
    const { impl } = batching(8, () => {
      throw new Error('out of memory');
    });
    const { results, fatal } = await runImplementations({ ...impl, cells: ['type1'] }, cases);
    expect(fatal).toBeUndefined();
    expect(String(results[0])).toMatch(/batching: a batch of 5 type1 cases failed: out of memory$/);
    expect(String(results[1])).toMatch(/batching: case 1: does not implement type2 \(it implements type1\)$/);
    const dying = batching(8, () => {
      throw Object.assign(new Error('the process died'), { fatal: true });
    }).impl;
    expect((await runImplementations(dying, cases)).fatal?.message).toMatch(/a batch of 5 type1 cases failed: the process died$/);
    const single = await runImplementations(own, cases);
    expect(single.results.every((r) => r !== undefined && !(r instanceof Error))).toBe(true);
  });

  it('should name every field of a value that is not an implementation', () => {
    expect(implementationProblems(null, 'x.mjs')).toEqual(['x.mjs: expected an implementation {name, cells, dtype, run}, got null']);
    expect(implementationProblems(7, 'x.mjs')).toEqual(['x.mjs: expected an implementation {name, cells, dtype, run}, got number']);
    expect(implementationProblems({ name: '', cells: ['type3'], dtype: 'float16', run: 1, version: 2, close: 'no', batch: 2.5, runBatch: 'no', keys: ['h'] }, 'x')).toEqual([
      'x: name: expected a non-empty string, got ""',
      'x: cells: expected a non-empty list of "type1", "type2", got ["type3"]',
      'x: dtype: expected "float64" or "float32", got "float16"',
      'x: run: expected a function run(cell, S, W), got number',
      'x: version: expected a string, got number',
      'x: close: expected a function, got string',
      'x: batch: expected an integer >= 2 (the most cases runBatch takes), got 2.5',
      'x: runBatch: expected a function runBatch(cell, cases), got string',
      'x: keys: expected a list of seed keys that includes "Output", got ["h"]',
    ]);
    expect(implementationProblems({}, 'x')).toEqual([
      'x: name: expected a non-empty string, got undefined',
      'x: cells: expected a non-empty list of "type1", "type2", got undefined',
      'x: dtype: expected "float64" or "float32", got undefined',
      'x: run: expected a function run(cell, S, W), got undefined',
    ]);
    expect(implementationProblems({ name: 'ok', cells: ['type1'], dtype: 'float64', run: () => ({}), keys: 'Output' }, 'x')).toEqual(['x: keys: expected a list of seed keys that includes "Output", got "Output"']);
  });

  it('should hold a reply to the keys the implementation declared', async () => {
    const declared = (reply: unknown): Implementation => ({ ...replying(reply), keys: ['Output', 'cell_state_vectors'] });
    const six = new Float64Array(6);
    await expect(run(declared({ Output: six }))).rejects.toThrow('fake: case 7: the reply lacks cell_state_vectors the keys it declared (Output, cell_state_vectors)');
    await expect(run(declared({ Output: six, cell_state_vectors: six, input_gate_activations: six }))).rejects.toThrow(
      'fake: case 7: the reply has input_gate_activations besides the keys it declared (Output, cell_state_vectors)',
    );
    await expect(run(declared({ Output: six, input_gate_activations: six }))).rejects.toThrow('the reply lacks cell_state_vectors and has input_gate_activations besides the keys it declared');
    const three = (reply: unknown): Implementation => ({ ...replying(reply), keys: ['Output', 'cell_state_vectors', 'forget_gate_activations'] });
    await expect(run(three({ Output: six, input_gate_activations: six, Output_gate_activations: six }))).rejects.toThrow(
      'the reply lacks cell_state_vectors, forget_gate_activations and has input_gate_activations, Output_gate_activations besides the keys it declared (Output, cell_state_vectors, forget_gate_activations)',
    );
    expect(Object.keys(await run(declared({ cell_state_vectors: six, Output: six })))).toEqual(['Output', 'cell_state_vectors']);
  });

  it('should ask one case at a time unless both runBatch and a batch of 2 or more are given', async () => {
    const asked: string[] = [];
    const counting = (extra: Partial<Implementation>): Implementation => ({
      name: 'counting',
      cells: ['type1', 'type2'],
      dtype: 'float64',
      run: (cell, S, W) => {
        asked.push('run');
        return own.run(cell, S, W);
      },
      ...extra,
    });
    const runBatch: Implementation['runBatch'] = (cell, batch) => {
      asked.push('runBatch');
      return batch.map(({ S, W }) => own.run(cell, S, W) as ImplementationOutputs);
    };
    for (const extra of [{ runBatch }, { batch: 4 }, { runBatch, batch: 1 }]) {
      asked.length = 0;
      const { results, fatal } = await runImplementations(counting(extra), cases);
      expect([fatal, results.every((r) => r !== undefined && !(r instanceof Error))], JSON.stringify(Object.keys(extra))).toEqual([undefined, true]);
      expect(asked).toEqual(cases.map(() => 'run'));
    }
  });

  it('should stop one case at a time at a failure for good, and go on after any other', async () => {
    let calls = 0;
    const failing = (fatal: boolean): Implementation => ({
      ...own,
      run: () => {
        calls++;
        throw Object.assign(new Error('lost'), { fatal });
      },
    });
    const dead = await runImplementations(failing(true), cases);
    expect([calls, dead.fatal?.fatal, dead.fatal?.message]).toEqual([1, true, 'lstm-parity (scalar): case 0: failed: lost']);
    expect(dead.results).toHaveLength(cases.length);
    expect(dead.results.every((r) => r === undefined)).toBe(true);
    calls = 0;
    const alive = await runImplementations(failing(false), cases);
    expect([calls, alive.fatal]).toEqual([cases.length, undefined]);
    expect(alive.results.every((r) => r instanceof ImplementationError && !r.fatal && (r.cause as Error).message === 'lost')).toBe(true);
  });

  it('should let an error that is not a reply failure escape, not record it as a case', async () => {
    const broken = { ...own, cells: undefined } as unknown as Implementation;
    await expect(runImplementations(broken, cases)).rejects.toThrow(TypeError);
  });

  it('should keep what a failing batch threw, and what a reply that is an error said, as the cause', async () => {
    const oom = new Error('out of memory');
    const thrown = await runImplementations(batching(8, () => { throw oom; }).impl, cases);
    expect([thrown.results[0] instanceof ImplementationError, (thrown.results[0] as ImplementationError).cause, (thrown.results[0] as ImplementationError).fatal]).toEqual([true, oom, false]);
    const refused = new Error('no kernel');
    const replied = await runImplementations(batching(8, (_, batch) => batch.map(() => refused)).impl, cases);
    expect([(replied.results[0] as ImplementationError).cause, (replied.results[0] as ImplementationError).fatal]).toEqual([refused, false]);
    const notList = await runImplementations(batching(8, () => ({ Output: [] }) as unknown as unknown[]).impl, cases);
    expect([notList.fatal?.message, notList.fatal?.fatal]).toEqual(['batching: a batch of 5 type1 cases came back with no list of results', true]);
    const short = await runImplementations(batching(8, (_, batch) => batch.slice(1)).impl, cases);
    expect(short.fatal?.fatal).toBe(true);
  });

  it('should say an error is fatal only when it is an object that says so', () => {
    expect(new ImplementationError('x').fatal).toBe(false);
    expect([isFatal({ fatal: true }), isFatal(new ImplementationError('x', true)), isFatal({ fatal: 'yes' }), isFatal({}), isFatal(null), isFatal(undefined), isFatal('fatal')]).toEqual([true, true, false, false, false, false, false]);
  });

  it('should find nothing wrong with a whole implementation, and name what is wrong with each field alone', () => {
    const whole = { name: 'ok', cells: ['type2'], dtype: 'float32', run: () => ({}), version: '1.0', close: () => undefined, batch: 2, runBatch: () => [], keys: ['Output', 'cell_state_vectors'] };
    expect(implementationProblems(whole, 'x')).toEqual([]);
    expect(implementationProblems({ ...whole, cells: ['type1', 'type2'], keys: ['Output'] }, 'x')).toEqual([]);
    expect(implementationProblems({ ...whole, cells: [] }, 'x')).toEqual(['x: cells: expected a non-empty list of "type1", "type2", got []']);
    expect(implementationProblems({ ...whole, cells: ['type1', 'type3'] }, 'x')).toEqual(['x: cells: expected a non-empty list of "type1", "type2", got ["type1","type3"]']);
    expect(implementationProblems({ ...whole, keys: ['cell_state_vectors'] }, 'x')).toEqual(['x: keys: expected a list of seed keys that includes "Output", got ["cell_state_vectors"]']);
    expect(implementationProblems({ ...whole, keys: ['Output', 'h'] }, 'x')).toEqual(['x: keys: expected a list of seed keys that includes "Output", got ["Output","h"]']);
    // A batch that is wrong is one problem, not two: the pairing is checked only on what is left.
    expect(implementationProblems({ ...whole, batch: 1, runBatch: undefined }, 'x')).toEqual(['x: batch: expected an integer >= 2 (the most cases runBatch takes), got 1']);
  });

  it('should refuse batch without runBatch, and a batch under 2', () => {
    const base = { name: 'b', cells: ['type1'], dtype: 'float64', run: () => ({}) };
    expect(implementationProblems({ ...base, batch: 4 }, 'impl')).toEqual(['impl: batch and runBatch go together: give both or neither']);
    expect(implementationProblems({ ...base, batch: 1, runBatch: () => [] }, 'impl')).toEqual(['impl: batch: expected an integer >= 2 (the most cases runBatch takes), got 1']);
  });
});
