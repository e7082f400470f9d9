"""What every adapter declares, and how it says that something is missing.

An adapter's result is a plain namespace (:class:`types.SimpleNamespace`) holding
exactly the interface functions it provides, its conventions (``LAYOUT``, ``SIGN``,
``PRIME_OF``, ``REDUCTION``) and its scope (``SUPPORTS``): the suite lists what an
implementation provides with ``dir()``, so a name that is not provided must not be an
attribute. An ``--impl`` file takes it with ``globals().update(vars(namespace))``; a
module attribute holding it works as ``--impl=module:attribute``.

The adapters import nothing of deltaspec but each other (and numpy; torch when asked):
an isolated worker runs the glue file, and an implementation must not find the spec's
values in memory there. So the catalog's *names* are written here (tests check them
against the catalog); a name outside them stops the glue file at import, in one line,
and the suite checks the rest of SUPPORTS when it reads it.
"""
from __future__ import annotations

import types

ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "rbf")
SOFTMAX = "softmax"
OUTPUTS = (*ACTIVATIONS, SOFTMAX)
LOSSES = ("half_sse", "sse", "mse", "bce", "cross_entropy")
OUTPUT_FOR_LOSS = {"bce": ("sigmoid",), "cross_entropy": ("softmax",)}  # the others take any output
ALL_DEPTHS = [1, 2, 3, 4]
MAX_DEPTH = 8


class AdapterError(Exception):
    """The wrapped code lacks something the adapter needs, or was asked for something
    outside what it supports (the message is one line and names the attribute)."""


def describe(obj) -> str:
    """A short name for the wrapped thing, for error messages."""
    if isinstance(obj, type) or callable(obj) and hasattr(obj, "__name__"):
        return getattr(obj, "__qualname__", obj.__name__)
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    return type(obj).__name__


def attribute(obj, name: str, role: str, option: str | None = None):
    """``getattr(obj, name)``, or one line naming the missing attribute, what it is for and
    the adapter option that names it otherwise."""
    try:
        return getattr(obj, name)
    except AttributeError:
        hint = f"; if it is called something else, pass {option}='...'" if option else ""
        raise AdapterError(f"{describe(obj)} has no attribute {name!r} ({role}){hint}") from None


def method(obj, name: str, role: str, option: str | None = None):
    """A callable attribute (see :func:`attribute`)."""
    found = attribute(obj, name, role, option)
    if not callable(found):
        raise AdapterError(f"{describe(obj)}.{name} is a {type(found).__name__}, not callable ({role})")
    return found


def names(value) -> list[str]:
    """One catalog name or several, as a list."""
    return [value] if isinstance(value, str) else list(value)


def _known(kind: str, given, catalog) -> list[str]:
    """The given names in catalog order; a name outside the catalog is an AdapterError."""
    for name in given:
        if name not in catalog:
            raise AdapterError(f"{kind} {name!r} is not in the catalog; known: {', '.join(catalog)}")
    return [n for n in catalog if n in set(given)]


def pairs_of(losses, outputs) -> list[list[str]]:
    """Every catalog (loss, output activation) pair within these: bce keeps to sigmoid,
    cross_entropy to softmax, the others take any output activation."""
    return [[loss, act] for loss in LOSSES if loss in losses for act in OUTPUTS
            if act in outputs and act in OUTPUT_FOR_LOSS.get(loss, OUTPUTS)]


def supports(hidden, output, losses, *, depths=None, biases=(True,), override=None) -> dict:
    """The SUPPORTS dict (plain lists): the activations, losses, depths and biases the
    wrapped code can run, with every catalog (loss, output) pair they allow.
    ``override`` (the user's own dict) replaces the whole of it (the suite checks it)."""
    if override is not None:
        return dict(override)
    hidden = _known("hidden activation", hidden, ACTIVATIONS)
    output = _known("output activation", output, OUTPUTS)
    losses = _known("loss", losses, LOSSES)
    allowed = pairs_of(losses, output)
    if not allowed:
        raise AdapterError(f"no catalog (loss, output activation) pair joins losses {losses} and outputs "
                           f"{output} (bce needs sigmoid, cross_entropy softmax)")
    depths = sorted(set(depths or ALL_DEPTHS))
    if not all(isinstance(d, int) and 1 <= d <= MAX_DEPTH for d in depths):
        raise AdapterError(f"depths {depths}: each must be a whole number from 1 to {MAX_DEPTH}")
    found = {"output": [a for a in OUTPUTS if any(p[1] == a for p in allowed)],
             "losses": [l for l in LOSSES if any(p[0] == l for p in allowed)],
             "pairs": allowed, "depths": depths, "biases": list(biases)}
    if max(depths) > 1:
        if not hidden:
            raise AdapterError("depths above 1 need at least one hidden activation")
        found["hidden"] = hidden
    return found


def namespace(functions: dict, *, layout="row", sign=1, prime_of="z", reduction="spec", scope=None):
    """The implementation: ``functions`` (interface name -> callable) plus the conventions
    and SUPPORTS, as a namespace whose attributes are exactly these."""
    ns = types.SimpleNamespace(**functions)
    ns.LAYOUT, ns.SIGN, ns.PRIME_OF, ns.REDUCTION = layout, sign, prime_of, reduction
    if scope is not None:
        ns.SUPPORTS = scope
    return ns


def check_names(kind: str, asked, allowed, where: str) -> None:
    """Refuse, in one line, an activation or loss the wrapped code does not run (the
    suite asks only for what SUPPORTS allows; this guards a run that ignores it)."""
    asked = [asked] if isinstance(asked, str) else list(asked)
    for name in asked:
        if name not in allowed:
            raise AdapterError(f"{where} supports {kind} {sorted(allowed)} only, not {name!r} "
                               "(outside the adapter's SUPPORTS)")


def check_activations(activations, hidden, output, where: str) -> None:
    """Every hidden layer's activation in ``hidden``, the output's in ``output``."""
    activations = list(activations)
    check_names("hidden activations", activations[:-1], hidden, where)
    check_names("output activations", activations[-1:], output, where)
