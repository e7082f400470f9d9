"""Runs kept apart: one submission cannot touch another's run, nor reach the grader.

The batch test grades two submissions side by side (``grade --jobs 2``), in the default
containment and without namespaces (``DELTASPEC_SANDBOX=0``): a victim (a correct
implementation carrying a secret word) and an attacker that, while the victim is graded,
tries to read the victim's source, copy and results, to kill the victim's processes and
to overwrite its files, and says in its own feedback what it managed. The victim's
grade, results and files must come out intact, and nothing of it may reach the
attacker's feedback. A control runs the attacker's search in this (uncontained) test
process afterwards: it finds the victim's files, so the attack is a real one.

The other tests exercise the pieces: the worker's view of the suite (hidden from a
submission, not from the bundled reference), the user-id pool, the batch's private job
folders and results, and a batch that grades one at a time where runs are not apart.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import secrets
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from deltaspec.conformance.grading import assignment, batch
from deltaspec.conformance.isolation import separation, uids
from deltaspec.conformance.isolation.worker import Worker

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "docs" / "autograder" / "weights.toml"
_spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples",
                                               ROOT / "docs" / "autograder" / "samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux (/proc)")
MODES = {"default": {}, "no-sandbox": {"DELTASPEC_SANDBOX": "0"}}

ATTACKER = '''\
"""Attacks its classmate {victim} while both are graded (tests/test_containment.py)."""
import glob
import json
import os
import signal
import sys
import time

import numpy as np

TOKEN = {token!r}
VICTIM = {victim!r}
SECRET = {secret!r}
KNOWN = {known!r}   # where a student who read the grader's source expects the victim's files
FORGED = json.dumps({{"score": 0, "output": "FORGED by the attacker", "tests": []}})
found = {{"read": 0, "killed": 0, "wrote": 0, "stolen": ""}}


def targets():
    """The victim's files: the known paths, and its job's copy and results."""
    paths = list(KNOWN)
    for tmp in {{os.environ.get("TMPDIR", "/tmp"), "/tmp"}}:
        paths += glob.glob(os.path.join(tmp, "deltaspec-grade-*", "submission", VICTIM + ".py"))
        paths += glob.glob(os.path.join(tmp, "deltaspec-grade-*", "*.json"))
    return paths


def victim_processes():
    pids = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        entries = []
    for entry in entries:
        try:
            with open(f"/proc/{{entry}}/cmdline", "rb") as fh:
                if VICTIM.encode() in fh.read() and int(entry) != os.getpid():
                    pids.append(int(entry))
        except (OSError, ValueError):
            continue
    return pids


def stolen():
    """The secret, from any of the victim's files this process can read."""
    for path in targets():
        try:
            text = open(path).read()
        except OSError:
            continue
        if SECRET in text:
            return path
    return ""


def attack():
    path = stolen()
    if path:
        found["read"] += 1
        found["stolen"] = f"{{SECRET}} from {{path}}"
    for pid in victim_processes():
        try:
            os.kill(pid, signal.SIGKILL)
            found["killed"] += 1
        except OSError:
            pass
    for path in targets():
        try:
            with open(path, "r+") as fh:
                fh.seek(0)
                fh.write(FORGED)
                fh.truncate()
            found["wrote"] += 1
        except OSError:
            pass


if sys.argv and sys.argv[0].endswith("worker.py"):
    deadline = time.monotonic() + 15   # the victim is being graded meanwhile
    while time.monotonic() < deadline:
        attack()
        time.sleep(0.5)


def sigmoid(z):
    attack()
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    attack()
    raise RuntimeError("ATTACK read={{read}} killed={{killed}} wrote={{wrote}} stolen={{stolen}}".format(**found))
