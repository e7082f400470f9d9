"""Attack: hand in the grader's own answers, read from disk and executed.

Even when ``import deltaspec`` is refused, the installation's files are on disk. It finds
them (the paths an editable install's finder keeps in memory, site-packages, and the
repository this file sits in), puts a finder of its own first on ``sys.meta_path`` that
serves ``deltaspec.*`` by reading those files (``open``, ``read``, ``compile``, ``exec``)
and imports ``deltaspec.reference.implementation`` through it: the reference's
``sigmoid_prime`` replaces its own.

Its own sigmoid_prime is wrong (half the derivative). Isolated, the installation is not
in the worker's view of the files: the namespace sandbox leaves it out of the root,
Landlock refuses to open it; every read fails and both sigmoid_prime checks fail.
Control: with --deltaspec-no-isolate the files are there, and the stolen derivative passes.
"""
import importlib
import importlib.abc
import importlib.util
import site
import sys
from pathlib import Path

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"
FALLBACK = True
NEEDS_SEPARATION = True

REPOSITORY = Path(__file__).resolve().parents[3]


def _package_folders():
    """Candidate folders for deltaspec, deltaspec.spec, .reference and .conformance."""
    found = []
    for name, module in list(sys.modules.items()):  # an editable install's finder keeps its map
        mapping = getattr(module, "MAPPING", None)
        if name.startswith("__editable__") and isinstance(mapping, dict) and "deltaspec" in mapping:
            found.append({k: Path(v) for k, v in mapping.items()})
    for folder in site.getsitepackages():
        root = Path(folder) / "deltaspec"
        found.append({"deltaspec": root, "deltaspec.spec": root / "spec", "deltaspec.reference": root / "reference",
                      "deltaspec.conformance": root / "conformance"})
    found.append({"deltaspec": REPOSITORY / "spec" / "_root", "deltaspec.spec": REPOSITORY / "spec",
                  "deltaspec.reference": REPOSITORY / "reference", "deltaspec.conformance": REPOSITORY / "conformance"})
    return found


class _Read(importlib.abc.SourceLoader):
    def __init__(self, path):
        self.path = str(path)

    def get_filename(self, fullname):
        return self.path

    def get_data(self, path):
        with open(path, "rb") as fh:  # the read the view must refuse
            return fh.read()


class _FromDisk(importlib.abc.MetaPathFinder):
    def __init__(self, folders):
        self.folders = folders

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.folders:
            init = self.folders[fullname] / "__init__.py"
            return importlib.util.spec_from_file_location(fullname, init, loader=_Read(init),
                                                          submodule_search_locations=[str(init.parent)])
        parent, _, leaf = fullname.rpartition(".")
        base = self.folders.get(parent) or (Path(path[0]) if path else None)
        if not fullname.startswith("deltaspec") or base is None:
            return None
        if (base / leaf / "__init__.py").is_file():
            init = base / leaf / "__init__.py"
            return importlib.util.spec_from_file_location(fullname, init, loader=_Read(init),
                                                          submodule_search_locations=[str(init.parent)])
        module = base / f"{leaf}.py"
        return importlib.util.spec_from_file_location(fullname, module, loader=_Read(module))


def _steal():
    for folders in _package_folders():
        try:
            with open(folders["deltaspec.reference"] / "implementation.py", "rb"):
                pass
        except OSError:
            continue
        sys.meta_path.insert(0, _FromDisk(folders))
        try:
            return importlib.import_module("deltaspec.reference.implementation").sigmoid_prime
        except Exception:  # noqa: BLE001
            continue
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
