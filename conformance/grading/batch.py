"""Grading submissions, one isolated pytest run each: ``python -m deltaspec.conformance run`` (one)
and ``python -m deltaspec.conformance grade`` (a directory of them, in parallel, into a gradebook).

A submission is a ``.py`` file or a folder. In a folder the implementation is its only
top-level ``.py`` file, or ``submission.py``, or ``main.py``; anything else scores 0 with
the reason. The implementation file is read as an unprivileged reader and never through a
link that leads out of the submissions folder (out of its own folder, for a folder):
:mod:`~deltaspec.conformance.isolation.reader`; what it refuses scores 0 with status
``refused`` and the reason, as does a file of deltaspec's own (the bundled reference).
Each submission is graded by its own process,

    python -m pytest --pyargs deltaspec.conformance --impl FILE --deltaspec-gradescope JSON -q -p no:cacheprovider

started in a fresh temporary directory (with an empty ``pytest.ini``, so no project's
``addopts`` or ``conftest.py`` take part) on a copy of the implementation file. That
pytest process writes the results file (``conformance.grading``); this module only
writes a zero with the reason where no pytest process could do it: no implementation
file, a refused one, or a run killed at the wall-clock timeout. A bad submission never stops the batch.

Each job's folder is its own (mode 0700, the suite's user): the copy (0600) and the
results are written there, and only published to the results paths (mode 0600) once
the job's run is over, so no other job's worker reads a classmate's source or results
while they are graded. The worker reads the copy before it drops its privileges. A batch
runs jobs side by side only where the machine keeps their workers apart
(:func:`~deltaspec.conformance.isolation.separation.between_runs`); elsewhere it grades
one submission at a time and says why.
"""
from __future__ import annotations

import csv
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from deltaspec.conformance.grading import scoring as grading
from deltaspec.conformance.isolation import paths, reader, separation
from deltaspec.conformance.isolation.paths import reachable_by_others
from deltaspec.conformance.isolation.reader import printable

PROFILES = ("quick", "thorough")
DEFAULT_TIMEOUT = 300.0
INTERRUPT_GRACE = 15.0   # seconds between SIGINT (pytest stops its worker) and SIGKILL
PREFERRED = ("submission.py", "main.py")
PRIVATE = 0o600   # results and gradebook: the suite's user only (other jobs run as other users)
CSV_COLUMNS = ("submission", "score", "max_score", "percent", "status", "reason")


@dataclass
class Submission:
    name: str
    path: Path


@dataclass
class Row:
    submission: str
    score: float
    max_score: float
    status: str
    reason: str
    seconds: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score > 0 else 0.0

    def csv(self) -> dict:
        return {"submission": csv_cell(self.submission), "score": f"{self.score:.6g}",
                "max_score": f"{self.max_score:.6g}", "percent": f"{self.percent:.1f}", "status": self.status,
                "reason": csv_cell(self.reason)}


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ (a formula) is quoted with '."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed, stays inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def discover(root: Path) -> tuple[list[Submission], list[str]]:
    """The submissions in ``root`` (its .py entries and folders, by name), and the other
    entries, ignored with the reason. Hidden entries and __pycache__ are ignored silently;
    names are made printable. A link out of ``root`` is a submission too: its row says
    it is refused (:func:`grade_one` never follows it)."""
    entries = sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.name != "__pycache__")
    chosen = [p for p in entries if p.is_dir() or p.suffix == ".py"]
    ignored = [f"{printable(p.name)}: not a .py file or a folder" for p in entries if p not in chosen]
    stems = [printable(p.name if p.is_dir() else p.stem) for p in chosen]
    names = [stem if stems.count(stem) == 1 else printable(p.name) for stem, p in zip(stems, chosen)]
    return [Submission(n, p) for n, p in zip(names, chosen)], ignored


def resolve(path: Path) -> tuple[Path | None, str]:
    """(the implementation file, "") or (None, the reason there is none)."""
    if not path.is_dir():
        if not os.path.lexists(path):
            return None, f"missing file: {path} does not exist"
        if path.suffix != ".py":
            return None, f"missing file: {printable(path.name)} is not a .py file"
        return path, ""   # a file, or something else reader.read refuses with the reason
    files = sorted(p for p in path.glob("*.py") if p.is_file() and not p.name.startswith(".") and _inside(p, path))
    if len(files) == 1:
        return files[0], ""
    for name in PREFERRED:
        if (path / name).is_file():
            return path / name, ""
    if not files:
        return None, f"missing file: no .py file in the folder {path.name}"
    listed = ", ".join(p.name for p in files[:6]) + (", ..." if len(files) > 6 else "")
    return None, (f"missing file: {len(files)} .py files in the folder {path.name} ({listed}) and none named "
                  "submission.py or main.py")


