"""The instructor's assignment: one TOML file that fixes what a graded run judges.

It grows the weights file (every weights file is a valid assignment):

    only = ["activation sigmoid", "derivative sigmoid_prime", "gradients"]
    feedback = "full"        # or "worst" (verdict and worst element) or "verdict"
    dtype = "any"            # or "preserve": float32 in must give float32 out

    [kinds]                  # points per capability kind
    [capabilities]           # points per capability

    [scope]                  # the catalog subset and the networks (judging/scope.py)
    hidden = ["sigmoid"]
    output = ["sigmoid"]
    losses = ["half_sse"]
    depths = [2]

    [conventions]            # accepted values: one, a list, or "any" (the default)
    LAYOUT = ["row", "column"]
    SIGN = "any"

Under an assignment a submission can neither widen nor shrink what is checked: the scope
is the assignment's, and a convention it does not accept fails every capability that
depends on it, with one message.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from deltaspec.conformance.judging import scope as scopes

KINDS = ("activation", "derivative", "loss", "output_delta", "hidden_delta", "forward", "gradients",
         "train_step", "train")
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.toml")
TOP_KEYS = ("kinds", "capabilities", "only", "scope", "conventions", "feedback", "dtype")


class WeightsError(ValueError):
    """The weights file is unreadable or has an unknown key or a bad value (one line)."""


def kind_of(capability: str) -> str:
    """'activation sigmoid' -> 'activation', 'derivative mse_prime' -> 'derivative', 'forward' -> 'forward'."""
    return capability.split(" ", 1)[0]


def _capabilities() -> dict[str, tuple[str, ...]]:
    from deltaspec.conformance.capabilities import capabilities

    return capabilities()


# ---------------------------------------------------------------- weights


def _toml():
    """tomllib (Python >= 3.11) or its backport tomli, imported only when weights are read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10: the conditional dependency tomli
        import tomli as tomllib
    return tomllib


def _read_toml(path: Path) -> dict:
    tomllib = _toml()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise WeightsError(f"weights file {str(path)!r}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise WeightsError(f"weights file {str(path)!r}: not valid TOML ({exc})") from None
    except (UnicodeDecodeError, ValueError) as exc:  # bytes that are not UTF-8; a 400-digit integer
        raise WeightsError(f"weights file {str(path)!r}: not valid TOML ({' '.join(str(exc).split())[:200]})") from None


def _number(value, where: str, path: Path) -> float:
    if isinstance(value, int) and not isinstance(value, bool) and value > 1e12:
        raise WeightsError(f"weights file {str(path)!r}: {where} is too large (at most 1e12 points)")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise WeightsError(f"weights file {str(path)!r}: {where} = {value!r} is not a number >= 0")
    return float(value)


def _merge(weights: dict[str, float], data: dict, path: Path) -> None:
    """Apply one parsed weights file to ``weights`` (capability -> points), in place."""
    caps = list(weights)
    for key in data:
        if key not in TOP_KEYS:
            raise WeightsError(f"weights file {str(path)!r}: unknown key {key!r}; keys are {', '.join(TOP_KEYS)}")
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict):
        raise WeightsError(f"weights file {str(path)!r}: kinds must be a table [kinds]")
    for kind, value in kinds.items():
        if kind not in KINDS:
            raise WeightsError(f"weights file {str(path)!r}: unknown kind {kind!r} in [kinds]; "
                               f"kinds are {', '.join(KINDS)}")
        points = _number(value, f"[kinds] {kind}", path)
        for cap in caps:
            if kind_of(cap) == kind:
                weights[cap] = points
    overrides = data.get("capabilities", {})
    if not isinstance(overrides, dict):
        raise WeightsError(f"weights file {str(path)!r}: capabilities must be a table [capabilities]")
    for cap, value in overrides.items():
        if cap not in weights:
            raise WeightsError(f"weights file {str(path)!r}: unknown capability {cap!r} in [capabilities] "
                               "(python -m deltaspec.conformance capabilities lists them)")
        weights[cap] = _number(value, f'[capabilities] "{cap}"', path)
    if "only" in data:
        only = data["only"]
        if not isinstance(only, list) or not all(isinstance(o, str) for o in only):
            raise WeightsError(f"weights file {str(path)!r}: only must be a list of capability or kind names")
        if not only:
            raise WeightsError(f"weights file {str(path)!r}: only = [] counts nothing; name at least one "
                               "capability or kind, or leave only out")
        for name in only:
            if name not in weights and name not in KINDS:
                raise WeightsError(f"weights file {str(path)!r}: unknown capability or kind {name!r} in only "
                                   "(python -m deltaspec.conformance capabilities lists them)")
        for cap in caps:
            if cap not in only and kind_of(cap) not in only:
                weights[cap] = 0.0


