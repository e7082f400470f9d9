"""Every command-line tool answers bad input with one line and exit status 2, no
traceback, within a time bound (the inputs a grading container meets)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOUND = 60  # seconds: every refusal here comes before any real work

CASES = [
    (["deltaspec.spec", "render", "--out", ""], "is a directory"),
    (["deltaspec.spec", "render", "--out", "/tmp"], "is a directory"),
    (["deltaspec.spec", "render", "--out", "/dev/full", "--no-plots"], "not a regular file"),
    (["deltaspec.reference", "run", "three-layer", "--hidden", "1000000000"], "too large"),
    (["deltaspec.reference", "run", "three-layer", "--epochs", "1000000000000"], "too much work"),
    (["deltaspec.reference", "run", "three-layer", "--hidden", "100000"], "too much work"),
    (["deltaspec.reference", "run", "nonesuch"], "nonesuch"),
    (["deltaspec.conformance", "run", "", "--gradescope", "/tmp/r.json"], "submission path is empty"),
    (["deltaspec.conformance", "grade", "/tmp", "--out", "/dev/null"], "not a regular file"),
    (["deltaspec.conformance", "grade", "{empty}", "--out", "{tmp}/g.csv", "--json-dir", "/dev/null"],
     "is not a directory"),
    (["deltaspec.conformance", "capabilities", "--weights", "{tmp}/nope.toml"], "cannot read it"),
]


@pytest.mark.parametrize("argv, phrase", CASES, ids=[" ".join(a[:3]) + f" [{i}]" for i, (a, _) in enumerate(CASES)])
def test_bad_input_is_one_line_with_exit_status_2(tmp_path, argv, phrase):
    (tmp_path / "empty").mkdir()
    argv = [a.format(tmp=tmp_path, empty=tmp_path / "empty") for a in argv]
    env = {k: v for k, v in os.environ.items() if k != "DELTASPEC_IMPL"}
    proc = subprocess.run([sys.executable, "-m", *argv], cwd=tmp_path, capture_output=True, text=True,
                          timeout=BOUND, env=env)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1 and phrase in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
