/**
 * src/cells/math/constants.ts is written by scripts/activation-constants.py; this checks the
 * committed file is what the script derives today. Kept apart from test/activations.test.ts,
 * which the mutation runs include: there the sources are instrumented, so the check cannot hold.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../src/package-root.js';
import { pythonCommand } from '../src/oracle/python.js';
import { describeWithNumpy } from './helpers/numpy.js';

describeWithNumpy('the activations\' constants', () => {
  it('should hold the constants scripts/activation-constants.py derives (committed up to date)', async () => {
    const { exitCode, stderr } = await execa(pythonCommand(), [join(packageRoot(), 'scripts', 'activation-constants.py'), '--check'], { reject: false });
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
  });
});
