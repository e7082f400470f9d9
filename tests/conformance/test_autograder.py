"""The autograder setups of docs/AUTOGRADER.md, run end to end: Gradescope's
run_autograder and PrairieLearn's run.sh, on sample submission directories laid out as
each platform lays them out (a correct submission gets full marks, a broken one 0 with
the reason, a partially correct one partial marks), and their results files validated
against each platform's documented format."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "autograder"
WEIGHTS = DOCS / "weights.toml"
_spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples", DOCS / "samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

CASES = {"correct": "correct.py", "broken": "syntax_error.py", "partial": "partial.py"}
MAX = 14.0  # the sample assignment's points


def _env(**paths) -> dict:
    env = dict(os.environ, PYTHON=sys.executable, **{k: str(v) for k, v in paths.items()})
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_gradescope(base: Path, entry: str) -> dict:
    """/autograder as Gradescope lays it out: source/ (the zip), submission/, results/."""
    root = base / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    for name in ("setup.sh", "run_autograder"):
        shutil.copy(DOCS / "gradescope" / name, root / "source" / name)
    shutil.copy(WEIGHTS, root / "source" / "weights.toml")
    shutil.copy(base / "samples" / entry, root / "submission" / entry)
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                          timeout=300, env=_env(AUTOGRADER_ROOT=root))
    results = root / "results" / "results.json"
    return {"proc": proc, "results": json.loads(results.read_text()) if results.exists() else None}


def run_prairielearn(base: Path, entry: str) -> dict:
    """/grade as PrairieLearn lays it out: serverFilesCourse/, tests/, student/ (results/ is ours to make)."""
    grade = base / "grade"
    (grade / "serverFilesCourse" / "deltaspec").mkdir(parents=True)
    (grade / "tests").mkdir()
    (grade / "student").mkdir()
    shutil.copy(DOCS / "prairielearn" / "run.sh", grade / "serverFilesCourse" / "deltaspec" / "run.sh")
    shutil.copy(WEIGHTS, grade / "tests" / "weights.toml")
    shutil.copy(base / "samples" / entry, grade / "student" / "network.py")
    proc = subprocess.run(["bash", str(grade / "serverFilesCourse" / "deltaspec" / "run.sh")], capture_output=True,
                          text=True, timeout=300, env=_env(GRADE_ROOT=grade))
    results = grade / "results" / "results.json"
    return {"proc": proc, "results": json.loads(results.read_text()) if results.exists() else None}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every (platform, case) run, two at a time."""
    jobs = {}
    for platform, runner in (("gradescope", run_gradescope), ("prairielearn", run_prairielearn)):
        for case, entry in CASES.items():
            base = tmp_path_factory.mktemp(f"{platform}-{case}")
            samples.build(base / "samples")
            jobs[platform, case] = (runner, base, entry)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(runner, base, entry) for key, (runner, base, entry) in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


# ---------------------------------------------------------------- the documented formats


def validate_gradescope(data: dict) -> None:
    assert isinstance(data["score"], (int, float)) and isinstance(data["execution_time"], (int, float))
    assert isinstance(data["output"], str) and isinstance(data["tests"], list)
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert (test["status"] == "passed") == (test["score"] == test["max_score"] > 0)
    assert abs(data["score"] - sum(t["score"] for t in data["tests"])) < 1e-9
    json.dumps(data)


def validate_prairielearn(data: dict) -> None:
    assert data["gradable"] is True
    assert isinstance(data["score"], (int, float)) and 0.0 <= data["score"] <= 1.0
    assert isinstance(data["message"], str) and isinstance(data["output"], str)
    for test in data["tests"]:
        assert set(test) == {"name", "points", "max_points", "output", "message"}
        assert 0 <= test["points"] <= test["max_points"]
    total = sum(t["max_points"] for t in data["tests"])
    assert abs(data["score"] - sum(t["points"] for t in data["tests"]) / total) < 1e-6
    assert len(json.dumps(data)) < 1 << 20   # PrairieLearn's limit for results.json


# ---------------------------------------------------------------- Gradescope


def test_gradescope_correct_submission_gets_full_marks(outcomes):
    out = outcomes["gradescope", "correct"]
    data = out["results"]
    assert out["proc"].returncode == 0, out["proc"].stderr
    validate_gradescope(data)
    assert data["score"] == MAX and len(data["tests"]) == 7
    assert all(t["status"] == "passed" for t in data["tests"])
    assert "14 of 14 points" in data["output"]


