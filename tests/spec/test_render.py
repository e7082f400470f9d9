"""docs/SPEC.md and docs/REPRODUCTION.md are generated, complete and fresh; the spec CLI
fails cleanly. (.ci/spec_html checks that both render as Markdown with KaTeX.)"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deltaspec.spec import activations, conventions, losses, render, reproduction, worked_example
from deltaspec.spec.markup import prose

ROOT = Path(__file__).resolve().parents[2]
SPEC_MD = ROOT / "docs" / "SPEC.md"
REPRODUCTION_MD = ROOT / "docs" / "REPRODUCTION.md"


@pytest.fixture(scope="module")
def rendered():
    return render.render()


@pytest.fixture(scope="module")
def notes():
    return reproduction.render()


def test_committed_spec_is_fresh(rendered):
    assert SPEC_MD.exists(), "docs/SPEC.md is missing: run python -m deltaspec.spec render"
    assert SPEC_MD.read_text() == rendered, "docs/SPEC.md is stale: run python -m deltaspec.spec render"


def test_committed_reproduction_notes_are_fresh(notes):
    assert REPRODUCTION_MD.exists(), "docs/REPRODUCTION.md is missing: run python -m deltaspec.spec render"
    assert REPRODUCTION_MD.read_text() == notes, "docs/REPRODUCTION.md is stale: run python -m deltaspec.spec render"


def test_everything_is_proved(rendered):
    assert "NOT PROVED" not in rendered
    assert rendered.count("**proved**") >= len(losses.NAMES) * len(activations.NAMES)


def test_spec_covers_the_catalog(rendered):
    for name in activations.NAMES + losses.NAMES:
        assert f"`{name}`" in rendered
    assert r"\frac{y - t}{K N}" in rendered  # bce o sigmoid, printed by SymPy
    assert r"\frac{y - t}{N}" in rendered  # cross_entropy o softmax, targets summing to 1


def test_reproduction_notes_cover_the_seeds(notes):
    for note in conventions.NOTATION:
        assert note.variable.replace("|", "\\|") in notes
    for conv in conventions.CONVENTIONS:
        assert f"### {conv.name}" in notes
    for quirk in conventions.QUIRKS:
        assert prose(quirk.title) in notes


def test_student_page_keeps_the_seed_artefacts_off(rendered):
    assert "## Seed notation" not in rendered and "quirks of the seeds" not in rendered
    for quirk in conventions.QUIRKS:
        assert prose(quirk.detail) not in rendered


def test_symbols_are_defined_before_use(rendered):
    """S (the softmax tables) and the bias shape appear after their definitions."""
    assert rendered.index("S_n = \\sum") < rendered.index("y \\left(y - S - t\\right)")
    assert rendered.count("b_l$ has shape") == 1


@pytest.mark.parametrize("page", ["SPEC.md", "REPRODUCTION.md"])
def test_pages_cite_only_files_in_the_repository(page):
    text = (ROOT / "docs" / page).read_text()
    assert "FACTS" not in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):  # Markdown links and images
        assert (ROOT / "docs" / target).exists(), f"{page} links to {target}, which is not in the repository"
    for path in re.findall(r"`((?:spec|tests|reference|conformance|docs)/[\w./]+)`", text):
        assert (ROOT / path).exists(), f"{page} names {path}, which is not in the repository"


def test_worked_step_numbers_print_alike_on_every_cpu():
    """No shown number lies within 1e-9 (relative) of a rounding boundary, nor near 0."""
    for q in worked_example.quantities():
        for x in q.value.flat:
            assert worked_example.is_stable(float(x)), (q.key, float(x))


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
    assert (tmp_path / "REPRODUCTION.md").read_text() == REPRODUCTION_MD.read_text()


def test_unknown_command_is_one_line_exit_2():
    result = run_spec("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
