/**
 * The command protocol's edges, driven by tiny Node programs that misbehave in one way each: what
 * a hello may say and when, replies that are not replies, ids nobody asked for, and closing with
 * a case in flight. Each ends in one clear message naming the command; no process is left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openCommandImplementation, type CommandImplementation } from '../src/implementations/command.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { caseInput, runImplementation } from '../src/judge/implementation.js';
import { processesMatching } from './helpers/faults.js';
import { sequence, type1Weights } from './helpers/weights.js';

const S = sequence(2, 2);
const W = type1Weights(2, 2);
const flat = toFlatCase('type1', { S, W });
const ANSWER = JSON.stringify([[0.5, -0.25], [0.125, 0]]);

/** A Node program: `setup` runs first; each request line `r` is answered by `answer(r)` (a JSON text or undefined). */
function program(tag: string, setup: string, answer: string): string[] {
  // One line, so that messages quoting the command stay on one line; the tag names it in ps.
  const body = `/* ${tag} */ ${setup}; let n = 0; require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => { const r = JSON.parse(line); n++; const out = (${answer})(r); if (out !== undefined) process.stdout.write(out + '\\n'); });`;
  return [process.execPath, '-e', body];
}

/** Long enough for Node to start on a busy machine; a hello or an exit ends the wait early. */
const WAIT = 20_000;
const ok = `(r) => JSON.stringify({ id: r.id, outputs: { Output: ${ANSWER} } })`;
const opened: CommandImplementation[] = [];
async function open(tag: string, setup: string, answer: string, options: { helloWaitMs?: number; dtype?: 'float64' | 'float32' } = {}) {
  const impl = await openCommandImplementation({ command: program(tag, setup, answer), helloWaitMs: options.helloWaitMs ?? 0, dtype: options.dtype, timeoutMs: 20_000 });
  opened.push(impl);
  return impl;
}
const run = (impl: CommandImplementation) => runImplementation(impl, flat, 'case 1', caseInput(flat));

afterAll(async () => {
  await Promise.all(opened.map((impl) => impl.close()));
  expect(await processesMatching('lstm-protocol-probe')).toEqual([]);
});

