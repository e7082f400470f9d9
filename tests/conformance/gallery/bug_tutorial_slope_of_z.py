"""Trask-style hidden_delta that hands the pre-activation to nonlin(., deriv=True), whose
formula expects the output: slope(z) = z (1 - z) for sigmoid.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "gprime_a_of_z"
CHECKS = [
    "conformance/checks/test_deltas.py::test_hidden_delta",
]


def hidden_delta(delta_next, W_next, z, a, activation):
    return delta_next.dot(W_next.T) * slope(activation, z, z)  # the slip: z where the output goes
