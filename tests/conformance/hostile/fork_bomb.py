"""Attack: a swarm of child processes.

sigmoid_prime forks as many children as it can (bounded here: at most 300 attempts;
each child sleeps 30 s and exits, so even an unconfined run cleans itself up), ignoring
fork errors, then returns a wrong value (half the derivative).

Isolated, the pids cgroup stops the swarm at a few dozen processes (fork fails with
EAGAIN), and after the check every process the worker left behind is killed: the check
fails with "left N child process(es) running", and none of them survives the run.
"""
import os
import time

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "child process"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
PYTEST_ARGS = ["-k", "test_derivative_matches_spec or test_activation_value"]


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _swarm(attempts=300):
    for _ in range(attempts):
        try:
            pid = os.fork()
        except OSError:
            continue
        if pid == 0:
            try:
                time.sleep(30)
            finally:
                os._exit(0)


def sigmoid_prime(z):
    _swarm()
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
