"""Comparing a result with the expected one, and saying what differs in one paragraph.

A failure message states what was checked, on which input, the expected and the
obtained value at the worst element, the errors and the tolerance, and the diagnosis.
It never prints whole arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deltaspec.conformance.judging import diagnose as diagnosis

TOLERANCES = {  # (rtol, atol relative to the largest expected magnitude)
    np.dtype(np.float64): (1e-9, 1e-12),
    np.dtype(np.float32): (1e-4, 1e-5),
}


class ConformanceFailure(AssertionError):
    """A check failed; ``code`` is the diagnosis code (or None) for machine readers."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


@dataclass
class Mismatch:
    label: str
    index: tuple
    expected: float
    got: float
    abs_err: float
    rel_err: float
    tolerance: float
    count: int
    size: int


def tolerances(*arrays) -> tuple[float, float]:
    """The loosest dtype among the results decides: a result the implementation returned
    in float32 (or half precision) is judged at float32's tolerances, in either isolation
    mode, because the wire format keeps the dtype."""
    low = any(np.asarray(a).dtype.kind == "f" and np.asarray(a).dtype.itemsize < 8 for a in arrays if a is not None)
    return TOLERANCES[np.dtype(np.float32)] if low else TOLERANCES[np.dtype(np.float64)]


def _pairs(got, expected, labels):
    if isinstance(expected, list):
        for i, ((gW, gb), (eW, eb)) in enumerate(zip(got, expected)):
            yield f"{labels}W_{i + 1}", gW, eW
            if eb is not None:
                yield f"{labels}b_{i + 1}", gb, eb
    else:
        yield labels, got, expected


def compare(got, expected, label: str = "", dtype_of=None, floor: float = 0.0) -> Mismatch | None:
    """The worst element outside |got - exp| <= rtol |exp| + atol max|exp| + floor, or None
    (``floor``: an absolute allowance, where every value is a rounding away from 0)."""
    worst, worst_excess = None, -1.0
    for name, g, e in _pairs(got, expected, label):
        rtol, atol = tolerances(*(dtype_of or [g]))  # from the dtype returned, before widening
        g, e = np.asarray(g, dtype=np.float64), np.asarray(e, dtype=np.float64)
        scale = np.max(np.abs(e), initial=0.0)
        bound = rtol * np.abs(e) + atol * max(scale, 1e-300) + floor
        with np.errstate(invalid="ignore"):
            err = np.abs(g - e)
            bad = ~(err <= bound)  # NaN counts as bad
        if not bad.any():
            continue
        excess = np.where(np.isnan(err), np.inf, err / bound)
        idx = np.unravel_index(int(np.argmax(excess)), e.shape) if e.ndim else ()
        candidate = Mismatch(name, idx, float(e[idx]), float(g[idx]), float(err[idx]),
                             float(err[idx] / abs(e[idx])) if e[idx] != 0 else float("inf"),
                             float(bound[idx]), int(bad.sum()), int(e.size))
        if excess[idx] > worst_excess:
            worst, worst_excess = candidate, float(excess[idx])
    return worst


def _index(idx) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]" if idx else ""


def paragraph(what: str, where: str, mismatch: Mismatch, found=None, against: str = "the spec") -> str:
    """One readable paragraph: what, on which input, expected vs got, diagnosis."""
    text = (f"{what} on {where}: {mismatch.count} of {mismatch.size} elements differ from {against}; "
            f"worst at {mismatch.label}{_index(mismatch.index)}: expected {mismatch.expected:.10g}, "
            f"got {mismatch.got:.10g} (abs error {mismatch.abs_err:.3g}, rel error {mismatch.rel_err:.3g}, "
            f"tolerance {mismatch.tolerance:.3g}).")
    if found is not None:
        text += f" Likely cause: {found.text}."
    else:
        text += " No known mistake reproduces this result."
    return text


