"""Attack: print fake "passed" lines into the grader's output.

On import and in every call it writes "110 passed" summaries and "PASSED" lines to
stdout and stderr (print, sys.stdout, and os.write to file descriptors 1 and 2), tries
/dev/tty and the pytest process's own stdout and stderr through /proc/<pid>/fd/1 and 2,
and on the extreme inputs raises an exception whose message is a fake summary with
terminal escape sequences (cursor up, erase line) meant to hide the real one.

Its sigmoid_prime is wrong (half the derivative). Isolated, the worker's output goes to
a log file, /proc shows no pytest process, there is no terminal, and the exception's
message reaches the report as one printable line inside the failure: no fake line, no
escape sequence in pytest's output, and both sigmoid_prime checks fail.
"""
import os
import sys

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
ME = os.path.realpath(__file__)
FAKE = "HOSTILE-OUTPUT\n============================= 110 passed in 0.42s ==============================\nPASSED\n"


def _judging_me(pid):
    """pid's command line if it names this very file (relative to its working directory),
    else None: the module never touches another run on the same machine."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().decode(errors="replace").split("\0")
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None
    for arg in argv:
        arg = arg.split("=", 1)[-1]
        if arg.endswith(os.path.basename(ME)) and os.path.realpath(os.path.join(cwd, arg)) == ME:
            return argv
    return None


def _shout():
    print(FAKE, flush=True)
    print(FAKE, file=sys.stderr, flush=True)
    for fd in (1, 2):
        try:
            os.write(fd, FAKE.encode())
        except OSError:
            pass
    targets = ["/dev/tty"]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        if _judging_me(entry) is None:
            continue
        targets += [f"/proc/{entry}/fd/1", f"/proc/{entry}/fd/2"]
    for target in targets:
        try:
            with open(target, "w") as fh:
                fh.write(FAKE)
        except OSError:
            pass


_shout()


def sigmoid(z):
    _shout()
    z = np.asarray(z)
    if z.size and np.max(np.abs(z)) > 100:
        raise ValueError("\n===== 110 passed in 0.42s =====\nPASSED\n\x1b[1A\x1b[2K\x1b[1A\x1b[2K HOSTILE-ESCAPE")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    _shout()
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
