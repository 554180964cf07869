#!/usr/bin/env node
/**
 * A worked example in plain Node (no dependencies): an LSTM port that lstm-parity can judge in
 * both ways it takes JavaScript.
 *
 *   as a module:   npx lstm-parity verify --impl ./examples/node/my-lstm.mjs
 *   as a command:  npx lstm-parity verify --impl-command 'node examples/node/my-lstm.mjs'
 *
 * The default export is the implementation interface: a name, the cells, the dtype, the seed
 * keys it returns, and run(cell, S, W) returning those keys as T rows of H numbers. Run as a
 * program, the same object answers the JSON-lines protocol on stdin/stdout (serve() below).
 *
 * The arithmetic is the seed's, summed left to right: ((W x) + (U s)) + b for every gate row,
 * σ(z) = 1 / (1 + exp(-z)), Math.tanh. V8's exp and tanh differ from NumPy's by an ULP or two,
 * so the results agree with NumPy within lstm-parity's tolerance policy, not bit for bit.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** ((w · x) + (u · s)) + b for every row: the seed's association. */
function affine(w, u, b, x, s) {
  return b.map((bias, r) => {
    let wx = 0;
    for (let k = 0; k < x.length; k++) wx += w[r][k] * x[k];
    let us = 0;
    if (u !== undefined) for (let k = 0; k < s.length; k++) us += u[r][k] * s[k];
    return wx + us + bias;
  });
}

function type1(S, W) {
  const H = W.u_i.length;
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  const trace = { Output: [], Output_gate_activations: [], input_gate_activations: [], forget_gate_activations: [], cell_input_activations: [], cell_state_vectors: [] };
  for (const x of S) {
    const f = affine(W.w_g, W.u_g, W.b_g, x, h).map(sigmoid);
    const i = affine(W.w_i, W.u_i, W.b_i, x, h).map(sigmoid);
    const o = affine(W.w_o, W.u_o, W.b_o, x, h).map(sigmoid);
    const candidate = affine(W.w_c, W.u_c, W.b_c, x, h).map(Math.tanh);
    c = c.map((cj, j) => f[j] * cj + i[j] * candidate[j]);
    h = o.map((oj, j) => oj * Math.tanh(c[j]));
    trace.Output.push(h);
    trace.Output_gate_activations.push(o);
    trace.input_gate_activations.push(i);
    trace.forget_gate_activations.push(f);
    trace.cell_input_activations.push(candidate);
    trace.cell_state_vectors.push(c);
  }
  return trace;
}

function type2(S, W) {
  const H = W.u_i.length;
  let c = new Array(H).fill(0);
  const trace = { Output: [], input_gate_activations: [], output_gate_activations: [], forget_gate_activations: [], cell_state_vectors: [] };
  for (const x of S) {
    const f = affine(W.w_g, W.u_g, W.b_g, x, c).map(sigmoid);
    const o = affine(W.w_o, W.u_o, W.b_o, x, c).map(sigmoid);
    const i = affine(W.w_i, W.u_i, W.b_i, x, c).map(sigmoid);
    const candidate = affine(W.w_cell, undefined, W.b_cell, x, c).map(Math.tanh);
    c = c.map((cj, j) => f[j] * cj + i[j] * candidate[j]);
    trace.Output.push(c.map((cj, j) => Math.tanh(o[j] * cj)));
    trace.input_gate_activations.push(i);
    trace.output_gate_activations.push(o);
    trace.forget_gate_activations.push(f);
    trace.cell_state_vectors.push(c);
  }
  return trace;
}

const implementation = {
  name: 'my-lstm.mjs (plain Node)',
  version: '1.0.0',
  cells: ['type1', 'type2'],
  dtype: 'float64',
  run: (cell, S, W) => (cell === 'type1' ? type1(S, W) : type2(S, W)),
};

export default implementation;

// The protocol's encoding of doubles: "NaN", "Infinity", "-Infinity" as strings, -0 as -0.0.
const NON_FINITE = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const revive = (_key, value) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value);
const encode = (value) => {
  if (typeof value === 'number') return Number.isNaN(value) || !Number.isFinite(value) ? `"${value}"` : Object.is(value, -0) ? '-0.0' : String(value);
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${encode(item)}`).join(',')}}`;
  return JSON.stringify(value);
};
const line = (message) => `${encode(message)}\n`;

/** Answers requests on stdin, one JSON line each, until stdin ends. */
function serve() {
  process.stdout.write(line({ hello: { name: implementation.name, version: implementation.version, dtype: implementation.dtype, cells: implementation.cells } }));
  createInterface({ input: process.stdin }).on('line', (text) => {
    if (text.trim() === '') return;
    const request = JSON.parse(text, revive);
    let reply;
    try {
      reply = { id: request.id, outputs: implementation.run(request.cell, request.S, request.W) };
    } catch (error) {
      reply = { id: request.id, error: String(error instanceof Error ? error.message : error).split('\n')[0] };
    }
    process.stdout.write(line(reply));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) serve();
