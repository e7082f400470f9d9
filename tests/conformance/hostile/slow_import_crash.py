"""Attack: make the run last for ever, one slow restart at a time.

Its import takes 2 s, and every call ends its process (os._exit). The worker is
restarted for each call, and each restart imports it again: a suite that charged only
the calls to the run's time budget, and restarted without limit, spent 2 s per call of
every check, far beyond the budget.

Isolated, start-ups and restarts are charged to the budget (here 5 s), a restart gets
at most what is left of it, and once it is used up every call fails at once: the run
ends within seconds, every check failed, and the failures say the time budget is used
up.
"""
import os
import sys
import time

EXPECT_STATUS = 1
EXPECT_REASON = "time budget"
MUST_FAIL = ["activation sigmoid", "derivative sigmoid_prime"]
PYTEST_ARGS = ["--deltaspec-time-budget", "5"]
MAX_SECONDS = 60
FALLBACK = True

if sys.argv and sys.argv[0].endswith("worker.py"):
    time.sleep(2)


def sigmoid(z):
    os._exit(3)


def sigmoid_prime(z):
    os._exit(3)
