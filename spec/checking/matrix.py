"""The matrix rules, checked as students type them, in both layouts.

Rules (row layout: samples are rows; column layout: samples are columns):

=================  ==========================================  ==========================================
rule               row                                         column
=================  ==========================================  ==========================================
hidden_delta       δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ g'(Z_l)  (N, n)   δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ g'(Z_l)  (n, N)
weight_gradient    dE/dW_l = A_{l-1}ᵀ δ_l  (n_prev, n)         dE/dW_l = δ_l A_{l-1}ᵀ  (n, n_prev)
bias_gradient      dE/db_l = Σ_samples δ_l  (n,)               dE/db_l = Σ_samples δ_l  (n, 1)
layer_backward     dZ = dA ⊙ g'(Z); dW, db as above; dA_prev = dZ Wᵀ (row) or Wᵀ dZ (column)
=================  ==========================================  ==========================================

With ``mean=True`` the loss is the mean over the N samples and δ (dZ) is the per-sample
gradient, as in courses that write dW = (1/m) dZ A_prevᵀ: dW and db carry a 1/N.

How a verdict is reached: the formula is evaluated on three random instances whose
dimensions N, n_prev, n, n_next are all different (so a missing transpose cannot hide
behind a square matrix); a shape error or a wrong value is a counterexample. Then it is
evaluated on matrices of SymPy symbols (2 samples, n_prev=3, n=4, n_next=5; N itself a
symbol, so a factor that vanishes at the instances' N proves nothing) and each entry's
difference from the rule is proved 0: the entries are polynomials in the matrix symbols,
whose coefficients (functions of one z) are proved 0 by ``spec.derive.prove_equal``.
A wrong formula gets its slip named by one edit that makes it right (``matrix_hints``).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from deltaspec.spec import activations, derive, numeric
from deltaspec.spec.checking import arrays, matrix_hints, notation
from deltaspec.spec.checking.errors import CheckError
from deltaspec.spec.checking.verdict import Verdict

RULES = ("hidden_delta", "weight_gradient", "bias_gradient", "layer_backward")
LAYER_PARTS = ("dZ", "dW", "db", "dA_prev")
INSTANCE_DIMS = ((2, 3, 4, 5), (5, 4, 3, 2), (1, 2, 3, 4))  # N, n_prev, n, n_next: all different
SYMBOLIC_DIMS = (2, 3, 4, 5)
N_SYMBOL = sp.Symbol("N", positive=True)
SEED = 20241204

# the names each rule offers, and the aliases students use for them
NAMES = {
    "hidden_delta": ("delta", "W", "Z", "A", "A_prev", "Z_next", "N"),
    "weight_gradient": ("delta", "A_prev", "A", "Z", "W", "N"),
    "bias_gradient": ("delta", "N"),
    "layer_backward": ("dA", "Z", "A", "A_prev", "W", "b", "N", "dZ", "dW", "db"),
}
LAYER_INPUTS = ("dA", "Z", "A", "A_prev", "W", "b", "N")
ALIASES = {
    "hidden_delta": {"delta_next": "delta", "W_next": "W", "m": "N"},
    "weight_gradient": {"dZ": "delta", "X": "A_prev", "a_prev": "A_prev", "m": "N"},
    "bias_gradient": {"dZ": "delta", "m": "N"},
    "layer_backward": {"a_prev": "A_prev", "X": "A_prev", "m": "N"},
}
_EXPECTED = {  # rule (or layer part) -> (row, column)
    "hidden_delta": ("(delta @ W.T) * g_prime(Z)", "(W.T @ delta) * g_prime(Z)"),
    "weight_gradient": ("A_prev.T @ delta", "delta @ A_prev.T"),
    "bias_gradient": ("delta.sum(axis=0)", "delta.sum(axis=1, keepdims=True)"),
    "dZ": ("dA * g_prime(Z)", "dA * g_prime(Z)"),
    "dW": ("A_prev.T @ dZ", "dZ @ A_prev.T"),
    "db": ("dZ.sum(axis=0)", "dZ.sum(axis=1, keepdims=True)"),
    "dA_prev": ("dZ @ W.T", "W.T @ dZ"),
}
_MEAN = {"weight_gradient", "bias_gradient", "dW", "db"}


@dataclass(frozen=True)
class Setting:
    """One rule's question: which activation, which layout, which reduction."""

    rule: str
    activation: str | None  # a catalog name, or None for a generic g
    layout: str
    mean: bool

    @property
    def column(self) -> bool:
        return self.layout == "column"

    def expected_text(self, part: str) -> str:
        text = _EXPECTED[part][self.column]
        return f"{text} / N" if self.mean and part in _MEAN else text

    def g_name(self) -> str:
        return self.activation or "g"