def diagnose_with_probe(got, expected, mistakes, probe=None):
    """The diagnosis, preferring the probe's generic input where the failure reproduces:
    a shrunk example (N = 1, K = 2) cannot tell a factor 2 from a missing 1/(N K)."""
    if probe is not None:
        try:
            p_got, p_expected, p_mistakes = probe()
        except AssertionError:
            p_got = None
        if got is None:  # only the probe to go by
            if p_got is None or compare(p_got, p_expected) is None:
                return None
            return diagnosis.diagnose(p_got, p_expected, p_mistakes)
        if p_got is not None and compare(p_got, p_expected) is not None:
            found = diagnosis.diagnose(p_got, p_expected, p_mistakes)
            if found is not None:
                return diagnosis.Mistake(found.code, found.text + " (seen on a generic probe input with "
                                         "5 samples and 3 or 4 outputs, where the known mistakes differ)", None)
    return diagnosis.diagnose(got, expected, mistakes)


def check(got, expected, what: str, where: str, mistakes=(), label: str = "", probe=None,
          floor: float = 0.0) -> None:
    """Raise a ConformanceFailure with a diagnosis when got differs from expected.

    ``probe`` is a zero-argument function returning (got, expected, mistakes) for the
    same function on a generic input (see ``conformance.probes``); ``floor`` as in compare."""
    mismatch = compare(got, expected, label, floor=floor)
    if mismatch is None:
        return
    found = diagnose_with_probe(got, expected, mistakes, probe)
    raise ConformanceFailure(paragraph(what, where, mismatch, found), found.code if found else None)


def attempt(call, impl, probe_for, *more):
    """call(): the implementation's result. If it raises, the same one-line failure gains
    a diagnosis where one can be computed (``diagnose.raised``: on the probe input built by
    ``probe_for(impl)``, in the other layout, or by the ``more`` checks)."""
    from deltaspec.conformance.interface.adapter import ImplementationError

    try:
        return call()
    except ImplementationError as exc:
        found = diagnosis.raised(impl, probe_for, *more)
        if found is None:
            raise
        raise ConformanceFailure(f"{exc}. Likely cause: {found.text}.", found.code) from None


def each(impl, method: str, examples: list, args_of, probe_for=None, more_for=lambda example: ()):
    """(example, result) for each example, ``impl.<method>(*args_of(example))`` for all of
    them in one batch (``Implementation.batch``). A failure of the batch is raised where a
    loop would raise it: after the examples before it were yielded (and judged by the
    caller); with ``probe_for``, as ``attempt`` raises it, with its diagnosis on the
    failing example (``probe_for(impl, example)``, ``more_for(example)``)."""
    results, failure = impl.batch(method, [args_of(example) for example in examples])
    yield from zip(examples, results)
    if failure is None:
        return
    if probe_for is None:
        raise failure
    failing = examples[len(results)]

    def fail():
        raise failure

    attempt(fail, impl, lambda i: probe_for(i, failing), *more_for(failing))


FD_RTOL = 1e-7  # a Richardson difference is good to ~1e-10; leave room for the user's rounding


def check_fd(got, numeric_value, error, what: str, where: str, mistakes=(), probe=None) -> None:
    """got against a finite difference: |got - fd| <= FD_RTOL |fd| + 10 * (its error estimate)."""
    rtol = max(FD_RTOL, tolerances(got)[0])  # a float32 result cannot agree to 1e-7
    got, fd = np.asarray(got, dtype=np.float64), np.asarray(numeric_value, dtype=np.float64)
    bound = rtol * np.abs(fd) + 10 * np.asarray(error) + 1e-12 * np.max(np.abs(fd), initial=0.0)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(got - fd) <= bound)
    if not bad.any():
        return
    excess = np.where(bad, np.abs(got - fd) / bound, 0)
    idx = np.unravel_index(int(np.nanargmax(excess)), fd.shape) if fd.ndim else ()
    err = abs(got[idx] - fd[idx])
    mismatch = Mismatch("", idx, float(fd[idx]), float(got[idx]), float(err),
                        float(err / abs(fd[idx])) if fd[idx] else float("inf"), float(bound[idx]),
                        int(bad.sum()), int(fd.size))
    found = diagnose_with_probe(got, fd, mistakes, probe)
    raise ConformanceFailure(paragraph(what, where, mismatch, found, "the finite differences"),
                             found.code if found else None)


def describe_array(name: str, x) -> str:
    """A short description of an input array: its shape and range, not its values."""
    x = np.asarray(x)
    if x.size == 0:
        return f"{name} of shape {x.shape}"
    if x.size <= 4:
        return f"{name} = {np.array2string(x.ravel(), precision=4, separator=', ')}"
    return f"{name} of shape {x.shape} in [{x.min():.3g}, {x.max():.3g}]"
