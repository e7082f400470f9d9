"""Attack: exhaust the machine's memory with many processes, each under the limit.

RLIMIT_AS limits each process, not their sum. sigmoid_prime forks 8 children that each
allocate and touch 300 MB (under a per-process limit of 512 MB: 2.4 GB together), waits
for them, and reports how many the kernel killed.

Isolated, the worker's memory cgroup holds all its processes together to the memory
limit (--deltaspec-memory-limit 512): the kernel kills children as they cross it, the machine
never sees 2.4 GB, and the check fails (with the module's own report of how many
children were OOM-killed; its answer would have been wrong anyway).
"""
import os
import signal

import numpy as np

EXPECT_STATUS = 1
NEEDS_SANDBOX = True
EXPECT_REASON = "children were OOM-killed"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True
PYTEST_ARGS = ["--deltaspec-memory-limit", "512", "-k", "test_derivative_matches_spec or test_activation_value"]


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    children = []
    for _ in range(8):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                block = np.ones(300 << 17)  # 300 MB, touched
                os._exit(0 if block.sum() > 0 else 1)
            finally:
                os._exit(1)
        children.append(pid)
    killed = 0
    for pid in children:
        _, status = os.waitpid(pid, 0)
        killed += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if killed:
        raise RuntimeError(f"{killed} of {len(children)} children were OOM-killed")
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
