"""Hostile input to the grading commands (tests/conformance/hostile/grader/, see
tests/conformance/hostile/README.md): planted submissions, output paths, ``--impl`` values
and assignment files, in the default containment and without namespaces
(``DELTASPEC_SANDBOX=0``).

Each module there is an attack, described by constants read with ``ast`` (never
imported by this process):

* ``KIND = "batch"``: a submission planted in a submissions folder (``PLANT``: a link
  out of it, a folder whose file links out, a root-only file, a FIFO, a FIFO where its
  results go; or a hostile file ``NAME``). All of them, with an honest classmate, are
  graded by one ``grade --jobs 2`` per mode. Each row must have ``EXPECT_STATUS`` and
  ``EXPECT_REASON`` (and the escaped ``EXPECT_NAME``); the gradebook must hold every row,
  one progress line each, nothing forged, no temporary file left, the classmate's full
  marks, and nothing of the private files behind the links.
* ``KIND = "command"``: ``COMMANDS``, each (arguments, exit status, words), run once per
  planted output node (``NODES``) or assignment file (``WEIGHTS``) where it names one:
  one line with the words, no traceback, the node left as it was, and the results file
  (if named) valid JSON that scores 0 with the reason.

Every command runs in the default selection, in both modes (each is refused before any
worker starts, in well under a second); the fallback's batch runs in the slow job.
"""
from __future__ import annotations

import ast
import csv
import hashlib
import importlib.util
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from deltaspec.conformance.isolation import reader

ROOT = Path(__file__).resolve().parents[2]
GRADER = Path(__file__).resolve().parent / "hostile" / "grader"
WEIGHTS = ROOT / "docs" / "autograder" / "weights.toml"
REFERENCE = ROOT / "reference" / "implementation.py"
MODES = {"default": {}, "no-sandbox": {"DELTASPEC_SANDBOX": "0"}}
CASE_TIMEOUT = 90      # seconds: one refused command (a pytest start-up, at most)
BATCH_TIMEOUT = 600
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PROGRESS = re.compile(r"^\[[#.]{20}\] (\d+)/(\d+) (.*): [\d.e+-]+/[\d.e+-]+ \((\w+)\)$")
FORGED = "[####################] 9 of 9 forged"

_spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples",
                                               ROOT / "docs" / "autograder" / "samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux")


@dataclass
class Attack:
    name: str
    path: Path
    values: dict

    @classmethod
    def read(cls, path: Path) -> "Attack":
        """The module's constants, read with ast: the test process never imports it."""
        values = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id.isupper():
                values[node.targets[0].id] = ast.literal_eval(node.value)
        return cls(path.stem, path, values)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    @property
    def source(self) -> bytes:
        """What is planted: the module, followed by the sample assignment's correct
        solution when it says PAYLOAD = "correct" (so a grader fooled by it would pay)."""
        tail = samples.CORRECT.encode() if self.values.get("PAYLOAD") == "correct" else b""
        return self.path.read_bytes() + b"\n" + tail

    @property
    def entry(self) -> bytes:
        """The planted entry's name in the submissions folder, as bytes."""
        name = self.values.get("NAME", f"{self.name}.py")
        return name if isinstance(name, bytes) else os.fsencode(name)

    @property
    def row(self) -> str:
        """Its gradebook cell: EXPECT_NAME, or the module's name."""
        return self.values.get("EXPECT_NAME", self.name)


ATTACKS = {a.name: a for a in map(Attack.read, sorted(GRADER.glob("*.py")))}
BATCH = [n for n, a in ATTACKS.items() if a.get("KIND") == "batch"]
COMMAND = [n for n, a in ATTACKS.items() if a.get("KIND") == "command"]


