"""Numeric NumPy functions compiled from the spec's SymPy expressions, served without SymPy.

Nothing numeric here is typed by hand: every function body is printed from an
expression in ``spec.activations``, ``spec.losses`` or ``spec.derive`` by
``spec.codegen``. Two forms exist:

* stable (the default): Piecewise expressions are evaluated branch by branch, each
  branch only on the elements where its condition holds, so sigmoid(-800) never
  computes exp(800), and bce never computes 0 * ln 0;
* naive: the textbook expression printed as is, e.g. ``1/(1 + numpy.exp(-z))``. The
  faithful seed trainers use it, because it does the tutorials' arithmetic.

Where the functions come from, first match wins:

1. ``spec/_generated.py``, shipped with the package, when its KEY equals :func:`key`,
   the hash of the spec source it is derived from (``python -m deltaspec.spec source
   --write`` regenerates it; a test fails while it is stale);
2. the user cache (``$DELTASPEC_CACHE_DIR``, else ``$XDG_CACHE_HOME/deltaspec``, else
   ``~/.cache/deltaspec``), under the same key: a catalog being edited;
3. SymPy, now (seconds); the result is cached when the cache is writable, else kept in
   memory only.

So an installed deltaspec never imports SymPy for numbers: not with a read-only home,
not in a sandbox whose cache is private. The catalog's names (ACTIVATIONS, LOSSES,
OUTPUT_FOR_LOSS, ...) come from the same module, so the catalog is their one source.

Array conventions: the row layout, Y and T of shape (N, K); a 1-D array is one sample.
``layout="column"`` takes (K, N) instead.
"""
from __future__ import annotations

import hashlib
import os
import types
from pathlib import Path
from types import MappingProxyType

import numpy as np

from deltaspec.files import write_text_atomic
from deltaspec.spec import backprop

# what the generated module is derived from: the catalog, the derivations, the printer
_SOURCES = ("activations.py", "losses.py", "derive.py", "codegen.py")
SHIPPED = Path(__file__).with_name("_generated.py")

# ---------------------------------------------------------------- where the module comes from


