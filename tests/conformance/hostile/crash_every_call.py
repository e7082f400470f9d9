"""Attack: crash on every call, so that every check pays for a restart.

Every call ends its process (os._exit). Restarted without limit, the worker is started
again for every call of every check: the run costs a Python start-up per call.

Isolated, once a function's calls have killed the worker three times in a row, its
remaining calls fail at once, without starting the worker again, and say why (the last
failure included): the run ends after six restarts, not one per call.
"""
import os

EXPECT_STATUS = 1
EXPECT_REASON = ["exited (status 3)", "3 times in a row"]
MUST_FAIL = ["activation sigmoid", "derivative sigmoid_prime"]
MAX_SECONDS = 60
FALLBACK = True


def sigmoid(z):
    os._exit(3)


def sigmoid_prime(z):
    os._exit(3)
