"""A correct Trask-style module whose nonlin(x, deriv=True) primes take the output
a = g(z), but that forgot to declare PRIME_OF = "a": the suite hands them z.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "prime_of_output"
CHECKS = [
    "conformance/checks/test_elementwise.py::test_derivative_matches_spec",
]
EXPECTED_TEXT = "PRIME_OF = 'a'"

del PRIME_OF  # the slip: the declaration PRIME_OF = "a" is missing
