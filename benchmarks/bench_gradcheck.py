"""conformance.gradcheck against torch.autograd.gradcheck: time, precision, what each detects.

On MLP losses (tanh hidden layers, linear output, half sum of squares over a batch of 16,
float64, parameters flattened into one vector) with about 20, 400 and 10k parameters:

* time of ``conformance.gradcheck(f, grad_f, x, mode="full")``, of ``mode="directional"``
  (8 directions, the default), of ``torch.autograd.gradcheck`` in its default slow mode and
  with ``fast_mode=True`` (torch's f is the same MLP written in torch ops, its gradient by
  autograd); medians of ``--runs`` interleaved repetitions, wall clock and CPU time of the
  process. With ``--baseline REV`` the full mode of ``conformance/gradcheck.py`` as of git
  revision REV is timed too, in the same interleaved runs ("before"). Where a full mode would
  take more than ``--full-budget`` seconds it runs on a random subset of the elements (every
  evaluation is still of the whole network) and the time is extrapolated; this is printed.
  How many elements full mode sent from its 4-evaluation screen to the Richardson table is
  counted by wrapping the module's private ``_screen_then_table``.
* precision: the max error of each method's numeric gradient against the exact analytic one
  (backpropagation in extended precision, ``np.longdouble``). deltaspec full mode: the
  ``result.numeric`` it compared with (the screen's estimate, the table's where it refined);
  ``numeric_gradient(f, x).value`` (the table everywhere); torch: its own numerical Jacobian,
  ``torch.autograd.gradcheck._get_numerical_jacobian`` at its default ``eps=1e-6`` (the
  central difference its slow mode uses). For the directional modes: the numeric directional
  derivatives (deltaspec's ``result.numeric``, torch's ``_get_numerical_vJu`` with the vectors
  its fast mode draws) against the exact ones.
* detection: a relative error r is injected into one element of the analytic gradient (the
  element of largest magnitude, and one of median magnitude) and each check's verdict is
  printed; torch's at its defaults (rtol=1e-3, atol=1e-5) for r >= 1e-4 only (below its rtol
  it cannot fail), deltaspec's at its defaults.
* targets, per network: full mode's CPU time / torch slow mode's (<= 0.5), full mode's error
  floor max|numeric - exact| / max|exact| (<= 1e-12), and the smallest injected r that full
  mode catches in both elements (<= 1e-8), with the machine and its load.

numpy's OpenBLAS and torch both run on ``--threads`` threads (default 1: on a shared 2-core
machine torch's two intra-op threads make a tiny MLP's evaluation many times slower).
torch is optional: without it only the deltaspec rows are printed.

    python benchmarks/bench_gradcheck.py [--runs 3] [--threads 1] [--baseline REV] [--full-budget 60]
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--runs", type=int, default=3, help="interleaved repetitions of each timing")
PARSER.add_argument("--threads", type=int, default=1, help="BLAS and torch threads")
PARSER.add_argument("--full-budget", type=float, default=60.0,
                    help="seconds above which full mode is timed on a subset and extrapolated")
PARSER.add_argument("--subset", type=int, default=500, help="elements in that subset")
PARSER.add_argument("--no-torch", action="store_true", help="skip torch even if it is installed")
PARSER.add_argument("--baseline", metavar="REV", default=None,
                    help="also time full mode of conformance/gradcheck.py as of this git revision")
ARGS = PARSER.parse_args()
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)  # before numpy loads OpenBLAS
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402

import deltaspec.conformance.gradcheck as GC  # noqa: E402
from deltaspec.conformance.gradcheck import gradcheck, numeric_gradient  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFINED: list[int] = []  # elements each full-mode call sent from the screen to the table


def _counting(screen_then_table):
    def wrapped(*args, **kwargs):
        fd, refined = screen_then_table(*args, **kwargs)
        REFINED.append(int(refined.sum()))
        return fd, refined

    return wrapped


GC._screen_then_table = _counting(GC._screen_then_table)


def load_baseline(rev: str):
    """conformance/gradcheck.py as of git revision ``rev``, imported as a module of its own
    (it depends on numpy only)."""
    src = subprocess.run(["git", "show", f"{rev}:conformance/gradcheck.py"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    path = os.path.join(tempfile.mkdtemp(), "gradcheck_baseline.py")
    with open(path, "w") as fh:
        fh.write(src)
    spec = importlib.util.spec_from_file_location("gradcheck_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gradcheck_baseline"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


BASELINE = load_baseline(ARGS.baseline) if ARGS.baseline else None

try:
    if ARGS.no_torch:
        raise ImportError("--no-torch")
    import torch

    torch.set_num_threads(ARGS.threads)
    TGC = importlib.import_module("torch.autograd.gradcheck")
except ImportError as exc:  # optional dependency
    torch = None
    TORCH_MISSING = str(exc)

NETWORKS = {"~20": [3, 3, 2], "~400": [12, 20, 6], "~10k": [50, 100, 50, 1]}
BATCH = 16
RS = (1e-4, 1e-6, 1e-8, 3e-9, 1e-9)
TORCH_RS = (0.0, 1e-2, 1e-4)  # torch's rtol is 1e-3: smaller errors cannot fail its check
EVALS_PER_ELEMENT = 4.1  # the screen's 4, plus the table (about 32) on the odd element
BASELINE_EVALS_PER_ELEMENT = 32.5  # the table everywhere: 2 * 10 levels + 12 probe evaluations
TARGETS = {"ratio": 0.5, "floor": 1e-12, "detect": 1e-8}


# ---------------------------------------------------------------- problems
class MLP:
    """Half sum of squares of an MLP's output against targets, as f(theta) of one flat vector."""

    def __init__(self, sizes: list[int], seed: int = 0):
        rng = np.random.default_rng(seed)
        self.sizes, self.L = sizes, len(sizes) - 1
        self.shapes = [s for a, b in zip(sizes, sizes[1:]) for s in ((a, b), (b,))]
        self.offsets = np.cumsum([0] + [int(np.prod(s)) for s in self.shapes])
        self.X = rng.uniform(-1, 1, (BATCH, sizes[0]))
        self.T = rng.uniform(-1, 1, (BATCH, sizes[-1]))
        self.theta = np.concatenate([rng.uniform(-1, 1, int(np.prod(s))) / np.sqrt(s[0] if len(s) == 2 else 1)
                                     for s in self.shapes])
        self.size = self.theta.size

    def unpack(self, t):
        return [t[self.offsets[i]:self.offsets[i + 1]].reshape(s) for i, s in enumerate(self.shapes)]

    def f(self, t: np.ndarray) -> float:
        p, a = self.unpack(t), self.X
        for l in range(self.L):
            z = a @ p[2 * l] + p[2 * l + 1]
            a = np.tanh(z) if l < self.L - 1 else z
        r = a - self.T
        return 0.5 * np.sum(r * r)

    def grad(self, t: np.ndarray, dtype=np.float64) -> np.ndarray:
        """Backpropagation; with dtype=np.longdouble the 'exact' gradient."""
        p = [q.astype(dtype) for q in self.unpack(np.asarray(t))]
        a = self.X.astype(dtype)
        acts = [a]
        for l in range(self.L):
            z = a @ p[2 * l] + p[2 * l + 1]
            a = np.tanh(z) if l < self.L - 1 else z
            acts.append(a)
        d, out = acts[-1] - self.T.astype(dtype), [None] * (2 * self.L)
        for l in reversed(range(self.L)):
            out[2 * l], out[2 * l + 1] = acts[l].T @ d, d.sum(axis=0)
            if l:
                d = (d @ p[2 * l].T) * (1 - acts[l] ** 2)
        return np.concatenate([o.ravel() for o in out])

    def torch_f(self):
        Xt, Tt = torch.tensor(self.X), torch.tensor(self.T)
        spans = [(int(self.offsets[i]), int(self.offsets[i + 1]), s) for i, s in enumerate(self.shapes)]
        L = self.L

        def tf(t):
            a = Xt
            for l in range(L):
                (w0, w1, ws), (b0, b1, _) = spans[2 * l], spans[2 * l + 1]
                z = a @ t[w0:w1].view(ws) + t[b0:b1]
                a = torch.tanh(z) if l < L - 1 else z
            r = a - Tt
            return 0.5 * (r * r).sum()

        return tf

    def torch_f_with_grad(self, grad_np):
        """torch's f with the given (possibly wrong) analytic gradient as its backward."""
        tf, g = self.torch_f(), torch.tensor(grad_np)

        class F(torch.autograd.Function):
            @staticmethod
            def forward(ctx, t):
                return tf(t)

            @staticmethod
            def backward(ctx, grad_out):
                return grad_out * g

        return F.apply


