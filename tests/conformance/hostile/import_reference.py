"""Attack: hand in the grader's own answers, imported.

The grader ships its reference implementation and the spec's numeric functions in the
same installation (``deltaspec.reference``, ``deltaspec.spec.numeric``). On import it
tries every way to them: importing them; importing them again after taking out of
``sys.meta_path`` any finder that is not the interpreter's own; taking them from
``sys.modules``; and finding their functions in memory through ``gc`` (a function of
``deltaspec.spec`` or ``deltaspec.reference``, or a module's global named ``numeric``).
The first that yields the reference's ``sigmoid_prime`` replaces its own.

Its own sigmoid_prime is wrong (half the derivative). Isolated, the worker holds none of
the suite's judging code in memory (its own loader, not the suite's), forgets every
``deltaspec`` module before importing the submission, answers ``import deltaspec`` with
ModuleNotFoundError, and its view of the files leaves the installation out (so taking the
blocking finder away finds nothing either): both sigmoid_prime checks fail. Control:
with --deltaspec-no-isolate the reference is right there, and its derivative passes.
"""
import gc
import importlib
import sys

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"
FALLBACK = True
NEEDS_SEPARATION = True


def _imported():
    try:
        return importlib.import_module("deltaspec.reference.implementation").sigmoid_prime
    except Exception:  # noqa: BLE001
        return None


def _unblocked():
    """Import again, with only the interpreter's finders and the installation's own."""
    sys.meta_path[:] = [f for f in sys.meta_path
                        if "importlib" in type(f).__module__ or "editable" in repr(f).lower()
                        or getattr(f, "__module__", "").startswith("__editable__")]
    importlib.invalidate_caches()
    return _imported()


def _from_sys_modules():
    for name, module in list(sys.modules.items()):
        if name.startswith("deltaspec") and hasattr(module, "activation_prime"):
            return module.activation_prime("sigmoid")
    return None


def _from_gc():
    for obj in gc.get_objects():
        module = getattr(obj, "__module__", None) or ""
        if not callable(obj) or not module.startswith("deltaspec"):
            continue
        glob = getattr(obj, "__globals__", {})
        numeric = glob.get("numeric")
        if module.startswith(("deltaspec.spec", "deltaspec.reference")) and "activation_prime" in glob:
            return glob["activation_prime"]("sigmoid")
        if numeric is not None and hasattr(numeric, "activation_prime"):
            return numeric.activation_prime("sigmoid")
    return None


def _steal():
    for way in (_imported, _from_sys_modules, _from_gc, _unblocked):
        try:
            found = way()
        except Exception:  # noqa: BLE001
            found = None
        if found is not None:
            return found
    return None


_STOLEN = _steal()


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    if _STOLEN is not None:
        return np.asarray(_STOLEN(np.asarray(z, dtype=float)), dtype=float)
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
