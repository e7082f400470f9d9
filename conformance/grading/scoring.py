"""Points for a conformance run, written as Gradescope's or PrairieLearn's results file.

Capabilities (``conformance.loader.capabilities()``) are the unit of points. A capability
earns its whole weight when the implementation provides it, at least one of its checks
ran and every check that ran passed; otherwise it earns 0 and its output says why: "not
provided", the failing checks' one-paragraph diagnoses, or "not checked". A check that
was skipped counts neither way (rbf_prime under PRIME_OF = 'a', an output_delta pair
outside the provided names), except where a capability can only be judged through
another one (``NEEDS``: train is judged by forward's predictions on XOR).

Weights come from ``conformance/grading/weights.toml`` merged with the instructor's ``--weights``
file. The results files are written by the pytest process only:

* a zero-score placeholder ("the run did not finish") as soon as the run is configured,
  so a crash, a kill or a timeout of the whole run leaves 0, never full marks;
* a zero score with the reason when the implementation cannot be loaded;
* the real score at the very end of the run (``pytest_unconfigure``, after the worker
  process has been stopped), and only when every collected check reported.

Every write goes to a temporary file in the same directory, then ``os.replace``.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("activation", "derivative", "loss", "output_delta", "hidden_delta", "forward", "gradients",
         "train_step", "train")
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.toml")
# capabilities judged through another capability's names: without them they are not checked
NEEDS = {"train": ("forward",)}
MAX_PARAGRAPHS = 5          # failing checks shown per capability
MAX_PARAGRAPH_CHARS = 2000  # per paragraph (PrairieLearn caps the whole file at 1 MB)
MAX_REASON_CHARS = 1000

INCOMPLETE = "the grading run did not finish (it crashed, was interrupted or timed out)"


class WeightsError(ValueError):
    """The weights file is unreadable or has an unknown key or a bad value (one line)."""


def kind_of(capability: str) -> str:
    """'activation sigmoid' -> 'activation', 'derivative mse_prime' -> 'derivative', 'forward' -> 'forward'."""
    return capability.split(" ", 1)[0]


def _capabilities() -> dict[str, tuple[str, ...]]:
    from deltaspec.conformance.interface.loader import capabilities

    return capabilities()


# ---------------------------------------------------------------- weights


def _toml():
    """tomllib (Python >= 3.11) or its backport tomli, imported only when weights are read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10: the conditional dependency tomli
        import tomli as tomllib
    return tomllib


