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
__all__ = ["__version__"]


def __getattr__(name: str):
    """``__version__``, looked up on first use: importlib.metadata costs more than the
    rest of ``import deltaspec``, and most imports never ask."""
    if name != "__version__":
        raise AttributeError(f"module 'deltaspec' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("deltaspec")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        value = "0+unknown"
    globals()["__version__"] = value
    return value