# ---------------------------------------------------------------- the instances


def _shapes(s: Setting, dims) -> dict:
    """Each name's shape in this layout; b is (n,) in row and (n, 1) in column."""
    n_samples, n_prev, n, n_next = dims
    row = {"A_prev": (n_samples, n_prev), "Z": (n_samples, n), "A": (n_samples, n), "dA": (n_samples, n),
           "Z_next": (n_samples, n_next), "b": (n,)}
    if s.rule == "hidden_delta":
        row.update(delta=(n_samples, n_next), W=(n, n_next))
    else:
        row.update(delta=(n_samples, n), W=(n_prev, n))
    if not s.column:
        return row
    return {name: (shape[0], 1) if name == "b" else shape[::-1] for name, shape in row.items()}


def float_backend(s: Setting) -> arrays.Backend:
    def elementwise(name, x):
        x = np.asarray(x, dtype=float)
        if name in ("g", "g_prime") and s.activation is None:
            return np.sin(x) + x / 2 if name == "g" else np.cos(x) + 0.5  # a g no slip mimics
        if name == "g":
            name = s.activation
        elif name == "g_prime":
            name = f"{s.activation}_prime"
        if name.endswith("_prime") and name[:-6] in activations.CATALOG:
            return numeric.activation_prime(name[:-6])(x)
        if name in activations.CATALOG:
            return numeric.activation(name)(x)
        return {"exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt, "abs": np.abs}.get(
            name, lambda u: _scalar_function(name)(u))(x)

    return arrays.Backend(number=float, elementwise=elementwise,
                          step=lambda d, at_zero: np.heaviside(np.asarray(d, dtype=float), at_zero))


def gprime_impostors(s: Setting, env: dict) -> list:
    """(slip code, values at this instance, words) for what students write in place of g'(Z)."""
    backend = float_backend(s)
    name, z_matrix, a_matrix = s.g_name(), env["Z"], env["A"]
    found = [("function_not_derivative", backend.elementwise("g", z_matrix), f"{name}(Z) itself"),
             ("gprime_of_output", backend.elementwise("g_prime", a_matrix), f"{name}'(A), g' of the output")]
    if s.activation and numeric.has_prime_of_a(s.activation):
        found.append(("prime_of_output", numeric.activation_prime(s.activation, of="a")(z_matrix),
                      f"{name}'s derivative written in its output a, with Z in place of a"))
    for other in activations.CATALOG:
        if other != s.activation and s.activation:
            found.append(("other_derivative", numeric.activation_prime(other)(z_matrix), f"{other}'(Z)"))
            if numeric.has_prime_of_a(other):
                found.append(("other_derivative", numeric.activation_prime(other, of="a")(a_matrix),
                              f"{other}'s derivative in its output, applied to A"))
    return found


def _scalar_function(name):
    f = sp.lambdify(activations.z, notation.functions()[name](activations.z), modules="numpy")
    return np.vectorize(f, otypes=[float])


def float_instance(s: Setting, dims, rng) -> dict:
    """Random matrices (entries in ±[0.1, 2], so no Z sits on a kink) and N."""
    env = {}
    for name, shape in _shapes(s, dims).items():
        env[name] = rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    backend = float_backend(s)
    env["A"] = backend.elementwise("g", env["Z"])
    env["N"] = float(dims[0])
    return env


