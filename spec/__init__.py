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
* ``spec.check``: checks a hand derivation; ``spec.render`` writes docs/SPEC.md.

``import deltaspec.spec`` is cheap: SymPy loads only when something symbolic is asked for.
"""
from deltaspec.spec import backprop, numeric

__all__ = ["backprop", "numeric"]
