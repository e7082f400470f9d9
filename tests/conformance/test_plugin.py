"""The pytest plugin in other people's environments: inert unless asked for, no clash with
packages named spec, reference or conformance, and pytest's own conventions (-k, xdist,
a run that judges nothing)."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "student_trask.py"


def run(args, cwd, extra_path=(), env=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS", "PYTHONPATH")}
    if extra_path:
        environ["PYTHONPATH"] = os.pathsep.join(map(str, extra_path))
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, env=environ, timeout=300)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A site folder standing in for PyPI's unrelated ``spec`` and ``reference`` packages,
    and a user project with its own ``spec``, ``reference`` and ``conformance`` packages,
    its own hypothesis tests, and an implementation to judge."""
    base = tmp_path_factory.mktemp("crowded")
    site = base / "site"
    for name in ("spec", "reference"):
        _write(site / name / "__init__.py", f"WHO = 'pypi {name}'\n")
    project = base / "project"
    for name in ("spec", "reference", "conformance"):
        _write(project / name / "__init__.py", f"WHO = 'project {name}'\n")
    _write(project / "conformance" / "test_theirs.py", """
        import conformance

        def test_their_conformance_package():
            assert conformance.WHO == "project conformance"
        """)
    _write(project / "tests" / "test_own.py", """
        import spec, reference
        from hypothesis import given, settings, strategies as st

        def test_their_packages():
            assert spec.WHO == "project spec" and reference.WHO == "project reference"

        def test_default_hypothesis_settings():
            # Recorded, then compared with a run without the plugin: hypothesis itself
            # picks a "ci" profile on CI machines, so no fixed expectation is right everywhere.
            with open("settings_seen.txt", "w") as out:
                out.write(repr(settings()))

        @given(st.integers())
        def test_property(x):
            assert isinstance(x, int)
        """)
    (project / "impl_ours.py").write_text(EXAMPLE.read_text())
    return site, project


def test_an_unrelated_project_runs_unaffected(crowded):
    site, project = crowded
    seen = project / "settings_seen.txt"
    bare = run(["-q", "-p", "no:deltaspec"], project, [project, site])
    assert bare.returncode == 0, bare.stdout[-2000:] + bare.stderr[-2000:]
    untouched = seen.read_text()
    proc = run(["-q"], project, [project, site])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "4 passed" in proc.stdout
    assert "deltaspec" not in proc.stdout + proc.stderr
    assert seen.read_text() == untouched, "the plugin changed the project's hypothesis settings"


def test_the_suite_still_judges_an_implementation_from_that_project(crowded):
    site, project = crowded
    proc = run(["--pyargs", "deltaspec.conformance", "--impl=impl_ours", "-q"], project, [project, site])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "capabilities provided by impl_ours" in proc.stdout
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_importing_the_plugin_imports_nothing_heavy():
    code = ("import sys, deltaspec.conformance.plugin; "
            "print(sorted(m for m in ('numpy', 'sympy', 'hypothesis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_k_selects_by_capability_name():
    proc = run(["conformance", "-k", "sigmoid_prime", "--co", "-q"], ROOT)
    ids = [line for line in proc.stdout.splitlines() if "::" in line]
    assert proc.returncode == 0 and len(ids) == 3, proc.stdout[-2000:]
    assert all("[sigmoid_prime]" in i for i in ids)


def test_a_run_that_judges_nothing_fails_in_one_line(tmp_path):
    empty = tmp_path / "nothing.py"
    empty.write_text('"""Defines none of the interface."""\nLAYOUT = "row"\n')
    proc = run(["conformance", f"--impl={empty}", "-q", "--deltaspec-no-isolate"], ROOT)
    assert proc.returncode == 4
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "provides none of the" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("option, value, says", [
    ("--deltaspec-call-timeout", "-1", "must be more than 0"),
    ("--deltaspec-call-timeout", "0", "must be more than 0"),
    ("--deltaspec-memory-limit", "0", "must be more than 0"),
    ("--deltaspec-time-budget", "nan", "must be more than 0"),
    ("--deltaspec-spin", "-0.001", "must be 0 or more and at most 0.01"),
    ("--deltaspec-spin", "5", "must be 0 or more and at most 0.01"),
])
def test_a_limit_out_of_range_is_refused_in_one_line(option, value, says):
    """Before any check: a zero or negative limit would otherwise fail every check."""
    proc = run(["conformance", f"{option}={value}", "-q"], ROOT)
    assert proc.returncode == 4
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and option in lines[0] and says in lines[0], proc.stderr
    assert " passed" not in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="pytest-xdist is not installed")
def test_xdist_is_refused_before_anything_runs():
    proc = run(["conformance", "-n", "2", "-q"], ROOT)
    assert proc.returncode == 4
    assert "drop -n / --dist" in proc.stderr and "Traceback" not in proc.stderr
    assert " passed" not in proc.stdout
