"""Hostile submissions against the isolated suite (tests/hostile/, see its README.md).

Each module in tests/hostile/ tries to cheat the conformance suite or to break the
grader, and its honest part is wrong. Each runs as ``python -m pytest conformance
--impl=<file> --deltaspec-json <tmp>/r.json`` in a subprocess (two at a time, a hard
wall-clock limit), and the run must:

* end (no hang), with pytest's exit status 1 (checks failed) or 4 (load refused);
* pass none of the checks of the capabilities its honest part gets wrong, and name the
  reason (timed out, crashed, exited, MemoryError, not plain data, child processes...);
* leave the real results file: its records agree with pytest's own summary line, carry
  no trace of a forgery, and stay so after a pause when the module leaves a delayed
  writer behind; the same for the Gradescope file;
* show nothing the submission printed (its fake "passed" lines, escape sequences);
* leave no process behind (nothing whose command line, environment or working
  directory points into the run's private temporary directory), no file in the suite's
  directory, and the spec's cache (a private copy) untouched.

Controls: the modules marked ``CONTROL = "no-isolate"`` run again with --deltaspec-no-isolate,
where their cheat must work (a wrong check passes, pytest exits 0, or the results file is
forged): isolation is what stops them. The modules marked ``FALLBACK`` run again with
``DELTASPEC_SANDBOX=0`` (the worker without namespaces, as in a container that forbids
them) and must be contained all the same; those marked ``NEEDS_SANDBOX`` are skipped
where the worker gets no namespace sandbox (not root, not Linux), and those marked
``NEEDS_SEPARATION`` in a mode whose worker is not kept apart from other runs (neither
the namespace sandbox nor Landlock with its signal scope: see isolation/__init__.py).
A module with ``MAX_SECONDS`` must also end within that many seconds.

Only the runs whose tests are selected are started. By default: the modules without
``SLOW = True``, two controls (``DEFAULT_CONTROLS``) and one fallback
(``DEFAULT_FALLBACKS``); ``-m slow`` runs the rest. The last tests exercise the pieces
directly: the wire format's refusals and deadlines, the adapter's refusals in-process,
the one-line text, and the capability drop against /proc/<pid>/mem.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"
WORKERS = 2
WALL = 120            # seconds: a run that takes longer has hung the grader
LINGER_PAUSE = 2.0    # seconds to wait before re-reading a results file a delayed writer targets
CONSTANTS = {"EXPECT_STATUS", "EXPECT_REASON", "MUST_FAIL", "PYTEST_ARGS", "CONTROL", "CONTROL_EXPECT",
             "LINGERS", "SLOW", "MARKER", "FALLBACK", "NEEDS_SANDBOX", "NEEDS_SEPARATION", "MAX_SECONDS"}
# checks that cannot tell a wrong derivative from the right one, by design: at |z| >= 40
# sigmoid' lies below the extremes check's absolute floor (EXTREME_FLOOR in
# conformance/checks/test_elementwise.py), so half of it passes there; the capability
# still earns no points (the Gradescope file is checked below)
BLIND = ("test_derivative_finite_at_extremes[",)
SUMMARY = re.compile(r"^(\d+ (failed|passed|skipped|error|errors|deselected)(, )?)+ in [\d.]+s( \(.*\))?$")
FAKE_LINE = re.compile(r"^[=\s]*(110 passed|PASSED\s*$)")


GRADESCOPE = True  # every run below also writes a Gradescope results file


@dataclass
class Hostile:
    name: str
    path: Path
    status: int
    reasons: list
    must_fail: list
    args: list = field(default_factory=list)
    control: str | None = None
    control_expect: str | None = None
    lingers: bool = False
    slow: bool = False
    marker: str | None = None
    fallback: bool = False
    needs_sandbox: bool = False
    needs_separation: bool = False
    max_seconds: float | None = None

    @classmethod
    def read(cls, path: Path) -> "Hostile":
        """The module's expectations, read with ast: the test process never imports it."""
        values = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in CONSTANTS:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        reasons = values.get("EXPECT_REASON", [])
        return cls(path.stem, path, values["EXPECT_STATUS"], [reasons] if isinstance(reasons, str) else list(reasons),
                   list(values.get("MUST_FAIL", [])), list(values.get("PYTEST_ARGS", [])), values.get("CONTROL"),
                   values.get("CONTROL_EXPECT"), bool(values.get("LINGERS")), bool(values.get("SLOW")),
                   values.get("MARKER"), bool(values.get("FALLBACK")), bool(values.get("NEEDS_SANDBOX")),
                   bool(values.get("NEEDS_SEPARATION")), values.get("MAX_SECONDS"))


