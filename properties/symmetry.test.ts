/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * symmetry: permuting hidden units or input features, within the tolerance policy.
 * The facts and what each implementation is held to are in src/conformance/properties/symmetry.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['symmetry'], exactArithmetic: true });
