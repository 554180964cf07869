/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * zero weights: σ(0) = 0.5 and +0 states; independence from S with zero input weights; step-local gates with zero recurrent weights; bit for bit.
 * The facts and what each implementation is held to are in src/conformance/properties/zero-weights.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['zero-weights'], exactArithmetic: true });
