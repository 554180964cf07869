"""The high-precision cells must compute what the seed computes, only more exactly.

Run: python3 -m unittest reference/test_lstm_mpmath.py -v
"""

import math
import pathlib
import sys
import unittest

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lstm_mpmath  # noqa: E402
import lstm_reference  # noqa: E402
from test_lstm_reference import random_weights  # noqa: E402


def zero_weights(cell, H=1, X=1):
    W = random_weights(np.random.default_rng(0), cell, H, X, 0.0)
    return {key: value.tolist() for key, value in W.items()}


class HighPrecisionCells(unittest.TestCase):
    def test_agrees_with_numpy_to_float64_accuracy_on_well_conditioned_cases(self):
        rng = np.random.default_rng(5)
        for cell in ('type1', 'type2'):
            for T, H, X in ((6, 4, 3), (1, 1, 1), (0, 3, 2), (20, 5, 2)):
                S = rng.random((T, X))
                W = random_weights(rng, cell, H, X, 1.0)
                exact = lstm_mpmath.CELLS[cell](S.tolist(), {k: v.tolist() for k, v in W.items()}, dps=60)
                approx = lstm_reference.CELLS[cell](S, W)
                self.assertEqual(list(exact), list(approx))
                for key in approx:
                    self.assertEqual(len(exact[key]), T)
                    if T:
                        np.testing.assert_allclose(np.array(exact[key]), np.stack(approx[key]), rtol=1e-13, atol=1e-15, err_msg=f'{cell} {key}')

    def test_keeps_the_seed_quirks_of_type_2(self):
        W = zero_weights('type2')
        W['b_cell'] = [0.5]
        W['b_o'] = [3.0]
        out = lstm_mpmath.lstm_type_2([[0.0]], W, dps=60)
        c = 0.5 * math.tanh(0.5)
        self.assertAlmostEqual(out['cell_state_vectors'][0][0], c, places=15)
        self.assertAlmostEqual(out['Output'][0][0], math.tanh(c / (1 + math.exp(-3.0))), places=15)

    def test_does_not_overflow_where_numpy_does(self):
        W = zero_weights('type1')
        W['b_g'] = [-720.0]
        f = lstm_mpmath.lstm_type_1([[0.0]], W, dps=60)['forget_gate_activations'][0][0]
        self.assertGreater(f, 0.0)
        self.assertAlmostEqual(f / math.exp(-720.0), 1.0, places=12)

    def test_follows_ieee_rules_for_infinities_and_nan(self):
        W = zero_weights('type1')
        out = lstm_mpmath.lstm_type_1([[math.inf]], W, dps=60)
        self.assertTrue(math.isnan(out['input_gate_activations'][0][0]), 'inf * 0 is NaN')
        W = zero_weights('type1')
        W['w_i'] = [[1.0]]
        out = lstm_mpmath.lstm_type_1([[math.inf]], W, dps=60)
        self.assertEqual(out['input_gate_activations'][0][0], 1.0, 'sigmoid(+inf) = 1')


if __name__ == '__main__':
    unittest.main()
