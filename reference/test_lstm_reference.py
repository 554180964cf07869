"""Proves lstm_reference.py equal, bit for bit, to the seed's original_lstm.py.

Every output array must have identical bytes (so NaN positions, infinities and signed zeros
match too), and both must raise the same NumPy warnings in the same order. The seed file is
found at $LSTM_PARITY_SEED, else ../shared/seed/original_lstm.py beside the repository; where it
is absent the tests are skipped with that reason.

Run: python3 -m unittest reference/test_lstm_reference.py -v
"""

import importlib.util
import os
import pathlib
import sys
import unittest
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lstm_reference  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = pathlib.Path(os.environ.get('LSTM_PARITY_SEED', ROOT.parent / 'shared' / 'seed' / 'original_lstm.py'))


def load_seed():
    spec = importlib.util.spec_from_file_location('original_lstm', SEED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_weights(rng, cell, H, X, scale):
    gates = ('i', 'g', 'o', 'c') if cell == 'type1' else ('i', 'g', 'o')
    W = {}
    for gate in gates:
        W['w_' + gate] = rng.standard_normal((H, X)) * scale
        W['u_' + gate] = rng.standard_normal((H, H)) * scale
        W['b_' + gate] = rng.standard_normal(H) * scale
    if cell == 'type2':
        W['w_cell'] = rng.standard_normal((H, X)) * scale
        W['b_cell'] = rng.standard_normal(H) * scale
    return W


def run_recording(fn, S, W):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = fn(S, W)
    return out, [str(w.message) for w in caught]


# (T, H, X, weight scale, input transform): seed shapes, edges of T, saturation, long sequences.
SHAPES = [
    (6, 4, 3, 1.0, None),
    (5, 4, 3, 1.0, None),
    (0, 4, 3, 1.0, None),
    (1, 1, 1, 1.0, None),
    (2, 1, 1, 1.0, None),
    (40, 16, 8, 0.25, None),
    (25, 8, 5, 60.0, None),
    (20, 6, 4, 400.0, None),
    (1200, 4, 3, 1.0, None),
    (30, 6, 4, 1.0, 'nan'),
    (30, 6, 4, 1.0, 'inf'),
    (10, 5, 2, 0.0, None),
    (12, 3, 2, 1.0, 'subnormal'),
]


@unittest.skipUnless(SEED.exists(), f'seed file not found at {SEED} (set LSTM_PARITY_SEED)')
class ReferenceEqualsSeed(unittest.TestCase):
    def setUp(self):
        self.seed = load_seed()

    def check(self, cell, T, H, X, scale, transform, seed):
        rng = np.random.default_rng(seed)
        S = rng.random((T, X))
        if transform == 'nan' and T > 3:
            S[T // 2, 0] = np.nan
        if transform == 'inf' and T > 3:
            S[T // 3, X - 1] = np.inf
            S[T // 2, 0] = -np.inf
        if transform == 'subnormal':
            S = S * 5e-324
        W = random_weights(rng, cell, H, X, scale)
        original = self.seed.LSTM_type_1 if cell == 'type1' else self.seed.LSTM_type_2
        expected, expected_warnings = run_recording(original, S, W)
        actual, actual_warnings = run_recording(lstm_reference.CELLS[cell], S, W)
        self.assertEqual(list(expected), list(actual), 'key names and order')
        for key in expected:
            self.assertEqual(len(expected[key]), len(actual[key]), key)
            for t, (e, a) in enumerate(zip(expected[key], actual[key])):
                self.assertEqual(e.dtype, a.dtype, f'{key}[{t}] dtype')
                self.assertEqual(e.view(np.uint64).tolist(), a.view(np.uint64).tolist(),
                                 f'{key}[{t}] differs: seed {e!r}, reference {a!r}')
        self.assertEqual(expected_warnings, actual_warnings, 'NumPy warnings')
        return expected_warnings

    def check_all(self, cell, base_seed):
        raised = []
        for k, shape in enumerate(SHAPES):
            with self.subTest(shape=shape):
                raised += self.check(cell, *shape, seed=base_seed + k)
        # The warning comparison only means something if some case overflows exp.
        self.assertIn('overflow encountered in exp', raised)

    def test_type1_matches_seed_bit_for_bit(self):
        self.check_all('type1', 1000)

    def test_type2_matches_seed_bit_for_bit(self):
        self.check_all('type2', 2000)


if __name__ == '__main__':
    unittest.main()
