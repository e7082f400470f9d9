"""A correct Nielsen-style column-layout module (X is (n_in, N), w is (n_out, n_in)) that
forgot to declare LAYOUT = "column".
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "layout"
CHECKS = [
    "conformance/checks/test_network.py::test_forward",
    "conformance/checks/test_elementwise.py::test_softmax",
]
EXPECTED_TEXT = "LAYOUT = 'column'"

del LAYOUT  # the slip: the declaration LAYOUT = "column" is missing
