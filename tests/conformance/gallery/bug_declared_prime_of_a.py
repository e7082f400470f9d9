"""Declares PRIME_OF = "a" (copied from a tutorial) while its primes take z: the suite
hands them a = g(z) and gets g'(g(z)).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "prime_of_input"
CHECKS = [
    "conformance/checks/test_elementwise.py::test_derivative_matches_spec",
]
EXPECTED_TEXT = "PRIME_OF = 'z'"

PRIME_OF = "a"  # the slip: the primes take z