HOSTILES = {h.name: h for h in (Hostile.read(p) for p in sorted(HOSTILE.glob("*.py")))}
_containment: dict = {}


def containment(mode: str = "isolate") -> str:
    """The worker's containment on this machine in a mode (the header's isolation line),
    probed once in a subprocess: some guarantees need the namespace sandbox (root on
    Linux), or a worker kept apart from other runs."""
    if mode not in _containment:
        probe = ("import sys; from deltaspec.conformance.isolation.worker import Worker; w = Worker(sys.argv[1]); w.start(); "
                 "print(w.containment); w.close()")
        env = {k: v for k, v in os.environ.items() if k != "DELTASPEC_SANDBOX"}
        if mode == "no-sandbox":
            env["DELTASPEC_SANDBOX"] = "0"
        out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "docs" / "examples" / "student_trask.py")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        _containment[mode] = out.stdout.strip()
    return _containment[mode]


def sandboxed() -> bool:
    return "namespace sandbox" in containment() and "memory cgroup" in containment()


def separated(mode: str) -> bool:
    """Whether the worker is kept apart from other runs in this mode: its own root and
    PID namespace, or Landlock with signals scoped (see isolation/__init__.py)."""
    line = containment(mode)
    return "namespace sandbox" in line or "signals and abstract sockets scoped" in line


def _unsupported(hostile: "Hostile", mode: str) -> str | None:
    """Why this machine cannot contain the module in this mode (the test is skipped), or None."""
    if hostile.needs_sandbox and mode == "isolate" and not sandboxed():
        return f"needs the worker's namespace sandbox and cgroups (root on Linux); here: {containment()}"
    if hostile.needs_separation and mode != "no-isolate" and not separated(mode):
        return f"needs a worker kept apart from other runs (sandbox or Landlock); here: {containment(mode)}"
    return None


