/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * robustness: answers at any magnitude; NaN in S at step k poisons exactly the steps from k on.
 * The facts and what each implementation is held to are in src/conformance/properties/robustness.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['robustness'], exactArithmetic: true });
