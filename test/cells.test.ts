import { describe, expect, it } from 'vitest';
import { lstmType1, lstmType2, toSeedOutput, type Type1Weights, type Type2Weights } from '../src/index.js';

const L2 = Math.log(2);
const L3 = Math.log(3);
const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** Relative closeness for hand-derived values: ln 2 and ln 3 are themselves rounded. */
function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-15 * Math.abs(expected) + 1e-300);
}

describe('type 1 on a case worked by hand (H = X = 1, T = 2)', () => {
  // S = [[1], [0]]. Weights chosen so step 1 needs no calculator:
  //   σ(ln 3) = 1 / (1 + 1/3) = 3/4,  σ(0) = 1/2,  tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5.
  //   i: w = ln 3, u = 0, b = 0     ->  i_1 = 3/4,              i_2 = σ(0) = 1/2
  //   g: w = 0,    u = 1, b = 0     ->  f_1 = σ(0) = 1/2,       f_2 = σ(h_1)        (reads h)
  //   o: w = 0,    u = 0, b = ln 3  ->  o_1 = o_2 = 3/4                            (reads b)
  //   c: w = ln 2, u = 1, b = 0     ->  ĉ_1 = 3/5,              ĉ_2 = tanh(h_1)
  //   c_1 = 1/2 * 0 + 3/4 * 3/5 = 9/20         h_1 = 3/4 tanh(9/20)
  //   c_2 = σ(h_1) * 9/20 + 1/2 * tanh(h_1)    h_2 = 3/4 tanh(c_2)
  const W: Type1Weights = {
    w_i: [[L3]], u_i: [[0]], b_i: [0],
    w_g: [[0]], u_g: [[1]], b_g: [0],
    w_o: [[0]], u_o: [[0]], b_o: [L3],
    w_c: [[L2]], u_c: [[1]], b_c: [0],
  };
  const trace = lstmType1([[1], [0]], W);
  const h1 = 0.75 * Math.tanh(0.45);
  const c2 = sigma(h1) * 0.45 + 0.5 * Math.tanh(h1);

  it('should give the gates derived by hand', () => {
    expectClose(trace.inputGate[0], 0.75);
    expectClose(trace.inputGate[1], 0.5);
    expectClose(trace.forgetGate[0], 0.5);
    expectClose(trace.forgetGate[1], sigma(h1));
    expectClose(trace.outputGate[0], 0.75);
    expectClose(trace.outputGate[1], 0.75);
    expectClose(trace.cellInput[0], 0.6);
    expectClose(trace.cellInput[1], Math.tanh(h1));
  });

  it('should give the cell states and outputs derived by hand', () => {
    expectClose(trace.cellState[0], 0.45);
    expectClose(trace.output[0], h1);
    expectClose(trace.cellState[1], c2);
    expectClose(trace.output[1], 0.75 * Math.tanh(c2));
  });

  it("should map onto the seed's keys, in the seed's order", () => {
    const out = toSeedOutput(trace);
    expect(Object.keys(out)).toEqual([
      'Output', 'Output_gate_activations', 'input_gate_activations',
      'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors',
    ]);
    expect(out.Output).toEqual([[trace.output[0]], [trace.output[1]]]);
    expect(out.cell_input_activations).toEqual([[trace.cellInput[0]], [trace.cellInput[1]]]);
  });
});

