"""The student's checker: a formula derived by hand, judged against the spec.

``check(rule, answer, ...)`` returns a :class:`Verdict` (printable; in a notebook it
displays itself with LaTeX). Rules:

* ``"derivative"``: g'(z) for ``activation`` (a catalog name or an expression in z);
  ``of="a"`` for g' written in the output a = g(z);
* ``"loss_derivative"``: dE/dy for one element of ``loss``, reduction constant included;
* ``"delta"``: the output delta dE/dz for (``loss``, ``activation``);
* ``"hidden_delta"``, ``"weight_gradient"``, ``"bias_gradient"``, ``"layer_backward"``:
  the matrix rules in numpy notation, for ``layout`` "row" or "column", ``mean=True``
  when the loss is averaged over the samples (see ``checking.matrix``).

Only a proof makes a verdict "proved"; SymPy works under ``time_limit`` seconds, past
which :class:`TooComplex` is raised. Bad input raises :class:`CheckError` with one line
naming the parameter.
"""
from __future__ import annotations

from deltaspec.spec.checking import deadline, matrix, notation, scalar
from deltaspec.spec.checking.errors import CheckError, TooComplex
from deltaspec.spec.checking.verdict import Verdict

__all__ = ["RULES", "CheckError", "TooComplex", "Verdict", "check"]

SCALAR_RULES = ("derivative", "loss_derivative", "delta")
RULES = SCALAR_RULES + matrix.RULES
# which keyword arguments each rule takes (besides answer and time_limit)
PARAMETERS = {"derivative": ("activation", "of"), "loss_derivative": ("loss",), "delta": ("loss", "activation"),
              "hidden_delta": ("activation", "layout"), "weight_gradient": ("layout", "mean"),
              "bias_gradient": ("layout", "mean"), "layer_backward": ("activation", "layout", "mean")}
REQUIRED = {"derivative": ("activation",), "loss_derivative": ("loss",), "delta": ("loss", "activation")}
_DEFAULTS = {"activation": None, "loss": None, "of": "z", "layout": "row", "mean": False}
API_LABELS = {name: name for name in ("answer", *_DEFAULTS)}


def check(rule: str, answer: str, *, activation: str | None = None, loss: str | None = None, of: str = "z",
          layout: str = "row", mean: bool = False, time_limit: float = deadline.DEFAULT_SECONDS,
          labels: dict | None = None) -> Verdict:
    """Judge ``answer`` for ``rule``; see the module docstring for the rules and parameters."""
    labels = {**API_LABELS, **(labels or {})}
    given = {"activation": activation, "loss": loss, "of": of, "layout": layout, "mean": mean}
    _validate(rule, given, labels)
    deadline.validate(time_limit)
    try:
        with deadline.limit(time_limit):
            return _dispatch(rule, answer, given, labels)
    except CheckError:
        raise
    except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError, IndexError, KeyError) as exc:
        # SymPy or NumPy refusing an odd but well-formed input: bad input all the same, in one line
        raise CheckError(f"could not check this input ({type(exc).__name__}: {notation.first_line(exc)})") from None


def _dispatch(rule: str, answer, given: dict, labels: dict) -> Verdict:
    if rule == "derivative":
        return scalar.check_derivative(given["activation"], answer, of=given["of"], labels=labels)
    if rule == "loss_derivative":
        return scalar.check_loss_derivative(given["loss"], answer, labels=labels)
    if rule == "delta":
        return scalar.check_delta(given["loss"], given["activation"], answer, labels=labels)
    return matrix.check(rule, answer, activation=given["activation"], layout=given["layout"],
                        mean=given["mean"], labels=labels)


def _validate(rule, given: dict, labels: dict) -> None:
    """The rule is known, its required parameters are there, and no other is set."""
    if not isinstance(rule, str) or rule not in RULES:
        raise CheckError(f"rule must be one of {', '.join(RULES)}; got {rule!r}")
    for name in ("activation", "loss", "of", "layout"):
        if given[name] is not None and not isinstance(given[name], str):
            raise CheckError(f"{labels[name]} must be a string, not {type(given[name]).__name__}")
    if not isinstance(given["mean"], bool):
        raise CheckError(f"{labels['mean']} must be True or False, not {given['mean']!r}")
    for name in REQUIRED.get(rule, ()):
        if given[name] is None:
            raise CheckError(f"rule {rule!r} needs {labels[name]}")
    for name, value in given.items():
        if name not in PARAMETERS[rule] and value != _DEFAULTS[name]:
            raise CheckError(f"{labels[name]} does not go with rule {rule!r} "
                             f"(it takes {', '.join(labels[p] for p in PARAMETERS[rule])})")
