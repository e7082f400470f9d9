"""Attack: exhaust the grader's memory.

sigmoid_prime first asks for a 16 GB array in one go, then (if that is refused with
anything but MemoryError) allocates and touches 64 MB blocks until the machine gives
out.

Isolated, the worker's address space is limited (RLIMIT_AS, here --deltaspec-memory-limit 1024):
the allocation raises MemoryError inside the worker and each sigmoid_prime check fails
with "raised MemoryError"; the pytest process and the machine are untouched.
"""
import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "MemoryError"
MUST_FAIL = ["derivative sigmoid_prime"]
PYTEST_ARGS = ["--deltaspec-memory-limit", "1024"]


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    huge = np.ones(1 << 31)  # 16 GB
    blocks = [huge]
    while True:
        blocks.append(np.ones(8 << 20))  # 64 MB each, touched