def _env(mode: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_SANDBOX", "PYTEST_ADDOPTS", "DELTASPEC_IMPL")}
    env.update(MODES[mode])
    return env


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- planted submissions, one batch per mode


@dataclass
class Batch:
    proc: subprocess.CompletedProcess
    rows: dict           # gradebook cell -> row
    out: Path
    planted: list        # the attacks planted (those this machine can plant)
    secret: str          # written into every private file: must reach no output
    private: dict        # path -> digest before the run
    nodes: dict          # path -> mode of a node planted where results go


def _plant(attack: Attack, subs: Path, private: Path, out: Path, secret: str) -> None:
    """Put the attack in the submissions folder as its PLANT says."""
    source = attack.source + f"\n# {secret}\n".encode()
    entry = os.path.join(os.fsencode(subs), attack.entry)
    kind = attack.get("PLANT")
    if kind in ("link-out", "folder-link-out"):
        hidden = private / f"{attack.name}.py"
        hidden.write_bytes(source)
        if kind == "link-out":
            os.symlink(hidden, entry)
        else:
            os.mkdir(os.path.splitext(entry)[0])
            os.symlink(hidden, os.path.join(os.path.splitext(entry)[0], b"submission.py"))
    elif kind == "fifo":
        os.mkfifo(entry)
    else:
        with open(entry, "wb") as fh:
            fh.write(source)
        if kind == "root-only":
            os.chmod(entry, 0o600)
        elif kind == "json-fifo":
            os.mkfifo(out / f"{attack.name}.json")


def _grade(base: Path, mode: str) -> Batch:
    secret = f"PRIVATE-SECRET-{secrets.token_hex(8)}"
    subs, private, out = base / "subs", base / "private", base / "grades"
    for folder in (subs, private, out):
        folder.mkdir()
    os.chmod(private, 0o700)   # root's own, as the test runs as root: no student enters it
    planted = [ATTACKS[n] for n in BATCH if IS_ROOT or not ATTACKS[n].get("NEEDS_ROOT")]
    for attack in planted:
        _plant(attack, subs, private, out, secret)
    (subs / "classmate.py").write_text(samples.CORRECT)
    before = {p: _digest(p) for p in private.iterdir()}
    nodes = {p: p.lstat().st_mode for p in out.iterdir()}
    proc = subprocess.run([sys.executable, "-m", "deltaspec.conformance", "grade", str(subs), "--out",
                           str(out / "gradebook.csv"), "--jobs", "2", "--weights", str(WEIGHTS), "--timeout", "120"],
                          capture_output=True, text=True, errors="replace", timeout=BATCH_TIMEOUT, env=_env(mode),
                          cwd=base)
    rows = {}
    if (out / "gradebook.csv").exists():
        with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
            rows = {r["submission"]: r for r in csv.DictReader(fh)}
    return Batch(proc, rows, out, planted, secret, before, nodes)


_batches: dict = {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The batch of a mode, graded once (the first test that asks for it)."""
    def get(mode: str) -> Batch:
        if mode not in _batches:
            _batches[mode] = _grade(tmp_path_factory.mktemp(f"batch-{mode}"), mode)
        return _batches[mode]
    return get


def _mode(mode: str, slow_fallback: bool = True):
    """A containment mode; the fallback's batch (about 5 s) runs in the slow job."""
    return pytest.param(mode, marks=[pytest.mark.slow] if slow_fallback and mode != "default" else [])


@linux
@pytest.mark.parametrize("mode", [_mode(m) for m in MODES])
@pytest.mark.parametrize("name", BATCH)
def test_a_planted_submission_gets_its_row(graded, name, mode):
    attack = ATTACKS[name]
    if attack.get("NEEDS_ROOT") and not IS_ROOT:
        pytest.skip("planting a root-only file needs root")
    batch = graded(mode)
    assert batch.proc.returncode == 0, batch.proc.stderr[-2000:]
    row = batch.rows.get(attack.row)
    assert row is not None, f"{name}: no row {attack.row!r} in {sorted(batch.rows)}"
    assert row["status"] == attack.get("EXPECT_STATUS"), row
    assert attack.get("EXPECT_REASON", "") in row["reason"], row
    if row["status"] != "graded":
        assert row["score"] == "0", row
    assert "\n" not in row["submission"] and "\n" not in row["reason"]


@linux
@pytest.mark.parametrize("mode", [_mode(m) for m in MODES])
def test_the_batch_is_whole_and_nothing_leaks(graded, mode):
    """Every row, one progress line each and nothing forged, the classmate's full marks,
    no temporary file, nothing of the private files, the nodes left as they were."""
    batch = graded(mode)
    proc = batch.proc
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert sorted(batch.rows) == sorted([a.row for a in batch.planted] + ["classmate"])
    classmate = batch.rows["classmate"]
    assert (classmate["status"], classmate["score"], classmate["max_score"]) == ("graded", "14", "14"), classmate

    lines = proc.stderr.splitlines()
    progress = [ln for ln in lines if PROGRESS.match(ln)]
    others = [ln for ln in lines if not PROGRESS.match(ln) and not ln.startswith(("grading one submission",
                                                                                   "warning: "))]
    assert len(progress) == len(batch.rows) and not others, proc.stderr
    assert not any(ln.startswith(FORGED) for ln in lines), proc.stderr
    assert [int(PROGRESS.match(ln).group(1)) for ln in progress] == list(range(1, len(batch.rows) + 1))

    assert not [p.name for p in batch.out.iterdir() if p.name.endswith(".tmp")]
    outputs = [proc.stdout, proc.stderr] + [p.read_text(errors="replace") for p in batch.out.iterdir()
                                            if stat.S_ISREG(p.lstat().st_mode)]
    assert not [o for o in outputs if batch.secret in o], "a private file's text reached an output"
    for path, digest in batch.private.items():
        assert _digest(path) == digest, f"{path.name} was changed"
    for path, mode_bits in batch.nodes.items():
        assert path.lstat().st_mode == mode_bits, f"{path.name} was replaced"
    for cell, row in batch.rows.items():   # every written results file agrees with its row
        result = batch.out / f"{_unquoted(cell)}.json"
        if row["status"] != "error":
            data = json.loads(result.read_text(), parse_constant=_no_constant)
            assert data["score"] == float(row["score"]) and data["extra_data"]["deltaspec"]["status"] == row["status"]


def _unquoted(cell: str) -> str:
    """The printable name behind a gradebook cell (a formula's quote taken off)."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


@linux
def test_control_the_payload_earns_full_marks(tmp_path):
    """What the links and the root-only file hide is a correct solution: read, it would
    earn every point, so refusing it is what keeps it at 0."""
    payload = tmp_path / "payload.py"
    payload.write_bytes(ATTACKS["link_out"].source)
    proc = subprocess.run([sys.executable, "-m", "deltaspec.conformance", "run", str(payload), "--gradescope",
                           str(tmp_path / "r.json"), "--weights", str(WEIGHTS)], capture_output=True, text=True,
                          timeout=300, env=_env("default"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 14


# ---------------------------------------------------------------- command lines


@dataclass
class Case:
    attack: Attack
    argv: list
    status: int
    words: list
    node: str | None = None
    weights: str | None = None

    @property
    def id(self) -> str:
        """The attack, then the command line with placeholders by name, then the plant."""
        words = [a.lstrip("-").replace("{", "").replace("}", "").replace(" ", "_") or "''" for a in self.argv]
        return "-".join(filter(None, [self.attack.name, *words, self.node, self.weights]))


def _cases() -> list:
    """Each command of each command attack, once per node or assignment file it names."""
    found = []
    for name in COMMAND:
        attack = ATTACKS[name]
        for argv, status, words in attack.get("COMMANDS"):
            joined = " ".join(argv)
            if "{node}" in joined:
                found += [Case(attack, argv, status, [words], node=n) for n in attack.get("NODES")]
            elif "{weights}" in joined:
                found += [Case(attack, argv, status, [words, w[1]], weights=k) for k, w in attack.get("WEIGHTS").items()]
            else:
                found.append(Case(attack, argv, status, [words]))
    return found


CASES = _cases()


def _make_node(kind: str, path: Path, victim: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":   # a twin of /dev/null: char device 1:3
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except (PermissionError, OSError) as exc:
            pytest.skip(f"cannot make a device node here: {exc}")
    else:
        victim.write_text("the link's target, which must stay as it is\n")
        os.symlink(victim, path)


def _node_state(path: Path, victim: Path) -> tuple:
    info = path.lstat()
    target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
    return info.st_mode, info.st_rdev, target, victim.read_text() if victim.exists() else None


def _command(case: Case, tmp: Path) -> tuple[list, dict]:
    """The command line with its placeholders filled, and the planted paths."""
    planted = {"self": tmp / "student.py", "folder": tmp / "subs", "results": tmp / "results.json",
               "out": tmp / "out" / "gradebook.csv", "node": tmp / "node", "victim": tmp / "victim.txt",
               "weights": tmp / "weights.toml", "reference": REFERENCE, "reference_link": tmp / "mine.py"}
    planted["self"].write_bytes(case.attack.source)
    planted["folder"].mkdir()
    (planted["folder"] / "student.py").write_bytes(case.attack.source)
    os.symlink(REFERENCE, planted["reference_link"])
    if case.node:
        _make_node(case.node, planted["node"], planted["victim"])
    if case.weights:
        text = case.attack.get("WEIGHTS")[case.weights][0]
        planted["weights"].write_bytes(text if isinstance(text, bytes) else text.encode())
    argv = [a.format(**{k: str(v) for k, v in planted.items()}) for a in case.argv]
    if argv[0] == "pytest":
        (tmp / "pytest.ini").write_text("[pytest]\n")
        argv = ["-m", "pytest", "--pyargs", "deltaspec.conformance", "-q", "-p", "no:cacheprovider", "-c",
                str(tmp / "pytest.ini"), "--rootdir", str(tmp), *argv[1:]]
    else:
        argv = ["-m", "deltaspec.conformance", *argv]
    return [sys.executable, *argv], planted


@linux
@pytest.mark.parametrize("mode", [_mode(m, slow_fallback=False) for m in MODES])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_hostile_command_line_is_one_line(tmp_path, case, mode):
    cmd, planted = _command(case, tmp_path)
    before = _node_state(planted["node"], planted["victim"]) if case.node else None
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=CASE_TIMEOUT, cwd=tmp_path,
                          env=_env(mode), stdin=subprocess.DEVNULL)
    said = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
    assert proc.returncode == case.status, (proc.returncode, said)
    assert "Traceback" not in proc.stderr and len(said) == 1, said
    for words in case.words:
        assert words in said[0], said
    if case.node:
        assert _node_state(planted["node"], planted["victim"]) == before, "the node was replaced or written"
    if "{out}" in " ".join(case.argv) and case.status:
        assert not planted["out"].exists(), "a gradebook was written"
    if "{results}" in " ".join(case.argv):
        _check_zero(planted["results"], case)


def _check_zero(path: Path, case: Case) -> None:
    """The results file: valid JSON (no Infinity, no NaN) that scores 0 and says why."""
    data = json.loads(path.read_text(), parse_constant=_no_constant)
    assert data["score"] == 0, data
    text = data.get("output", "") + data.get("message", "")
    for words in case.words:
        assert words in text, text


# ---------------------------------------------------------------- the reader, directly


@linux
def test_the_reader_never_follows_a_link_swapped_in(tmp_path):
    """A folder or the file itself turned into a link after the check: refused, whatever
    it leads to (the walk opens each component with O_NOFOLLOW)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.py").write_text("SECRET = 1\n")
    root = tmp_path / "subs"
    (root / "real").mkdir(parents=True)
    (root / "real" / "x.py").write_text("mine = 1\n")
    (root / "folder").symlink_to(tmp_path / "outside")
    (root / "file.py").symlink_to(tmp_path / "outside" / "x.py")
    for relative in ("folder/x.py", "file.py"):
        with pytest.raises(reader.Refused, match="swapped in"):
            reader._open(str(root), relative, "x.py", reader.O_PATH or os.O_RDONLY, reader.MAX_SOURCE)
    assert reader.read(root / "real" / "x.py", root) == b"mine = 1\n"


@linux
@pytest.mark.skipif(not IS_ROOT, reason="reading as nobody needs root")
def test_the_reader_asks_the_kernel_as_nobody(tmp_path):
    """Group nobody may read a file of mode 0640 (the kernel decides, not the mode bits
    for others), in a submissions folder of mode 0700; root alone may not."""
    root = tmp_path / "subs"
    root.mkdir(mode=0o700)
    shared, closed = root / "shared.py", root / "closed.py"
    for path in (shared, closed):
        path.write_text("x = 1\n")
        path.chmod(0o640)
    os.chown(shared, 0, reader.READER_UID)
    assert reader.read(shared, root) == b"x = 1\n"
    with pytest.raises(reader.Refused, match=r"cannot be read by an unprivileged user \(mode 0640, owner root\)"):
        reader.read(closed, root)
    big = root / "big.py"
    big.write_bytes(b"#" * 100)
    with pytest.raises(reader.Refused, match="larger than"):
        reader.read(big, root, limit=10)
