"""train_step forgets the learning rate: W_aug + e (bias-column base, SIGN = -1).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_bias_column")

EXPECTED_DIAGNOSIS = "ignores_lr"
CHECKS = ["conformance/checks/test_network.py"]


def train_step(params, X, T, lr, activations, loss):
    augmented = augment(params)
    errs = errors_aug(augmented, X, T, activations, loss)
    return split([(W_aug + e, has_bias) for e, (W_aug, has_bias) in zip(errs, augmented)])  # the slip: no lr
