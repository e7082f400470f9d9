"""softmax normalizes over axis 0 (the samples) instead of each sample's row: the max and the
sum are taken down the columns.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "softmax_axis"
CHECKS = [
    "conformance/checks/test_elementwise.py::test_softmax",
    "conformance/checks/test_network.py::test_forward",
]


def softmax(z):
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))  # the slip: axis=0
    return e / np.sum(e, axis=0, keepdims=True)
