"""The worked homework of docs/AUTOGRADER.md, graded as an instructor would grade it.

Students write sigmoid, sigmoid_prime, half_sse_prime and the gradients of a 2-layer
network (docs/autograder/homework/assignment.toml). Correct students in both layouts get
full marks; each classic slip scores 0 on its own capability with its diagnosis; names
outside the assignment change nothing; a missing name costs its own points only.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOMEWORK = ROOT / "docs" / "autograder" / "homework"
ROW = (HOMEWORK / "student_row.py").read_text()
FULL = {"activation sigmoid": 2.0, "derivative sigmoid_prime": 3.0, "derivative half_sse_prime": 3.0,
        "gradients": 12.0}

# name: (source, the capability that must score 0, a phrase of its diagnosis)
SLIPS = {
    "prime_of_the_input": (ROW.replace("    s = sigmoid(z)\n    return s * (1.0 - s)", "    return z * (1.0 - z)"),
                           "derivative sigmoid_prime", "from the output"),
    "sign_flipped": (ROW.replace("def half_sse_prime(y, t):\n    return y - t", "def half_sse_prime(y, t):\n    return t - y"),
                     "derivative half_sse_prime", "sign is flipped"),
    "no_hidden_gprime": (ROW.replace("delta1 = (delta2 @ W2.T) * A1 * (1 - A1)", "delta1 = delta2 @ W2.T"),
                         "gradients", "g'"),
    "not_transposed": (ROW.replace("delta1 = (delta2 @ W2.T) * A1 * (1 - A1)", "delta1 = (delta2 @ W2) * A1 * (1 - A1)"),
                       "gradients", "transpose"),
    "bias_averaged": (ROW.replace("delta1.sum(axis=0)), (A1.T @ delta2, delta2.sum(axis=0))",
                                  "delta1.mean(axis=0)), (A1.T @ delta2, delta2.mean(axis=0))"),
                      "gradients", "averaged"),
}
EXTRAS = {
    # names outside the assignment: a broken tanh and a broken forward change nothing
    "extra_broken_names": ROW + "\n\ndef tanh(z):\n    return z\n\n\ndef forward(params, X, activations):\n    return X\n",
    # a required name left out: only its own points are lost
    "omits_sigmoid_prime": ROW.replace("def sigmoid_prime(z):", "def _unused_prime(z):"),
}


def grade(path: Path, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS")}
    subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "deltaspec.conformance", f"--impl={path}", "-q",
                    "-p", "no:cacheprovider", f"--deltaspec-assignment={HOMEWORK / 'assignment.toml'}",
                    f"--deltaspec-gradescope={out}"], cwd=path.parent, env=env, capture_output=True, timeout=600)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("homework")
    files = {"row": HOMEWORK / "student_row.py", "column": HOMEWORK / "student_column.py"}
    for name, source in [*((n, s) for n, (s, _, _) in SLIPS.items()), *EXTRAS.items()]:
        assert source != ROW, f"{name}: the substitution did not apply"
        files[name] = tmp / f"{name}.py"
        files[name].write_text(source)
    with ThreadPoolExecutor(2) as pool:
        graded = pool.map(lambda item: (item[0], grade(item[1], tmp / f"{item[0]}.json")), files.items())
        return dict(graded)


def points(result: dict) -> dict:
    return {t["name"]: t["score"] for t in result["tests"]}


@pytest.mark.parametrize("student", ["row", "column"])
def test_correct_students_get_full_marks_in_either_layout(results, student):
    assert points(results[student]) == FULL and results[student]["score"] == 20


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_each_classic_slip_scores_zero_on_its_capability_with_its_diagnosis(results, slip):
    _, capability, phrase = SLIPS[slip]
    got = points(results[slip])
    assert got[capability] == 0
    assert all(got[c] == FULL[c] for c in FULL if c != capability), got  # nothing else is lost
    output = next(t["output"] for t in results[slip]["tests"] if t["name"] == capability)
    assert "Likely cause" in output and phrase in output, output


def test_names_outside_the_assignment_change_nothing(results):
    assert points(results["extra_broken_names"]) == FULL


def test_a_missing_name_costs_only_its_own_points(results):
    got = points(results["omits_sigmoid_prime"])
    assert got == {**FULL, "derivative sigmoid_prime": 0.0}
    output = next(t["output"] for t in results["omits_sigmoid_prime"]["tests"] if t["name"] == "derivative sigmoid_prime")
    assert "Not provided" in output