class Subset:
    """f and grad_f as functions of a subset of theta's elements (the rest held fixed)."""

    def __init__(self, net: MLP, idx: np.ndarray, grad_full: np.ndarray):
        self.net, self.idx, self.g = net, idx, grad_full
        self.work = net.theta.copy()

    def f(self, xs):
        self.work[self.idx] = xs
        return self.net.f(self.work)

    def grad(self, xs):
        return self.g[self.idx]


# ----------------------------------------------------------------- output
def table(headers, rows, right=None):
    right = set(range(1, len(headers))) if right is None else right
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    fmt = lambda row: "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)  # noqa: E731
                                for i, (c, w) in enumerate(zip(row, widths)))
    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def secs(t: float) -> str:
    return f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


def timeit(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def eval_time(fn, arg, n=300) -> float:
    fn(arg)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn(arg)
        samples.append((time.perf_counter() - start) / n)
    return statistics.median(samples)


# ------------------------------------------------------------------ parts
def stars(g: np.ndarray) -> dict[str, int]:
    """The elements errors are injected into: the largest |g|, and one of median |g|."""
    order = np.argsort(np.abs(g))
    return {"largest |g|": int(order[-1]), "median |g|": int(order[g.size // 2])}


def subset(size: int, m: int, must: list[int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pool = np.setdiff1d(np.arange(size), must)
    return np.unique(np.concatenate([must, rng.choice(pool, m - len(must), replace=False)])).astype(int)


class Full:
    """A full mode to measure: this tree's gradcheck, or the baseline revision's."""

    def __init__(self, label: str, module, evals_per_element: float):
        self.label, self.module, self.epe = label, module, evals_per_element

    def __repr__(self):
        return self.label


FULLS = [Full("deltaspec full", GC, EVALS_PER_ELEMENT)]
if BASELINE is not None:
    FULLS.append(Full(f"deltaspec full, before ({ARGS.baseline})", BASELINE, BASELINE_EVALS_PER_ELEMENT))


def setup(name, sizes):
    net = MLP(sizes)
    g64 = net.grad(net.theta)
    exact = net.grad(net.theta, np.longdouble)
    t_np = eval_time(net.f, net.theta)
    must = sorted(set(stars(g64).values()))
    case = dict(name=name, net=net, g=g64, exact=exact, t_np=t_np, must=must, idx={}, det_idx={}, predicted={})
    for full in FULLS:
        plan(case, full)
    return case


def plan(case, full: Full) -> None:
    """Whether ``full`` runs on all elements or on a subset (timing, detection)."""
    net, key = case["net"], full.label
    case["idx"][key] = case["det_idx"][key] = None
    predicted = case["t_np"] * full.epe * net.size
    if predicted > 10.0:  # a pilot on 100 elements predicts better (the engine has overheads too)
        case["idx"][key] = subset(net.size, 100, case["must"], 2)
        t = timeit(lambda: run_full(case, full))
        predicted = t * net.size / case["idx"][key].size
        if predicted > 10.0:
            case["det_idx"][key] = subset(net.size, 200, case["must"], 3)  # detection needs no more
    case["predicted"][key] = predicted
    case["idx"][key] = (subset(net.size, ARGS.subset, case["must"], 1)
                        if predicted > ARGS.full_budget and ARGS.subset < net.size else None)


def run_full(case, full: Full, grad=None, idx="timing", **kw):
    """Full mode (on the subset if one was chosen); returns (result, scale factor)."""
    net = case["net"]
    idx = case["idx"][full.label] if isinstance(idx, str) else idx
    g = case["g"] if grad is None else grad
    if idx is None:
        return full.module.gradcheck(net.f, lambda t: g, net.theta, mode="full", **kw), 1.0
    sub = Subset(net, idx, g)
    return full.module.gradcheck(sub.f, sub.grad, net.theta[idx].copy(), mode="full", **kw), net.size / idx.size


def run_torch(c, m):
    calls = [0]

    def counted(t, tf=c["tf"]):
        calls[0] += 1
        return tf(t)

    x = torch.tensor(c["net"].theta, requires_grad=True)
    assert torch.autograd.gradcheck(counted, (x,), fast_mode=m.endswith("True"))
    return calls[0]


def timings(cases):
    print(f"\n== time (median of {ARGS.runs} interleaved runs, one process; CPU = process time) ==")
    methods = [FULLS[0], "deltaspec directional (8 dirs)"]
    if torch is not None:
        methods += ["torch slow (fast_mode=False)", "torch fast_mode=True"]
    methods += FULLS[1:]
    key = lambda c, m: (c["name"], str(m))  # noqa: E731
    res = {key(c, m): [] for c in cases for m in methods}
    cpu = {key(c, m): [] for c in cases for m in methods}
    evals, refined = {}, {}
    for c in cases:  # warm-up, not timed
        c["tf"] = tf = c["net"].torch_f() if torch is not None else None
        if torch is not None:
            x = torch.tensor(c["net"].theta, requires_grad=True)
            torch.autograd.gradcheck(tf, (x,), fast_mode=True)
            c["t_torch"] = eval_time(lambda t: tf(t), x.detach())
    for rep in range(ARGS.runs):
        for c in cases:
            net = c["net"]
            order = methods if rep % 2 == 0 else methods[::-1]
            for m in order:
                k = key(c, m)
                c0, t0, scale = time.process_time(), time.perf_counter(), 1.0
                if isinstance(m, Full):
                    n_before = len(REFINED)
                    r, scale = run_full(c, m)
                    evals[k] = r.n_evaluations * scale / net.size
                    if m.module is GC:
                        n_checked = sum(a.size for a in r.analytic.values())
                        refined[c["name"]] = (REFINED[n_before], n_checked) if len(REFINED) > n_before else None
                    c.setdefault("full_result", {})[m.label] = r
                elif m.startswith("deltaspec directional"):
                    r = gradcheck(net.f, lambda t, g=c["g"]: g, net.theta, mode="directional")
                    evals[k] = r.n_evaluations / net.size
                    c["dir_result"] = r
                else:
                    evals[k] = run_torch(c, m) / net.size
                res[k].append((time.perf_counter() - t0) * scale)
                cpu[k].append((time.process_time() - c0) * scale)
        print(f"  repetition {rep + 1} done, load average {load()}", flush=True)
    rows = []
    for c in cases:
        for m in methods:
            ts, note = res[key(c, m)], ""
            if isinstance(m, Full) and c["idx"][m.label] is not None:
                idx = c["idx"][m.label]
                note = (f"timed on {idx.size} random elements, x {c['net'].size / idx.size:.1f} "
                        f"(whole run predicted {c['predicted'][m.label]:.0f} s > {ARGS.full_budget:.0f} s)")
            if m is FULLS[0] and refined.get(c["name"]) is not None:
                note = "{} of {} elements sent to the table ".format(*refined[c["name"]]) + note
            rows.append([c["name"] if m is methods[0] else "", str(c["net"].size) if m is methods[0] else "",
                         str(m), secs(statistics.median(ts)), " ".join(secs(t) for t in ts),
                         secs(statistics.median(cpu[key(c, m)])), f"{evals[key(c, m)]:.2f}", note])
    table(["network", "params", "method", "wall median", "wall, all runs", "CPU median", "f evals / param",
           "note"], rows, {1, 3, 5, 6})
    per_eval = []
    for c in cases:
        per_eval.append([c["name"], f"{c['t_np'] * 1e6:.1f} us",
                         f"{c['t_torch'] * 1e6:.1f} us" if torch is not None else "-"])
    print("\none evaluation of f (median, wall):")
    table(["network", "numpy f (deltaspec)", "torch f (no autograd graph)"], per_eval)
    if torch is not None:
        slow = "torch slow (fast_mode=False)"
        for c in cases:
            c["ratio"] = {}
            for full in FULLS:
                c["ratio"][full.label] = tuple(statistics.median(d[key(c, full)]) / statistics.median(d[key(c, slow)])
                                               for d in (cpu, res))
            c["t_torch_slow"] = statistics.median(res[key(c, slow)])
    for c in cases:
        c["refined"] = refined.get(c["name"])


def rel_stats(n, a):
    n, a = np.asarray(n, dtype=np.longdouble), np.asarray(a, dtype=np.longdouble)
    d = np.abs(n - a)
    scale = np.max(np.abs(a))
    with np.errstate(all="ignore"):
        elem = np.where(np.abs(a) > 0, d / np.abs(a), np.where(d > 0, np.inf, 0))
    return float(np.max(d) / scale), float(np.max(elem)), float(np.median(elem))


def precision(cases):
    print("\n== precision: numeric gradient vs exact analytic (backprop in np.longdouble) ==")
    rows = []
    for c in cases:
        net, exact = c["net"], c["exact"]
        rows.append([c["name"], "float64 backprop itself (reference for the rows below)", "all",
                     *(f"{v:.1e}" for v in rel_stats(c["g"], exact))])
        c["floor"] = {}
        for full in FULLS:
            r, idx = c["full_result"][full.label], c["idx"][full.label]
            stats = rel_stats(r.numeric["x"], exact if idx is None else exact[idx])
            c["floor"][full.label] = stats[0]
            what = "result.numeric" + (" (screen, table where refined)" if full.module is GC else " (table)")
            rows.append(["", f"{full.label}: {what}", "all" if idx is None else f"{idx.size}",
                         *(f"{v:.1e}" for v in stats)])
        n = numeric_gradient(net.f, net.theta).value
        rows.append(["", "deltaspec numeric_gradient(f, x).value (the table everywhere)", "all",
                     *(f"{v:.1e}" for v in rel_stats(n, exact))])
        if torch is not None:
            x = torch.tensor(net.theta, requires_grad=True)
            num = TGC._get_numerical_jacobian(c["tf"], (x,), eps=1e-6)[0][0].numpy().ravel()
            rows.append(["", "torch _get_numerical_jacobian, eps=1e-6", "all", *(f"{v:.1e}" for v in rel_stats(num, exact))])
        r = c["dir_result"]
        dir_exact = r.directions.astype(np.longdouble) @ exact
        rows.append(["", "deltaspec directional: 8 directional derivatives", "8",
                     *(f"{v:.1e}" for v in rel_stats(r.numeric["directions"], dir_exact))])
        if torch is not None:
            try:
                x = torch.tensor(net.theta, requires_grad=True)
                out = c["tf"](x)
                _, all_u, _ = TGC._make_vectors((x,), (out,), use_forward_ad=False)
                ju = TGC._get_numerical_vJu(c["tf"], (x,), [0], (out,), all_u, None, 1e-6, False)[0][0]
                u = all_u[0].detach().numpy().astype(np.longdouble).ravel()
                rows.append(["", "torch fast mode: its 1 directional derivative (eps=1e-6)", "1",
                             *(f"{v:.1e}" for v in rel_stats(float(ju.reshape(())), u @ exact))])
            except Exception as exc:  # noqa: BLE001 - internal API may move
                rows.append(["", f"torch fast mode: internal API not reachable ({type(exc).__name__})", "-",
                             "-", "-", "-"])
    table(["network", "numeric gradient", "elements", "max|n-a| / max|a|", "max |n-a|/|a|", "median |n-a|/|a|"],
          rows, {2, 3, 4, 5})


def detection(cases):
    print("\n== detection: one element of the analytic gradient scaled by (1 + r) ==")
    print("   (deltaspec at its defaults; torch at rtol=1e-3, atol=1e-5, for r >= 1e-4 only: below its rtol it "
          "cannot fail;\n    CAUGHT = the check fails; r = 1e-2 shows torch's check is wired to the injected gradient)")
    rows, skipped = [], None
    v = lambda ok: "passes" if ok else "CAUGHT"  # noqa: E731
    for c in cases:
        net, g = c["net"], c["g"]
        first, c["caught"] = True, {full.label: {} for full in FULLS}
        for which, star in stars(g).items():
            for k, r in enumerate((0.0, 1e-2, *RS)):
                gi = g.copy()
                gi[star] *= 1.0 + r
                row = [c["name"] if first else "", "" if k else
                       f"{star}, {which}, |g|/max|g| = {abs(g[star]) / np.max(np.abs(g)):.2g}",
                       f"{r:.0e}" if r else "0 (control)"]
                first = False
                for full in FULLS:
                    idx = c["det_idx"][full.label]
                    ok = run_full(c, full, grad=gi, idx=idx, raise_on_failure=False)[0].ok
                    c["caught"][full.label].setdefault(r, []).append(not ok)
                    row.append(v(ok) + (f" ({idx.size}-elem. subset)" if idx is not None else ""))
                row.append(v(gradcheck(net.f, lambda t: gi, net.theta, mode="directional", raise_on_failure=False).ok))
                if torch is not None:
                    fn = net.torch_f_with_grad(gi)
                    for fast in (False, True):
                        if r not in TORCH_RS:
                            row.append("-")
                            continue
                        if not fast and which != "largest |g|" and c["t_torch_slow"] > 5.0:
                            row.append("not run (*)")
                            skipped = c["t_torch_slow"]
                            continue
                        x = torch.tensor(net.theta, requires_grad=True)
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            row.append(v(torch.autograd.gradcheck(fn, (x,), fast_mode=fast, raise_exception=False)))
                rows.append(row)
    headers = ["network", "injected element (flat index)", "r", *(str(f) for f in FULLS), "deltaspec directional"]
    if torch is not None:
        headers += ["torch slow", "torch fast"]
    table(headers, rows, set())
    if skipped:
        print(f"(*) torch's slow mode costs {skipped:.0f} s a check here; omitted to keep the run short.")


def smallest_caught(caught: dict[float, list[bool]]) -> float:
    """The smallest injected r caught in every element tried, provided the control passed
    and every larger r was caught too; inf if none."""
    if any(caught[0.0]):
        return np.inf
    best = np.inf
    for r in sorted((r for r in caught if r), reverse=True):
        if not all(caught[r]):
            break
        best = r
    return best


def machine() -> str:
    return (f"{platform.platform()}, {os.cpu_count()} CPUs ({platform.machine()}); Python {platform.python_version()}, "
            f"numpy {np.__version__}, torch {torch.__version__ if torch is not None else 'not available'}")


def git_state() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "conformance/gradcheck.py")
    return f"commit {git('rev-parse', '--short', 'HEAD')}" + (", conformance/gradcheck.py modified" if dirty else "")


def targets(cases):
    print("\n== targets (deltaspec full mode) ==")
    rows = []
    for full in FULLS:
        for c in cases:
            ratio = c.get("ratio", {}).get(full.label)
            det = smallest_caught(c["caught"][full.label])
            fl = c["floor"][full.label]
            met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
            rows.append([full.label if c is cases[0] else "", c["name"], str(c["net"].size),
                         f"{ratio[0]:.2f}x" if ratio else "-", f"<= {TARGETS['ratio']}x",
                         met(ratio[0] <= TARGETS["ratio"]) if ratio else "-",
                         f"{ratio[1]:.2f}x" if ratio else "-",
                         f"{fl:.1e}", "<= 1e-12", met(fl <= TARGETS["floor"]),
                         f"{det:.0e}" if np.isfinite(det) else "none", "<= 1e-8", met(det <= TARGETS["detect"]),
                         "{} of {}".format(*c["refined"]) if full.module is GC and c["refined"] is not None else "-"])
    table(["method", "network", "params", "CPU / torch slow", "target", "verdict", "(wall ratio)", "error floor",
           "target", "verdict", "smallest r caught", "target", "verdict", "sent to the table"], rows,
          {2, 3, 6, 7, 10})
    print("CPU / torch slow: ratio of the medians of process CPU time (the wall ratio beside it is noisier on a shared "
          "machine); error floor: max|numeric - exact| / max|exact| of full mode's result.numeric; smallest r caught: "
          f"of {RS}, in both injected elements (largest and median |g|), the control passing.")
    print(f"machine: {machine()}; load average (1/5/15 min) {load()}")


def main():
    print(f"machine: {machine()}")
    print(f"code: {git_state()}" + (f"; baseline (before): conformance/gradcheck.py at {ARGS.baseline}" if BASELINE else ""))
    if torch is None:
        print(f"torch unavailable ({TORCH_MISSING}): only deltaspec is measured "
              "(pip install torch==2.13.0 for the comparison)")
    else:
        print(f"threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
              f"torch.get_num_threads()={torch.get_num_threads()}")
    print(f"load average (1/5/15 min) at start: {load()}")
    start = time.perf_counter()
    cases = [setup(name, sizes) for name, sizes in NETWORKS.items()]
    print("networks: " + "; ".join(f"{c['name']}: sizes {c['net'].sizes}, {c['net'].size} params"
                                   for c in cases) + f"; batch {BATCH}, tanh hidden, linear output, half SSE")
    timings(cases)
    precision(cases)
    detection(cases)
    targets(cases)
    print(f"load average (1/5/15 min) at the end: {load()}; this script took {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
