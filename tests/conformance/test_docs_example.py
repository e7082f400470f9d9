"""The worked example in docs/CONFORMANCE.md passes the suite, and fails it without SIGN = -1."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "student_trask.py"


def run_suite(impl: Path, tmp_path: Path):
    out = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "conformance", f"--impl={impl}", "-q",
                           "-p", "no:cacheprovider", f"--deltaspec-json={out}"],
                          cwd=ROOT, capture_output=True, text=True, env=dict(os.environ))
    return proc, json.loads(out.read_text())


def test_student_example_passes(tmp_path):
    proc, result = run_suite(EXAMPLE, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    passed = [r for r in result["records"] if r["outcome"] == "passed"]
    assert len(passed) >= 15
    assert "9 of 31 capabilities provided" in proc.stdout


def test_student_example_without_sign_names_the_convention(tmp_path):
    broken = tmp_path / "student_nosign.py"
    broken.write_text(EXAMPLE.read_text().replace("\nSIGN = -1\n", "\n"))
    proc, result = run_suite(broken, tmp_path)
    assert proc.returncode == 1
    failed = [r for r in result["records"] if r["outcome"] == "failed"]
    assert {r["diagnosis"] for r in failed} >= {"sign"}
    assert "declare SIGN = -1" in proc.stdout
    assert "Traceback" not in proc.stdout
