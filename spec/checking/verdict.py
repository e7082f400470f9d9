"""The answer to one check: a :class:`Verdict`, printable, and displayable in a notebook."""
from __future__ import annotations

from dataclasses import dataclass, field

# status -> (headline, exit status of the command line)
STATUSES = {
    "proved": ("CORRECT (proved)", 0),
    "incorrect": ("INCORRECT", 1),
    "kink": ("INCORRECT AT THE KINK (right everywhere else)", 1),
    "numeric": ("NOT PROVED (agrees numerically; SymPy could not prove it)", 3),
}


@dataclass
class Verdict:
    """The answer to one check.

    ``status``: "proved" (SymPy proved yours == spec), "incorrect", "kink" (right
    everywhere except at a kink, where the spec's convention differs) or "numeric"
    (equal at every sample point, not proved: evidence, never a verdict of correct).
    ``correct`` is True only for "proved". ``counterexample`` is {"point": {name: value},
    "student": value or None (undefined there), "expected": value} or, for matrices, a
    sentence; None when the two agree. ``slip`` is the code (``spec.slips``) of the slip
    the hint names, ``slips`` every one it names.
    """

    status: str
    proof: str
    counterexample: dict | str | None
    expected: str
    hint: str | None
    subject: str = ""
    student: str = ""
    notes: tuple[str, ...] = ()
    slips: tuple[str, ...] = ()
    rule: str = ""
    latex: dict = field(default_factory=dict)  # "student", "expected": LaTeX of each side

    @property
    def correct(self) -> bool:
        return self.status == "proved"

    @property
    def slip(self) -> str | None:
        return self.slips[0] if self.slips else None

    @property
    def headline(self) -> str:
        return STATUSES[self.status][0]

    @property
    def exit_status(self) -> int:
        """0 proved, 1 incorrect (also at a kink only), 3 agrees numerically but not proved."""
        return STATUSES[self.status][1]

    def _rows(self) -> list[tuple[str, str, str | None]]:
        """(label, text, key of its LaTeX or None) for each line under the headline; a
        note has no label."""
        rows: list[tuple[str, str, str | None]] = [("you wrote", self.student, "student"),
                                                   ("spec" if self.correct else "correct", self.expected,
                                                    "expected")]
        rows += [("", note, None) for note in self.notes]
        rows.append(("proof", self.proof, None))
        if self.counterexample:
            rows.append(("counterexample", format_counterexample(self.counterexample), None))
        if self.hint:
            rows.append(("hint", self.hint, None))
        return rows

    def report(self) -> str:
        """Multi-line text: headline, both expressions, proof or counterexample, hint."""
        lines = [f"{self.headline}: {self.subject}"]
        lines += [f"  {label + ':' if label else '':<15} {text}" for label, text, _ in self._rows()]
        return "\n".join(lines)

    __str__ = report

    def _repr_markdown_(self) -> str:
        """Notebook display: the headline in bold, each side as LaTeX when available."""
        def shown(text, key):
            tex = self.latex.get(key) if key else None
            return f"${tex}$" if tex else (f"`{text}`" if key else _md(text))

        lines = [f"**{_md(self.headline)}**: {_md(self.subject)}", ""]
        lines += [f"- {label + ': ' if label else ''}{shown(text, key)}" for label, text, key in self._rows()]
        return "\n".join(lines)

    def _repr_latex_(self) -> str | None:
        """The two sides as one LaTeX display: yours, then = or ≠ the spec's."""
        if not {"student", "expected"} <= self.latex.keys():
            return None
        relation = "=" if self.correct else r"\neq"
        text = r"\text{" + self.headline.replace("%", r"\%") + "}"
        return f"$$\\begin{{aligned}}&{text}\\\\ &{self.latex['student']} {relation} {self.latex['expected']}\\end{{aligned}}$$"


def _md(text: str) -> str:
    """Markdown-safe prose: * _ ` and < escaped so a formula is not read as emphasis."""
    for ch in "\\`*_<":
        text = text.replace(ch, "\\" + ch)
    return text


def format_counterexample(ce) -> str:
    """One line: the point, your value, the correct value (or a matrix sentence as is)."""
    if isinstance(ce, str):
        return ce
    at = ", ".join(f"{k} = {v}" for k, v in ce["point"].items())
    yours = "undefined" if ce["student"] is None else ce["student"]
    return f"at {at}: yours = {yours}, correct = {ce['expected']}"
