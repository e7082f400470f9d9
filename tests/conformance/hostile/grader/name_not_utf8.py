"""Attack: a file name that is not UTF-8.

Planted as ``stud\\xff.py`` (the byte 0xff, which no UTF-8 text holds). A gradebook
written at the very end, as UTF-8, failed on its row: every submission was graded, then
no CSV was written, and a stale temporary file was left.

Defeated: names are made printable (bytes that are not UTF-8 backslash-escaped), and
the gradebook is rewritten whole after every row, through a temporary file: this row
reads ``stud\\xff``, and every other row is there. (Its honest part, a correct
``sigmoid`` alone, earns that capability's point.)
"""
import numpy as np

KIND = "batch"
NAME = b"stud\xff.py"
EXPECT_NAME = "stud\\xff"
EXPECT_STATUS = "graded"


def sigmoid(z):
    e = np.exp(-np.abs(z))               # exp of a non-positive number: no overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
