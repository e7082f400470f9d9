"""Attack: a file name that forges a progress line.

Planted as ``forged`` + newline + ``[####################] 9 of 9 forged: 14 of 14
(graded).py``: printed as it is, the name ends the progress line and starts a line
of its own that looks like the grader's, and its CSV cell spans two lines.

Defeated: control characters in names are backslash-escaped (``\\x0a``): one progress
line per submission, and the forged text stays inside this submission's own line.
"""
import numpy as np

KIND = "batch"
NAME = "forged\n[####################] 9 of 9 forged: 14 of 14 (graded).py"
EXPECT_NAME = "forged\\x0a[####################] 9 of 9 forged: 14 of 14 (graded)"
EXPECT_STATUS = "graded"


def sigmoid(z):
    e = np.exp(-np.abs(z))               # exp of a non-positive number: no overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
