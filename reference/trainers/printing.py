"""How the trainers print numbers: Python 3, every float at full precision.

The originals are Python 2 (``print "Error:" + str(x)``, whose ``str(float)`` kept 12
significant digits), Python 3 f-strings with ``.2f``, or JavaScript. The reference
prints each float with ``repr`` (the shortest string that reads back to the same
float), and each element of a NumPy float array the same way in NumPy's bracket
layout, so a golden number is complete and the published digits are what it rounds to.
"""
from __future__ import annotations

import numpy as np


def number(x) -> str:
    """repr of a float (``0.004629176776769985``); ints print as ints (``1``)."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    return repr(float(x))


def array(a) -> str:
    """A NumPy array the way ``print(a)`` lays it out, every float at full precision."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return str(a)
    return np.array2string(a, formatter={"float_kind": number}, threshold=a.size + 1)
