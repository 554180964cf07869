#!/usr/bin/env python3
"""The NumPy side of the bridge: a long-lived process answering requests on stdin/stdout.

One JSON object per line each way. Arrays cross as base64 of little-endian float64, row-major,
so every value, NaN payloads aside, arrives exactly. Requests:

  {"id": 1, "op": "hello"}
      -> {"id": 1, "ok": true, "info": {"python": ..., "numpy": ..., "blas": ..., ...}}
  {"id": 2, "op": "run", "cases": [{"cell": "type1", "steps": T, "inputs": X, "hidden": H,
                                     "S": b64, "W": {"w_i": b64, ...}}, ...]}
      -> {"id": 2, "ok": true, "results": [{"ok": true, "outputs": {"Output": b64, ...},
                                            "warnings": ["overflow encountered in exp"]},
                                           {"ok": false, "error": "..."}, ...]}
  {"id": 2, "op": "run", "dtype": "float32", "cases": [...]}
      -> the same, computed in float32: S and W rounded to float32, the seed's operations on
         float32 arrays (lstm_reference.py, dtype=np.float32); outputs sent as float64 (exact).
  A run case may carry "jitter": an integer seed; then every sigmoid and tanh result moves one
  ULP up or down by a coin drawn from it (lstm_reference.py): the noise floor's copies.
  {"id": 3, "op": "truth", "cases": [...]}
      -> the same, from lstm_mpmath.py: each case evaluated at 50, 100 (and if they differ 200)
         digits until two precisions round to the same float64 outputs; each result also has
         "digits" (the precision that settled) and "converged" (false if even 200 did not).

  {"id": 3, "op": "bench", "impl": "seed" | "fused" | "torch64" | "torch32", "cell": "type1",
   "steps": T, "inputs": X, "hidden": H, "batch": B, "S": b64 (B x T x X), "W": {...},
   "min_time": seconds, "min_samples": n, "seed_path": optional path of original_lstm.py}
      -> {"id": 3, "ok": true, "bench": {"samples": [seconds per call, ...], "impl": ...}}
  A benchmark: times one implementation on B sequences inside this process, so the timings
  exclude the transfer. See bench_lstm.py.

A case that cannot be evaluated gets an error result and the batch goes on; a request that
cannot be read gets {"id": ..., "ok": false, "error": ...}. The worker exits when stdin closes.
Anything else that writes to stdout (a stray print) is sent to stderr so the protocol stays clean.
"""

import base64
import json
import platform
import sys
import warnings

import numpy as np

import bench_lstm
import lstm_reference

PROTOCOL = 1


def decode(text, shape, what):
    raw = base64.b64decode(text, validate=True)
    expected = 8 * int(np.prod(shape))
    if len(raw) != expected:
        raise ValueError(f'{what}: expected {expected} bytes for shape {list(shape)}, got {len(raw)}')
    return np.frombuffer(raw, dtype='<f8').reshape(shape).copy()


def encode(rows, hidden):
    array = np.stack(rows) if rows else np.zeros((0, hidden))
    return base64.b64encode(np.ascontiguousarray(array, dtype='<f8').tobytes()).decode('ascii')


def weight_shape(key, hidden, inputs):
    if key.startswith('b_'):
        return (hidden,)
    if key.startswith('u_'):
        return (hidden, hidden)
    return (hidden, inputs)


def decode_case(case):
    cell = case['cell']
    if cell not in lstm_reference.CELLS:
        raise ValueError(f'cell: expected type1 or type2, got {cell!r}')
    T, X, H = int(case['steps']), int(case['inputs']), int(case['hidden'])
    S = decode(case['S'], (T, X), 'S')
    W = {key: decode(text, weight_shape(key, H, X), f'W.{key}') for key, text in case['W'].items()}
    return cell, S, W, H


TRUTH_DIGITS = (50, 100, 200)


def truth_case(case):
    cell, S, W, H = decode_case(case)
    import lstm_mpmath
    lists = {key: value.tolist() for key, value in W.items()}
    previous = None
    for digits in TRUTH_DIGITS:
        outputs = lstm_mpmath.CELLS[cell](S.tolist(), lists, dps=digits)
        arrays = {key: np.array(rows, dtype='<f8').reshape(len(rows), H) for key, rows in outputs.items()}
        if previous is not None and all(np.array_equal(arrays[k], previous[1][k], equal_nan=True) for k in arrays):
            return {'ok': True, 'outputs': {k: encode(list(v), H) for k, v in previous[1].items()},
                    'warnings': [], 'digits': previous[0], 'converged': True}
        previous = (digits, arrays)
    return {'ok': True, 'outputs': {k: encode(list(v), H) for k, v in previous[1].items()},
            'warnings': [], 'digits': previous[0], 'converged': False}