describe('type 2 on a case worked by hand (H = X = 1, T = 2)', () => {
  // S = [[1], [0]]; gates read c_{t-1}, the candidate has no recurrent term, h_t = tanh(o_t c_t).
  //   i:    w = ln 3, u = 0, b = 0     ->  i_1 = 3/4,              i_2 = 1/2
  //   g:    w = 0,    u = 1, b = 0     ->  f_1 = σ(c_0) = 1/2,     f_2 = σ(c_1)        (reads c)
  //   o:    w = 0,    u = 1, b = ln 3  ->  o_1 = 3/4,              o_2 = σ(c_1 + ln 3)
  //   cell: w = ln 2,        b = 0     ->  ĉ_1 = 3/5,              ĉ_2 = tanh(0) = 0
  //   c_1 = 9/20                       h_1 = tanh(3/4 * 9/20) = tanh(27/80)
  //   c_2 = σ(9/20) * 9/20             h_2 = tanh(σ(9/20 + ln 3) c_2)
  const W: Type2Weights = {
    w_i: [[L3]], u_i: [[0]], b_i: [0],
    w_g: [[0]], u_g: [[1]], b_g: [0],
    w_o: [[0]], u_o: [[1]], b_o: [L3],
    w_cell: [[L2]], b_cell: [0],
  };
  const trace = lstmType2([[1], [0]], W);
  const c2 = sigma(0.45) * 0.45;

  it('should give the gates derived by hand', () => {
    expectClose(trace.inputGate[0], 0.75);
    expectClose(trace.inputGate[1], 0.5);
    expectClose(trace.forgetGate[0], 0.5);
    expectClose(trace.forgetGate[1], sigma(0.45));
    expectClose(trace.outputGate[0], 0.75);
    expectClose(trace.outputGate[1], sigma(0.45 + L3));
  });

  it('should give the cell states and the tanh(o * c) outputs derived by hand', () => {
    expectClose(trace.cellState[0], 0.45);
    expectClose(trace.output[0], Math.tanh(27 / 80));
    expectClose(trace.cellState[1], c2);
    expectClose(trace.output[1], Math.tanh(sigma(0.45 + L3) * c2));
  });

  it("should map onto the seed's keys, in the seed's order, with no candidate key", () => {
    expect(Object.keys(toSeedOutput(trace))).toEqual([
      'Output', 'input_gate_activations', 'output_gate_activations',
      'forget_gate_activations', 'cell_state_vectors',
    ]);
  });
});

const type1Zeros = (H: number, X: number): Type1Weights => {
  const m = (r: number, c: number) => Array.from({ length: r }, () => new Array<number>(c).fill(0));
  return {
    w_i: m(H, X), u_i: m(H, H), b_i: new Array(H).fill(0),
    w_g: m(H, X), u_g: m(H, H), b_g: new Array(H).fill(0),
    w_o: m(H, X), u_o: m(H, H), b_o: new Array(H).fill(0),
    w_c: m(H, X), u_c: m(H, H), b_c: new Array(H).fill(0),
  };
};

describe('empty and non-finite sequences', () => {
  it('should return empty lists for every seed key when T = 0', () => {
    const trace = lstmType1([], type1Zeros(4, 3));
    expect(trace.steps).toBe(0);
    expect(trace.hidden).toBe(4);
    const out = toSeedOutput(trace);
    expect(Object.values(out).every((rows) => rows.length === 0)).toBe(true);
    expect(Object.keys(out)).toHaveLength(6);
  });

  it('should return empty lists for type 2 when T = 0', () => {
    const W = type1Zeros(2, 2) as unknown as Record<string, unknown>;
    const { w_c, u_c, b_c, ...rest } = W;
    const out = toSeedOutput(lstmType2([], { ...rest, w_cell: w_c, b_cell: b_c } as unknown as Type2Weights));
    expect(Object.keys(out)).toHaveLength(5);
    expect(Object.values(out).every((rows) => rows.length === 0)).toBe(true);
  });

  it('should carry a NaN at step k into every later output and leave earlier ones finite', () => {
    const W = type1Zeros(2, 1);
    W.w_i = [[0.3], [-0.2]];
    W.u_g = [[0.5, 0.1], [0.2, 0.4]];
    W.w_c = [[1], [0.7]];
    const S = [[0.1], [0.2], [NaN], [0.4]];
    const trace = lstmType1(S, W, { allowNonFinite: true });
    for (let t = 0; t < 4; t++) {
      for (let j = 0; j < 2; j++) expect(Number.isNaN(trace.output[t * 2 + j])).toBe(t >= 2);
    }
  });

  it('should let NaN in a recurrent weight poison the very first step, as NumPy does', () => {
    const W = type1Zeros(1, 1);
    W.u_o = [[NaN]];
    const trace = lstmType1([[1]], W, { allowNonFinite: true });
    expect(Number.isNaN(trace.outputGate[0])).toBe(true);
    expect(trace.inputGate[0]).toBe(0.5);
  });
});
