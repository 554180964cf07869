/**
 * Finding the Python that runs the NumPy reference: $LSTM_PARITY_PYTHON, else `python3`.
 * The probe runs once per process and says exactly what is missing when something is.
 */
import { execa } from 'execa';

/**
 * The oldest NumPy the whole suite, golden:check (every file within tolerance) and verify have
 * been run against: Debian 12's python3-numpy 1.24.2 on Python 3.11. The reference uses only
 * np.dot, np.exp, np.tanh and np.zeros, so older releases may well work, but nothing here has
 * shown it; they are refused rather than trusted. NumPy 1.24 itself needs Python >= 3.8, which
 * worker.py's syntax also needs, so no separate Python check is required.
 */
export const MIN_NUMPY = '1.24';

/** {@link probePython}'s answer: the versions found, or one line saying what is missing. */
export type PythonProbe =
  | { ok: true; python: string; pythonVersion: string; numpyVersion: string }
  | { ok: false; python: string; reason: string };

/** The Python the NumPy reference runs on: $LSTM_PARITY_PYTHON when set and not empty, else `python3`. */
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

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map((part) => Number.parseInt(part, 10));
  const b = minimum.split('.').map((part) => Number.parseInt(part, 10));
  for (let k = 0; k < b.length; k++) {
    if ((a[k] ?? 0) !== b[k]) return (a[k] ?? 0) > b[k];
  }
  return true;
}

const PROBE_TIMEOUT_MS = 30_000;

const cache = new Map<string, Promise<PythonProbe>>();

/**
 * Checks that Python runs and NumPy imports and is recent enough; cached per executable and
 * search path (the same name on another PATH may be another Python, or none).
 */
export function probePython(python = pythonCommand()): Promise<PythonProbe> {
  const key = `${python}\0${process.env.PATH ?? ''}`;
  let probe = cache.get(key);
  if (probe === undefined) {
    probe = runProbe(python);
    cache.set(key, probe);
  }
  return probe;
}

async function runProbe(python: string): Promise<PythonProbe> {
  const result = await execa(python, ['-c', PROBE], { reject: false, timeout: PROBE_TIMEOUT_MS });
  const source = python === process.env.LSTM_PARITY_PYTHON ? ' (from LSTM_PARITY_PYTHON)' : '';
  const code = (result as { code?: string }).code;
  if (result.failed && (code === 'ENOENT' || code === 'EACCES')) {
    const what = code === 'ENOENT' ? 'is not on this machine' : 'cannot be executed (permission denied)';
    return { ok: false, python, reason: `Python not found: ${python}${source} ${what}; install Python 3 with NumPy >= ${MIN_NUMPY} (e.g. apt-get install python3-numpy) or set LSTM_PARITY_PYTHON` };
  }
  if (result.timedOut) {
    return { ok: false, python, reason: `${python}${source} did not answer within ${PROBE_TIMEOUT_MS / 1000} s when asked for its NumPy version` };
  }
  const line = lastLine(String(result.stdout));
  const [status, pythonVersion, ...rest] = line.split(' ');
  if (result.exitCode !== 0 || !['OK', 'NO_NUMPY'].includes(status)) {
    const said = lastLine(String(result.stderr)) || (line ? `it printed ${JSON.stringify(line.slice(0, 80))}` : 'it printed nothing');
    const how = result.signal === undefined ? `exit code ${result.exitCode}` : `killed by ${result.signal}`;
    return { ok: false, python, reason: `${python}${source} does not run as Python 3 (${how}): ${said}` };
  }
  if (status === 'NO_NUMPY') {
    return { ok: false, python, reason: `NumPy is not importable by ${python}${source} (Python ${pythonVersion}): ${rest.join(' ')}; install it with: ${python} -m pip install numpy` };
  }
  const numpyVersion = rest[0];
  if (!versionAtLeast(numpyVersion, MIN_NUMPY)) {
    return { ok: false, python, reason: `NumPy ${numpyVersion} at ${python}${source} is too old (need >= ${MIN_NUMPY}); upgrade it with: ${python} -m pip install -U numpy` };
  }
  return { ok: true, python, pythonVersion, numpyVersion };
}
