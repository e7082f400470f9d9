"""Attack: end the run early with a success status, at import.

It prints a fake summary, then calls sys.exit(0) while being imported (and registers an
atexit hook that prints more), hoping the grader's process ends with status 0 before a
single check has run.

Isolated (and in-process too), the load is refused: pytest exits with status 4 and the
one-line error names the sys.exit(0); the fake lines never reach pytest's output.
"""
import atexit
import sys

EXPECT_STATUS = 4
EXPECT_REASON = "called sys.exit(0)"
MUST_FAIL = []

print("HOSTILE-OUTPUT ===== 110 passed in 0.42s =====", flush=True)
atexit.register(lambda: print("HOSTILE-OUTPUT 110 passed", flush=True))
sys.exit(0)


def sigmoid(z):  # never reached
    return z
