"""Attack: end the grader's process with status 0 in the middle of a test.

sigmoid is honest; sigmoid_prime prints a fake summary and calls os._exit(0), which no
``except`` can catch: in-process, pytest itself would vanish with status 0 and write no
results, which a grader checking only the exit status takes for success.

Isolated, only the worker exits: each sigmoid_prime check fails with "the
implementation's process exited (status 0)", the worker is restarted for the next
check, and the sigmoid checks still pass. Control: with --deltaspec-no-isolate pytest exits 0.
"""
import os

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "exited (status 0)"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "exit0"
PYTEST_ARGS = ["-k", "test_derivative_matches_spec or test_activation_value"]


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    os.write(1, b"HOSTILE-OUTPUT ===== 110 passed in 0.42s =====\n")
    os._exit(0)