def _symbolic_backend(s: Setting) -> arrays.Backend:
    g, gp = sp.Function("g"), sp.Function("g_prime")
    table = notation.functions()

    def scalar(name):
        if name == "g":
            return table[s.activation] if s.activation else g
        if name == "g_prime":
            return table[f"{s.activation}_prime"] if s.activation else gp
        return {"log": sp.log, "exp": sp.exp, "sqrt": sp.sqrt, "abs": sp.Abs, "tanh": sp.tanh}.get(name) or table[name]

    def elementwise(name, x):
        return np.vectorize(scalar(name), otypes=[object])(x)

    def count(length: int):
        return N_SYMBOL if length == SYMBOLIC_DIMS[0] else sp.Integer(length)

    return arrays.Backend(number=lambda v: sp.nsimplify(v, rational=True), elementwise=elementwise,
                          step=lambda d, at_zero: np.vectorize(lambda u, h: sp.Heaviside(u, h),
                                                               otypes=[object])(d, at_zero),
                          count=count, reduced=_no_counting)


def _no_counting(result, source) -> None:
    """A sum or a product whose entries hold no matrix symbol (numbers, or N alone) counts
    entries: a constant that depends on the instance's shapes, which could fit every
    instance and no other network."""
    if np.size(source) > 1 and any(sp.sympify(v).free_symbols <= {N_SYMBOL}
                                   for v in np.ravel(np.asarray(result, dtype=object))):
        raise CheckError("a sum or product over a matrix of constants counts its entries, a number that "
                         "depends on the shapes: no rule has one (the number of samples is N, or m)")


@functools.lru_cache(maxsize=16)
def symbolic_instance(s: Setting) -> tuple[dict, tuple]:
    """Matrices of real symbols (A = g(Z) entrywise), and the symbols the entries are
    polynomials in (everything but Z's)."""
    env, linear = {}, []
    for name, shape in _shapes(s, SYMBOLIC_DIMS).items():
        cells = np.empty(shape, dtype=object)
        for index in np.ndindex(*shape):
            cells[index] = sp.Symbol(f"{name}_{'_'.join(map(str, index))}", real=True)
        env[name] = cells
        if name not in ("Z", "A"):
            linear += list(cells.flat)
    env["A"] = _symbolic_backend(s).elementwise("g", env["Z"])
    env["N"] = N_SYMBOL  # a symbol, not 2: a factor that vanishes at the instances' N is no proof
    return env, tuple(linear)


# ---------------------------------------------------------------- one formula


def _bias_shapes(s: Setting, expected_shape: tuple) -> set:
    """A bias gradient may come as (n,), (1, n) or (n, 1): all are the one vector."""
    n = max(expected_shape)
    return {(n,), (1, n), (n, 1)} if s.rule in ("bias_gradient", "layer_backward") else set()


def compare(s: Setting, part: str, student_tree, expected_tree, env) -> str | None:
    """None when yours equals the rule on this instance; else what differs, in a sentence."""
    backend = float_backend(s)
    expected = arrays.evaluate(expected_tree, env, backend)
    try:
        mine = arrays.evaluate(student_tree, env, backend)
    except arrays.ShapeError as exc:
        return f"shape error in {exc}"
    mine, want = np.asarray(mine, dtype=float), np.asarray(expected, dtype=float)
    if mine.shape != want.shape:
        ok = part in ("bias_gradient", "db") and mine.shape in _bias_shapes(s, want.shape)
        if not ok:
            return f"your result has shape {mine.shape}; {_what(part)} has shape {want.shape}"
        mine = mine.reshape(want.shape)
    with np.errstate(all="ignore"):
        if np.allclose(mine, want, rtol=1e-9, atol=1e-12):
            return None
        worst = np.unravel_index(np.argmax(np.abs(mine - want)), want.shape)
    return (f"values differ: at index {tuple(int(i) for i in worst)} yours = {mine[worst] + 0.0:.6g}, "
            f"correct = {want[worst] + 0.0:.6g}")  # + 0.0: no "-0"


