"""Capabilities: the unit of "provided", of checks and of points.

A capability is a name such as ``activation sigmoid``, ``derivative mse_prime`` or
``gradients``, provided when the implementation defines every function it names. Each
check carries a ``capability`` marker whose text may name its parameters
(``"derivative {derivative}_prime"``).
"""
from __future__ import annotations


def capabilities() -> dict[str, tuple[str, ...]]:
    """Capability -> the interface names that provide it, in catalog order."""
    from deltaspec.spec import numeric  # here, not at the top: the plugin imports this module

    caps: dict[str, tuple[str, ...]] = {}
    for act in numeric.ACTIVATIONS:
        caps[f"activation {act}"] = (act,)
        caps[f"derivative {act}_prime"] = (f"{act}_prime",)
    caps["activation softmax"] = ("softmax",)
    for loss in numeric.LOSSES:
        caps[f"loss {loss}"] = (loss,)
        caps[f"derivative {loss}_prime"] = (f"{loss}_prime",)
    for name in ("output_delta", "hidden_delta", "forward", "gradients", "train_step", "train"):
        caps[name] = (name,)
    return caps


def capability_of(item) -> str:
    """The capability a collected check judges, from its marker and its parameters."""
    marker = item.get_closest_marker("capability")
    if marker is None:
        return item.originalname
    params = getattr(getattr(item, "callspec", None), "params", {})
    try:
        return marker.args[0].format(**params)
    except (KeyError, IndexError, AttributeError):
        return marker.args[0]
