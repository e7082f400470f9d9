"""A wall-clock limit on SymPy's work.

SymPy has no cancellation, and a 10-argument ``Max`` alone costs it tens of seconds, so
the limit is a SIGALRM timer whose handler raises into whatever SymPy is doing. The
exception is a BaseException on purpose: SymPy (and this checker) catch ``Exception`` to
turn odd failures into "not proved", and the alarm must get through every one of those.
It becomes :class:`TooComplex` at the boundary.

Signals reach only the main thread, so elsewhere (a worker thread, Windows) the check
runs without a limit; the input caps of ``notation`` still bound it.
"""
from __future__ import annotations

import contextlib
import math
import signal
import threading

from deltaspec.spec.checking.errors import CheckError, TooComplex

DEFAULT_SECONDS = 10.0


class _Alarm(BaseException):
    """Raised by the timer inside SymPy; never escapes :func:`limit`."""


MAX_SECONDS = 86400.0


def validate(seconds) -> float:
    """A positive number of seconds, at most a day, else a one-line CheckError."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or not 0 < seconds <= MAX_SECONDS:
        raise CheckError(f"time_limit must be a number of seconds in (0, {MAX_SECONDS:g}], not {seconds!r}")
    return float(seconds)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def limit(seconds: float):
    """Run the body for at most ``seconds`` of wall time, else raise TooComplex(seconds).

    The alarm may ring at any bytecode, the clean-up included: the outer ``try`` catches it
    wherever it lands, and the handler is put back either way."""
    seconds = validate(seconds)
    if not _can_alarm():
        yield
        return
    armed = [True]

    def ring(signum, frame):
        if armed[0]:
            raise _Alarm

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _Alarm:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        raise TooComplex(seconds) from None
