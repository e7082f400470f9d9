"""Attack: rewrite the verdict by patching pytest's report class on import.

On import it wraps ``_pytest.reports.TestReport.__init__`` so that every failed report
says "passed" (the experiment in the issue: a wrong implementation got "2 passed"), and
``_pytest.terminal.TerminalReporter.summary_failures`` so nothing is listed.

Its sigmoid_prime is wrong (half the derivative). Isolated, the patch lands in the
worker's own copy of pytest, which reports nothing: both sigmoid_prime checks fail as
usual. Control: with --deltaspec-no-isolate the patch lands in the pytest process and the wrong
derivative "passes".
"""
import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"

try:
    import _pytest.reports
    import _pytest.terminal

    _init = _pytest.reports.TestReport.__init__

    def _always_passed(self, *args, **kwargs):
        _init(self, *args, **kwargs)
        if self.outcome == "failed":
            self.outcome = "passed"
            self.longrepr = None

    _pytest.reports.TestReport.__init__ = _always_passed
    _pytest.terminal.TerminalReporter.summary_failures = lambda self: None
except Exception:  # noqa: BLE001 - no pytest where it runs: nothing to patch
    pass


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