def _environment() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "DELTASPEC_IMPL")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a process, from /proc (None when gone or not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().decode(errors="replace").rsplit(")", 1)[1].split()
        return int(fields[1]), fields[19]
    except (OSError, ValueError, IndexError):
        return None


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of the processes whose parent is ``pid``."""
    try:
        entries = [int(e) for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    found = []
    for child in entries:
        stat = _stat(child)
        if stat is not None and stat[0] == pid:
            found.append((child, stat[1]))
    return found


def _stop(process: subprocess.Popen) -> None:
    """Interrupt pytest (it then stops its worker and exits), then kill what is left,
    including a worker pytest could not stop (the worker runs in a session of its own)."""
    workers = _children(process.pid)
    for sig, wait in ((signal.SIGINT, INTERRUPT_GRACE), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    for pid, started in workers:
        stat = _stat(pid)
        if stat is None or stat[1] != started:  # gone (pytest stopped it), or the pid was reused
            continue
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _last_line(log: Path) -> str:
    try:
        lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


def grade_one(path: Path, targets: dict[str, str], *, weights: dict[str, float], weights_path: str | None = None,
              profile: str = "quick", timeout: float = DEFAULT_TIMEOUT, name: str | None = None,
              root: Path | None = None, spin: bool = True) -> Row:
    """Grade one submission (file or folder) of the submissions folder ``root`` (default:
    the folder itself, or the file's folder) into ``targets`` (format -> results path);
    a results file is there afterwards in every case. The job works in a folder of its
    own and publishes its results when its run is over. ``spin=False``: its processes
    never poll for each other's messages (runs side by side share the CPUs, and a
    polling process takes them from the other runs' work)."""
    name = name or printable(path.name if path.is_dir() else path.stem)
    root = root if root is not None else (path if path.is_dir() else path.parent)
    targets = {fmt: os.path.abspath(p) for fmt, p in targets.items()}
    work = Path(tempfile.mkdtemp(prefix="deltaspec-grade-"))  # mode 0700: this job's own
    private = {fmt: str(work / f"results-{fmt}.json") for fmt in targets}
    try:
        row = _grade_in(work, path, root, private, name=name, weights=weights, weights_path=weights_path,
                        profile=profile, timeout=timeout, spin=spin)
        _publish(private, targets)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _publish(private: dict[str, str], targets: dict[str, str]) -> None:
    """Copy the job's results to their paths, readable by the suite's user only."""
    from deltaspec.files import write_text_atomic

    for fmt, source in private.items():
        try:
            text = Path(source).read_text()
        except OSError:
            continue
        write_text_atomic(targets[fmt], text, mode=PRIVATE, parents=True)


def _grade_in(work: Path, path: Path, root: Path, targets: dict[str, str], *, name: str,
              weights: dict[str, float], weights_path: str | None, profile: str, timeout: float,
              spin: bool = True) -> Row:
    """Grade one submission in the job's folder ``work``, its results into ``targets``."""
    start = time.monotonic()

    def zero(status: str, reason: str) -> Row:
        grade = grading.zero_grade(weights, status, reason, time.monotonic() - start)
        grading.write_results(targets, grade)
        return Row(name, 0.0, grade.max_score, status, grade.reason, time.monotonic() - start)

    try:
        copy = _copy_in(work, path, root)
    except reader.Refused as exc:
        return zero("refused", f"refused: {exc}")
    except Missing as exc:
        return zero("missing", str(exc))
    (work / "pytest.ini").write_text("[pytest]\n")
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "deltaspec.conformance", "--impl", str(copy),
           "-q", "-p", "no:cacheprovider", "-c", str(work / "pytest.ini"), "--rootdir", str(work),
           "--deltaspec-profile", profile] + ([] if spin else ["--deltaspec-spin", "0"])
    # the score is read back from the Gradescope file: a private one when none was asked for
    run_targets = {"gradescope": str(work / "gradescope.json"), **targets}
    for fmt, target in run_targets.items():
        cmd += [f"--deltaspec-{fmt}", target]
    if weights_path:
        cmd += ["--deltaspec-assignment", os.path.abspath(weights_path)]
    log = work / "pytest.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   env=_environment(), start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            return zero("timeout", f"timed out after {timeout:g} s")
    grade = grading.read_gradescope(run_targets["gradescope"])
    if grade is None:
        return zero("crashed", f"the grading run left no results (pytest exit status {code}: "
                               f"{_last_line(log) or 'no output'})")
    reason = grade.reason
    if grade.status == "incomplete":
        reason = f"{reason} (pytest exit status {code}: {_last_line(log) or 'no output'})"
    return Row(name, grade.score, grade.max_score, grade.status, reason, time.monotonic() - start)


class Missing(Exception):
    """The submission holds no implementation file (the message is the reason)."""


def _copy_in(work: Path, path: Path, root: Path) -> Path:
    """The job's private copy of the submission's implementation file (0600, in a folder
    of mode 0700: the worker reads it before it drops its privileges). The file is read
    as an unprivileged reader, from within the submission: Refused or Missing otherwise."""
    if path != root:
        reader.beneath(path, root)   # a link out: refused before anything behind it is listed
    impl, reason = resolve(path)
    if impl is None:
        raise Missing(reason)
    if paths.install_is_implementation(str(impl), _install_dirs()):
        raise reader.Refused(f"{printable(impl.name)} is part of deltaspec: the bundled reference is never graded")
    if path.is_dir():   # a folder's file may not lead out of that folder (into a classmate's, say)
        source = reader.read(impl, path, where=f"its folder {printable(path.name)}")
    else:
        source = reader.read(impl, root)
    copy = work / "submission" / impl.name
    copy.parent.mkdir(mode=0o700)
    with os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE), "wb") as fh:
        fh.write(source)
    return copy


