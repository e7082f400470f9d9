"""What a run judges: the catalog subset, the networks, the conventions accepted.

The scope is owned by whoever runs the judge, never inferred from which function names
an implementation happens to define:

* under an assignment (the instructor's TOML file), its ``[scope]`` table;
* otherwise (a library author's run), the implementation's one documented constant
  ``SUPPORTS`` (a dict with the same keys), checked for sense;
* otherwise the whole catalog.

Keys (every one optional):

    activations = [...]   shorthand for hidden and output alike
    hidden = [...]        activations allowed in hidden layers
    output = [...]        activations allowed in the output layer (softmax among them)
    losses = [...]
    pairs = [[loss, output activation], ...]   default: every catalog pair within the above
    depths = [1, 2, 3, 4] number of layers with weights
    biases = [true, false]
    widths = [1, 8]       smallest and largest layer width drawn
    batch = [1, 16]       smallest and largest batch drawn (1 and > 1 are both covered)

An assignment may also set ``dtype = "any" | "preserve"`` and
``feedback = "full" | "worst" | "verdict"`` (what students see).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from deltaspec.spec import numeric

MAX_DEPTH = 8
MAX_WIDTH = 64
MAX_BATCH = 256
DTYPE_POLICIES = ("any", "preserve")
FEEDBACK = ("full", "worst", "verdict")
KEYS = ("activations", "hidden", "output", "losses", "pairs", "depths", "biases", "widths", "batch")
ASSIGNMENT_KEYS = KEYS + ("dtype", "feedback")


class ScopeError(ValueError):
    """A scope declaration that makes no sense (one line, naming the key)."""


def catalog_pairs() -> tuple[tuple[str, str], ...]:
    """Every (loss, output activation) pair the spec judges: a loss meant for one output
    activation (bce: sigmoid; cross_entropy: softmax) keeps
    to it; the others take any output activation."""
    pairs = []
    for loss in numeric.LOSSES:
        allowed = numeric.OUTPUT_FOR_LOSS.get(loss)
        for act in numeric.OUTPUTS:
            if allowed is None or act in allowed:
                pairs.append((loss, act))
    return tuple(pairs)


@dataclass(frozen=True)
class Scope:
    """The judged subset of the catalog and of networks (see the module docstring)."""

    hidden: tuple[str, ...] = numeric.ACTIVATIONS
    output: tuple[str, ...] = numeric.OUTPUTS
    losses: tuple[str, ...] = numeric.LOSSES
    pairs: tuple[tuple[str, str], ...] = field(default_factory=catalog_pairs)
    depths: tuple[int, ...] = (1, 2, 3, 4)
    biases: tuple[bool, ...] = (True, False)
    widths: tuple[int, int] = (1, 8)
    batch: tuple[int, int] = (1, 16)
    dtype: str = "any"
    feedback: str = "full"
    source: str = "the whole catalog"

    @property
    def activations(self) -> tuple[str, ...]:
        """Every activation judged, in catalog order (softmax included when an output)."""
        return tuple(a for a in numeric.OUTPUTS if a in self.hidden or a in self.output)


def _names(value, key: str, known: tuple[str, ...], where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise ScopeError(f"{where}: {key} must be a non-empty list of names")
    for name in value:
        if name not in known:
            raise ScopeError(f"{where}: {key} names {name!r}, which is not in the catalog; known: {', '.join(known)}")
    return tuple(n for n in known if n in value)  # catalog order, no repeats


def _ints(value, key: str, lo: int, hi: int, where: str) -> tuple[int, ...]:
    if isinstance(value, (str, bool)) or not isinstance(value, (list, tuple)) or not value:
        raise ScopeError(f"{where}: {key} must be a non-empty list of whole numbers")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ScopeError(f"{where}: {key} holds {v!r}; each must be a whole number from {lo} to {hi}")
    return tuple(sorted(set(value)))


def _range(value, key: str, lo: int, hi: int, where: str) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    pair = _ints(value, key, lo, hi, where)
    if len(value) != 2 or value[0] > value[1]:
        raise ScopeError(f"{where}: {key} must be [smallest, largest], got {value!r}")
    return (pair[0], pair[-1])


def _pairs(value, losses, outputs, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ScopeError(f"{where}: pairs must be a non-empty list of [loss, output activation]")
    known = catalog_pairs()
    found = []
    for pair in value:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ScopeError(f"{where}: pairs holds {pair!r}; each must be [loss, output activation]")
        pair = (str(pair[0]), str(pair[1]))
        if pair not in known:
            raise ScopeError(f"{where}: pair {list(pair)} is not a catalog pair (a loss meant for one output "
                             "activation keeps to it)")
        if pair[0] not in losses or pair[1] not in outputs:
            raise ScopeError(f"{where}: pair {list(pair)} uses a loss or output activation outside the scope")
        found.append(pair)
    return tuple(p for p in known if p in found)


def parse(data, where: str, assignment: bool = False) -> Scope:
    """A Scope from a declaration dict; ScopeError (one line) when it makes no sense."""
    if not isinstance(data, dict):
        raise ScopeError(f"{where}: the scope must be a table (dict), got {type(data).__name__}")
    allowed = ASSIGNMENT_KEYS if assignment else KEYS
    for key in data:
        if key not in allowed:
            raise ScopeError(f"{where}: unknown key {key!r}; keys are {', '.join(allowed)}")
    both = _names(data["activations"], "activations", numeric.OUTPUTS, where) if "activations" in data else None
    hidden = _names(data["hidden"], "hidden", numeric.ACTIVATIONS, where) if "hidden" in data else None
    output = _names(data["output"], "output", numeric.OUTPUTS, where) if "output" in data else None
    if both is not None:
        hidden = hidden or tuple(a for a in both if a in numeric.ACTIVATIONS)
        output = output or both
    losses = _names(data["losses"], "losses", numeric.LOSSES, where) if "losses" in data else numeric.LOSSES
    scope = Scope(hidden=hidden or numeric.ACTIVATIONS, output=output or numeric.OUTPUTS, losses=losses,
                  source=where)
    if "pairs" in data:
        pairs = _pairs(data["pairs"], scope.losses, scope.output, where)
    else:
        pairs = tuple(p for p in catalog_pairs() if p[0] in scope.losses and p[1] in scope.output)
        if not pairs:
            raise ScopeError(f"{where}: no catalog pair joins these losses and output activations")
    scope = replace(scope, pairs=pairs,
                    output=tuple(a for a in scope.output if any(p[1] == a for p in pairs)),
                    losses=tuple(l for l in scope.losses if any(p[0] == l for p in pairs)))
    if "depths" in data:
        scope = replace(scope, depths=_ints(data["depths"], "depths", 1, MAX_DEPTH, where))
    if "biases" in data:
        biases = data["biases"]
        if not isinstance(biases, (list, tuple)) or not biases or not all(isinstance(b, bool) for b in biases):
            raise ScopeError(f"{where}: biases must be a non-empty list of true/false")
        scope = replace(scope, biases=tuple(b for b in (True, False) if b in biases))
    if "widths" in data:
        scope = replace(scope, widths=_range(data["widths"], "widths", 1, MAX_WIDTH, where))
    if "batch" in data:
        scope = replace(scope, batch=_range(data["batch"], "batch", 1, MAX_BATCH, where))
    for key, choices in (("dtype", DTYPE_POLICIES), ("feedback", FEEDBACK)):
        if key in data:
            if data[key] not in choices:
                raise ScopeError(f"{where}: {key} = {data[key]!r}; choose from {', '.join(choices)}")
            scope = replace(scope, **{key: data[key]})
    if max(scope.depths) == 1 and "hidden" in data:
        raise ScopeError(f"{where}: hidden activations are named but every depth is 1 (no hidden layer)")
    return scope


def declared(namespace, name: str = "SUPPORTS") -> Scope:
    """The implementation's own declaration (library mode), or the whole catalog."""
    data = getattr(namespace, name, None)
    if data is None:
        return Scope()
    return parse(data, f"the implementation's {name}")