def _what(part: str) -> str:
    return {"hidden_delta": "δ_l", "weight_gradient": "dE/dW (W's shape)", "bias_gradient": "dE/db",
            "dZ": "dZ (Z's shape)", "dW": "dW (W's shape)", "db": "db", "dA_prev": "dA_prev (A_prev's shape)"}[part]


def instances(s: Setting, correct_parts: dict | None = None) -> list[dict]:
    """The random instances, with the correct earlier layer parts bound (dZ, dW, db)."""
    rng = np.random.default_rng(SEED)
    out = []
    for dims in INSTANCE_DIMS:
        env = float_instance(s, dims, rng)
        for name, tree in (correct_parts or {}).items():
            env[name] = arrays.evaluate(tree, env, float_backend(s))
        out.append(env)
    return out


def prove(s: Setting, student_tree, expected_tree, bound: dict | None = None, away: bool = False) -> bool:
    """Entry by entry on the symbolic instance: (yours) - (rule) == 0 (with ``away``, only
    where no entry of Z sits on a kink of the activation)."""
    env, linear = symbolic_instance(s)
    env = dict(env)
    backend = _symbolic_backend(s)
    for name, tree in (bound or {}).items():
        env[name] = arrays.evaluate(tree, env, backend)
    mine = np.asarray(arrays.evaluate(student_tree, env, backend), dtype=object)
    want = np.asarray(arrays.evaluate(expected_tree, env, backend), dtype=object)
    if mine.shape != want.shape:
        mine = mine.reshape(want.shape)
    kinks = tuple(activations.CATALOG[s.activation].kinks) if s.activation else ()
    return all(_entry_is_zero(sp.expand(m - w), linear, kinks, away) for m, w in zip(mine.flat, want.flat))


def _entry_is_zero(diff, linear, kinks, away: bool = False) -> bool:
    if diff == 0:
        return True
    gens = [x for x in linear if diff.has(x)]
    try:
        coefficients = sp.Poly(diff, *gens).coeffs() if gens else [diff]
    except sp.PolynomialError:
        return False
    return all(_coefficient_is_zero(c, kinks, away) for c in coefficients)


def _coefficient_is_zero(c, kinks, away: bool = False) -> bool:
    """c is a function of Z entries only; one Z entry is renamed z and cached."""
    zs = [x for x in c.free_symbols if x.name.startswith("Z_")]
    if len(zs) == 1:
        return _zero_in_z(c.xreplace({zs[0]: activations.z}), kinks, away)
    try:
        return sp.simplify(c) == 0
    except Exception:  # not proved
        return False


@functools.lru_cache(maxsize=256)
def _zero_in_z(c, kinks, away: bool = False) -> bool:
    """c(z) == 0 for every real z (with ``away``: on each side of every kink, z = b ± p)."""
    try:
        if away and kinks:
            side = sp.Symbol("p", positive=True)
            return all(derive.prove_equal(c.subs(activations.z, b + sign * side), sp.Integer(0))
                       for b in kinks for sign in (1, -1))
        return derive.prove_equal(c, sp.Integer(0), activations.z, kinks)
    except Exception:  # SymPy gives up: not proved
        return False


# ---------------------------------------------------------------- the check


def setting(rule, activation, layout, mean, labels) -> Setting:
    if layout not in ("row", "column"):
        raise CheckError(f"{labels['layout']} must be row or column, not {layout!r}")
    if activation is not None and activation not in activations.CATALOG:
        raise CheckError(f"{labels['activation']}: for a matrix rule give a catalog activation "
                         f"({', '.join(activations.CATALOG)}) or none for a generic g")
    return Setting(rule, activation, layout, mean)


def check(rule, answer, activation=None, layout="row", mean=False, labels=None) -> Verdict:
    """Check one matrix rule (see the module docstring)."""
    labels = labels or {"answer": "answer", "activation": "activation", "layout": "layout", "mean": "mean"}
    s = setting(rule, activation, layout, mean, labels)
    if rule == "layer_backward":
        return _check_layer(s, answer, labels)
    names = (*NAMES[rule], s.g_name())
    tree = arrays.parse(answer, labels["answer"], NAMES[rule], ALIASES[rule])
    expected = arrays.parse(s.expected_text(rule), "rule", NAMES[rule], {})
    return _judge_part(s, rule, answer, tree, expected, {}, names)


