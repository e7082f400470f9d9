"""conformance.grading: weights, points per capability, the two results formats, and the
guarantees of a graded run (a placeholder of 0 first, a load failure scores 0 with the
reason, a run that did not finish scores 0, the final file is written last)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deltaspec.conformance.grading import assignment, scoring as grading
from deltaspec.conformance.capabilities import capabilities

ROOT = Path(__file__).resolve().parents[2]


def _load_samples():
    import importlib.util

    spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples",
                                                  ROOT / "docs" / "autograder" / "samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


samples = _load_samples()

WEIGHTS = ROOT / "docs" / "autograder" / "weights.toml"


# ---------------------------------------------------------------- weights


def test_default_weights_cover_every_capability_by_kind():
    weights = assignment.load_weights()
    assert list(weights) == list(capabilities())
    assert all(w > 0 for w in weights.values())
    assert {assignment.kind_of(c) for c in weights} == set(assignment.KINDS)
    assert weights["gradients"] == 5 and weights["activation softmax"] == 1


def test_instructor_file_merges_kinds_capabilities_and_only(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text('only = ["derivative", "forward"]\n[kinds]\nderivative = 2\n'
                    '[capabilities]\n"derivative mse_prime" = 4.5\n"activation sigmoid" = 9\n')
    weights = assignment.load_weights(path)
    assert weights["derivative sigmoid_prime"] == 2 and weights["derivative mse_prime"] == 4.5
    assert weights["forward"] == 3                      # the default, kept by only
    assert weights["activation sigmoid"] == 0          # not in only
    assert weights["gradients"] == 0


def test_sample_assignment_weights():
    weights = assignment.load_weights(WEIGHTS)
    graded = {c: w for c, w in weights.items() if w > 0}
    assert graded == {"activation sigmoid": 1, "derivative sigmoid_prime": 2, "loss mse": 1,
                      "derivative mse_prime": 2, "output_delta": 3, "hidden_delta": 3, "forward": 2}


@pytest.mark.parametrize("text, words", [
    ("[kind]\nloss = 1\n", "unknown key 'kind'"),
    ("[kinds]\nlosses = 1\n", "unknown kind 'losses'"),
    ('[capabilities]\n"activation swish" = 1\n', "unknown capability 'activation swish'"),
    ("[kinds]\nloss = -1\n", "[kinds] loss = -1 is not a number >= 0"),
    ('[kinds]\nloss = "two"\n', "is not a number >= 0"),
    ("[kinds]\nloss = true\n", "is not a number >= 0"),
    ("[kinds]\nloss = nan\n", "is not a number >= 0"),
    ('only = ["activation swish"]\n', "unknown capability or kind 'activation swish' in only"),
    ("only = 3\n", "only must be a list"),
    ("kinds = 3\n", "kinds must be a table"),
    ("[kinds\n", "not valid TOML"),
])
def test_bad_weights_are_one_line_errors(tmp_path, text, words):
    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(assignment.WeightsError) as info:
        assignment.load_weights(path)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_missing_weights_file(tmp_path):
    with pytest.raises(assignment.WeightsError, match="cannot read it"):
        assignment.load_weights(tmp_path / "nope.toml")


# ---------------------------------------------------------------- points


def rec(cap, outcome, message="", test=None):
    return {"test": test or f"t::{cap}::{outcome}::{message[:8]}", "capability": cap, "outcome": outcome,
            "diagnosis": None, "message": message}


def only(*caps, weight=2.0):
    return {c: (weight if c in caps else 0.0) for c in capabilities()}


def by_name(scores):
    return {s.name: s for s in scores}


def test_a_capability_scores_all_or_nothing():
    weights = only("activation sigmoid", "loss mse", "derivative mse_prime", "activation tanh", "forward")
    records = [rec("activation sigmoid", "passed"), rec("activation sigmoid", "passed"),
               rec("activation sigmoid", "skipped", test="s1"),
               rec("loss mse", "passed"), rec("loss mse", "failed", "mse on y = [1.]: off by a factor N."),
               rec("derivative mse_prime", "skipped", test="s2"),
               rec("forward", "passed")]
    scores = by_name(grading.score_capabilities(
        records, ["activation sigmoid", "loss mse", "derivative mse_prime", "forward"], weights,
        {"s2": "mse_prime's check cannot run here"}))
    assert list(scores) == ["activation sigmoid", "activation tanh", "loss mse", "derivative mse_prime", "forward"]
    assert (scores["activation sigmoid"].score, scores["activation sigmoid"].status) == (2.0, "passed")
    assert "(1 skipped)" in scores["activation sigmoid"].output
    assert (scores["loss mse"].score, scores["loss mse"].status) == (0.0, "failed")
    assert scores["loss mse"].output.startswith("1 of 2 checks failed.")
    assert "off by a factor N" in scores["loss mse"].output
    assert (scores["activation tanh"].score, scores["activation tanh"].status) == (0.0, "not provided")
    assert "`tanh`" in scores["activation tanh"].output
    # every check skipped: not verified, so no points
    assert (scores["derivative mse_prime"].score, scores["derivative mse_prime"].status) == (0.0, "not checked")
    assert "cannot run here" in scores["derivative mse_prime"].output
    assert scores["forward"].score == 2.0


def test_train_is_scored_without_forward():
    """train is judged through the reference's forward, so it needs no forward of its own
    (a forward that recognised its own weights could otherwise vouch for a train that learns nothing)."""
    weights = only("train")
    records = [rec("train", "passed"), rec("train", "skipped")]
    (train,) = grading.score_capabilities(records, ["train"], weights)
    assert (train.score, train.status) == (2.0, "passed")


def test_failure_output_is_capped_and_deduplicated():
    weights = only("gradients")
    records = [rec("gradients", "failed", f"paragraph {i % 7} " + "x" * 5000, test=f"t{i}") for i in range(20)]
    (g,) = grading.score_capabilities(records, ["gradients"], weights)
    assert g.output.startswith("20 of 20 checks failed.")
    assert g.output.count("paragraph") == grading.MAX_PARAGRAPHS
    assert "(and 2 more failures not shown)" in g.output
    assert len(g.output) < grading.MAX_PARAGRAPHS * (grading.MAX_PARAGRAPH_CHARS + 10) + 200


def test_a_run_that_is_not_graded_never_scores():
    weights = only("forward", "gradients")
    grade = grading.zero_grade(weights, "incomplete", grading.INCOMPLETE)
    assert (grade.score, grade.max_score) == (0.0, 4.0)
    # even if capability scores were filled in, a grade that is not "graded" is 0
    grade.capabilities[0].score = 2.0
    assert grade.score == 0.0
    assert grading.gradescope(grade)["score"] == 0 and grading.prairielearn(grade)["score"] == 0
    assert all(t["score"] == 0 and t["status"] == "failed" for t in grading.gradescope(grade)["tests"])


def graded(weights, records, provided):
    return grading.finished_grade(records, provided, weights, {}, "student.py",
                                  "LAYOUT='row' SIGN=+1 PRIME_OF='z'", 1.5)


def test_gradescope_format():
    weights = only("forward", "gradients")
    grade = graded(weights, [rec("forward", "passed"), rec("gradients", "failed", "wrong")], ["forward", "gradients"])
    data = grading.gradescope(grade)
    assert set(data) >= {"score", "execution_time", "output", "tests"}
    assert data["score"] == 2.0 and data["execution_time"] == 1.5
    assert "2 of 4 points" in data["output"]
    assert data["tests"] == [
        {"name": "forward", "score": 2.0, "max_score": 2.0, "status": "passed",
         "output": "Passed: 1 check passed.", "visibility": "visible"},
        {"name": "gradients", "score": 0.0, "max_score": 2.0, "status": "failed",
         "output": "1 of 1 check failed.\n\nwrong", "visibility": "visible"}]
    assert data["extra_data"]["deltaspec"] == {"status": "graded", "reason": "", "max_score": 4.0}


def test_prairielearn_format():
    weights = only("forward", "gradients")
    grade = graded(weights, [rec("forward", "passed"), rec("gradients", "failed", "wrong")], ["forward", "gradients"])
    data = grading.prairielearn(grade)
    assert data["gradable"] is True and data["score"] == 0.5
    assert data["message"].startswith("deltaspec conformance: 2 of 4 points")
    assert [(t["name"], t["points"], t["max_points"], t["message"]) for t in data["tests"]] == [
        ("forward", 2.0, 2.0, "passed"), ("gradients", 0.0, 2.0, "failed")]
    assert all(isinstance(t["output"], str) for t in data["tests"])
    nothing = grading.prairielearn(graded({c: 0.0 for c in capabilities()}, [], []))
    assert nothing["score"] == 0 and nothing["tests"] == []


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "deep" / "results.json"
    grading.write_atomic(path, {"score": 0})
    grading.write_atomic(path, {"score": 1})
    assert json.loads(path.read_text()) == {"score": 1}
    assert os.listdir(path.parent) == ["results.json"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_read_gradescope_round_trip(tmp_path):
    weights = only("forward", "gradients")
    grade = graded(weights, [rec("forward", "passed"), rec("gradients", "passed")], ["forward", "gradients"])
    grading.write_results({"gradescope": tmp_path / "r.json"}, grade)
    back = grading.read_gradescope(tmp_path / "r.json")
    assert (back.status, back.score, back.max_score) == ("graded", 4.0, 4.0)
    (tmp_path / "bad.json").write_text("{")
    assert grading.read_gradescope(tmp_path / "bad.json") is None
    assert grading.read_gradescope(tmp_path / "absent.json") is None


# ---------------------------------------------------------------- graded runs (subprocesses)


def pytest_cmd(impl, tmp_path, *extra):
    return [sys.executable, "-m", "pytest", "--pyargs", "deltaspec.conformance", f"--impl={impl}", "-q",
            "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path),
            f"--deltaspec-gradescope={tmp_path / 'gs.json'}", f"--deltaspec-prairielearn={tmp_path / 'pl.json'}", *extra]


def run(impl, tmp_path, *extra, timeout=240):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    proc = subprocess.run(pytest_cmd(impl, tmp_path, *extra), cwd=tmp_path, capture_output=True, text=True,
                          timeout=timeout)
    results = [json.loads((tmp_path / n).read_text()) if (tmp_path / n).exists() else None
               for n in ("gs.json", "pl.json")]
    return proc, *results


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    return samples.build(tmp_path_factory.mktemp("subs"))


def test_graded_run_writes_both_formats(subs, tmp_path):
    proc, gs, pl = run(subs / "partial.py", tmp_path, f"--deltaspec-assignment={WEIGHTS}")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert gs["score"] == 12.0 and gs["extra_data"]["deltaspec"]["max_score"] == 14.0
    failing = [t for t in gs["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failing] == ["derivative mse_prime"]
    assert "factor 1/2" in failing[0]["output"]
    assert pl["gradable"] is True and abs(pl["score"] - 12 / 14) < 1e-6
    assert "deltaspec grade: 12 of 14 points" in proc.stdout
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]  # no temporary files left


@pytest.mark.parametrize("entry, words", [
    ("syntax_error.py", "SyntaxError: expected ':' (syntax_error.py, line 3)"),
    ("exits_on_import.py", "called sys.exit(1)"),
    ("absent.py", "does not exist"),
])
def test_a_load_failure_scores_zero_with_the_reason(subs, tmp_path, entry, words):
    proc, gs, pl = run(subs / entry, tmp_path, f"--deltaspec-assignment={WEIGHTS}")
    assert proc.returncode == 4
    assert gs["score"] == 0 and pl["score"] == 0
    assert gs["extra_data"]["deltaspec"]["status"] == "load_error"
    assert words in gs["output"] and words in pl["message"]
    assert str(subs) not in gs["output"]            # the file's name, not the grader's paths
    assert len(gs["tests"]) == 7 and all(t["score"] == 0 for t in gs["tests"])


def test_bad_weights_is_a_usage_error_and_scores_zero(subs, tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[kinds]\nactivations = 1\n")
    proc, gs, pl = run(subs / "correct.py", tmp_path, f"--deltaspec-assignment={bad}")
    assert proc.returncode == 4
    assert "unknown kind 'activations'" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert gs["score"] == 0 and "misconfigured" in gs["output"] and pl["score"] == 0


def test_grading_needs_isolation(subs, tmp_path):
    proc, gs, _ = run(subs / "correct.py", tmp_path, "--deltaspec-no-isolate")
    assert proc.returncode == 4 and "--deltaspec-no-isolate" in proc.stderr
    assert gs["score"] == 0


SMALL = 'only = ["activation sigmoid", "activation tanh"]\n'
WRONG_SIGMOID = "import numpy as np\n\n\ndef sigmoid(z):\n    return 0 * z + 0.5\n\n\ndef tanh(z):\n    return np.tanh(z)\n"


def test_a_run_that_stops_early_scores_zero(tmp_path):
    """-x stops at the first failure: not every check reported, so the placeholder stays."""
    (tmp_path / "w.toml").write_text(SMALL)
    (tmp_path / "wrong.py").write_text(WRONG_SIGMOID)
    proc, gs, pl = run(tmp_path / "wrong.py", tmp_path, f"--deltaspec-assignment={tmp_path / 'w.toml'}", "-x")
    assert proc.returncode == 1
    assert gs["score"] == 0 and gs["extra_data"]["deltaspec"]["status"] == "incomplete"
    assert "did not finish" in gs["output"] and pl["score"] == 0
    assert "deltaspec grade: 0" in proc.stdout


def test_a_killed_run_leaves_zero(subs, tmp_path):
    """The placeholder is written as soon as the run is configured; killing the run then
    leaves it (never full marks)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    slow = tmp_path / "slow.py"  # correct, but its sigmoid takes long: the kill always lands mid-run
    slow.write_text((subs / "correct.py").read_text() + "\n\n_sigmoid = sigmoid\n\n\ndef sigmoid(z):\n"
                    "    import time\n    time.sleep(2)\n    return _sigmoid(z)\n")
    proc = subprocess.Popen(pytest_cmd(slow, tmp_path, f"--deltaspec-assignment={WEIGHTS}"), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "gs.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    gs = json.loads((tmp_path / "gs.json").read_text())
    assert gs["score"] == 0 and gs["extra_data"]["deltaspec"]["status"] == "incomplete"
    assert json.loads((tmp_path / "pl.json").read_text())["score"] == 0


def test_the_final_results_are_written_after_the_worker_stops(subs, tmp_path):
    """A submission that writes full marks into the results file, on import and in every
    call, does not get them: the pytest process writes last."""
    forged = json.dumps({"score": 1000, "tests": []})
    hostile = tmp_path / "hostile.py"
    (tmp_path / "w.toml").write_text(SMALL)
    hostile.write_text(WRONG_SIGMOID.replace("0 * z + 0.5", "1 / (1 + np.exp(-z))") + f"""

def _forge():
    for name in ("gs.json", "pl.json"):
        try:
            with open({str(tmp_path)!r} + "/" + name, "w") as fh:
                fh.write({forged!r})
        except OSError:
            pass


_forge()
_sigmoid = sigmoid


def sigmoid(z):
    _forge()
    return _sigmoid(z)
""")
    proc, gs, pl = run(hostile, tmp_path, f"--deltaspec-assignment={tmp_path / 'w.toml'}")
    assert gs["extra_data"]["deltaspec"]["status"] == "graded", proc.stdout[-2000:]
    assert [t["name"] for t in gs["tests"]] == ["activation sigmoid", "activation tanh"]
    assert gs["score"] <= 2 and pl["score"] <= 1 and len(pl["tests"]) == 2
    assert gs["tests"][1]["status"] == "passed"