@functools.lru_cache(maxsize=1)
def _install_dirs() -> tuple[str, ...]:
    """deltaspec's own folders (a file inside them is the bundled reference, never graded)."""
    return tuple(paths.install_dirs())


class Progress:
    """``[#####...............] 7/20 name`` on one redrawn line of a terminal; plain lines otherwise."""

    WIDTH = 20

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.lock = threading.Lock()

    def advance(self, row: Row) -> None:
        with self.lock:
            self.done += 1
            filled = self.WIDTH * self.done // max(self.total, 1)
            bar = "[" + "#" * filled + "." * (self.WIDTH - filled) + "]"
            text = f"{bar} {self.done}/{self.total} {row.submission}"
            if self.tty:
                self.stream.write("\r\x1b[K" + text + ("\n" if self.done == self.total else ""))
            else:
                self.stream.write(f"{text}: {row.score:.6g}/{row.max_score:.6g} ({row.status})\n")
            self.stream.flush()


def run_batch(root: Path, out_csv: Path, *, jobs: int, weights: dict[str, float], weights_path: str | None = None,
              profile: str = "quick", timeout: float = DEFAULT_TIMEOUT, json_dir: Path | None = None,
              stream=None) -> list[Row]:
    """Grade every submission in ``root``; write the CSV gradebook and one Gradescope JSON each."""
    submissions, ignored = discover(root)
    json_dir = json_dir if json_dir is not None else out_csv.parent
    json_dir.mkdir(parents=True, exist_ok=True)
    stream = stream if stream is not None else sys.stderr
    for entry in ignored:
        stream.write(f"ignored {entry}\n")
    jobs = _concurrency(root, jobs, stream)
    spin = 2 * jobs <= (os.cpu_count() or 1)  # each run is two processes taking turns
    progress = Progress(len(submissions), stream)
    rows: list[Row] = []

    def one(sub: Submission) -> Row:
        target = {"gradescope": str(json_dir / f"{sub.name}.json")}
        try:
            return grade_one(sub.path, target, weights=weights, weights_path=weights_path, profile=profile,
                             timeout=timeout, name=sub.name, spin=spin)
        except Exception as exc:  # noqa: BLE001 - one bad submission never stops the batch
            grade = grading.zero_grade(weights, "error", f"the grader failed on this submission: {exc}")
            try:
                grading.write_results(target, grade)
            except OSError:
                pass
            return Row(sub.name, 0.0, grade.max_score, "error", grade.reason)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(one, sub) for sub in submissions]
        for future in as_completed(futures):
            row = future.result()
            rows.append(row)
            rows.sort(key=lambda r: r.submission)
            write_gradebook(out_csv, rows)  # after every row: a later failure loses nothing graded
            progress.advance(row)
    if not rows:
        write_gradebook(out_csv, rows)
    return rows


def _concurrency(root: Path, jobs: int, stream) -> int:
    """``jobs``, or 1 where this machine would not keep concurrent runs apart (said on
    ``stream``, with the reason)."""
    if jobs <= 1:
        return jobs
    apart = separation.between_runs()
    if not apart.apart:
        stream.write(f"grading one submission at a time: runs side by side would not be kept apart here "
                     f"({apart.how})\n")
        return 1
    if not apart.private_view and reachable_by_others(str(root)):
        stream.write(f"warning: the submissions folder is readable by other users, and each run is kept apart "
                     f"only by {apart.how}: a submission can read the others' (make the folder mode 0700)\n")
    return jobs


def write_gradebook(path: Path, rows: list[Row]) -> None:
    """The CSV gradebook, whole or not at all."""
    import io

    from deltaspec.files import write_text_atomic

    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row.csv())
    write_text_atomic(path, text.getvalue(), mode=PRIVATE, parents=True, newline="")
