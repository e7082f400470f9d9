"""deltaspec: a gradient-checked reference and spec kit for neural-network backpropagation.

The one import namespace of the distribution:

* ``deltaspec.spec``: the single source of truth (SymPy catalog, derivations, numeric
  functions, the rendered spec, the hand-derivation checker);
* ``deltaspec.reference``: the generic NumPy network derived from the spec, and the
  faithful seed trainers;
* ``deltaspec.conformance``: the pytest conformance suite, its judge, its process
  isolation and its grading mode, plus the standalone ``gradcheck``.

Data flows one way: spec -> reference -> conformance. (In the repository this file lives
in ``spec/_root/``, because the top level of the repository holds the three rooms side by
side; ``pyproject.toml`` maps it to the ``deltaspec`` package.)
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("deltaspec")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
