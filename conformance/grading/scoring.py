"""Points for a conformance run, written as Gradescope's or PrairieLearn's results file.

Capabilities (``capabilities.capabilities()``) are the unit of points. A capability
earns its whole weight when the implementation provides it, at least one of its checks
ran and every check that ran passed; otherwise it earns 0 and its output says why: "not
provided", the failing checks' one-paragraph diagnoses, or "not checked". A check that
was skipped counts neither way (rbf_prime under PRIME_OF = 'a').

Weights come from the assignment (``grading/assignment.py``: ``grading/weights.toml``
merged with the instructor's file). The results files are written by the pytest process
only:

* a zero-score placeholder ("the run did not finish") as soon as the run is configured,
  so a crash, a kill or a timeout of the whole run leaves 0, never full marks;
* a zero score with the reason when the implementation cannot be loaded;
* the real score at the very end of the run (``pytest_unconfigure``, after the worker
  process has been stopped), and only when every collected check reported.

Every write goes to a temporary file in the same directory, then ``os.replace``.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

MAX_PARAGRAPHS = 5          # failing checks shown per capability
MAX_PARAGRAPH_CHARS = 2000  # per paragraph (PrairieLearn caps the whole file at 1 MB)
MAX_REASON_CHARS = 1000

INCOMPLETE = "the grading run did not finish (it crashed, was interrupted or timed out)"


# ---------------------------------------------------------------- scoring


@dataclass
class CapabilityScore:
    name: str
    weight: float
    score: float
    status: str       # "passed", "failed", "not provided", "not checked"
    output: str


@dataclass
class Grade:
    """The outcome of one graded run."""

    status: str                  # "graded", "load_error", "incomplete", "misconfigured", ...
    reason: str                  # why the run scores 0 as a whole ("" when graded)
    capabilities: list[CapabilityScore] = field(default_factory=list)
    summary: str = ""
    execution_time: float = 0.0

    @property
    def score(self) -> float:
        return sum(c.score for c in self.capabilities) if self.status == "graded" else 0.0

    @property
    def max_score(self) -> float:
        return sum(c.weight for c in self.capabilities)


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def score_capabilities(records: list[dict], provided, weights: dict[str, float],
                       skip_reasons: dict[str, str] | None = None) -> list[CapabilityScore]:
    """One CapabilityScore per capability of positive weight, in the catalog's order.

    ``records`` are the plugin's per-check records (capability, outcome, message, test);
    ``skip_reasons`` maps a skipped check's test id to its reason."""
    skip_reasons = skip_reasons or {}
    provided = set(provided)
    by_cap: dict[str, list[dict]] = {}
    for record in records:
        by_cap.setdefault(record["capability"], []).append(record)
    from deltaspec.conformance.capabilities import capabilities

    names = capabilities()
    scores = []
    for cap, weight in weights.items():
        if weight <= 0:
            continue
        checks = by_cap.get(cap, [])
        failed = [r for r in checks if r["outcome"] == "failed"]
        passed = [r for r in checks if r["outcome"] == "passed"]
        skipped = [r for r in checks if r["outcome"] == "skipped"]
        if cap not in provided:
            wanted = " and ".join(f"`{n}`" for n in names.get(cap, (cap,)))
            scores.append(CapabilityScore(cap, weight, 0.0, "not provided",
                                          f"Not provided: your module does not define {wanted}."))
        elif failed:
            seen, paragraphs = set(), []
            for r in sorted(failed, key=lambda r: "Likely cause" not in (r.get("message") or "")):
                text = r.get("message") or "the check failed"
                if text not in seen:
                    seen.add(text)
                    paragraphs.append(_clip(text, MAX_PARAGRAPH_CHARS))
            shown = paragraphs[:MAX_PARAGRAPHS]
            more = len(paragraphs) - len(shown)
            head = f"{len(failed)} of {_plural(len(checks), 'check')} failed."
            body = "\n\n".join(shown) + (f"\n\n(and {_plural(more, 'more failure')} not shown)" if more else "")
            scores.append(CapabilityScore(cap, weight, 0.0, "failed", f"{head}\n\n{body}"))
        elif not passed:
            reasons = sorted({skip_reasons.get(r["test"], "") for r in skipped} - {""})
            why = ("; ".join(reasons) if reasons else "no check of it ran")
            scores.append(CapabilityScore(cap, weight, 0.0, "not checked", f"Not checked: {_clip(why, 500)}."))
        else:
            note = f" ({len(skipped)} skipped)" if skipped else ""
            scores.append(CapabilityScore(cap, weight, weight, "passed",
                                          f"Passed: {_plural(len(passed), 'check')} passed{note}."))
    return scores


