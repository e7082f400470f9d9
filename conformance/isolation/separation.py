"""Whether runs graded at the same time on this machine are kept apart from one another.

Defends a batch (``grade --jobs N``) against one submission reading, signalling or
overwriting another's run while both are graded: the batch asks :func:`between_runs`
before it starts and, where runs would not be kept apart, grades one submission at a
time and says so. Runs are apart when each worker gets its own view of the files and
cannot signal or trace another's processes:

1. the namespace sandbox (the suite as root, namespaces allowed, DELTASPEC_SANDBOX not 0):
   its own root and PID namespace;
2. Landlock with its signal scope (ABI 6, Linux 6.12+), root or not: the view only, no
   signal out of its domain, no ptrace ever;
3. as root, a user id of its own per worker (:mod:`.uids`), where that user can run the
   Python installation: the kernel refuses signals and ptrace between different users,
   and each job's folders are mode 0700. The files others may read (world-readable ones,
   the suite's installation) stay readable: the view is not private.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from deltaspec.conformance.isolation import landlock, paths, uids
from deltaspec.conformance.isolation.sandbox import SANDBOX_ENV, enter_namespaces


@dataclass(frozen=True)
class Separation:
    apart: bool          # concurrent runs cannot read, signal or trace each other
    private_view: bool   # each sees only its view of the files (not world-readable ones)
    how: str             # what keeps them apart, or why nothing does


def between_runs() -> Separation:
    """What keeps two workers started now from this process apart."""
    if not sys.platform.startswith("linux"):
        return Separation(False, False, "not Linux: no sandbox, no Landlock, no user of its own")
    if os.geteuid() == 0 and os.environ.get(SANDBOX_ENV, "1") != "0" and _namespaces_work():
        return Separation(True, True, "the namespace sandbox")
    version = landlock.abi()
    if version >= landlock.SIGNALS_SCOPED:
        return Separation(True, True, f"Landlock ABI {version} (view only, signals scoped)")
    if os.geteuid() == 0 and uids.lock_folder() is not None and _others_run_python():
        return Separation(True, False, "a user id of its own per run (world-readable files stay readable)")
    return Separation(False, version > 0, "no namespace sandbox, no Landlock signal scope (ABI 6), and no user "
                                          "id of its own (not root, or the Python installation is closed to "
                                          "other users)")


def _namespaces_work() -> bool:
    """Whether this process may make the sandbox's namespaces (a child tries, and exits)."""
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
        except BaseException:  # noqa: BLE001 - the child only reports
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _others_run_python() -> bool:
    return all(paths.reachable_by_others(p) for p in paths.python_dirs())