def _read_toml(path: Path) -> dict:
    tomllib = _toml()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise WeightsError(f"weights file {str(path)!r}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise WeightsError(f"weights file {str(path)!r}: not valid TOML ({exc})") from None


def _number(value, where: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise WeightsError(f"weights file {str(path)!r}: {where} = {value!r} is not a number >= 0")
    return float(value)


def _merge(weights: dict[str, float], data: dict, path: Path) -> None:
    """Apply one parsed weights file to ``weights`` (capability -> points), in place."""
    caps = list(weights)
    for key in data:
        if key not in ("kinds", "capabilities", "only"):
            raise WeightsError(f"weights file {str(path)!r}: unknown key {key!r}; "
                               "use [kinds], [capabilities] and only = [...]")
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict):
        raise WeightsError(f"weights file {str(path)!r}: kinds must be a table [kinds]")
    for kind, value in kinds.items():
        if kind not in KINDS:
            raise WeightsError(f"weights file {str(path)!r}: unknown kind {kind!r} in [kinds]; "
                               f"kinds are {', '.join(KINDS)}")
        points = _number(value, f"[kinds] {kind}", path)
        for cap in caps:
            if kind_of(cap) == kind:
                weights[cap] = points
    overrides = data.get("capabilities", {})
    if not isinstance(overrides, dict):
        raise WeightsError(f"weights file {str(path)!r}: capabilities must be a table [capabilities]")
    for cap, value in overrides.items():
        if cap not in weights:
            raise WeightsError(f"weights file {str(path)!r}: unknown capability {cap!r} in [capabilities] "
                               "(python -m deltaspec.conformance capabilities lists them)")
        weights[cap] = _number(value, f'[capabilities] "{cap}"', path)
    if "only" in data:
        only = data["only"]
        if not isinstance(only, list) or not all(isinstance(o, str) for o in only):
            raise WeightsError(f"weights file {str(path)!r}: only must be a list of capability or kind names")
        for name in only:
            if name not in weights and name not in KINDS:
                raise WeightsError(f"weights file {str(path)!r}: unknown capability or kind {name!r} in only "
                                   "(python -m deltaspec.conformance capabilities lists them)")
        for cap in caps:
            if cap not in only and kind_of(cap) not in only:
                weights[cap] = 0.0


def load_weights(path: str | os.PathLike | None = None) -> dict[str, float]:
    """Points per capability: the defaults, with the instructor's file merged over them."""
    weights = {cap: 0.0 for cap in _capabilities()}
    _merge(weights, _read_toml(DEFAULT_WEIGHTS), DEFAULT_WEIGHTS)
    if path is not None:
        _merge(weights, _read_toml(Path(path)), Path(path))
    return weights


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
    names = _capabilities()
    scores = []
    for cap, weight in weights.items():
        if weight <= 0:
            continue
        checks = by_cap.get(cap, [])
        failed = [r for r in checks if r["outcome"] == "failed"]
        passed = [r for r in checks if r["outcome"] == "passed"]
        skipped = [r for r in checks if r["outcome"] == "skipped"]
        missing_needs = [n for n in NEEDS.get(cap, ()) if n not in provided]
        if cap not in provided:
            wanted = " and ".join(f"`{n}`" for n in names.get(cap, (cap,)))
            scores.append(CapabilityScore(cap, weight, 0.0, "not provided",
                                          f"Not provided: your module does not define {wanted}."))
        elif failed:
            seen, paragraphs = set(), []
            for r in failed:
                text = r.get("message") or "the check failed"
                if text not in seen:
                    seen.add(text)
                    paragraphs.append(_clip(text, MAX_PARAGRAPH_CHARS))
            shown = paragraphs[:MAX_PARAGRAPHS]
            more = len(paragraphs) - len(shown)
            head = f"{len(failed)} of {_plural(len(checks), 'check')} failed."
            body = "\n\n".join(shown) + (f"\n\n(and {_plural(more, 'more failure')} not shown)" if more else "")
            scores.append(CapabilityScore(cap, weight, 0.0, "failed", f"{head}\n\n{body}"))
        elif missing_needs:
            needed = " and ".join(f"`{n}`" for n in missing_needs)
            scores.append(CapabilityScore(cap, weight, 0.0, "not checked",
                                          f"Not checked: {cap} is judged through {needed}, which your module "
                                          "does not define."))
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
    """JSON to ``path`` through a temporary file in the same directory and os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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


def targets_of(config) -> dict[str, str]:
    found = {}
    for fmt in FORMATS:
        value = config.getoption(f"--{fmt}", None)
        if value:
            found[fmt] = os.path.abspath(value)
    return found


class _Tracker:
    """Hooks of a graded run: collection errors, each check's end, skip reasons, the grade."""

    def __init__(self, config, state: dict, weights: dict[str, float], targets: dict[str, str]):
        self.config, self.state, self.weights, self.targets = config, state, weights, targets
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
        from deltaspec.conformance.plugin import capability_of

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
        loaded = self.state.get("loaded")
        if loaded is None:
            return
        records = list(self.state.get("records", [])) + self.errors
        reported = {r["test"] for r in records}
        missing = [t for t in self.expected if t not in reported]
        if self.collect_errors or not self.expected or missing or int(exitstatus) not in (0, 1):
            return  # incomplete: the placeholder (0, "did not finish") stays
        conv = loaded.conventions
        conventions = (f"LAYOUT={conv['LAYOUT']!r} SIGN={'+1' if conv['SIGN'] == 1 else '-1'} "
                       f"PRIME_OF={conv['PRIME_OF']!r}")
        self.grade = finished_grade(records, loaded.provided_capabilities(), self.weights, self.skips,
                                    Path(loaded.requested).name, conventions, self.elapsed())

    def pytest_terminal_summary(self, terminalreporter):
        grade = self.grade
        line = (f"deltaspec grade: {_fmt(grade.score)} of {_fmt(grade.max_score)} points" if grade
                else "deltaspec grade: 0 (the run did not finish: not every check reported)")
        if self.state.get("loaded") is not None:
            terminalreporter.write_line(line + (f"; results in {', '.join(self.targets.values())}"
                                                if self.targets else ""))


def configure(config, state: dict) -> None:
    """Called from the plugin's pytest_configure, before the implementation is loaded: read
    the weights and write the zero placeholder. UsageError on bad weights or options."""
    import pytest

    targets = targets_of(config)
    weights_path = config.getoption("--weights", None)
    if not targets and not weights_path:
        return
    try:
        weights = load_weights(weights_path)
    except WeightsError as exc:
        if targets:
            write_results(targets, zero_grade({}, "misconfigured", f"the grader is misconfigured: {exc}"))
        raise pytest.UsageError(f"deltaspec: {exc}") from None
    tracker = _Tracker(config, state, weights, targets)
    state["grading"] = tracker
    if targets and config.getoption("--no-isolate"):
        reason = "--gradescope and --prairielearn grade untrusted code: they need the worker process; drop --no-isolate"
        write_results(targets, zero_grade(weights, "misconfigured", f"the grader is misconfigured: {reason}"))
        raise pytest.UsageError(f"deltaspec: {reason}")
    if targets:
        write_results(targets, zero_grade(weights, "incomplete", INCOMPLETE))
    config.pluginmanager.register(tracker, "deltaspec-grading")


def load_failed(config, state: dict, message: str) -> None:
    """The implementation could not be loaded: 0 with the reason (the load error's line)."""
    tracker = state.get("grading")
    if tracker is None or not tracker.targets:
        return
    impl = config.getoption("--impl") or os.environ.get("DELTASPEC_IMPL") or ""
    if impl.endswith(".py") or os.sep in impl:  # a file: name it, not the grader's paths
        for long in sorted({str(Path(impl).resolve()), os.path.abspath(impl), impl}, key=len, reverse=True):
            message = message.replace(long, Path(impl).name)
    tracker.grade = zero_grade(tracker.weights, "load_error",
                               f"your submission could not be loaded: {message}", tracker.elapsed())
    write_results(tracker.targets, tracker.grade)


def unconfigure(config, state: dict) -> None:
    """The last step of the run, after the worker has been stopped: write the final grade
    (the placeholder stays when the run did not finish)."""
    tracker = state.get("grading")
    if tracker is None or not tracker.targets or tracker.grade is None:
        return
    tracker.grade.execution_time = tracker.elapsed()
    write_results(tracker.targets, tracker.grade)