def zero_grade(weights: dict[str, float], status: str, reason: str, execution_time: float = 0.0) -> Grade:
    """A grade of 0 for the whole run, listing every weighted capability at 0 with the reason."""
    reason = _clip(" ".join(reason.split()), MAX_REASON_CHARS)
    caps = [CapabilityScore(cap, w, 0.0, "not graded", "Not graded: the whole submission scores 0 (see the "
                            "overall output).") for cap, w in weights.items() if w > 0]
    return Grade(status, reason, caps, f"Score 0: {reason}.", execution_time)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def finished_grade(records, provided, weights, skip_reasons, implementation: str, conventions: str,
                   execution_time: float) -> Grade:
    caps = score_capabilities(records, provided, weights, skip_reasons)
    grade = Grade("graded", "", caps, "", execution_time)
    full = sum(1 for c in caps if c.status == "passed")
    grade.summary = (f"deltaspec conformance: {_fmt(grade.score)} of {_fmt(grade.max_score)} points; "
                     f"{full} of {len(caps)} graded {'capability' if len(caps) == 1 else 'capabilities'} "
                     "earned full marks.\n"
                     f"Implementation: {implementation} ({conventions}).")
    return grade


# ---------------------------------------------------------------- results formats


def gradescope(grade: Grade) -> dict:
    """Gradescope's results.json: top-level score, execution_time, output and tests[]."""
    return {
        "score": round(grade.score, 6),
        "execution_time": round(grade.execution_time, 2),
        "output": grade.summary,
        "stdout_visibility": "hidden",
        "tests": [{"name": c.name, "score": round(c.score if grade.status == "graded" else 0.0, 6),
                   "max_score": round(c.weight, 6), "status": "passed" if c.status == "passed" and
                   grade.status == "graded" else "failed", "output": c.output, "visibility": "visible"}
                  for c in grade.capabilities],
        "extra_data": {"deltaspec": {"status": grade.status, "reason": grade.reason,
                                     "max_score": round(grade.max_score, 6)}},
    }


def prairielearn(grade: Grade) -> dict:
    """PrairieLearn's results.json: gradable, score in [0, 1], message, output and tests[]."""
    fraction = grade.score / grade.max_score if grade.max_score > 0 else 0.0
    return {
        "gradable": True,
        "score": round(min(max(fraction, 0.0), 1.0), 6),
        "message": grade.summary.splitlines()[0] if grade.summary else grade.reason,
        "output": grade.summary,
        "tests": [{"name": c.name, "points": round(c.score if grade.status == "graded" else 0.0, 6),
                   "max_points": round(c.weight, 6), "message": c.status, "output": c.output}
                  for c in grade.capabilities],
    }


FORMATS = {"gradescope": gradescope, "prairielearn": prairielearn}


def write_atomic(path: str | os.PathLike, data: dict) -> None:
    """JSON to ``path``, whole or not at all; always valid JSON (no NaN or Infinity)."""
    from deltaspec.files import write_text_atomic

    write_text_atomic(path, json.dumps(data, indent=1, allow_nan=False) + "\n", parents=True)


def write_results(targets: dict[str, str], grade: Grade) -> None:
    """targets: format name -> path."""
    for fmt, path in targets.items():
        write_atomic(path, FORMATS[fmt](grade))


def read_gradescope(path: str | os.PathLike) -> Grade | None:
    """A Grade back from a Gradescope results file written by this module (None if unreadable)."""
    try:
        data = json.loads(Path(path).read_text())
        extra = data.get("extra_data", {}).get("deltaspec", {})
        caps = [CapabilityScore(t["name"], float(t["max_score"]), float(t["score"]),
                                "passed" if t.get("status") == "passed" else "failed", t.get("output", ""))
                for t in data.get("tests", [])]
        grade = Grade(str(extra.get("status", "graded")), str(extra.get("reason", "")), caps,
                      str(data.get("output", "")), float(data.get("execution_time", 0.0)))
        if abs(grade.score - float(data.get("score", 0.0))) > 1e-6:
            return None
        return grade
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


# ---------------------------------------------------------------- the pytest side


