"""Attack: hang the grader before a single check runs.

Importing it never finishes: an endless loop at module level that ignores SIGTERM and
SIGINT and swallows every exception.

Isolated, loading the implementation has its own time limit (30 s): the worker is
killed, and pytest stops with status 4 and a one-line error saying the load timed out.
"""
import signal

EXPECT_STATUS = 4
EXPECT_REASON = "timed out"
MUST_FAIL = []
SLOW = True

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        while True:
            pass
    except BaseException:  # noqa: BLE001
        continue


def sigmoid(z):  # never reached
    return z
