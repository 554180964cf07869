/**
 * A NaN pre-activation read as the clip limit: a port that clips every pre-activation to
 * [-k, k] with C++'s `x = std::min(k, x); x = std::max(-k, x);`. `std::min(k, x)` is
 * `x < k ? x : k`, and a comparison with NaN is false, so a NaN comes out as +k (and
 * `std::max(-k, k)` keeps it): each gate of a NaN step reads +k, σ = 1 and tanh = 1, c = c_prev + 1
 * and h = tanh(c), and the NaN is gone from every output from then on.
 *
 * ONNX Runtime's CPU LSTM does this when the node has a bias input B: in
 * onnxruntime/core/providers/cpu/rnn/uni_directional_lstm.cc, `UniDirectionalLstm::GateComputations`
 * calls `clip_with_bias_ptr_` on each of the four gates before its activation, and that pointer is
 * `deepcpu::clip_add_bias` (onnxruntime/core/providers/cpu/rnn/rnn_helpers.cc) when B is given,
 * written as above; without B it is `clip_ignore_bias`, whose `if (x > b) ... else if (x < -b)`
 * leaves a NaN alone. Its k is the node's `clip` attribute, by default
 * `std::numeric_limits<float>::max()` (`LSTMBase`, onnxruntime/core/providers/cpu/rnn/lstm_base.h).
 *
 * Only that default limit is listed. With it the clip itself changes nothing a judge sees (σ and
 * tanh of ±3.4e38 are those of ±∞, and of the largest float64 too, so the entry stands for a
 * float64 port's limit as well), and on a case without a NaN pre-activation the entry changes
 * nothing and explains nothing: it cannot take a diagnosis from another entry. A NaN read as a
 * small limit (±5 to ±30) would give the answers of clip-k wherever no NaN arises, and is left out
 * for that reason.
 */
import type { Mistake } from '../mistake.js';

/** The largest finite float32, ONNX Runtime's default clip. */
const FLOAT32_MAX = 3.4028234663852886e38;

export const NAN_CLIP: Mistake[] = [
  {
    id: 'nan-as-clip-limit',
    title: 'a NaN pre-activation read as the clip limit (+3.4e38, as std::min(limit, NaN) gives) before σ and tanh',
    cells: ['type1', 'type2'],
    change: { clip: FLOAT32_MAX, nanClipped: true },
  },
];
