"""conformance.batch and ``python -m deltaspec.conformance``: finding submissions, the progress bar,
the gradebook, usage errors, and a whole batch in which bad submissions score 0 with
their reasons and never stop the others."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deltaspec.conformance.grading import assignment, batch

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "docs" / "autograder" / "weights.toml"
_spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples",
                                               ROOT / "docs" / "autograder" / "samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)


def cli(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "deltaspec.conformance", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


# ---------------------------------------------------------------- finding submissions


def test_discover_names_files_and_folders(tmp_path):
    (tmp_path / "alice.py").write_text("")
    (tmp_path / "bob").mkdir()
    (tmp_path / "carol.py").write_text("")
    (tmp_path / "carol").mkdir()                 # the same stem twice: full names
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".hidden.py").write_text("")
    (tmp_path / "__pycache__").mkdir()
    subs, ignored = batch.discover(tmp_path)
    assert [(s.name, s.path.name) for s in subs] == [("alice", "alice.py"), ("bob", "bob"),
                                                     ("carol", "carol"), ("carol.py", "carol.py")]
    assert ignored == ["notes.txt: not a .py file or a folder"]


def test_resolve_a_folder(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    (one / "net.py").write_text("")
    (one / "data.csv").write_text("")
    assert batch.resolve(one) == (one / "net.py", "")
    several = tmp_path / "several"
    several.mkdir()
    for name in ("a.py", "main.py", "b.py"):
        (several / name).write_text("")
    assert batch.resolve(several) == (several / "main.py", "")
    (several / "submission.py").write_text("")
    assert batch.resolve(several)[0] == several / "submission.py"
    ambiguous = tmp_path / "ambiguous"
    ambiguous.mkdir()
    (ambiguous / "a.py").write_text("")
    (ambiguous / "b.py").write_text("")
    path, reason = batch.resolve(ambiguous)
    assert path is None and "2 .py files" in reason and "none named submission.py or main.py" in reason
    empty = tmp_path / "empty"
    empty.mkdir()
    assert batch.resolve(empty) == (None, "missing file: no .py file in the folder empty")
    (tmp_path / "x.txt").write_text("")
    assert batch.resolve(tmp_path / "x.txt")[1] == "missing file: x.txt is not a .py file"


# ---------------------------------------------------------------- progress and gradebook


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_and_plain_lines_elsewhere():
    rows = [batch.Row(n, 1.0, 2.0, "graded", "") for n in ("a", "b")]
    tty = FakeTTY()
    bar = batch.Progress(2, tty)
    for row in rows:
        bar.advance(row)
    assert tty.getvalue() == ("\r\x1b[K[##########..........] 1/2 a"
                              "\r\x1b[K[####################] 2/2 b\n")
    plain = io.StringIO()
    bar = batch.Progress(2, plain)
    for row in rows:
        bar.advance(row)
    assert plain.getvalue().splitlines() == ["[##########..........] 1/2 a: 1/2 (graded)",
                                             "[####################] 2/2 b: 1/2 (graded)"]


def test_gradebook_csv(tmp_path):
    rows = [batch.Row("alice", 12.0, 14.0, "graded", ""), batch.Row("bob", 0.0, 14.0, "load_error", "a, b")]
    batch.write_gradebook(tmp_path / "g.csv", rows)
    with open(tmp_path / "g.csv", newline="") as fh:
        read = list(csv.DictReader(fh))
    assert list(read[0]) == list(batch.CSV_COLUMNS)
    assert read[0] == {"submission": "alice", "score": "12", "max_score": "14", "percent": "85.7",
                       "status": "graded", "reason": ""}
    assert read[1]["reason"] == "a, b"


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize("args, words", [
    (["grade", "{tmp}"], "the following arguments are required: --out"),
    (["grade", "{tmp}/absent", "--out", "{tmp}/g.csv"], "is not a directory"),
    (["grade", "{tmp}", "--out", "{tmp}/g.csv", "--jobs", "0"], "must be at least 1"),
    (["grade", "{tmp}", "--out", "{tmp}/g.csv", "--timeout", "-3"], "must be positive"),
    (["grade", "{tmp}", "--out", "{tmp}/g.csv", "--profile", "slow"], "invalid choice: 'slow'"),
    (["grade", "{tmp}", "--out", "{tmp}/g.csv", "--weights", "{tmp}/w.toml"], "unknown kind 'activations'"),
    (["grade", "{tmp}", "--out", "{tmp}"], "is a directory"),
    (["run", "{tmp}"], "run needs --gradescope PATH and/or --prairielearn PATH"),
    ([], "choose a command"),
    (["grades"], "invalid choice: 'grades'"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, words):
    (tmp_path / "w.toml").write_text("[kinds]\nactivations = 1\n")
    proc = cli(*[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "g.csv").exists()


def test_run_with_bad_weights_still_leaves_a_zero(tmp_path):
    (tmp_path / "w.toml").write_text("[kinds]\nactivations = 1\n")
    proc = cli("run", tmp_path, "--weights", tmp_path / "w.toml", "--gradescope", tmp_path / "r.json")
    assert proc.returncode == 2
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["score"] == 0 and "misconfigured" in result["output"]


def test_capabilities_lists_weights():
    proc = cli("capabilities", "--weights", WEIGHTS)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert len(lines) == 32
    assert lines[1].split() == ["derivative", "identity_prime", "derivative", "0"]
    assert lines[-1].split() == ["total", "14"]


# ---------------------------------------------------------------- a whole batch


def test_batch_grades_everything_and_bad_submissions_score_zero(tmp_path):
    subs = samples.build(tmp_path / "subs")
    (tmp_path / "subs" / "notes.txt").write_text("not a submission")
    out = tmp_path / "out" / "gradebook.csv"
    proc = cli("grade", tmp_path / "subs", "--out", out, "--jobs", "2", "--weights", WEIGHTS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert sorted(rows) == sorted(set(samples.EXPECTED) - {"hangs"})
    for name, row in rows.items():
        status, fraction, words = samples.EXPECTED[name]
        assert row["status"] == status, (name, row)
        assert row["max_score"] == "14"
        if fraction is not None:
            assert float(row["score"]) == fraction * 14, (name, row)
        assert words in row["reason"], (name, row)
    assert rows["partial"]["score"] == "12" and rows["partial"]["percent"] == "85.7"
    assert str(subs) not in rows["syntax_error"]["reason"]    # file names, not the grader's paths
    # one Gradescope JSON per submission, next to the gradebook
    for name, row in rows.items():
        data = json.loads((out.parent / f"{name}.json").read_text())
        assert data["score"] == float(row["score"])
        assert data["extra_data"]["deltaspec"]["status"] == row["status"]
        assert len(data["tests"]) == 7
    # progress on stderr (not a terminal here: one plain line per submission), the skip noted
    assert "ignored notes.txt: not a .py file or a folder" in proc.stderr
    assert proc.stderr.count("/8 ") == 8 and "[####################] 8/8" in proc.stderr
    assert "8 submissions, 3 graded" in proc.stdout


def test_a_submission_that_hangs_times_out_and_its_worker_is_killed(tmp_path):
    samples.build(tmp_path, names={"hangs"}, hang=True)
    row = batch.grade_one(tmp_path / "hangs.py", {"gradescope": str(tmp_path / "r.json")},
                          weights=assignment.load_weights(WEIGHTS), timeout=4)
    assert (row.score, row.status, row.reason) == (0.0, "timeout", "timed out after 4 s")
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["score"] == 0 and "timed out after 4 s" in result["output"]
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and "hangs.py" in _cmdline(p)]
    assert leftovers == []


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def test_grade_one_when_the_grader_cannot_run_writes_zero(tmp_path, monkeypatch):
    """No pytest results at all (here: the interpreter is missing) is 0 with the reason."""
    (tmp_path / "s.py").write_text(samples.CORRECT)
    monkeypatch.setattr(batch.sys, "executable", "/bin/false")
    row = batch.grade_one(tmp_path / "s.py", {"gradescope": str(tmp_path / "r.json")},
                          weights=assignment.load_weights(WEIGHTS))
    assert (row.score, row.status) == (0.0, "crashed") and "left no results" in row.reason
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0


def test_hostile_file_names_are_escaped_and_links_out_are_not_followed(tmp_path):
    """A formula, a newline, bytes that are not UTF-8, and a link out of the folder: each
    row is escaped or refused (the link's row says so), and the gradebook is written whole."""
    subs = tmp_path / "subs"
    subs.mkdir()
    broken = "def sigmoid(z:\n"
    (subs / "=HYPERLINK(1).py").write_text(broken)
    (subs / "new\nline.py").write_text(broken)
    (Path(os.fsdecode(bytes(subs) + b"/caf\xff.py"))).write_text(broken)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answers.py").write_text("SECRET = 1\n")
    (subs / "leak.py").symlink_to(secret / "answers.py")
    out = tmp_path / "g.csv"
    stream = io.StringIO()
    rows = batch.run_batch(subs, out, jobs=2, weights=assignment.load_weights(WEIGHTS), stream=stream, timeout=60)
    names = sorted(r.submission for r in rows)
    assert names == sorted(["=HYPERLINK(1)", "new\\x0aline", "caf\\xff", "leak"]), names
    log = stream.getvalue()
    assert all(line.startswith("[") for line in log.splitlines()), log
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(r["submission"] for r in table) == sorted(["'=HYPERLINK(1)", "new\\x0aline", "caf\\xff", "leak"])
    assert all(r["score"] == "0" for r in table)
    leak = next(r for r in table if r["submission"] == "leak")
    assert (leak["status"], leak["reason"]) == ("refused", "refused: leak.py is a link that leads out of the "
                                                           "submissions folder")


@pytest.mark.parametrize("cpus, jobs, spin", [(2, 2, False), (2, 1, True), (8, 2, True), (8, 5, False)])
def test_runs_side_by_side_do_not_poll_when_they_share_the_cpus(tmp_path, monkeypatch, cpus, jobs, spin):
    """Each run is two processes taking turns: polling pays only where every one of them
    has a CPU (on 2 CPUs, grade --jobs 2 fell from 58 to 36 submissions a minute)."""
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("")
    seen = []

    def fake_grade_in(work, path, root, targets, **kw):
        seen.append(kw["spin"])
        return batch.Row(path.stem, 0.0, 1.0, "ok", "")

    monkeypatch.setattr(batch, "_grade_in", fake_grade_in)
    monkeypatch.setattr(batch, "_concurrency", lambda root, jobs, stream: jobs)
    monkeypatch.setattr(batch.os, "cpu_count", lambda: cpus)
    batch.run_batch(tmp_path, tmp_path / "out" / "g.csv", jobs=jobs, weights={}, stream=io.StringIO())
    assert seen == [spin] * 3