class _Tracker:
    """Hooks of a graded run: collection errors, each check's end, skip reasons, the grade."""

    def __init__(self, state, weights: dict[str, float], targets: dict[str, str]):
        self.state, self.weights, self.targets = state, weights, targets
        self.start = time.monotonic()
        self.expected: dict[str, str] = {}   # test id -> capability
        self.errors: list[dict] = []          # setup/teardown errors of checks
        self.skips: dict[str, str] = {}
        self.collect_errors = 0
        self.grade: Grade | None = None       # the final grade, once the run has finished

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors += 1

    def pytest_collection_finish(self, session):
        from deltaspec.conformance.capabilities import capability_of

        self.expected = {item.nodeid: capability_of(item) for item in session.items
                         if item.get_closest_marker("capability") is not None}

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.expected:
            return
        if report.skipped and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
            reason = str(report.longrepr[2])
            self.skips[report.nodeid] = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
        if report.failed and report.when in ("setup", "teardown"):
            self.errors.append({"test": report.nodeid, "capability": self.expected[report.nodeid],
                                "outcome": "failed", "diagnosis": None,
                                "message": f"the check could not run: an error in its {report.when}"})

    def pytest_sessionfinish(self, session, exitstatus):
        loaded = self.state.loaded
        if loaded is None:
            return
        records = list(self.state.records) + self.errors
        reported = {r["test"] for r in records}
        missing = [t for t in self.expected if t not in reported]
        if self.collect_errors or not self.expected or missing or int(exitstatus) not in (0, 1):
            return  # incomplete: the placeholder (0, "did not finish") stays
        conv = loaded.conventions
        conventions = (f"LAYOUT={conv['LAYOUT']!r} SIGN={'+1' if conv['SIGN'] == 1 else '-1'} "
                       f"PRIME_OF={conv['PRIME_OF']!r} REDUCTION={conv['REDUCTION']!r}")
        self.grade = finished_grade(records, loaded.provided_capabilities(), self.weights, self.skips,
                                    Path(loaded.requested).name, conventions, self.elapsed())

    def pytest_terminal_summary(self, terminalreporter):
        grade = self.grade
        line = (f"deltaspec grade: {_fmt(grade.score)} of {_fmt(grade.max_score)} points" if grade
                else "deltaspec grade: 0 (the run did not finish: not every check reported)")
        if self.state.loaded is not None:
            terminalreporter.write_line(line + (f"; results in {', '.join(self.targets.values())}"
                                                if self.targets else ""))


def _misconfigured(targets: dict[str, str], weights: dict[str, float], reason: str):
    """0 with the reason in every results file, then the same line as a usage error."""
    import pytest

    if targets:
        write_results(targets, zero_grade(weights, "misconfigured", f"the grader is misconfigured: {reason}"))
    return pytest.UsageError(f"deltaspec: {reason}")


def part_of_deltaspec(requested: str) -> bool:
    """Whether ``--impl`` names deltaspec's own code: one of its modules, a file inside
    its installation (links followed), or an entry point that leads to either. Graded,
    it would see the suite (the install is what such a run judges) and earn full marks."""
    from importlib.metadata import entry_points

    from deltaspec.conformance.isolation import paths

    try:
        routes = {ep.name: ep.value for ep in entry_points(group="deltaspec.impl")}
    except Exception:  # noqa: BLE001 - a broken distribution: the name is then taken as given
        routes = {}
    return paths.install_is_implementation(routes.get(requested, requested), paths.install_dirs())


def configure(pytest_config, state) -> None:
    """Before the implementation is loaded: read the assignment and write the zero
    placeholder. A graded run always has an assignment (the default weights and the whole
    catalog when no file is given): the judge, not the submission, owns the scope."""
    from deltaspec.conformance.grading import assignment

    cfg = state.config
    targets = cfg.results_targets()
    if not cfg.grading:
        return
    try:
        state.assignment = assignment.load(cfg.assignment_path)
    except (assignment.WeightsError, OSError) as exc:
        raise _misconfigured(targets, {}, str(exc)) from None
    weights = state.assignment.weights
    if targets and not cfg.isolation.isolate:
        raise _misconfigured(targets, weights, "--deltaspec-gradescope and --deltaspec-prairielearn grade "
                                               "untrusted code: they need the worker process; drop "
                                               "--deltaspec-no-isolate")
    if targets and cfg.route.startswith("default"):
        raise _misconfigured(targets, weights, "no submission named: --impl is missing or empty, and the bundled "
                                               "reference is never graded")
    if targets and part_of_deltaspec(cfg.impl):
        raise _misconfigured(targets, weights, f"--impl {cfg.impl!r} is part of deltaspec: the bundled reference "
                                               "is never graded")
    try:
        if targets:
            write_results(targets, zero_grade(weights, "incomplete", INCOMPLETE))
    except OSError as exc:
        import pytest

        raise pytest.UsageError(f"deltaspec: cannot write the results file: {exc}") from None
    state.tracker = _Tracker(state, weights, targets)
    pytest_config.pluginmanager.register(state.tracker, "deltaspec-grading")


def load_failed(pytest_config, state, message: str) -> None:
    """The implementation could not be loaded: 0 with the reason (the load error's line)."""
    tracker = state.tracker
    if tracker is None or not tracker.targets:
        return
    impl = state.config.impl
    if impl.endswith(".py") or os.sep in impl:  # a file: name it, not the grader's paths
        for long in sorted({str(Path(impl).resolve()), os.path.abspath(impl), impl}, key=len, reverse=True):
            message = message.replace(long, Path(impl).name)
    tracker.grade = zero_grade(tracker.weights, "load_error",
                               f"your submission could not be loaded: {message}", tracker.elapsed())
    write_results(tracker.targets, tracker.grade)


def unconfigure(pytest_config, state) -> None:
    """The last step of the run, after the worker has been stopped: write the final grade
    (the placeholder stays when the run did not finish)."""
    tracker = state.tracker
    if tracker is None or not tracker.targets or tracker.grade is None:
        return
    tracker.grade.execution_time = tracker.elapsed()
    write_results(tracker.targets, tracker.grade)
