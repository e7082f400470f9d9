"""The backward pass multiplies by the weight matrix without transposing it,
delta @ W instead of delta @ W.T (only square layers run). Bias-column base, SIGN = -1.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_bias_column")

EXPECTED_DIAGNOSIS = "transposed"
CHECKS = ["conformance/checks/test_network.py"]


def hidden_delta(delta_next, W_next, z, a, activation):
    return np.matmul(delta_next, W_next) * g_prime(activation, z)  # the slip: W_next, not W_next.T
