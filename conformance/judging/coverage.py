"""Coverage by construction: every combination in scope is a parameter of a check.

Random draws choose values only (widths, weights, inputs); which combinations are seen
is enumerated here from the Scope, identically in every profile:

* elementwise checks: each activation, each derivative, each loss, each loss derivative;
* output_delta: each (loss, output activation) pair; hidden_delta: each hidden activation;
* networks: a list of plans such that every (loss, output activation) pair, every hidden
  activation in a hidden layer, every depth, with and without biases, and a batch of 1
  and of more than 1 each appear in at least one plan.
"""
from __future__ import annotations

from dataclasses import dataclass

from deltaspec.conformance.judging.scope import Scope


@dataclass(frozen=True)
class NetPlan:
    """One network combination: the per-layer activations (the last is the output's),
    the loss, whether layers have biases, and whether the batch has one sample."""

    loss: str
    activations: tuple[str, ...]
    bias: bool
    single: bool

    @property
    def depth(self) -> int:
        return len(self.activations)

    @property
    def id(self) -> str:
        """A pytest id naming every element, so ``-k leaky_relu`` selects by name."""
        return "-".join([self.loss, *self.activations, "bias" if self.bias else "nobias",
                         "N1" if self.single else "Nmany"])

    def covers(self) -> set[str]:
        """The coverage targets this plan exercises (see :func:`targets`)."""
        found = {f"pair {self.loss}+{self.activations[-1]}", f"depth {self.depth}",
                 "biases" if self.bias else "no biases", "batch 1" if self.single else "batch > 1"}
        found |= {f"hidden {a}" for a in self.activations[:-1]}
        return found


def targets(scope: Scope) -> list[str]:
    """Everything the network checks must cover under ``scope``."""
    found = [f"pair {loss}+{act}" for loss, act in scope.pairs]
    if max(scope.depths) > 1:
        found += [f"hidden {a}" for a in scope.hidden]
    found += [f"depth {d}" for d in scope.depths]
    found += ["biases" if b else "no biases" for b in scope.biases]
    found += (["batch 1"] if scope.batch[0] == 1 else []) + (["batch > 1"] if scope.batch[1] > 1 else [])
    return found


def _plan(scope: Scope, i: int, pair, depth: int) -> NetPlan:
    """Plan number i: biases change every second plan and the batch kind every plan, so
    the four (bias, batch) combinations all occur in any four consecutive plans."""
    hidden = tuple(scope.hidden[(i + j) % len(scope.hidden)] for j in range(depth - 1))
    bias = scope.biases[(i // 2) % len(scope.biases)]
    if scope.batch[0] > 1 or scope.batch[1] == 1:  # the scope allows one batch kind only
        single = scope.batch[1] == 1
    else:
        single = i % 2 == 0
    return NetPlan(pair[0], hidden + (pair[1],), bias, single)


def network_plans(scope: Scope) -> list[NetPlan]:
    """A short list of plans covering :func:`targets`: round robin over pairs, depths and
    hidden activations, then one more plan for each target still missing."""
    deep = [d for d in scope.depths if d > 1]
    n = max(len(scope.pairs), len(scope.depths), len(scope.hidden) if deep else 1, 4)
    plans = [_plan(scope, i, scope.pairs[i % len(scope.pairs)], scope.depths[i % len(scope.depths)])
             for i in range(n)]
    covered = set().union(*(p.covers() for p in plans))
    for target in targets(scope):
        if target in covered:
            continue
        i = len(plans)
        if target.startswith("hidden "):
            act = target.split(" ", 1)[1]
            plan = _plan(scope, i, scope.pairs[i % len(scope.pairs)], max(deep))
            plan = NetPlan(plan.loss, (act,) * (plan.depth - 1) + plan.activations[-1:], plan.bias, plan.single)
        else:  # a (bias, batch) combination the round robin could not reach
            plan = _plan(scope, i, scope.pairs[0], scope.depths[0])
        plans.append(plan)
        covered |= plan.covers()
    return plans


def coverage(plans: list[NetPlan], ran: set[str], scope: Scope) -> tuple[int, int]:
    """(checked, total): the targets exercised by the plans whose checks ran."""
    seen = set().union(*(p.covers() for p in plans if p.id in ran)) if plans else set()
    wanted = targets(scope)
    return sum(t in seen for t in wanted), len(wanted)
