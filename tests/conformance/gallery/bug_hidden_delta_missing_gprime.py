"""hidden_delta returns W_next^T delta_next: the factor g'(z) is missing (column-layout
base).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "missing_gprime"
CHECKS = [
    "conformance/checks/test_deltas.py::test_hidden_delta",
]


def hidden_delta(delta_next, w_next, z, a, activation):
    return np.dot(w_next.transpose(), delta_next)  # the slip: * g'(z) is missing