@dataclass
class Run:
    hostile: Hostile
    mode: str
    returncode: int | None
    hung: bool
    elapsed: float
    output: str
    results: str | None           # the JSON results file's text right after the run
    results_later: str | None     # and after a pause (delayed writers)
    gradescope: str | None
    survivors: list               # (pid, cmdline) of processes left behind
    marker_found: bool
    cache_changed: list

    def records(self) -> list[dict]:
        return json.loads(self.results)["records"] if self.results else []

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def _digest(directory: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*")) if p.is_file()}


def _mentions(pid: int, token: bytes) -> bool:
    """Whether the process's command line, environment or working directory names token."""
    for name in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as fh:
                if token in fh.read():
                    return True
        except OSError:
            pass
    try:
        return token in os.fsencode(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return False


def _survivors(tmp: Path) -> list:
    token = os.fsencode(str(tmp))
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        if _mentions(int(entry), token):
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                cmdline = "?"
            found.append((int(entry), cmdline.strip()[:200]))
    return found


def _kill(processes) -> None:
    for pid, _ in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def run_hostile(hostile: Hostile, mode: str, base: Path) -> Run:
    tmp = Path(tempfile.mkdtemp(prefix=f"{hostile.name}-{mode}-", dir=base))
    (tmp / "tmp").mkdir()
    cache = tmp / "cache"
    source = Path(os.environ.get("DELTASPEC_CACHE_DIR") or Path.home() / ".cache" / "deltaspec")
    if source.is_dir():
        shutil.copytree(source, cache)
    else:
        cache.mkdir()
    before = _digest(cache)
    results, gradescope = tmp / "r.json", tmp / "gradescope.json"
    cmd = [sys.executable, "-m", "pytest", "conformance", f"--impl={hostile.path}", "-q", "-p", "no:cacheprovider",
           "--color=no", "--deltaspec-json", str(results), *hostile.args]
    if mode == "no-isolate":
        cmd.append("--deltaspec-no-isolate")  # (grading outputs refuse to run in-process)
    elif GRADESCOPE:
        cmd += ["--deltaspec-gradescope", str(gradescope)]
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS", "DELTASPEC_SANDBOX")}
    env.update(TMPDIR=str(tmp / "tmp"), DELTASPEC_CACHE_DIR=str(cache), COLUMNS="200")
    if mode == "no-sandbox":
        env["DELTASPEC_SANDBOX"] = "0"
    marker = ROOT / "conformance" / hostile.marker if hostile.marker else None
    start = time.monotonic()
    with open(tmp / "out", "wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            process.wait(timeout=WALL)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    elapsed = time.monotonic() - start
    text = _read(results)
    marker_found = bool(marker and marker.exists())
    if hostile.lingers:
        time.sleep(LINGER_PAUSE)
    later = _read(results)
    survivors = _survivors(tmp)
    _kill(survivors)
    if marker_found and mode == "no-isolate":
        marker.unlink()  # the control is expected to write it; clean up after it
    after = _digest(cache)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return Run(hostile, mode, process.returncode, hung, elapsed, (tmp / "out").read_text(errors="replace"), text,
               later, _read(gradescope), survivors, marker_found, changed)


MODES = {"test_hostile_is_contained": "isolate", "test_control_without_isolation": "no-isolate",
         "test_contained_without_sandbox": "no-sandbox"}


def _wanted(session) -> set:
    """(hostile, mode) pairs the selected tests of this module need."""
    wanted = set()
    for item in session.items:
        if Path(str(item.fspath)) != Path(__file__) or not hasattr(item, "callspec"):
            continue
        name = item.callspec.params.get("name")
        if _unsupported(HOSTILES[name], MODES[item.originalname]):
            continue  # skipped by the test itself
        wanted.add((name, MODES[item.originalname]))
    return wanted


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    if not sys.platform.startswith("linux"):
        pytest.skip("the hostile gallery needs Linux (/proc)")
    base = tmp_path_factory.mktemp("hostile")
    wanted = sorted(_wanted(request.session), key=lambda nm: (nm[1] != "isolate", nm[0]))
    # the isolated runs first, then the controls: a control may leave files its own
    # isolated run must not see
    isolated = [w for w in wanted if w[1] != "no-isolate"]
    controls = [w for w in wanted if w[1] == "no-isolate"]
    done = {}
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for batch in (isolated, controls):
            futures = {w: pool.submit(run_hostile, HOSTILES[w[0]], w[1], base) for w in batch}
            done.update({w: f.result() for w, f in futures.items()})
    wall = time.monotonic() - start
    slowest = sorted(done.values(), key=lambda r: -r.elapsed)[:3]
    print(f"\nhostile: {len(done)} runs in {wall:.1f} s wall, {WORKERS} at a time; slowest: "
          + ", ".join(f"{r.hostile.name} ({r.mode}) {r.elapsed:.1f} s" for r in slowest))
    return done


# controls run by default for these; the others' controls are slow
DEFAULT_CONTROLS = {"patch_pytest_report", "os_exit_midtest"}


# the fallback without the namespace sandbox runs by default for these
DEFAULT_FALLBACKS = {"parent_memory", "read_other_job", "exec_reference_file", "signal_other_worker"}


def _param(name: str, mode: str = "isolate"):
    slow = {"isolate": HOSTILES[name].slow, "no-isolate": name not in DEFAULT_CONTROLS,
            "no-sandbox": name not in DEFAULT_FALLBACKS}[mode]
    return pytest.param(name, id=name, marks=[pytest.mark.slow] if slow else [])


def _summary_counts(output: str) -> dict:
    lines = [ln.strip() for ln in output.splitlines() if SUMMARY.match(ln.strip())]
    assert len(lines) == 1, f"expected exactly one pytest summary line, found {lines}"
    return {word: int(n) for n, word in re.findall(r"(\d+) (failed|passed|skipped)", lines[0])}


@pytest.mark.parametrize("name", [_param(n) for n in HOSTILES])
def test_hostile_is_contained(runs, name):
    why = _unsupported(HOSTILES[name], "isolate")
    if why:
        pytest.skip(why)
    check_contained(runs[(name, "isolate")])


@pytest.mark.parametrize("name", [_param(n, "no-sandbox") for n, h in HOSTILES.items() if h.fallback])
def test_contained_without_sandbox(runs, name):
    """DELTASPEC_SANDBOX=0 (what a container without namespaces gets): the worker's
    limits, the wire format, the dropped privileges, its own user and Landlock (where the
    kernel has it) still contain these."""
    why = _unsupported(HOSTILES[name], "no-sandbox")
    if why:
        pytest.skip(why)
    check_contained(runs[(name, "no-sandbox")])


def check_contained(run: Run) -> None:
    hostile, name = run.hostile, run.hostile.name
    assert not run.hung, f"{name}: the run hung (killed after {WALL} s)\n{run.tail()}"
    if hostile.max_seconds is not None:
        assert run.elapsed <= hostile.max_seconds, f"{name}: the run took {run.elapsed:.0f} s\n{run.tail()}"
    assert run.returncode == hostile.status, f"{name}: exit status {run.returncode}\n{run.tail()}"

    # nothing the submission printed reaches pytest's output; no terminal escapes
    assert "HOSTILE-OUTPUT" not in run.output, f"{name}: the submission's output reached pytest's\n{run.tail()}"
    assert "\x1b" not in run.output, f"{name}: an escape sequence reached pytest's output"
    fakes = [ln for ln in run.output.splitlines() if FAKE_LINE.match(ln)]
    assert not fakes, f"{name}: fake summary lines in pytest's output: {fakes}"

    # no process left behind, nothing written where it must not be
    assert not run.survivors, f"{name}: processes survived the run: {run.survivors}"
    assert not run.marker_found, f"{name}: the submission wrote into the suite's directory"
    assert not run.cache_changed, f"{name}: the submission changed the spec's cache: {run.cache_changed}"

    if hostile.status == 4:
        text = " ".join(run.output.split())
        for reason in hostile.reasons:
            assert reason in text, f"{name}: the load error does not say {reason!r}\n{run.tail()}"
        assert run.results is None or "HOSTILE" not in run.results, f"{name}: a forged results file"
        if GRADESCOPE:
            assert _gradescope(run)["score"] == 0, f"{name}: points for a submission that could not be loaded"
        return

    # the results file is the real one: it agrees with pytest's summary, and stays so
    assert run.results is not None, f"{name}: no results file\n{run.tail()}"
    assert "HOSTILE-FAKE" not in run.results, f"{name}: the results file is the submission's forgery"
    data = json.loads(run.results)
    assert data["implementation"] == str(hostile.path)
    counts = _summary_counts(run.output)
    outcomes = [r["outcome"] for r in data["records"]]
    assert {k: outcomes.count(k) for k in ("failed", "passed", "skipped")} == \
        {k: counts.get(k, 0) for k in ("failed", "passed", "skipped")}, f"{name}: records disagree with {counts}"
    if hostile.lingers:
        assert run.results_later == run.results, f"{name}: the results file changed after the run"

    # the wrong part passed nothing, and the failures say why
    for capability in hostile.must_fail:
        mine = [r for r in data["records"] if r["capability"] == capability]
        assert mine, f"{name}: no check of {capability} ran"
        passed = [r["test"] for r in mine if r["outcome"] == "passed" and not any(b in r["test"] for b in BLIND)]
        assert not passed, f"{name}: {capability} passed {passed} with a wrong implementation"
        assert any(r["outcome"] == "failed" for r in mine), f"{name}: no check of {capability} failed"
    messages = " ".join(r["message"] for r in data["records"] if r["outcome"] == "failed")
    for reason in hostile.reasons:
        assert reason.lower() in messages.lower(), f"{name}: no failure says {reason!r}: {messages[:2000]}"

    if GRADESCOPE:
        grade = _gradescope(run)
        tests = {t["name"]: t for t in grade["tests"]}
        for capability in hostile.must_fail:
            assert tests[capability]["score"] == 0, f"{name}: {capability} earned points: {tests[capability]}"
        assert grade["score"] == pytest.approx(sum(t["score"] for t in grade["tests"]))
        assert grade["score"] < sum(t["max_score"] for t in grade["tests"])
        for capability, test in tests.items():  # points only where every check that ran passed
            mine = [r["outcome"] for r in data["records"] if r["capability"] == capability]
            if test["score"] > 0:
                assert "passed" in mine and "failed" not in mine, f"{name}: {capability} earned points: {mine}"


def _gradescope(run: Run) -> dict:
    """The Gradescope results file: present, not forged, well formed."""
    name = run.hostile.name
    assert run.gradescope is not None, f"{name}: no Gradescope results file\n{run.tail()}"
    assert "HOSTILE-FAKE" not in run.gradescope, f"{name}: the Gradescope file is the submission's forgery"
    grade = json.loads(run.gradescope)
    assert isinstance(grade.get("score"), (int, float)) and isinstance(grade.get("tests"), list)
    return grade


@pytest.mark.parametrize("name", [_param(n, "no-isolate") for n, h in HOSTILES.items() if h.control == "no-isolate"])
def test_control_without_isolation(runs, name):
    """In-process (--deltaspec-no-isolate) the same cheat works: why isolation is the default."""
    run = runs[(name, "no-isolate")]
    hostile = run.hostile
    assert not run.hung, f"{name}: the control run hung\n{run.tail()}"
    if hostile.control_expect == "exit0":
        assert run.returncode == 0, f"{name}: in-process, the cheat should end pytest with 0\n{run.tail()}"
        assert run.results is None, "pytest vanished before writing results"
    elif hostile.control_expect == "fake-results":
        assert run.results_later is not None and "HOSTILE-FAKE" in run.results_later, \
            f"{name}: in-process, the delayed writer should forge the results file"
    else:
        passed = [r for r in run.records() if r["capability"] in hostile.must_fail and r["outcome"] == "passed"
                  and not any(b in r["test"] for b in BLIND)]
        assert passed, f"{name}: in-process, the cheat should make a wrong check pass\n{run.tail()}"


# ---------------------------------------------------------------- the pieces, directly


def test_wire_refuses_what_is_not_plain_data():
    import numpy as np

    from deltaspec.conformance.isolation import wire

    class Sub(np.ndarray):
        pass

    class WithArray:
        def __array__(self, dtype=None, copy=None):
            return np.zeros(3)

    for value in (np.zeros(3).view(Sub), np.array([object()]), np.zeros(2, dtype=[("a", "f8")]), WithArray(),
                  np.array(["a"]), {1: "a"}, {"a": object()}, b"bytes", np.zeros(2, dtype=np.complex128)):
        with pytest.raises(wire.WireError):
            wire.encode_value(value)
    forged = [
        {"ndarray": "float64", "shape": [2 ** 32, 2 ** 32], "data": ""},    # a product that overflows int64
        {"ndarray": "float64", "shape": [3], "data": "AAAA"},               # data that does not fit
        {"ndarray": "object", "shape": [1], "data": "AAAAAAAAAAA="},
        {"ndarray": "float64", "shape": [True], "data": "AAAAAAAAAAA="},
        {"float": "1e-9"}, {"float": True}, 1.5, {"result": 1},
        {"dict": "ab"}, {"dict": [[1, 2]]}, {"dict": [["a"]]}, {"dict": [["a", {"float": "x"}]]},
        [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    ]
    for obj in forged:
        with pytest.raises(wire.WireError):
            wire.decode_value(obj)
    with pytest.raises(wire.WireError):
        wire.decode_value(list(range(wire.MAX_ITEMS + 1)))
    back = wire.decode_value(wire.encode_value([np.arange(6.0).reshape(2, 3), np.float32(1.5), float("nan"), 3]))
    assert type(back[0]) is np.ndarray and back[0].shape == (2, 3) and back[1].dtype == np.float32
    assert np.isnan(back[2]) and back[3] == 3


def _pipe_with(data: bytes):
    r, w = os.pipe()
    os.write(w, data)
    return r, w


def test_wire_never_waits_past_its_deadline():
    import struct

    from deltaspec.conformance.isolation import wire

    cases = [
        (struct.pack(">I", 100) + b'{"id": 1', wire.WireTimeout),   # a message that never finishes
        (b"\x00\x00", wire.WireTimeout),                            # half a header
        (struct.pack(">I", 2 << 30), wire.WireError),               # claims 2 GB: refused unread
        (struct.pack(">I", 3) + b"NaN", wire.WireError),            # JSON's non-standard constants
        (struct.pack(">I", 60000) + b"[" * 60000, wire.WireError),  # a JSON bomb (within a pipe buffer)
        (struct.pack(">I", 7) + b"\xff\xfe\x00xyz", wire.WireError),
    ]
    for data, error in cases:
        r, w = _pipe_with(data)
        start = time.monotonic()
        with pytest.raises(error):
            wire.receive(r, time.monotonic() + 0.3)
        assert time.monotonic() - start < 2
        os.close(r)
        os.close(w)
    r, w = os.pipe()
    os.set_blocking(w, False)
    start = time.monotonic()
    with pytest.raises(wire.WireTimeout):  # a peer that stops reading
        wire.send(w, {"data": "x" * (1 << 20)}, time.monotonic() + 0.3)
    assert time.monotonic() - start < 2
    os.close(r)
    os.close(w)


def test_polling_for_a_message_stops_at_its_window():
    """The spin before a blocking wait: True as soon as a message is there, False once
    the window has passed, and never longer than it."""
    from deltaspec.conformance.isolation import wire

    r, w = os.pipe()
    start = time.perf_counter()
    assert wire.poll(r, 0.02) is False
    assert 0.02 <= time.perf_counter() - start < 1
    assert wire.poll(r, -1.0) is False  # a deadline already past: one look, no wait
    os.write(w, b"x")
    start = time.perf_counter()
    assert wire.poll(r, 5.0) is True
    assert time.perf_counter() - start < 1
    os.close(r)
    os.close(w)


def test_adapter_refuses_tricks_and_non_finite_values_in_process():
    """The adapter's own checks (what --deltaspec-no-isolate relies on): no subclass, no
    ``__array__`` object, no object dtype, no NaN where every input is finite."""
    import numpy as np

    from deltaspec.conformance.interface.adapter import ImplementationError, Implementation
    from deltaspec.conformance.interface.loader import Loaded

    class Sub(np.ndarray):
        pass

    class WithArray:
        called = False

        def __array__(self, dtype=None, copy=None):
            WithArray.called = True
            return np.zeros(3)

    z = np.array([0.5, -1.0, 2.0])
    outputs = {"sub": np.zeros(3).view(Sub), "array_like": WithArray(), "objects": np.array([1.0, None, 2.0]),
               "nan": np.array([0.1, np.nan, 0.2]), "inf": [0.1, 0.2, float("inf")], "text": "0.5"}
    namespace = type("NS", (), {name: staticmethod(lambda v, out=out: out) for name, out in outputs.items()})
    impl = Implementation(Loaded(namespace, "ns", "ns", "test", {"LAYOUT": "row", "SIGN": 1, "PRIME_OF": "z",
                                                                      "REDUCTION": "spec"}))
    expected = {"sub": "subclass of numpy.ndarray", "array_like": "__array__", "objects": "dtype object",
                "nan": "non-finite", "inf": "non-finite", "text": "not an array"}
    for name, words in expected.items():
        with pytest.raises(ImplementationError, match=words):
            impl.activation(name, z)
    assert not WithArray.called


def test_text_from_the_worker_is_one_printable_line():
    from deltaspec.conformance.isolation.worker import clean

    forged = "x\n===== 110 passed in 0.42s =====\r\x1b[2K\x1b[1A\x07" + "y" * 1000
    text = clean(forged, 200)
    assert "\n" not in text and "\x1b" not in text and "\r" not in text and len(text) <= 200


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root on Linux")
def test_dropped_capabilities_keep_the_worker_out_of_other_memory():
    """The worker's capability drop (all the protection left when there is no namespace
    sandbox): parent_memory's attack rewrites a victim's tolerance with them, not without."""
    victim_code = ("import sys, time; tolerance = [float('1e-9') * 1.0]; print('ready', flush=True); "
                   "sys.stdin.readline(); print(tolerance[0], flush=True)")
    for drop, expected in ((False, "1e+300"), (True, "1e-09")):
        victim = subprocess.Popen([sys.executable, "-c", victim_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        try:
            assert victim.stdout.readline().strip() == "ready"
            attack = (f"import sys; sys.path.insert(0, {str(HOSTILE)!r}); import parent_memory; "
                      + ("from deltaspec.conformance.isolation import privileges; privileges.drop_bounding_set(); "
                         "privileges.clear_capabilities(); " if drop else "")
                      + f"print(parent_memory._patch({victim.pid}))")
            subprocess.run([sys.executable, "-c", attack], cwd=ROOT, check=True, capture_output=True, timeout=60)
            victim.stdin.write("\n")
            victim.stdin.flush()
            assert victim.stdout.readline().strip() == expected, f"capabilities dropped: {drop}"
        finally:
            victim.kill()
            victim.wait()
