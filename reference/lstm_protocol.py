"""The lstm-parity command protocol, for an LSTM written in Python: copy this file beside yours.

It ships with lstm-parity (reference/lstm_protocol.py); the worked example and the adapters for
PyTorch and ONNX (reference/peers/) use it as it is.

lstm-parity starts your command once and talks to it in JSON lines on stdin/stdout:

  request  {"id": 7, "cell": "type1", "S": [[...]], "W": {"w_i": [[...]], ...}}
  reply    {"id": 7, "outputs": {"Output": [[...]], ...}}   T rows of H numbers per seed key
           {"id": 7, "error": "one line"}                    when this case cannot be computed
  hello    {"hello": {"name": ..., "dtype": "float64", "cells": ["type1", "type2"]}}
           optional, sent once, first, before any reply

Batches (optional): a hello with "batch": N (N >= 2) lets lstm-parity send up to N cases of one
cell in one request, grouped by shape (T, X, H) and in that order, and take their results in one
reply, in the same order:

  request  {"id": 8, "cell": "type1", "cases": [{"S": [[...]], "W": {...}}, ...]}
  reply    {"id": 8, "results": [{"outputs": {...}}, {"error": "one line"}, ...]}

The verdict on a case never depends on which cases shared its request.

Doubles cross exactly: shortest round-trip decimals (Python's repr), the strings "NaN",
"Infinity" and "-Infinity" for the non-finite values, and -0.0 for negative zero.

serve(run, hello) does all of that: `run(cell, S, W)` gets S as a list of T lists of X floats and
W as the seed's weight dictionary (lists), and returns a dict of seed keys to T x H sequences
(lists or NumPy arrays). An exception becomes an error reply for that case only.
serve(run, hello, run_batch) takes batches too: `run_batch(cell, cases)` gets a list of (S, W) and
returns one result per case, a dict of outputs or an Exception (that case's error); put
"batch": N in the hello. Anything your
code prints goes to stderr, so stdout carries only the protocol. The loop ends at stdin EOF.
"""

import json
import math
import sys

NON_FINITE = {'NaN': math.nan, 'Infinity': math.inf, '-Infinity': -math.inf}


def revive(value):
    """The request's doubles as floats: "NaN", "Infinity", "-Infinity" become numbers again."""
    if isinstance(value, list):
        return [revive(item) for item in value]
    if isinstance(value, dict):
        return {key: revive(item) for key, item in value.items()}
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    return value


def encode(value):
    """A reply's doubles in the protocol's encoding (NumPy arrays and scalars included)."""
    if hasattr(value, 'tolist'):
        value = value.tolist()
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return 'NaN' if math.isnan(value) else ('Infinity' if value > 0 else '-Infinity')
    return value


def describe(error):
    """An exception as one line."""
    return f'{type(error).__name__}: {error}'.replace('\n', ' ')


def serve(run, hello=None, run_batch=None):
    out = sys.stdout
    sys.stdout = sys.stderr

    def send(message):
        out.write(json.dumps(message, allow_nan=False, separators=(',', ':')) + '\n')
        out.flush()

    if hello is not None:
        send({'hello': hello})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if 'cases' in request:
            cases = [(revive(case['S']), revive(case['W'])) for case in request['cases']]
            try:
                results = run_batch(request['cell'], cases)
            except Exception as error:  # the whole batch failed: each case says so
                results = [error] * len(cases)
            send({'id': request['id'], 'results': [{'error': describe(r)} if isinstance(r, Exception) else {'outputs': encode(r)} for r in results]})
            continue
        try:
            outputs = run(request['cell'], revive(request['S']), revive(request['W']))
            reply = {'id': request['id'], 'outputs': encode(outputs)}
        except Exception as error:  # one case failed: say so and go on
            reply = {'id': request['id'], 'error': describe(error)}
        send(reply)


def run_type1_grouped(cell, cases, refusal, size, run_group, group_of=lambda T, H, X: (T, H, X)):
    """A request's cases for a peer with a type 1 cell only: a type 2 case fails with `refusal`,
    T = 0 is answered at once, the rest are grouped by group_of(T, H, X) (their shape, or a bucket)
    and run `size` at a time by run_group(chunk, *group). A chunk that raises fails its own cases;
    the request goes on."""
    results = [None] * len(cases)
    groups = {}
    for k, (S, W) in enumerate(cases):
        if cell != 'type1':
            results[k] = ValueError(refusal)
            continue
        T, H, X = len(S), len(W['u_i']), len(W['w_i'][0])
        if T == 0:
            results[k] = {'Output': [], 'cell_state_vectors': []}
            continue
        groups.setdefault(group_of(T, H, X), []).append(k)
    for group, members in groups.items():
        for start in range(0, len(members), size):
            chunk = members[start:start + size]
            try:
                for k, out in zip(chunk, run_group([cases[k] for k in chunk], *group)):
                    results[k] = out
            except Exception as error:  # noqa: BLE001 - the chunk's cases fail, the request goes on
                for k in chunk:
                    results[k] = error
    return results


def one_case(run_batch):
    """run(cell, S, W) from run_batch: one case as a batch of one, its error raised."""
    def run(cell, S, W):
        result = run_batch(cell, [(S, W)])[0]
        if isinstance(result, Exception):
            raise result
        return result
    return run