def _judge_part(s: Setting, part: str, text: str, tree, expected, bound: dict, names) -> Verdict:
    envs = instances(s, bound)
    for env in envs:
        problem = compare(s, part, tree, expected, env)
        if problem is not None:
            hint, codes = matrix_hints.diagnose(s, part, tree, expected, envs, compare, gprime_impostors,
                                                float_backend(s))
            return _verdict(s, part, text, "incorrect", "none: see the counterexample", problem, hint, codes, tree)
    kinks = tuple(activations.CATALOG[s.activation].kinks) if s.activation else ()
    if kinks and compare(s, part, tree, expected, _kink_instance(s, bound, kinks[0])) is not None:
        if prove(s, tree, expected, bound, away=True):
            return _kink_verdict(s, part, text, tree, expected, bound, kinks[0])
        where = compare(s, part, tree, expected, _kink_instance(s, bound, kinks[0]))
        return _verdict(s, part, text, "incorrect", "none: see the counterexample",
                        f"with Z[0, 0] = {kinks[0]} (the kink): {where}", None, (), tree)
    if prove(s, tree, expected, bound):
        _, n_prev, n, n_next = SYMBOLIC_DIMS
        proof = (f"SymPy proved every entry of (yours) - (rule) is 0 on symbolic matrices with "
                 f"{SYMBOLIC_DIMS[0]} samples and n_prev, n, n_next = {n_prev}, {n}, {n_next} (N a symbol), "
                 f"A = {s.g_name()}(Z) entrywise")
        return _verdict(s, part, text, "proved", proof, None, None, (), tree)
    return _verdict(s, part, text, "numeric", f"equal on {len(envs)} random instances, but SymPy could not "
                    "prove it entry by entry: evidence, not a proof", None, None, (), tree)


def _kink_instance(s: Setting, bound: dict, kink) -> dict:
    """The first instance with Z[0, 0] on the kink (and A, and the bound parts, to match)."""
    env = instances(s, bound)[0]
    z_matrix = env["Z"].copy()
    z_matrix.flat[0] = float(kink)
    env.update(Z=z_matrix, A=float_backend(s).elementwise("g", z_matrix))
    for name, bound_tree in bound.items():
        env[name] = arrays.evaluate(bound_tree, env, float_backend(s))
    return env


def _kink_verdict(s: Setting, part: str, text: str, tree, expected, bound: dict, kink) -> Verdict:
    """Right wherever no entry of Z sits on the kink: the value there is the convention's."""
    where = compare(s, part, tree, expected, _kink_instance(s, bound, kink)) or "they differ on the kink"
    convention = activations.CATALOG[s.g_name()].kink_convention  # only a catalog activation has kinks
    proof = (f"SymPy proved every entry equal wherever no entry of Z is {kink} (each side of the kink), "
             "but not at the kink itself")
    hint = f"right except where an entry of Z is exactly {kink}: the spec's convention is {convention}"
    return _verdict(s, part, text, "kink", proof, f"with Z[0, 0] = {kink}: {where}", hint, ("kink_value",), tree)


def _subject(s: Setting, part: str) -> str:
    what = {"hidden_delta": "hidden delta δ_l", "weight_gradient": "weight gradient dE/dW_l",
            "bias_gradient": "bias gradient dE/db_l"}.get(part, f"layer backward pass, {part}")
    extra = ", loss averaged over N (δ per sample)" if s.mean else ""
    return f"{what} ({s.layout} layout, activation {s.g_name()}{extra})"


def _shown(s: Setting, part: str) -> str:
    """The rule as the student would write it: g_prime(Z) as sigmoid'(Z)."""
    return s.expected_text(part).replace("g_prime", f"{s.g_name()}'")


