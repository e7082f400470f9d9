"""Attack: hang the grader, shrugging off every catchable signal.

sigmoid_prime ignores and blocks SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGUSR1, SIGUSR2,
SIGXCPU and SIGQUIT, swallows every exception (KeyboardInterrupt and SystemExit
included), and loops forever.

Isolated, the per-call timeout kills the worker's process group with SIGKILL, which
cannot be caught, blocked or ignored: each sigmoid_prime check fails with "timed out",
the worker is restarted, and the run ends.
"""
import signal

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "timed out"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
PYTEST_ARGS = ["--deltaspec-call-timeout", "1", "-k", "test_derivative_matches_spec or test_activation_value"]
STUBBORN = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGUSR1, signal.SIGUSR2,
            signal.SIGXCPU, signal.SIGQUIT)


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    for sig in STUBBORN:
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, STUBBORN)
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001
            continue
