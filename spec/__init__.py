"""deltaspec's spec kit: the single source of truth for backpropagation formulas.

* ``spec.activations`` and ``spec.losses``: the SymPy catalog;
* ``spec.derive``: every derivative and delta rule, derived and proved by SymPy;
* ``spec.numeric``: stable NumPy functions compiled from those expressions (cached);
* ``spec.backprop``: the matrix rules (hidden delta, weight and bias gradients);
* ``spec.conventions``: how the seed tutorials write each convention;
* ``spec.check``: checks a hand derivation; ``spec.render`` writes docs/SPEC.md.

``import spec`` is cheap: SymPy loads only when something symbolic is asked for.
"""
from deltaspec.spec import backprop, numeric

__all__ = ["backprop", "numeric"]
