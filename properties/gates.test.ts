/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * gates: the closed interval [0, 1] for everyone; the exact saturation constants of σ with exact arithmetic.
 * The facts and what each implementation is held to are in src/conformance/properties/gates.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['gates'], exactArithmetic: true });