'''


def _batch(tmp_path: Path, mode: str):
    """Grade the victim and the attacker side by side; (victim, attacker, paths)."""
    token = secrets.token_hex(4)
    subs, out = tmp_path / f"subs-{token}", tmp_path / f"grades-{token}"
    subs.mkdir()
    victim, secret = f"victim_{token}", f"VICTIM-SECRET-{secrets.token_hex(8)}"
    victim_file = subs / f"{victim}.py"
    victim_file.write_text(samples.CORRECT + f"\n# {secret}\n")
    known = [str(victim_file), str(out / f"{victim}.json"), str(out / "gradebook.csv")]
    (subs / f"attacker_{token}.py").write_text(ATTACKER.format(token=token, victim=victim, secret=secret,
                                                               known=known))
    before = victim_file.read_bytes()
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_SANDBOX", "PYTEST_ADDOPTS")}
    env.update(MODES[mode])
    proc = subprocess.run([sys.executable, "-m", "deltaspec.conformance", "grade", str(subs), "--out",
                           str(out / "gradebook.csv"), "--jobs", "2", "--weights", str(WEIGHTS)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "one submission at a time" not in proc.stderr, proc.stderr   # the two did run side by side
    return victim, secret, victim_file, before, out, token, proc


@linux
@pytest.mark.parametrize("mode", [pytest.param("default"), pytest.param("no-sandbox", marks=pytest.mark.slow)])
def test_a_classmate_cannot_read_kill_or_overwrite_another(tmp_path, mode):
    victim, secret, victim_file, before, out, token, proc = _batch(tmp_path, mode)
    rows = {r["submission"]: r for r in csv.DictReader(io.StringIO((out / "gradebook.csv").read_text()))}
    assert rows[victim]["status"] == "graded" and rows[victim]["score"] == rows[victim]["max_score"], rows[victim]
    result = json.loads((out / f"{victim}.json").read_text())
    assert result["score"] == sum(t["max_score"] for t in result["tests"]) > 0, result
    assert victim_file.read_bytes() == before, "the victim's submission was changed"
    assert "FORGED" not in (out / "gradebook.csv").read_text()

    attacker = (out / f"attacker_{token}.json").read_text()
    assert "ATTACK read=0 killed=0 wrote=0" in attacker, attacker   # it ran, and managed nothing
    assert secret not in attacker and secret not in (out / "gradebook.csv").read_text()
    for path in (out / f"{victim}.json", out / f"attacker_{token}.json", out / "gradebook.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == batch.PRIVATE, path

    # control: uncontained, the same search finds the victim's files and the secret
    spec = importlib.util.spec_from_file_location(f"attacker_{token}", victim_file.parent / f"attacker_{token}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)   # (its attack loop runs only in a worker)
    assert str(victim_file) in module.targets() and module.stolen(), "the attacker's search finds nothing"


# ---------------------------------------------------------------- the worker's view of the suite

PROBE = '''\
import importlib
import os
import sys


def probe():
    """How each way to the grader fails, as plain data."""
    out = {}
    for name in ("deltaspec.spec", "deltaspec.spec.numeric", "deltaspec.reference", "deltaspec.conformance.isolation.wire"):
        try:
            importlib.import_module(name)
            out[name] = "imported"
        except BaseException as exc:
            out[name] = type(exc).__name__
    for path in PATHS:
        try:
            with open(path) as fh:
                fh.read(1)
            out[path] = "read"
        except OSError as exc:
            out[path] = type(exc).__name__
    out["modules"] = sorted(n for n in sys.modules if n == "deltaspec" or n.startswith("deltaspec."))
    out["uid"] = os.getuid()
    return out
