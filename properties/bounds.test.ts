/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * bounds: |h_t| <= 1, |c_t| <= t, type 1 |h_t| <= o_t, exactly.
 * The facts and what each implementation is held to are in src/conformance/properties/bounds.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['bounds'], exactArithmetic: true });
