"""The generated pages render as written: .ci/spec_html/render.mjs (CommonMark + KaTeX).

The check needs Node and its npm packages; CI installs them (.ci/run). Locally:
``(cd .ci/spec_html && npm install --no-audit --no-fund)``; without them these tests skip.
"""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / ".ci" / "spec_html"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (CHECK / "node_modules" / "katex").is_dir(),
    reason="the render check needs node and its packages: cd .ci/spec_html && npm install --no-audit --no-fund",
)


def render_check(*pages: Path) -> subprocess.CompletedProcess:
    return subprocess.run([NODE, str(CHECK / "render.mjs"), *map(str, pages)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_generated_pages_render():
    result = render_check()
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": renders:") == 2


@pytest.mark.parametrize("slip, problem", [
    ("samples in a batch", "read as emphasis"),          # an unescaped a*b*c
    ("$(N, n_0)$", "math does not parse"),                # a brace left open
    ("**The bias.**", "raw LaTeX"),                       # LaTeX written in prose
])
def test_a_broken_page_fails_naming_the_line(tmp_path, slip, problem):
    text = (ROOT / "docs" / "SPEC.md").read_text()
    broken = {"samples in a batch": "samples in a batch, x*w*b",
              "$(N, n_0)$": "$(N, n_{0)$",
              "**The bias.**": r"**The bias** ($\delta$ is written \delta_{l} here)."}[slip]
    assert slip in text
    page = tmp_path / "SPEC.md"
    page.write_text(text.replace(slip, broken, 1))
    line = text[:text.index(slip)].count("\n") + 1
    result = render_check(page)
    assert result.returncode == 1
    assert f"SPEC.md:{line}: " in result.stderr and problem in result.stderr, result.stderr
