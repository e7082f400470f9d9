"""Markdown building blocks for the generated pages (docs/SPEC.md, docs/REPRODUCTION.md).

The pages are read through a CommonMark renderer with dollar math (KaTeX), so:

* prose that quotes code (``a*b``, ``l2_error``) is escaped, or CommonMark would read a
  pair of ``*`` or ``_`` as emphasis and drop the characters;
* math is only ever inside ``$...$`` or ``$$...$$``, printed by SymPy or typed as LaTeX
  here, never in prose;
* a ``|`` inside a table cell is escaped, or it would end the cell.

``.ci/spec_html/render.mjs`` renders both pages and fails on any lost character or
raw LaTeX, so a slip here shows in CI.
"""
from __future__ import annotations

import re

import sympy as sp

# the characters CommonMark may read as markup inside a line of prose
_SPECIAL = re.compile(r"([\\`*_$<\[\]])")


def prose(text: str) -> str:
    """Plain text (code quotes and all) made safe for Markdown: each of \\ ` * _ $ < [ ]
    is backslash-escaped, so it shows as itself."""
    return _SPECIAL.sub(r"\\\1", text)


def cell(text: str) -> str:
    """Markdown for a table cell: a ``|`` would end the cell, so it is escaped."""
    return text.replace("|", "\\|")


def tex(expr) -> str:
    """Inline math for a SymPy expression, terms in the order a reader expects (y - t).

    A ``|`` (absolute value) becomes ``\\vert`` so the math may sit in a table cell."""
    text = sp.latex(expr, order="old")
    return "$" + text.replace("|", r"\vert ") + "$"


def table(head, rows) -> list[str]:
    """A GitHub-style table: one header row, one line per row; cells are taken as
    Markdown already (escape prose with :func:`prose`, pipes with :func:`cell`)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c).replace("\n", " ") for c in row) + " |" for row in rows]
    return lines
