"""The README's checker examples are real: each `$ python -m deltaspec.spec check ...` in
its "Checking a derivation by hand" section prints what the README shows and exits as it
says (a line "  ..." stands for lines left out)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from deltaspec.spec.checking.command import main

README = Path(__file__).resolve().parents[2] / "README.md"
PREFIX = "$ python -m deltaspec.spec check "


def _examples():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Checking a derivation by hand"):]
    section = section[:section.index("\n## ", 5)]
    for block in re.findall(r"```text\n(.*?)```", section, flags=re.S):
        for example in re.findall(r"^\$ .*?^\[exit \d+\]$", block, flags=re.M | re.S):
            lines = example.splitlines()
            yield lines[0], lines[1:-1], int(lines[-1][len("[exit "):-1])


EXAMPLES = list(_examples())


def test_the_readme_has_checker_examples():
    assert len(EXAMPLES) >= 4 and any("--hidden-delta" in cmd for cmd, _, _ in EXAMPLES)


@pytest.mark.parametrize("command, shown, status", EXAMPLES, ids=[c[len(PREFIX):][:50] for c, _, _ in EXAMPLES])
def test_each_example_prints_what_the_readme_shows(command, shown, status, capsys):
    assert command.startswith(PREFIX)
    assert main(shlex.split(command[len(PREFIX):])) == status
    printed = capsys.readouterr().out.splitlines()
    if "  ..." in shown:
        cut = shown.index("  ...")
        head, tail = shown[:cut], shown[cut + 1:]
        assert printed[:len(head)] == head and printed[len(printed) - len(tail):] == tail
    else:
        assert printed == shown
