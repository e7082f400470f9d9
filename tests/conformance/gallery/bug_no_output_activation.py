"""forward returns the last layer's pre-activation Z (the logits): the output activation is
never applied (bias-column base).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_bias_column")

EXPECTED_DIAGNOSIS = "no_output_activation"
CHECKS = ["conformance/checks/test_network.py"]


def forward(params, X, activations):
    return run(augment(params), X, activations)[1][-1]  # the slip: zs[-1] instead of the output
