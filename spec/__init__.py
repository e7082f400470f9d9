"""deltaspec's spec kit: the single source of truth for backpropagation formulas.

* ``spec.activations`` and ``spec.losses``: the SymPy catalog;
* ``spec.derive``: every derivative and delta rule, derived and proved by SymPy;
* ``spec.codegen``: prints those expressions as a NumPy module, committed as
  ``spec/_generated.py`` (``python -m deltaspec.spec source --write``);
* ``spec.numeric``: the stable NumPy functions and the catalog's names, served from that
  module without SymPy;
* ``spec.backprop``: the matrix rules (hidden delta, weight and bias gradients);
* ``spec.slips``: the known slips, named for ``spec.check`` and the conformance judge;
* ``spec.conventions``: how the seed tutorials write each convention;
* ``spec.checking``: checks a hand derivation, as :func:`check` (below) and
  ``python -m deltaspec.spec check``; ``spec.render`` writes docs/SPEC.md.

``import deltaspec.spec`` is cheap: SymPy loads only when something symbolic is asked for.
"""
from deltaspec.spec import backprop, numeric

__all__ = ["backprop", "check", "numeric"]


def check(rule, answer, **parameters):
    """Judge a hand derivation against the spec: ``check("derivative", "σ(z)(1 - σ(z))",
    activation="sigmoid")``. Returns a Verdict (``.status``, ``.proof``,
    ``.counterexample``, ``.hint``, ``.slip``) that displays itself in a notebook.
    The rules and parameters: ``deltaspec.spec.checking.check``."""
    from deltaspec.spec.checking import check as check_

    return check_(rule, answer, **parameters)
