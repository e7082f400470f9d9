"""output_delta for sigmoid with bce returns the famous simplification t - y (tutorial sign),
forgetting bce's mean 1/(N K).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "factor_nk"
CHECKS = [
    "conformance/checks/test_deltas.py::test_output_delta",
]


def output_delta(y, t, z, activation, loss):
    if activation == "sigmoid" and loss == "bce":
        return t - y  # the slip: / y.size is missing
    err = error(loss, y, t)
    if activation == "softmax":
        return y * (err - (y * err).sum(axis=-1, keepdims=True))
    return err * slope(activation, z, y)
