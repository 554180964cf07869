/**
 * One table of cases (JAX's op_record habit): golden generation, the golden tests and the drift
 * check all read it. Each row says what it exercises; inputs are drawn from a SeededRandom seeded
 * by the table seed and the case's name, so adding a row never changes another row's inputs.
 * A row that needs more than the default tolerance carries the tolerance and the reason.
 */
import type { CellType } from '../cells/schema.js';
import type { Tolerance } from '../judge/tolerance.js';
import { randomMatrix, randomWeights, SeededRandom, type CaseValue, type Draw } from '../numeric/seeded-random.js';

export const TABLE_SEED = 20261129;

export type { CaseValue };

export interface TableCase {
  /** Unique per cell; the file is golden/<cell>/<name>.json. */
  name: string;
  cell: CellType;
  description: string;
  steps: number;
  hidden: number;
  inputs: number;
  allowNonFinite: boolean;
  /** Only where the default is not enough; `reason` says what was measured. */
  tolerance?: Tolerance & { reason: string };
  build(random: SeededRandom): CaseValue;
}

const normal = (scale: number): Draw => (random) => scale * random.normal();
const uniform: Draw = (random) => random.uniform();
const matrix = randomMatrix;
const weights = randomWeights;

interface Spec {
  name: string;
  description: string;
  steps: number | Record<CellType, number>;
  hidden: number;
  inputs: number;
  allowNonFinite?: boolean;
  tolerance?: TableCase['tolerance'];
  build(random: SeededRandom, cell: CellType, T: number, H: number, X: number): CaseValue;
}

/** The seed notebook's own draws: S ~ U[0, 1) (np.random.random), W ~ N(0, 1) (np.random.randn). */
const seedStyle: Spec['build'] = (random, cell, T, H, X) => ({ S: matrix(random, T, X, uniform), W: weights(random, cell, H, X, normal(1)) });

/** Weights ~ N(0, 1/H): the scale at which an LSTM neither saturates nor turns chaotic. */
const wellScaled: Spec['build'] = (random, cell, T, H, X) => ({ S: matrix(random, T, X, normal(1)), W: weights(random, cell, H, X, normal(1 / Math.sqrt(H))) });

const SPECS: Spec[] = [
  {
    name: 'seed-shape',
    description: "the notebook's own case: H = 4, X = 3, T = 6 (type 1) or 5 (type 2), S ~ U[0,1), W ~ N(0,1)",
    steps: { type1: 6, type2: 5 },
    hidden: 4,
    inputs: 3,
    build: seedStyle,
  },
  { name: 'empty-sequence', description: 'T = 0: every key holds an empty list', steps: 0, hidden: 4, inputs: 3, build: seedStyle },
  { name: 'one-step', description: 'T = 1: only the zero initial state is read', steps: 1, hidden: 4, inputs: 3, build: seedStyle },
  { name: 'scalar-unit', description: 'H = X = 1 over 8 steps', steps: 8, hidden: 1, inputs: 1, build: seedStyle },
  {
    name: 'long-sequence',
    description: 'T = 1200 with well-scaled weights: error must not accumulate (type 2: |c_t| grows up to t)',
    steps: 1200,
    hidden: 4,
    inputs: 3,
    build: wellScaled,
  },
  { name: 'wide-well-scaled', description: 'H = 128, X = 32, T = 24 with weights ~ N(0, 1/H)', steps: 24, hidden: 128, inputs: 32, build: wellScaled },
  {
    name: 'saturated-gates',
    description: 'weights ~ N(0, 50^2): most pre-activations beyond +-40, gates exactly 0 or 1, tanh exactly +-1',
    steps: 20,
    hidden: 6,
    inputs: 4,
    build: (random, cell, T, H, X) => ({ S: matrix(random, T, X, normal(1)), W: weights(random, cell, H, X, normal(50)) }),
  },
  {
    name: 'zero-weights',
    description: 'every weight and bias 0: gates exactly 0.5, every other output +0.0',
    steps: 5,
    hidden: 3,
    inputs: 2,
    build: (random, cell, T, H, X) => ({ S: matrix(random, T, X, normal(1)), W: weights(random, cell, H, X, () => 0) }),
  },
  {
    name: 'forget-bias-overflow',
    description: 'forget-gate bias -1000: exp(1000) overflows (NumPy warns), the forget gate is exactly 0',
    steps: 6,
    hidden: 4,
    inputs: 3,
    build: (random, cell, T, H, X) => {
      const value = seedStyle(random, cell, T, H, X);
      value.W.b_g = Array.from({ length: H }, () => -1000);
      return value;
    },
  },
  {
    name: 'subnormal-inputs',
    description: 'S entirely subnormal (|x| < 2.2e-308): products underflow, the biases decide',
    steps: 6,
    hidden: 4,
    inputs: 3,
    build: (random, cell, T, H, X) => ({ S: matrix(random, T, X, (r) => (r.uniform() - 0.5) * 4e-310), W: weights(random, cell, H, X, normal(1)) }),
  },
  {
    name: 'negative-zero',
    description: 'S all -0.0, weights 0 except biases that are -0.0 or tiny negatives: signed zeros must survive',
    steps: 4,
    hidden: 3,
    inputs: 2,
    build: (random, cell, T, H, X) => {
      const W = weights(random, cell, H, X, () => -0);
      const candidate = cell === 'type1' ? 'b_c' : 'b_cell';
      W[candidate] = [-1e-323, -0, -5e-324].slice(0, H);
      return { S: matrix(random, T, X, () => -0), W };
    },
  },
  {
    name: 'nan-input',
    description: 'NaN in S at step 3: outputs before it finite, NaN from it on',
    steps: 8,
    hidden: 4,
    inputs: 3,
    allowNonFinite: true,
    build: (random, cell, T, H, X) => {
      const value = seedStyle(random, cell, T, H, X);
      value.S[3][1] = NaN;
      return value;
    },
  },
  {
    name: 'infinite-input',
    description: '+Infinity and -Infinity in S: gates saturate exactly, Infinity - Infinity makes NaN',
    steps: 8,
    hidden: 4,
    inputs: 3,
    allowNonFinite: true,
    build: (random, cell, T, H, X) => {
      const value = seedStyle(random, cell, T, H, X);
      value.S[2][0] = Infinity;
      value.S[5][2] = -Infinity;
      return value;
    },
  },
];

function hashName(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

export const CASE_TABLE: readonly TableCase[] = (['type1', 'type2'] as const).flatMap((cell) =>
  SPECS.map((spec): TableCase => {
    const steps = typeof spec.steps === 'number' ? spec.steps : spec.steps[cell];
    return {
      name: spec.name,
      cell,
      description: spec.description,
      steps,
      hidden: spec.hidden,
      inputs: spec.inputs,
      allowNonFinite: spec.allowNonFinite ?? false,
      tolerance: spec.tolerance,
      build: (random) => spec.build(random, cell, steps, spec.hidden, spec.inputs),
    };
  }),
);

/** The seed a row's inputs are drawn with. */
export function caseSeed(row: Pick<TableCase, 'cell' | 'name'>): number {
  return (TABLE_SEED ^ hashName(`${row.cell}/${row.name}`)) >>> 0;
}

/** A row's inputs, the same on every run and every machine. */
export function buildCase(row: TableCase): CaseValue {
  return row.build(new SeededRandom(caseSeed(row)));
}