def test_gradescope_broken_submission_scores_zero_with_the_reason(outcomes):
    out = outcomes["gradescope", "broken"]
    data = out["results"]
    assert out["proc"].returncode == 0
    validate_gradescope(data)
    assert data["score"] == 0
    assert "SyntaxError: expected ':' (syntax_error.py, line 3)" in data["output"]
    assert sum(t["max_score"] for t in data["tests"]) == MAX


def test_gradescope_partial_submission_gets_partial_marks(outcomes):
    data = outcomes["gradescope", "partial"]["results"]
    validate_gradescope(data)
    assert data["score"] == 12.0
    (failed,) = [t for t in data["tests"] if t["status"] == "failed"]
    assert failed["name"] == "derivative mse_prime" and "Likely cause: off by a factor 1/2" in failed["output"]
    assert "Traceback" not in json.dumps(data)


def test_gradescope_run_autograder_without_python_still_writes_zero(tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    proc = subprocess.run(["bash", str(DOCS / "gradescope" / "run_autograder")], capture_output=True, text=True,
                          env=dict(_env(AUTOGRADER_ROOT=root), PYTHON="/nonexistent/python3"), timeout=60)
    assert proc.returncode == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "could not run" in data["output"]


def test_gradescope_setup_sh_checks_the_spec_and_the_weights(tmp_path):
    """setup.sh with DELTASPEC_INSTALL=none (deltaspec is installed here already): the
    install steps (apt, venv, pip) are not exercised; the spec and weights steps are."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(WEIGHTS, source / "weights.toml")
    proc = subprocess.run(["bash", str(DOCS / "gradescope" / "setup.sh")], capture_output=True, text=True,
                          timeout=300, env=_env(AUTOGRADER_SOURCE=source, DELTASPEC_INSTALL="none"))
    assert proc.returncode == 0, proc.stderr
    assert "is fresh" in proc.stdout
    assert proc.stdout.splitlines()[-1].split() == ["total", "14"]
    (source / "weights.toml").write_text("[kinds]\nactivations = 1\n")
    proc = subprocess.run(["bash", str(DOCS / "gradescope" / "setup.sh")], capture_output=True, text=True,
                          timeout=300, env=_env(AUTOGRADER_SOURCE=source, DELTASPEC_INSTALL="none"))
    assert proc.returncode != 0 and "unknown kind 'activations'" in proc.stderr


# ---------------------------------------------------------------- PrairieLearn


def test_prairielearn_correct_submission_gets_full_marks(outcomes):
    out = outcomes["prairielearn", "correct"]
    assert out["proc"].returncode == 0, out["proc"].stderr
    validate_prairielearn(out["results"])
    assert out["results"]["score"] == 1.0


def test_prairielearn_broken_submission_scores_zero_with_the_reason(outcomes):
    data = outcomes["prairielearn", "broken"]["results"]
    validate_prairielearn(data)
    assert data["score"] == 0
    assert "SyntaxError: expected ':' (network.py, line 3)" in data["message"]


def test_prairielearn_partial_submission_gets_partial_marks(outcomes):
    data = outcomes["prairielearn", "partial"]["results"]
    validate_prairielearn(data)
    assert abs(data["score"] - 12 / 14) < 1e-6
    (failed,) = [t for t in data["tests"] if t["points"] < t["max_points"]]
    assert failed["name"] == "derivative mse_prime" and failed["message"] == "failed"


def test_prairielearn_info_json_names_the_entrypoint():
    info = json.loads((DOCS / "prairielearn" / "info.json").read_text())
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and options["enabled"] is True
    assert options["entrypoint"] == "/grade/serverFilesCourse/deltaspec/run.sh"
    assert options["serverFilesCourse"] == ["deltaspec/"]
    # the grader's own limit stays below PrairieLearn's, so a slow run still reports 0 itself
    run_sh = (DOCS / "prairielearn" / "run.sh").read_text()
    assert 'DELTASPEC_TIMEOUT:-100' in run_sh and options["timeout"] > 100
    assert 'file-name="network.py"' in (DOCS / "prairielearn" / "question.html").read_text()


def test_results_never_show_the_reference(outcomes):
    """Students see diagnoses: no source of the reference, no tracebacks, no whole arrays."""
    for key, out in outcomes.items():
        text = json.dumps(out["results"])
        assert "Traceback" not in text and "reference/" not in text and "def " not in text, key
        assert "array([" not in text, key