'''


@linux
@pytest.mark.parametrize("mode", list(MODES))
def test_the_worker_hides_the_suite_from_a_submission(tmp_path, monkeypatch, mode):
    """Importing it fails like a missing module, reading it fails, nothing of it is in
    sys.modules; other folders (the tests' gallery, /tmp) are not readable either."""
    for key, value in MODES[mode].items():
        monkeypatch.setenv(key, value)
    paths = [str(ROOT / "reference" / "network.py"), str(ROOT / "spec" / "numeric.py"),
             str(ROOT / "tests" / "conformance" / "gallery" / "correct_row.py"), str(tmp_path / "other.txt")]
    (tmp_path / "other.txt").write_text("another job's file\n")
    probe = tmp_path / "job" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(f"PATHS = {paths!r}\n" + PROBE)
    worker = Worker(str(probe))
    try:
        assert worker.start()["loaded"], worker.containment
        if not separation.between_runs().private_view:
            pytest.skip(f"no private view of the files here: {worker.containment}")
        seen = worker.call("probe", [])
    finally:
        worker.close()
    assert "the suite hidden" in worker.containment
    for name in ("deltaspec.spec", "deltaspec.spec.numeric", "deltaspec.reference",
                 "deltaspec.conformance.isolation.wire"):
        assert seen[name] == "ModuleNotFoundError", seen
    for path in paths:
        assert seen[path] in ("FileNotFoundError", "PermissionError"), seen
    # only the adapters stay, for glue files, with the two package modules above them
    kept = {"deltaspec", "deltaspec.conformance", "deltaspec.conformance.adapters"}
    assert all(n in kept or n.startswith("deltaspec.conformance.adapters.") for n in seen["modules"]), seen


@linux
def test_the_bundled_reference_is_its_own_implementation():
    """The default --impl is part of deltaspec: the install stays visible to it."""
    worker = Worker("deltaspec.reference.implementation")
    try:
        assert worker.start()["loaded"], worker.containment
        assert worker.call("sigmoid", [0.0]) == pytest.approx(0.5)
    finally:
        worker.close()
    assert "the suite hidden" not in worker.containment


# ---------------------------------------------------------------- users, folders, one at a time


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root on Linux")
def test_each_worker_leases_a_user_of_its_own():
    first, second = uids.lease(), uids.lease()
    try:
        assert first is not None and second is not None
        assert first.uid != second.uid and min(first.uid, second.uid) >= uids.FIRST
    finally:
        first.release()
    again = uids.lease()
    try:
        assert again.uid == first.uid   # given back when released
    finally:
        again.release()
        second.release()


@linux
def test_a_job_works_in_private_folders_and_publishes_private_results(tmp_path, monkeypatch):
    """The job's folder is 0700, the copy 0600, while its pytest runs; the results are 0600."""
    (tmp_path / "s.py").write_text(samples.SYNTAX_ERROR)
    seen = {}
    real = subprocess.Popen

    def spying(cmd, *args, **kwargs):
        if "--impl" not in cmd:   # the unprivileged reader of the submission (isolation/reader.py)
            return real(cmd, *args, **kwargs)
        work = Path(kwargs["cwd"])
        copy = Path(cmd[cmd.index("--impl") + 1])
        seen.update(work=stat.S_IMODE(work.stat().st_mode), folder=stat.S_IMODE(copy.parent.stat().st_mode),
                    copy=stat.S_IMODE(copy.stat().st_mode))
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(batch.subprocess, "Popen", spying)
    row = batch.grade_one(tmp_path / "s.py", {"gradescope": str(tmp_path / "r.json")},
                          weights=assignment.load_weights(WEIGHTS))
    assert row.status == "load_error", row
    assert seen == {"work": 0o700, "folder": 0o700, "copy": 0o600}
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("apart", [True, False])
def test_a_batch_grades_one_at_a_time_where_runs_are_not_apart(tmp_path, monkeypatch, apart):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("")
    running, most = [0], [0]
    lock = threading.Lock()

    def grade_one(path, targets, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return batch.Row(kwargs["name"], 0.0, 1.0, "graded", "")

    monkeypatch.setattr(batch, "grade_one", grade_one)
    monkeypatch.setattr(separation, "between_runs",
                        lambda: separation.Separation(apart, apart, "the test's say-so"))
    stream = io.StringIO()
    batch.run_batch(tmp_path, tmp_path / "out" / "g.csv", jobs=3, weights={}, stream=stream)
    assert most[0] == (3 if apart else 1)
    said = "grading one submission at a time" in stream.getvalue()
    assert said != apart and (apart or "the test's say-so" in stream.getvalue())
