"""The checker's two errors: bad input, and input too complex to decide in time."""
from __future__ import annotations


class CheckError(ValueError):
    """Bad input; the message is one line naming the problem (and the parameter or flag)."""


class TooComplex(CheckError):
    """SymPy did not finish within the time limit; nothing was decided."""

    def __init__(self, seconds: float):
        super().__init__(f"too complex to decide in {seconds:g} s (SymPy did not finish; "
                         "simplify the expression, or raise the time limit)")
        self.seconds = seconds