DTYPES = {'float64': np.float64, 'float32': np.float32}


def run_case(case, dtype='float64'):
    cell, S, W, H = decode_case(case)
    # A case may ask for its activations' results moved one ULP each, from a seed (the noise floor).
    jitter = None if case.get('jitter') is None else np.random.default_rng(int(case['jitter']))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        if dtype == 'float64':
            outputs = lstm_reference.CELLS[cell](S, W, jitter=jitter)
        else:
            kind = DTYPES[dtype]
            outputs = lstm_reference.CELLS[cell](S.astype(kind), {key: value.astype(kind) for key, value in W.items()}, kind, jitter=jitter)
    messages = []
    for warning in caught:
        message = str(warning.message)
        if message not in messages:
            messages.append(message)
    return {
        'ok': True,
        'outputs': {key: encode(rows, H) for key, rows in outputs.items()},
        'warnings': messages,
    }


def blas_info():
    info = {}
    try:
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
        info = {'name': blas.get('name'), 'version': blas.get('version'),
                'config': blas.get('openblas configuration')}
    except Exception as error:  # NumPy < 1.26 has no dict mode: report the libraries it linked.
        try:
            libraries = np.__config__.get_info('blas_opt').get('libraries') or []
            info = {'name': '+'.join(dict.fromkeys(libraries)) or 'unknown'}
        except Exception:
            info = {'name': 'unknown', 'error': str(error)}
    info['corename'] = openblas_corename()
    return info


def openblas_corename():
    """The OpenBLAS kernel chosen at run time (it decides the FMA summation order), if findable."""
    try:
        import ctypes
        import glob
        import os
        folder = os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs')
        for path in glob.glob(os.path.join(folder, '*openblas*')):
            lib = ctypes.CDLL(path)
            for name in ('scipy_openblas_get_corename64_', 'scipy_openblas_get_corename',
                         'openblas_get_corename64_', 'openblas_get_corename'):
                if hasattr(lib, name):
                    function = getattr(lib, name)
                    function.restype = ctypes.c_char_p
                    return function().decode()
    except Exception:
        pass
    return None


def hello():
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        try:  # NumPy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            features = {}
    return {
        'protocol': PROTOCOL,
        'python': platform.python_version(),
        'numpy': np.__version__,
        'blas': blas_info(),
        'platform': platform.platform(),
        'machine': platform.machine(),
        'cpu_features': sorted(name for name, on in features.items() if on),
    }


def answer(request):
    op = request.get('op')
    if op == 'hello':
        return {'ok': True, 'info': hello()}
    if op in ('run', 'truth'):
        dtype = request.get('dtype', 'float64')
        if dtype not in DTYPES:
            return {'ok': False, 'error': f'dtype: expected float64 or float32, got {dtype!r}'}
        evaluate = (lambda case: run_case(case, dtype)) if op == 'run' else truth_case
        results = []
        for case in request['cases']:
            try:
                results.append(evaluate(case))
            except Exception as error:
                results.append({'ok': False, 'error': f'{type(error).__name__}: {error}'})
        return {'ok': True, 'results': results}
    if op == 'bench':
        case = dict(request)
        B, T, X, H = int(case['batch']), int(case['steps']), int(case['inputs']), int(case['hidden'])
        S = decode(case['S'], (B, T, X), 'S')
        W = {key: decode(text, weight_shape(key, H, X), f'W.{key}') for key, text in case['W'].items()}
        return {'ok': True, 'bench': bench_lstm.bench(case, S, W)}
    return {'ok': False, 'error': f'unknown op {op!r}'}


def die_with_parent():
    """On Linux, ask the kernel to SIGKILL this worker when the process that started it dies.

    The bridge kills its worker when it closes or exits normally, and a worker that is waiting for
    a request exits at stdin EOF; but a worker busy with a long batch, or hung, when its parent is
    killed would otherwise live on as an orphan. Elsewhere this does nothing.
    """
    try:
        import ctypes
        import signal
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except Exception:
        pass


def main():
    die_with_parent()
    out = sys.stdout
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get('id')
            reply = answer(request)
        except Exception as error:
            reply = {'ok': False, 'error': f'bad request: {type(error).__name__}: {error}'}
        reply['id'] = request_id
        out.write(json.dumps(reply, separators=(',', ':')) + '\n')
        out.flush()


if __name__ == '__main__':
    main()
