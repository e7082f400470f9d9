"""The scope a run judges, its coverage plans, and the assignment file: parsed in-process."""
from __future__ import annotations

import itertools

import pytest

from deltaspec.conformance.grading import assignment
from deltaspec.conformance.judging import coverage, scope as scopes
from deltaspec.spec import numeric


def test_the_default_scope_is_the_whole_catalog():
    scope = scopes.Scope()
    assert scope.activations == numeric.OUTPUTS and scope.losses == numeric.LOSSES
    assert ("cross_entropy", "softmax") in scope.pairs and ("bce", "relu") not in scope.pairs


@pytest.mark.parametrize("data, phrase", [
    ({"activations": ["sigmoid", "swish"]}, "'swish', which is not in the catalog"),
    ({"activations": "sigmoid"}, "must be a non-empty list"),
    ({"losses": []}, "must be a non-empty list"),
    ({"pairs": [["bce", "relu"]]}, "not a catalog pair"),
    ({"losses": ["bce"], "output": ["relu"]}, "no catalog pair joins"),
    ({"depths": [0]}, "from 1 to 8"),
    ({"depths": [True]}, "whole number"),
    ({"biases": ["yes"]}, "true/false"),
    ({"widths": [5, 2]}, "[smallest, largest]"),
    ({"hidden": ["tanh"], "depths": [1]}, "every depth is 1"),
    ({"colour": 1}, "unknown key 'colour'"),
    ({"dtype": "preserve"}, "unknown key 'dtype'"),   # an assignment's key, not an implementation's
])
def test_a_senseless_declaration_is_one_line_naming_the_problem(data, phrase):
    with pytest.raises(scopes.ScopeError) as info:
        scopes.parse(data, "SUPPORTS")
    message = str(info.value)
    assert phrase in message and "\n" not in message and message.startswith("SUPPORTS")


def test_a_declaration_narrows_pairs_to_its_names():
    scope = scopes.parse({"activations": ["sigmoid", "softmax"], "losses": ["half_sse", "cross_entropy"],
                          "pairs": [["cross_entropy", "softmax"], ["half_sse", "sigmoid"]]}, "SUPPORTS")
    assert scope.pairs == (("half_sse", "sigmoid"), ("cross_entropy", "softmax"))
    assert scope.hidden == ("sigmoid",) and set(scope.output) == {"sigmoid", "softmax"}


def _covered(scope):
    plans = coverage.network_plans(scope)
    seen = set().union(*(p.covers() for p in plans))
    return plans, [t for t in coverage.targets(scope) if t not in seen]


@pytest.mark.parametrize("data", [
    {},
    {"activations": ["sigmoid"], "losses": ["half_sse"], "depths": [2]},
    {"hidden": ["relu", "tanh"], "output": ["softmax"], "losses": ["cross_entropy"], "depths": [1, 3]},
    {"activations": ["leaky_relu", "identity"], "losses": ["mse", "sse"], "biases": [False], "batch": [1, 1]},
    {"losses": ["bce"], "depths": [4], "batch": [3, 9]},
])
def test_every_target_is_covered_by_construction(data):
    scope = scopes.parse(data, "test") if data else scopes.Scope()
    plans, missing = _covered(scope)
    assert missing == [] and plans
    assert len({p.id for p in plans}) == len(plans)
    for plan in plans:
        assert (plan.loss, plan.activations[-1]) in scope.pairs and plan.depth in scope.depths
        assert all(a in scope.hidden for a in plan.activations[:-1]) and plan.bias in scope.biases


def test_every_bias_and_batch_combination_occurs_in_the_default_scope():
    plans = coverage.network_plans(scopes.Scope())
    assert {(p.bias, p.single) for p in plans} == set(itertools.product((True, False), (True, False)))


def test_coverage_counts_only_plans_that_ran():
    scope = scopes.Scope()
    plans = coverage.network_plans(scope)
    assert coverage.coverage(plans, {p.id for p in plans}, scope) == (len(coverage.targets(scope)),) * 2
    checked, total = coverage.coverage(plans, {plans[0].id}, scope)
    assert checked < total


def _write(tmp_path, text):
    path = tmp_path / "a.toml"
    path.write_text(text)
    return path


def test_an_assignment_refuses_a_convention_it_does_not_accept(tmp_path):
    a = assignment.load(_write(tmp_path, '[conventions]\nLAYOUT = "row"\nSIGN = [1, -1]\nPRIME_OF = "any"\n'))
    assert a.accepted == {"LAYOUT": ("row",), "SIGN": (1, -1)}
    refused = a.refused({"LAYOUT": "column", "SIGN": -1, "PRIME_OF": "a", "REDUCTION": "spec"})
    assert list(refused) == ["LAYOUT"] and "accepted: 'row'" in refused["LAYOUT"]


@pytest.mark.parametrize("text, phrase", [
    ("only = []\n", "only = [] counts nothing"),
    ('[capabilities]\n"gradients" = 1e308\n[kinds]\nforward = 1e308\n', "add up to"),
    ("[kinds]\nforward = " + "9" * 400 + "\n", "too large"),
    ('[conventions]\nLAYOUT = "diagonal"\n', "choose from"),
    ('[conventions]\nCOLOUR = "red"\n', "unknown convention"),
    ('[scope]\nlosses = ["hinge"]\n', "'hinge', which is not in the catalog"),
    ("feedback = \"everything\"\n", "feedback = 'everything'"),
])
def test_a_bad_assignment_is_one_line(tmp_path, text, phrase):
    with pytest.raises(assignment.WeightsError) as info:
        assignment.load(_write(tmp_path, text))
    assert phrase in str(info.value) and "\n" not in str(info.value)


def test_an_assignment_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"only = ['\xff']\n")
    with pytest.raises(assignment.WeightsError, match="not valid TOML"):
        assignment.load(path)
