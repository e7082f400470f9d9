"""mse averages over the N samples only ("mean of the per-sample squared error"):
(1/N) sum (y - t)^2, and its derivative 2 (y - t) / N, where the spec's mse takes the
mean over all N*K elements.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "factor_k"
CHECKS = ["conformance/checks/test_losses.py"]


def mse(y, t):
    return float(np.sum((y - t) ** 2)) / _n_samples(y)  # the slip: / N, not / (N K)


def mse_prime(y, t):
    return 2 * (y - t) / _n_samples(y)