def _verdict(s, part, text, status, proof, ce, hint, codes, tree=None) -> Verdict:
    expected = arrays.parse(s.expected_text(part), "rule", (*NAMES[s.rule], *LAYER_PARTS), {})
    tex = {"expected": arrays.latex(expected).replace("g'", f"{s.g_name()}'" if s.activation is None else "g'")}
    if s.activation:
        tex["expected"] = tex["expected"].replace("g'", rf"\operatorname{{{s.activation}}}'")
    if tree is not None:
        tex["student"] = arrays.latex(tree)
    return Verdict(status=status, proof=proof, counterexample=ce, expected=_shown(s, part),
                   hint=hint, subject=_subject(s, part), student=" ".join(str(text).split()),
                   slips=tuple(codes), rule=s.rule, latex=tex)


def _split_layer(answer, labels) -> dict:
    """'dZ = ...; dW = ...' -> {part: formula}; each part at most once."""
    if not isinstance(answer, str):
        raise CheckError(f"{labels['answer']}: expected a string, got {type(answer).__name__}")
    parts = {}
    for piece in filter(str.strip, answer.split(";")):
        name, eq, formula = piece.partition("=")
        name = name.strip()
        if "[" in name or name.endswith(("*", "+", "-", "/")):
            raise CheckError(f"{labels['answer']}: {piece.strip()!r} changes an array in place; write each part "
                             "as one formula, e.g. dZ = dA * (Z > 0) for relu")
        if not eq or name not in LAYER_PARTS:
            raise CheckError(f"{labels['answer']}: write assignments like 'dZ = dA * g'(Z); dW = ...' "
                             f"to any of {', '.join(LAYER_PARTS)}; got {piece.strip()!r}")
        if name in parts:
            raise CheckError(f"{labels['answer']}: {name} is assigned twice")
        parts[name] = formula
    if not parts:
        raise CheckError(f"{labels['answer']} is empty")
    return parts


def _check_layer(s: Setting, answer, labels) -> Verdict:
    """Each assigned part judged alone, with the correct earlier parts bound."""
    parts = _split_layer(answer, labels)
    bound: dict = {}
    verdicts: list = []
    for index, part in enumerate(LAYER_PARTS):
        names = (*LAYER_INPUTS, *LAYER_PARTS[:index])  # a part may use the parts before it, not after
        expected = arrays.parse(s.expected_text(part), "rule", names, {})
        if part in parts:
            tree = arrays.parse(parts[part], f"{labels['answer']} ({part})", names, ALIASES["layer_backward"])
            verdicts.append((part, _judge_part(s, part, parts[part], tree, expected, dict(bound), names)))
        bound[part] = expected
    return _combine(s, answer, verdicts)


def _layer_proof(verdicts) -> str:
    """One proof sentence for the parts proved, then each other part's own."""
    proved = [part for part, v in verdicts if v.status == "proved"]
    others = [f"{part}: {v.proof}" for part, v in verdicts if v.status != "proved"]
    if not others:
        return f"{', '.join(proved)}: {verdicts[0][1].proof}"
    return "; ".join(([f"{', '.join(proved)}: proved"] if proved else []) + others)


def _combine(s: Setting, answer: str, verdicts) -> Verdict:
    order = ("incorrect", "kink", "numeric", "proved")
    status = min((v.status for _, v in verdicts), key=order.index)
    lines = [f"{part}: {v.headline}" + (f" ({v.counterexample})" if v.counterexample else "")
             for part, v in verdicts]
    wrong = [(part, v) for part, v in verdicts if v.status != "proved"]
    hint = "; ".join(f"{part}: {v.hint}" for part, v in wrong if v.hint) or None
    codes = tuple(code for _, v in wrong for code in v.slips)
    proof = _layer_proof(verdicts)
    expected = "; ".join(f"{part} = {_shown(s, part)}" for part, _ in verdicts)
    return Verdict(status=status, proof=proof, counterexample="; ".join(lines) if status != "proved" else None,
                   expected=expected, hint=hint, subject=_subject(s, "layer").replace(", layer", ""),
                   student=" ".join(answer.split()), slips=codes, rule="layer_backward")
