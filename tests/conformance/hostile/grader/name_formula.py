"""Attack: a file name that a spreadsheet runs as a formula.

Planted as ``=HYPERLINK("http:evil";"click").py``: opened in a spreadsheet, a gradebook
cell that starts with ``=`` (or ``+``, ``-``, ``@``) is a formula, run on the
instructor's machine.

Defeated: such a cell is quoted with a leading ``'`` (shown as text); the row is graded
as any other.
"""
import numpy as np

KIND = "batch"
NAME = '=HYPERLINK("http:evil";"click").py'
EXPECT_NAME = "'=HYPERLINK(\"http:evil\";\"click\")"
EXPECT_STATUS = "graded"


def sigmoid(z):
    e = np.exp(-np.abs(z))               # exp of a non-positive number: no overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