def load_weights(path: str | os.PathLike | None = None) -> dict[str, float]:
    """Points per capability: the defaults, with the instructor's file merged over them."""
    weights = {cap: 0.0 for cap in _capabilities()}
    _merge(weights, _read_toml(DEFAULT_WEIGHTS), DEFAULT_WEIGHTS)
    if path is not None:
        _merge(weights, _read_toml(Path(path)), Path(path))
    _finite_total(weights, path)
    return weights


def _finite_total(weights: dict[str, float], path) -> None:
    try:
        total = math.fsum(weights.values())
    except OverflowError:
        total = math.inf
    if not math.isfinite(total) or total > 1e12:
        raise WeightsError(f"weights file {str(path)!r}: the points add up to {total:g}; keep the total "
                           "finite and at most 1e12")
    if total <= 0:
        raise WeightsError(f"weights file {str(path)!r}: every capability weighs 0; nothing would be graded")


@dataclass(frozen=True)
class Assignment:
    """Weights per capability, the judged scope, and the accepted conventions."""

    source: str
    weights: dict
    scope: scopes.Scope = field(default_factory=scopes.Scope)
    accepted: dict = field(default_factory=dict)   # convention -> tuple of accepted values

    def counted(self) -> set[str]:
        """The capabilities that carry points (the others are not run at all)."""
        return {cap for cap, w in self.weights.items() if w > 0}

    def refused(self, declared: dict) -> dict[str, str]:
        """Convention -> one-line reason, for each declared value the assignment refuses."""
        found = {}
        for name, values in self.accepted.items():
            if declared.get(name) not in values:
                shown = " or ".join(repr(v) for v in values)
                found[name] = (f"{name} = {declared.get(name)!r} is not accepted by this assignment "
                               f"(accepted: {shown}); every capability that depends on {name} scores 0")
        return found


def _accepted(data, where: str) -> dict:
    """[conventions]: convention -> the tuple of accepted values ("any" leaves it out)."""
    from deltaspec.conformance.interface.loader import CONVENTIONS

    if not isinstance(data, dict):
        raise WeightsError(f"{where}: [conventions] must be a table")
    accepted = {}
    for name, value in data.items():
        if name not in CONVENTIONS:
            raise WeightsError(f"{where}: unknown convention {name!r} in [conventions]; "
                               f"conventions are {', '.join(CONVENTIONS)}")
        if value == "any":
            continue
        values = value if isinstance(value, list) else [value]
        if not values:
            raise WeightsError(f"{where}: [conventions] {name} is an empty list; accept at least one value")
        allowed = CONVENTIONS[name][1]
        for v in values:
            if isinstance(v, bool) or v not in allowed:
                raise WeightsError(f"{where}: [conventions] {name} = {v!r}; choose from "
                                   f"{', '.join(repr(a) for a in allowed)} or \"any\"")
        accepted[name] = tuple(values)
    return accepted


def _scope(data: dict, where: str) -> scopes.Scope:
    """[scope] plus the top-level dtype and feedback policies."""
    table = data.get("scope", {})
    if not isinstance(table, dict):
        raise WeightsError(f"{where}: scope must be a table [scope]")
    table = {**table, **{k: data[k] for k in ("dtype", "feedback") if k in data}}
    if not table:
        return scopes.Scope(source=f"assignment {where} (the whole catalog)")
    try:
        return replace(scopes.parse(table, f"{where} [scope]", assignment=True), source=f"assignment {where}")
    except scopes.ScopeError as exc:
        raise WeightsError(str(exc)) from None


def load(path: str | os.PathLike | None) -> Assignment:
    """The assignment in ``path`` (None: the defaults and the whole catalog). WeightsError,
    one line, for anything unreadable or senseless."""
    weights = load_weights(path)
    if path is None:
        return Assignment("the default weights", weights, scopes.Scope(source="the whole catalog (default weights)"))
    where = Path(path).name
    data = _read_toml(Path(path))
    return Assignment(where, weights, _scope(data, where), _accepted(data.get("conventions", {}), where))