def key() -> str | None:
    """Hash of the spec source the generated module is derived from (line endings
    normalized), or None when that source is not on disk."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    try:
        for fname in _SOURCES:
            digest.update((here / fname).read_bytes().replace(b"\r\n", b"\n"))
    except OSError:
        return None
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """$DELTASPEC_CACHE_DIR, else $XDG_CACHE_HOME/deltaspec, else ~/.cache/deltaspec.

    Raises RuntimeError when there is no home directory to put it in."""
    if os.environ.get("DELTASPEC_CACHE_DIR"):
        return Path(os.environ["DELTASPEC_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "deltaspec"


def _shipped(current: str | None) -> types.ModuleType | None:
    """The module shipped with the package, when it was derived from the current source
    (or when that source is not there to compare with)."""
    try:
        from deltaspec.spec import _generated
    except ImportError:
        return None
    return _generated if current is None or _generated.KEY == current else None


def _cache_path(current: str | None) -> Path | None:
    if current is None:
        return None
    try:
        return cache_dir() / f"compiled_{current}.py"
    except RuntimeError:  # no home directory: no cache
        return None


def _read(path: Path | None) -> str | None:
    try:
        return None if path is None else path.read_text()
    except OSError:
        return None


def _executed(text: str, path: Path | None) -> types.ModuleType:
    module = types.ModuleType("deltaspec.spec._generated")
    module.__file__ = str(path) if path else "<deltaspec.spec._generated>"
    exec(compile(text, module.__file__, "exec"), module.__dict__)
    return module


def _load(shipped: bool = True, cache: bool = True) -> types.ModuleType:
    """The generated module: shipped, else cached, else derived now (and cached)."""
    current = key()
    module = _shipped(current) if shipped else None
    if module is not None:
        return module
    path = _cache_path(current) if cache else None
    text = _read(path)
    if text is None:
        from deltaspec.spec import codegen

        text = codegen.generate(current)
        if path is not None:
            try:
                # whole or not at all, and 0644: another user (a sandboxed worker, a grader) may read it
                write_text_atomic(path, text, parents=True)
            except OSError:
                path = None  # an unwritable cache costs speed, never correctness
    return _executed(text, path)


_compiled: types.ModuleType = _load()


def compiled() -> types.ModuleType:
    """The module of generated functions, loaded once per process."""
    return _compiled


def rebuild(use_cache: bool = False) -> types.ModuleType:
    """Ignore the shipped module and derive everything again (the cold path), or take
    it from the user cache with ``use_cache``; for benchmarks and tests."""
    global _compiled
    _compiled = _load(shipped=False, cache=use_cache)
    return _compiled


def shipped_is_fresh() -> bool:
    """Whether ``spec/_generated.py`` was derived from the spec source as it is now."""
    return _shipped(key()) is not None


def ship() -> Path:
    """Derive the module again and write it as ``spec/_generated.py``; returns the path."""
    from deltaspec.spec import codegen

    write_text_atomic(SHIPPED, codegen.generate(key()))
    return SHIPPED


# ---------------------------------------------------------------- the catalog's names

ACTIVATIONS: tuple[str, ...] = _compiled.ACTIVATIONS  # elementwise, in catalog order
SOFTMAX: str = _compiled.SOFTMAX  # the vector-valued one, output layer only
OUTPUTS: tuple[str, ...] = ACTIVATIONS + (SOFTMAX,)
LOSSES: tuple[str, ...] = _compiled.LOSSES
# loss -> the output activations it is meant for; a loss not listed takes any
OUTPUT_FOR_LOSS = MappingProxyType(_compiled.OUTPUT_FOR_LOSS)
# activation -> the points where it has a kink (where g' is a convention)
KINKS = MappingProxyType(_compiled.KINKS)
LAYOUTS: tuple[str, ...] = backprop.LAYOUTS


# ---------------------------------------------------------------- public API


def _check(name, known, what):
    if name not in known:
        raise ValueError(f"unknown {what} {name!r}; known: {', '.join(known)}")


def activation(name: str, naive: bool = False):
    """g(z), elementwise; ``naive`` gives the textbook arithmetic (may overflow)."""
    if name == SOFTMAX:
        return softmax
    _check(name, ACTIVATIONS, "activation")
    return getattr(compiled(), f"act_{name}" + ("__naive" if naive else ""))


def activation_prime(name: str, of: str = "z", naive: bool = False):
    """g'(z) as a function of z (``of="z"``), of the output a = g(z) (``of="a"``), or of
    both, f(z, a) (``of="za"``, naive only: the rbf's -2 z a).

    Raises ValueError where that form does not exist (rbf has no g'(a); only g's whose
    derivative mentions both z and g(z) have a "za" form).
    """
    _check(name, ACTIVATIONS, "activation")
    _check(of, ("z", "a", "za"), "argument kind")
    fname = f"prime_{of}_{name}" + ("__naive" if naive and of != "za" else "")
    func = getattr(compiled(), fname, None)
    if func is None:
        what = "its output a" if of == "a" else "both z and a = g(z)"
        raise ValueError(f"{name}'s derivative cannot be written in terms of {what}")
    return func


def has_prime_of_a(name: str) -> bool:
    """Whether g'(z) can be written as a function of a = g(z)."""
    return hasattr(compiled(), f"prime_a_{name}")


def samples(y, layout: str = "row") -> tuple[int, int]:
    """(N, K): samples and outputs per sample. A 0-d or 1-D array is one sample."""
    _check(layout, LAYOUTS, "layout")
    y = np.asarray(y)
    if y.ndim < 2:
        return 1, max(y.size, 1)
    n = y.shape[0] if layout == "row" else y.shape[-1]
    return n, y.size // max(n, 1)


def loss(name: str, layout: str = "row"):
    """E(y, t) -> float: c * sum of the stable per-element term."""
    _check(name, LOSSES, "loss")
    mod = compiled()
    term, scale = getattr(mod, f"term_{name}"), getattr(mod, f"scale_{name}")

    def energy(y, t):
        n, k = samples(y, layout)
        with np.errstate(divide="ignore"):  # ln 0 = -inf is the right answer there
            return float(scale(n, k) * np.sum(term(y, t)))

    energy.__name__ = name
    energy.__doc__ = f"{name}(y, t): the catalog loss, {layout} layout."
    return energy


def loss_scale(name: str, n: int, k: int) -> float:
    """c(N, K), the reduction constant of E = c * sum l(y, t) (spec.losses): 1/2 for
    half_sse, 1/(N K) for mse and bce, 1/N for cross_entropy, 1 for sse."""
    _check(name, LOSSES, "loss")
    return float(getattr(compiled(), f"scale_{name}")(n, k))


def loss_prime(name: str, layout: str = "row"):
    """dE/dy, elementwise, same shape as y (includes the reduction constant)."""
    _check(name, LOSSES, "loss")
    dterm = getattr(compiled(), f"dterm_{name}")

    def gradient(y, t):
        n, k = samples(y, layout)
        with np.errstate(divide="ignore"):
            return dterm(y, t, n, k)

    gradient.__name__ = f"{name}_prime"
    return gradient


def _sum_axis(layout):
    return -1 if layout == "row" else 0


def softmax(z, layout: str = "row"):
    """softmax over each sample's logits: exp(z - max z) / sum exp(z - max z).

    Subtracting the max is exact (``spec.derive.softmax_shift_invariance``) and keeps
    every exponent <= 0. Row layout: over the last axis; column layout: over axis 0.
    """
    _check(layout, LAYOUTS, "layout")
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    axis = _sum_axis(layout) if z.ndim >= 1 else None
    shifted = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def output_delta(loss_name: str, act_name: str, layout: str = "row"):
    """delta_L = dE/dz_L as a function (y, t, z) -> array, from the derived closed form.

    For softmax the closed form needs S = sum_k y_k G_k per sample (G = dE/dy), or
    S_t = sum_k t_k where the delta closes over the targets alone (cross_entropy: the
    generated SOFTMAX_TARGET_SUM); both are sums over the sample's outputs.
    """
    _check(loss_name, LOSSES, "loss")
    _check(act_name, OUTPUTS, "output activation")
    mod = compiled()
    closed = getattr(mod, f"delta_{loss_name}__{act_name}")

    def delta(y, t, z):
        n, k = samples(y, layout)
        with np.errstate(divide="ignore", invalid="ignore"):
            if act_name != SOFTMAX:
                return closed(y, t, z, n, k)
            axis = _sum_axis(layout) if np.ndim(y) >= 1 else None
            if loss_name in mod.SOFTMAX_TARGET_SUM:
                s = np.sum(t, axis=axis, keepdims=True)
            else:
                s = np.sum(y * loss_prime(loss_name, layout)(y, t), axis=axis, keepdims=True)
            return closed(y, t, s, n, k)

    delta.__name__ = f"delta_{loss_name}_{act_name}"
    return delta


def compile_expr(expr, params, naive: bool = False):
    """Compile any SymPy expression in the named parameters the way the catalog is
    compiled (stable, branch-by-branch Piecewise evaluation unless ``naive``).

    This is the slow path (it needs SymPy); the catalog itself is compiled once, ahead.
    """
    from deltaspec.spec import codegen

    return codegen.function(expr, params, naive)


def source() -> str:
    """The generated module's source text (the shipped module's, or the cache's)."""
    try:
        return Path(compiled().__file__).read_text()
    except OSError:  # derived in memory only
        from deltaspec.spec import codegen

        return codegen.generate(key())

