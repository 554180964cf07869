/**
 * Finding the Python that runs the NumPy reference: $LSTM_PARITY_PYTHON, else `python3`.
 * The probe runs once per process and says exactly what is missing when something is.
 */
import { execa } from 'execa';

export const MIN_NUMPY = '1.22';

export type PythonProbe =
  | { ok: true; python: string; pythonVersion: string; numpyVersion: string }
  | { ok: false; python: string; reason: string };

export function pythonCommand(): string {
  const configured = process.env.LSTM_PARITY_PYTHON;
  return configured === undefined || configured === '' ? 'python3' : configured;
}

const PROBE = `
import sys
try:
    import numpy
except Exception as error:
    print('NO_NUMPY ' + sys.version.split()[0] + ' ' + type(error).__name__ + ': ' + str(error).replace(chr(10), ' '))
else:
    print('OK ' + sys.version.split()[0] + ' ' + numpy.__version__)
`;

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map((part) => Number.parseInt(part, 10));
  const b = minimum.split('.').map((part) => Number.parseInt(part, 10));
  for (let k = 0; k < b.length; k++) {
    if ((a[k] ?? 0) !== b[k]) return (a[k] ?? 0) > b[k];
  }
  return true;
}

const cache = new Map<string, Promise<PythonProbe>>();

/** Checks that Python runs and NumPy imports and is recent enough; cached per executable. */
export function probePython(python = pythonCommand()): Promise<PythonProbe> {
  let probe = cache.get(python);
  if (probe === undefined) {
    probe = runProbe(python);
    cache.set(python, probe);
  }
  return probe;
}

async function runProbe(python: string): Promise<PythonProbe> {
  const result = await execa(python, ['-c', PROBE], { reject: false, timeout: 30_000 });
  const source = python === process.env.LSTM_PARITY_PYTHON ? ' (from LSTM_PARITY_PYTHON)' : '';
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    return { ok: false, python, reason: `Python not found: ${python}${source} is not on this machine; install Python 3 with NumPy >= ${MIN_NUMPY} (e.g. apt-get install python3-numpy) or set LSTM_PARITY_PYTHON` };
  }
  const line = String(result.stdout).trim().split('\n').pop() ?? '';
  const [status, pythonVersion, ...rest] = line.split(' ');
  if (result.exitCode !== 0 || status === undefined || !['OK', 'NO_NUMPY'].includes(status)) {
    const detail = String(result.stderr).trim().split('\n').pop() ?? `exit code ${result.exitCode}`;
    return { ok: false, python, reason: `${python}${source} did not run: ${detail}` };
  }
  if (status === 'NO_NUMPY') {
    return { ok: false, python, reason: `NumPy is not importable by ${python}${source} (Python ${pythonVersion}): ${rest.join(' ')}; install it with: ${python} -m pip install numpy` };
  }
  const numpyVersion = rest[0];
  if (!versionAtLeast(numpyVersion, MIN_NUMPY)) {
    return { ok: false, python, reason: `NumPy ${numpyVersion} is too old (need >= ${MIN_NUMPY}); upgrade it with: ${python} -m pip install -U numpy` };
  }
  return { ok: true, python, pythonVersion, numpyVersion };
}
