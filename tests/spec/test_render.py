"""docs/SPEC.md is generated, complete and fresh; the spec CLI fails cleanly."""
import subprocess
import sys
from pathlib import Path

import pytest

from deltaspec.spec import activations, conventions, losses, render

ROOT = Path(__file__).resolve().parents[2]
SPEC_MD = ROOT / "docs" / "SPEC.md"


@pytest.fixture(scope="module")
def rendered():
    return render.render()


def test_committed_spec_is_fresh(rendered):
    assert SPEC_MD.exists(), "docs/SPEC.md is missing: run python -m deltaspec.spec render"
    assert SPEC_MD.read_text() == rendered, "docs/SPEC.md is stale: run python -m deltaspec.spec render"


def test_everything_is_proved(rendered):
    assert "NOT PROVED" not in rendered
    assert rendered.count("**proved**") >= len(losses.NAMES) * len(activations.NAMES)


def test_spec_covers_catalog_and_seeds(rendered):
    for name in activations.NAMES + losses.NAMES:
        assert f"`{name}`" in rendered
    for note in conventions.NOTATION:
        assert note.variable.replace("|", "\\|") in rendered
    for conv in conventions.CONVENTIONS:
        assert f"### {conv.name}" in rendered
    for quirk in conventions.QUIRKS:
        assert quirk.title in rendered
    assert r"\frac{y - t}{K N}" in rendered  # bce o sigmoid, printed by SymPy


def test_plots_are_committed():
    for name in activations.ELEMENTWISE:
        assert (ROOT / "docs" / "plots" / f"{name}.png").stat().st_size > 1000


def run_spec(*args):
    return subprocess.run([sys.executable, "-m", "deltaspec.spec", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.slow  # a cold SymPy derivation in a subprocess; .ci/run's main job renders too
def test_render_writes_to_out(tmp_path):
    out = tmp_path / "SPEC.md"
    result = run_spec("render", "--out", str(out), "--no-plots")
    assert result.returncode == 0, result.stderr
    assert out.read_text() == SPEC_MD.read_text()


def test_unknown_command_is_one_line_exit_2():
    result = run_spec("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
