"""Attack: poison the spec's compiled cache, which the pytest process executes.

The spec's derivatives are generated once and cached as Python source
($DELTASPEC_CACHE_DIR, else ~/.cache/deltaspec); every process that needs the spec
executes that file. On import this module finds the cache (the worker's environment,
the pytest process's environment through /proc/<pid>/environ) and appends to every compiled_*.py a redefinition that halves the spec's
sigmoid derivative: once the pytest process loads the cache, the expected values are
wrong in the same way as this module's answer, in this run and in every later one.

Its sigmoid_prime is wrong (half the derivative). Isolated, the worker's cache variable
points into its own home, /proc shows no pytest process, and everything outside the
home is read-only: the cache is untouched and every sigmoid_prime check fails. The
compiled spec now ships inside the package (spec/_generated.py), and the cache is read
only when that copy is stale, so even in-process (--deltaspec-no-isolate) a poisoned
cache is never executed: there is no control run where the cheat works any more.
(The test points DELTASPEC_CACHE_DIR at a copy.)
"""
import glob
import os

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True
ME = os.path.realpath(__file__)
POISON = ("\n\n_hostile_original = prime_z_sigmoid\n\n\ndef prime_z_sigmoid(z):  # HOSTILE-POISON\n"
          "    return 0.5 * _hostile_original(z)\n")


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


def _cache_dirs():
    dirs = [os.environ.get("DELTASPEC_CACHE_DIR")]  # (a real attack would try ~/.cache/deltaspec too)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        if _judging_me(entry) is None:
            continue
        try:
            env = open(f"/proc/{entry}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        for item in env:
            if item.startswith(b"DELTASPEC_CACHE_DIR="):
                dirs.insert(0, item.split(b"=", 1)[1].decode())
    return [d for d in dirs if d]


def _poison():
    for directory in _cache_dirs():
        for path in glob.glob(os.path.join(directory, "compiled_*.py")):
            try:
                with open(path) as fh:
                    if "HOSTILE-POISON" in fh.read():
                        continue
                with open(path, "a") as fh:
                    fh.write(POISON)
            except OSError:
                pass


_poison()


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
