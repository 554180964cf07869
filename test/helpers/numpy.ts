/**
 * NumPy-backed suites run only where Python with NumPy is available. Where it is not, each such
 * suite says, once and by name, that it was skipped and why: nothing is skipped silently.
 */
import { describe } from 'vitest';
import { probePython, type PythonProbe } from '../../src/oracle/python.js';

export const numpy: PythonProbe = await probePython();

export function describeWithNumpy(name: string, body: () => void): void {
  if (!numpy.ok) console.warn(`SKIPPED NumPy-backed suite "${name}": ${numpy.reason}`);
  describe.skipIf(!numpy.ok)(name, body);
}