describe('the command protocol', () => {
  it('should take a hello with every field, and hold the replies to the keys it declared', async () => {
    const hello = JSON.stringify({ hello: { name: 'probe', version: '2', dtype: 'float32', cells: ['type1'], keys: ['Output', 'cell_state_vectors'] } });
    const impl = await open('lstm-protocol-probe hello', `process.stdout.write(${JSON.stringify(hello)} + '\\n');`, ok, { helloWaitMs: WAIT });
    expect(impl).toMatchObject({ name: 'probe', version: '2', dtype: 'float32', cells: ['type1'], keys: ['Output', 'cell_state_vectors'] });
    await expect(run(impl)).rejects.toThrow('probe: case 1: the reply lacks cell_state_vectors the keys it declared (Output, cell_state_vectors)');
  });

  it('should refuse a hello that does not say what it must, naming the field', async () => {
    const hello = JSON.stringify({ hello: { dtype: 'float16', cells: ['type1'] } });
    const error = await open('lstm-protocol-probe bad-hello', `process.stdout.write(${JSON.stringify(hello)} + '\\n');`, ok, { helloWaitMs: WAIT }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/lstm-protocol-probe bad-hello.* sent a hello it cannot keep: .*hello: dtype: expected "float64" or "float32", got "float16"/);
  });

  it('should adopt a late hello that agrees, and fail one that contradicts what it was judged as', async () => {
    // The hello comes first on stdout but only once the first request is in: too late to be waited for.
    const late = (dtype: string) => `(r) => JSON.stringify({ hello: { name: 'late', dtype: '${dtype}', cells: ['type1', 'type2'] } }) + '\\n' + JSON.stringify({ id: r.id, outputs: { Output: ${ANSWER} } })`;
    const agreeing = await open('lstm-protocol-probe late-agreeing', '', late('float64'));
    await expect(run(agreeing)).resolves.toMatchObject({ Output: expect.any(Float64Array) });
    expect(agreeing.name).toBe('late');
    const contradicting = await open('lstm-protocol-probe late-contradicting', '', late('float32'));
    const error = (await run(contradicting).catch((e: unknown) => e)) as Error & { fatal: boolean };
    expect(error.message).toMatch(/sent its hello too late to be heeded, and its hello says float32, but it is judged as float64$/);
    expect(error.fatal).toBe(true);
    await expect(run(contradicting)).rejects.toThrow(/too late to be heeded/);
  });

  it.each([
    ['no-id', `(r) => JSON.stringify({ outputs: { Output: ${ANSWER} } })`, /answered without an integer id: \{"outputs"/],
    ['both', `(r) => JSON.stringify({ id: r.id, outputs: {}, error: 'x' })`, /answered id \d+ with both outputs and error/],
    ['neither', `(r) => JSON.stringify({ id: r.id, result: 1 })`, /answered id \d+ with neither "outputs" \(an object\) nor "error" \(a string\)/],
    ['array', `(r) => '[1, 2]'`, /printed something that is not a valid reply: "\[1, 2\]"/],
  ])('should fail for good on a reply that is not one (%s), naming the command, after one restart', async (tag, answer, reason) => {
    const impl = await open(`lstm-protocol-probe ${tag}`, '', answer);
    const error = (await run(impl).catch((e: unknown) => e)) as Error & { fatal: boolean };
    expect(error.fatal).toBe(true);
    expect(error.message).toMatch(/^\S+ .*: case 1: failed: .*failed twice on one request/);
    expect(error.message).toMatch(reason);
    expect(impl.restarts).toBe(1);
  });

  it('should refuse a command whose first line answers a request nobody sent', async () => {
    const error = await open('lstm-protocol-probe unsolicited', `process.stdout.write(JSON.stringify({ id: 99, outputs: {} }) + '\\n');`, ok, { helloWaitMs: WAIT }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/lstm-protocol-probe unsolicited.* answered id 99, but no request was in flight$/);
  });

  it('should fail for good after a second hello', async () => {
    const first = `process.stdout.write(JSON.stringify({ hello: { dtype: 'float64', cells: ['type1'] } }) + '\\n')`;
    const impl = await open('lstm-protocol-probe second-hello', first, `(r) => JSON.stringify({ hello: { dtype: 'float64', cells: ['type1'] } }) + '\\n' + JSON.stringify({ id: r.id, outputs: { Output: ${ANSWER} } })`, { helloWaitMs: WAIT });
    const error = (await run(impl).catch((e: unknown) => e)) as Error & { fatal: boolean };
    expect(error.message).toMatch(/sent a hello after its first line \(a hello must come first, once\)$/);
    expect(error.fatal).toBe(true);
  });

  it('should keep only the first line of an error reply, and fail only that case', async () => {
    const impl = await open('lstm-protocol-probe error', '', `(r) => n === 1 ? JSON.stringify({ id: r.id, error: 'first line\\nsecond line' }) : JSON.stringify({ id: r.id, outputs: { Output: ${ANSWER} } })`);
    const error = (await run(impl).catch((e: unknown) => e)) as Error & { fatal: boolean };
    expect(error.message).toMatch(/: case 1: failed: first line$/);
    expect(error.fatal).toBe(false);
    await expect(run(impl)).resolves.toMatchObject({ Output: expect.any(Float64Array) });
  });

  it('should answer cases asked for at once one after another, each with its own reply', async () => {
    // Replies come late and echo S[0][0]: a second request sent while one is in flight would take its reply.
    const echo = `(r) => { setTimeout(() => process.stdout.write(JSON.stringify({ id: r.id, outputs: { Output: [[r.S[0][0], 0], [0, 0]] } }) + '\\n'), 100); }`;
    const impl = await open('lstm-protocol-probe queue', '', echo);
    const cases = [4, 5, 6].map((seed) => toFlatCase('type1', { S: sequence(2, 2, seed), W }));
    const outputs = await Promise.all(cases.map((c, k) => runImplementation(impl, c, `case ${k}`, caseInput(c))));
    expect(outputs.map((o) => o.Output[0])).toEqual(cases.map((c) => c.S[0]));
    expect(impl.restarts).toBe(0);
  });

  it('should end a case in flight when closed, and say so', async () => {
    const impl = await open('lstm-protocol-probe slow', '', '(r) => undefined');
    const answer = run(impl).catch((e: unknown) => e as Error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await impl.close();
    expect((await answer).message).toMatch(/was closed while a case was in flight$/);
  });
});
