/**
 * The conformance suite as a user registers it in their own vitest run, by the package's name
 * (lstm-parity-harness/conformance resolves to the built dist/), for implementations this project did
 * not write: the Python example behind the command protocol, and TensorFlow.js in float32,
 * which returns Output and the cell state only and implements type 1 only, so every property
 * that reads a gate, every type 2 property and every exact-arithmetic fact is skipped and listed.
 * Run counts are cut (numRuns) to keep the suite fast; FC_RUNS still overrides them. And a port
 * that fuses its multiply-adds (./helpers/ports.ts): correct, though not this package's bits.
 */
import { describeLstmConformance } from 'lstm-parity-harness/conformance';
import { openCommandImplementation } from 'lstm-parity-harness';
import { findBuiltin } from '../src/implementations/registry.js';
import { numpy } from './helpers/numpy.js';
import { seedPort } from './helpers/ports.js';

// The example is a NumPy program: without NumPy it cannot start, and that is said, not hidden.
if (numpy.ok) describeLstmConformance(() => openCommandImplementation({ command: 'python3 examples/python/my_lstm.py' }), { name: 'my_lstm.py (command protocol)', numRuns: 10 });
else console.warn(`SKIPPED the conformance of examples/python/my_lstm.py: ${numpy.reason}`);

describeLstmConformance(() => findBuiltin('tfjs-cpu')!.open({}), { name: 'tfjs-cpu', numRuns: 10, suites: ['gates', 'bounds', 'trace', 'symmetry', 'differential'] });

// A port that fuses every multiply-add, as a C compiler contracts them: correct, and held to the
// tolerance policy rather than to this package's bits.
describeLstmConformance(() => seedPort('a port that fuses multiply-adds', { fuse: 'all' }), { name: 'fused multiply-adds', numRuns: 10 });
