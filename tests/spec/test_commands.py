"""What the three command lines share (``deltaspec.commands``): ``--version``, and a quiet
end when the reader has closed the pipe (``... | head -1``)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import deltaspec

ROOT = Path(__file__).resolve().parents[2]
# a command of each that prints several lines
PRINTING = {
    "deltaspec.spec": ["source"],
    "deltaspec.reference": ["list"],
    "deltaspec.conformance": ["capabilities"],
}


def _run(module: str, *args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("module", sorted(PRINTING))
def test_version_names_the_distribution(module):
    out = _run(module, "--version")
    assert (out.returncode, out.stdout, out.stderr) == (0, f"deltaspec {deltaspec.__version__}\n", "")


def test_the_version_is_the_installed_distributions():
    from importlib.metadata import version

    assert deltaspec.__version__ == version("deltaspec")


@pytest.mark.parametrize("module", sorted(PRINTING))
def test_a_closed_pipe_ends_quietly(module):
    """The reader is gone before the first line: every write meets EPIPE, deterministically
    (with ``| head -1`` that depends on how fast head exits)."""
    read, write = os.pipe()
    os.close(read)
    try:
        out = _run(module, *PRINTING[module], stdout=write)
    finally:
        os.close(write)
    assert (out.returncode, out.stderr) == (0, "")


@pytest.mark.parametrize("module", sorted(PRINTING))
def test_head_gets_the_first_line_and_no_traceback(module):
    command = f"{sys.executable} -m {module} {' '.join(PRINTING[module])} | head -1"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    assert out.stderr == "" and out.returncode == 0 and len(out.stdout.splitlines()) == 1
