/**
 * This package's cells through the conformance suite, as any implementation is registered:
 * the trace: causality and determinism bit for bit; the c_t recurrence and h_t from o_t, c_t.
 * The facts and what each implementation is held to are in src/conformance/properties/trace.ts;
 * this package's cells claim exact arithmetic, so every identity is held bit for bit.
 */
import { describeLstmConformance } from '../src/conformance.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

describeLstmConformance(lstmParityImplementation(), { suites: ['trace'], exactArithmetic: true });
