"""The generated module ships with the package, fresh, and spares every process SymPy.

``spec/_generated.py`` is what ``spec.numeric`` serves its functions and the catalog's
names from. It must be derived from the spec source as it is now (its KEY), and equal,
number for number, to a derivation made here; a process with a read-only home and no
cache must use it without importing SymPy; the user cache takes over only when it is
stale, and an unusable cache costs time, never correctness.
"""
import inspect
import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from deltaspec.spec import _generated, activations, codegen, losses, numeric
from deltaspec.spec.__main__ import main as spec_main

ROOT = Path(__file__).resolve().parents[2]
LENGTH = 201
N, K = 3.0, 2.0
# one sample array per parameter name of the generated functions (z includes the kink 0)
ARGUMENTS = {
    "z": np.linspace(-40.0, 40.0, LENGTH),
    "a": np.linspace(-1.5, 1.5, LENGTH),
    "y": np.linspace(0.005, 0.995, LENGTH),
    "t": np.resize([0.0, 1.0, 0.25], LENGTH),
    "S": np.linspace(-1.0, 1.0, LENGTH),
}
CATALOG_NAMES = ("ACTIVATIONS", "SOFTMAX", "LOSSES", "OUTPUT_FOR_LOSS", "KINKS", "SOFTMAX_TARGET_SUM")


@pytest.fixture(scope="module")
def derived():
    """The module derived now, with SymPy, from the spec source as it is."""
    module = types.ModuleType("derived")
    exec(compile(codegen.generate(numeric.key()), "<derived>", "exec"), module.__dict__)
    return module


def _functions(module) -> dict:
    return {name: f for name, f in vars(module).items()
            if callable(f) and not name.startswith("_") and getattr(f, "__module__", None) != "numpy"}


def test_shipped_module_is_the_one_in_use_and_fresh():
    assert _generated.KEY == numeric.key(), "spec/_generated.py is stale: python -m deltaspec.spec source --write"
    assert numeric.shipped_is_fresh()
    assert numeric.compiled() is _generated
    assert Path(_generated.__file__).resolve() == (ROOT / "spec" / "_generated.py").resolve()


def test_shipped_module_equals_a_derivation_number_for_number(derived):
    """Not the text (another SymPy may print it differently): every function's values."""
    shipped, fresh = _functions(_generated), _functions(derived)
    assert set(shipped) == set(fresh) and len(shipped) > 90
    for name, func in fresh.items():
        args = [ARGUMENTS.get(p, N if p == "N" else K) for p in inspect.signature(func).parameters]
        with np.errstate(all="ignore"):
            want, got = func(*args), shipped[name](*args)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True, err_msg=name)


def test_catalog_names_come_from_the_catalog(derived):
    for name in CATALOG_NAMES:
        assert getattr(_generated, name) == getattr(derived, name), name
    assert numeric.ACTIVATIONS == activations.ELEMENTWISE
    assert numeric.OUTPUTS == activations.NAMES
    assert numeric.LOSSES == losses.NAMES
    assert dict(numeric.OUTPUT_FOR_LOSS) == {"bce": ("sigmoid",), "cross_entropy": ("softmax",)}
    assert {name for name, points in numeric.KINKS.items() if points} == {"relu", "leaky_relu"}


def _env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update({k: str(v) for k, v in changes.items()})
    return env


def _python(code: str, env: dict, cwd) -> str:
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    return out.stdout.split()


def test_read_only_home_imports_no_sympy(tmp_path):
    """A fresh process, HOME read-only, no DELTASPEC_CACHE_DIR: numbers without SymPy, and
    nothing written (the check of the directory matters when tests run as root, whom a
    read-only mode does not stop)."""
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    code = ("import sys, numpy as np, deltaspec.spec.numeric as n; "
            "y = n.activation('sigmoid')(np.zeros(1)); "
            "d = n.output_delta('bce', 'sigmoid')(y, np.ones(1), np.zeros(1)); "
            "print(y[0], d[0], 'sympy' in sys.modules)")
    try:
        assert _python(code, _env(HOME=home), tmp_path) == ["0.5", "-0.5", "False"]
        assert list(home.iterdir()) == []
    finally:
        home.chmod(0o755)


def test_stale_shipped_module_falls_back_to_a_world_readable_cache(tmp_path):
    """Without the shipped module (rebuild(use_cache=True) is what a stale one leads to) the
    first process derives with SymPy and caches, 0644; the next one reads the cache."""
    cache = tmp_path / "cache"
    code = ("import sys, deltaspec.spec.numeric as n; n.rebuild(use_cache=True); "
            "print(n.compiled().__file__, 'sympy' in sys.modules)")
    env = _env(DELTASPEC_CACHE_DIR=cache, HOME=tmp_path)
    cold, warm = _python(code, env, tmp_path), _python(code, env, tmp_path)
    path = cache / f"compiled_{numeric.key()}.py"
    assert cold == [str(path), "True"] and warm == [str(path), "False"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind


def test_unusable_cache_still_gives_numbers(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code = ("import numpy as np, deltaspec.spec.numeric as n; n.rebuild(use_cache=True); "
            "print(n.activation('sigmoid')(np.array([0.0]))[0], n.compiled().__file__)")
    out = _python(code, _env(DELTASPEC_CACHE_DIR=blocker / "sub", HOME=tmp_path), tmp_path)
    assert out == ["0.5", "<deltaspec.spec._generated>"]  # derived, kept in memory only


def test_source_check_passes_and_catches_a_stale_module(monkeypatch, capsys):
    assert spec_main(["source", "--check"]) == 0
    assert "is fresh" in capsys.readouterr().out
    monkeypatch.setattr(numeric, "key", lambda: "0" * 16)
    assert spec_main(["source", "--check"]) == 1
    assert "is stale: run python -m deltaspec.spec source --write" in capsys.readouterr().err


def test_ci_checks_the_generated_module_next_to_the_spec():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "deltaspec.spec render" in ci and "deltaspec.spec source --check" in ci
