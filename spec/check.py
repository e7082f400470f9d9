"""Check a formula derived by hand against the spec.

Three questions, each answered with a :class:`Verdict`:

* :func:`check_derivative`: is ``derivative`` equal to g'(z) for an activation g (a catalog
  name or a custom expression in z)? With ``of="a"`` the derivative is written in terms of
  the output a = g(z) and must satisfy  d(g(z)) == g'(z)  for every z.
* :func:`check_delta`: is ``delta`` the output delta  delta_L = dE/dz = dE/dy * g'(z)  of a
  (loss, activation) pair? Symbols: y (output), t (target), z (pre-activation), N (samples),
  K (outputs per sample). The student may write y or g(z): y = g(z) is substituted on both
  sides before comparing. For softmax the delta is in y only; see :func:`check_delta`.
* :func:`check_loss_derivative`: is ``derivative`` dE/dy for one element, reduction constant
  included (mse: 2 (y - t) / (N K))?

How a verdict is reached (the order matters: the cheap numeric test never proves anything,
the symbolic test never guesses):

1. both sides are evaluated at 200 seeded points away from any kink (z in [-3, 3]; y in
   (0, 1) where a log needs it; t in {0, 1} and fractional; N, K small integers). A
   disagreement is a counterexample: the point with the largest relative difference is
   reported, with both values, the correct expression and a hint for the known slips of
   ``spec.slips`` (factor 2 or 1/2, sign, g' evaluated at the output instead of the input,
   a missing 1/N or 1/(N K), a missing g', a generic constant factor).
2. at each kink (relu, leaky_relu: z = 0) both sides are evaluated exactly there. The spec's
   conventions are relu'(0) = 0 and leaky_relu'(0) = 0.01, while SymPy's Heaviside(0) is
   1/2: an answer that is right everywhere except at the kink gets the separate status
   ``"kink"`` ("correct except at the kink"), which counts as not correct (exit status 1).
3. :func:`spec.derive.prove_equal` tries to prove (yours) - (spec) == 0 symbolically,
   split at the kinks. If it cannot, the verdict is correct with status ``"numeric"``,
   saying "agrees numerically at N points, SymPy could not prove it", never a proof.

Expressions are untrusted text. They are tokenized first and may contain only numbers,
+ - * / **, parentheses, commas and the allowed names: the catalog activations as
functions (sigmoid(z), tanh, relu, leaky_relu, softplus, rbf, identity), exp, log, sqrt,
Abs, Heaviside, Max, Min, the constants pi and E, and the symbols of the mode. Only then
does SymPy's parse_expr see them, with dictionaries holding nothing but those names.

Bad input raises :class:`CheckError` (a ValueError) with a one-line message;
:func:`main` prints it and exits 2.
"""
from __future__ import annotations

import argparse
import ast
import io
import keyword
import re
import sys
import tokenize
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import auto_number, parse_expr, rationalize

from deltaspec.spec import activations, derive, losses, slips
from deltaspec.spec.activations import a, z
from deltaspec.spec.losses import K, N, t, y

S = derive.S  # softmax: S = sum_k y_k dE/dy_k over the sample's row
S_t = sp.Symbol("S_t", real=True)  # softmax: sum_k t_k over the sample's row

MAX_CHARS = 500  # long enough for any hand derivation, short enough to bound SymPy's work
MAX_EXPONENT = 100  # 9**9**9 would make SymPy compute a 370-million-digit integer
N_POINTS = 200
SEED = 20240611
RTOL, ATOL = 1e-7, 1e-10

__all__ = ["CheckError", "Verdict", "check_derivative", "check_delta",
           "check_loss_derivative", "main"]


class CheckError(ValueError):
    """Bad input; the message is one line naming the problem."""


# ---------------------------------------------------------------- the verdict

_HEADLINES = {
    "proved": "CORRECT (proved)",
    "numeric": "CORRECT (numerically only: SymPy could not prove it)",
    "kink": "CORRECT EXCEPT AT THE KINK",
    "incorrect": "INCORRECT",
}


@dataclass
class Verdict:
    """The answer to one check.

    ``status``: "proved" (SymPy proved yours == spec), "numeric" (equal at every sample
    point, not proved), "kink" (right everywhere except at a kink, where the spec's
    convention differs) or "incorrect". ``correct`` is True for "proved" and "numeric". ``counterexample`` is {"point": {symbol: value}, "student": value or None
    (undefined there), "expected": value}, or None when the two agree.
    """

    correct: bool
    proof: str
    counterexample: dict | None
    expected: str
    hint: str | None
    status: str = "proved"
    subject: str = ""
    student: str = ""
    notes: tuple[str, ...] = ()

    def report(self) -> str:
        """Multi-line human-readable text: headline, both expressions, proof or
        counterexample, hint, assumptions."""
        label = "spec" if self.correct else "correct"
        lines = [f"{_HEADLINES[self.status]}: {self.subject}",
                 f"  you wrote:      {self.student}",
                 f"  {label + ':':<15} {self.expected}"]
        lines += [f"  {'':<15} {note}" for note in self.notes]
        lines.append(f"  proof:          {self.proof}")
        if self.counterexample:
            lines.append(f"  counterexample: {_format_counterexample(self.counterexample)}")
        if self.hint:
            lines.append(f"  hint:           {self.hint}")
        return "\n".join(lines)


def _format_counterexample(ce: dict) -> str:
    at = ", ".join(f"{k} = {v}" for k, v in ce["point"].items())
    yours = "undefined" if ce["student"] is None else ce["student"]
    return f"at {at}: yours = {yours}, correct = {ce['expected']}"


# ---------------------------------------------------------------- safe parsing


def _catalog_function(name: str):
    """The catalog activation as a function of one argument: g(arg) = expr[z := arg]."""
    expr = activations.CATALOG[name].expr
    return lambda arg: expr.xreplace({z: sp.sympify(arg)})


FUNCTIONS: dict[str, object] = {
    **{name: _catalog_function(name) for name in activations.CATALOG},
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "Abs": sp.Abs,
    "Heaviside": sp.Heaviside, "Max": sp.Max, "Min": sp.Min,
}
_ARITY = {**{name: (1, 1) for name in activations.CATALOG},
          "exp": (1, 1), "log": (1, 2), "sqrt": (1, 1), "Abs": (1, 1),
          "Heaviside": (1, 2), "Max": (1, 10), "Min": (1, 10)}
CONSTANTS = {"pi": sp.pi, "E": sp.E}
SYMBOLS = {"z": z, "a": a, "y": y, "t": t, "N": N, "K": K, "S": S}
_OPERATORS = {"+", "-", "*", "/", "**", "(", ")", ","}
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SKIP_TOKENS = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
                  ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.UAdd, ast.USub)


def _allowed_names(symbols) -> str:
    return ", ".join([*symbols, *FUNCTIONS, *CONSTANTS])


def _check_token(tok, what: str, symbols) -> None:
    """Reject every token that is not a number, an allowed operator or an allowed name."""
    kind, s = tok.type, tok.string
    if kind == tokenize.NUMBER:
        if not _NUMBER.fullmatch(s):
            raise CheckError(f"{what}: number {s!r} is not allowed; write plain decimals like 2, 0.5, 1e-3")
    elif kind == tokenize.OP:
        if s in _OPERATORS:
            return
        if s == ".":
            raise CheckError(f"{what}: '.' (attribute access) is not allowed")
        if s == "^":
            raise CheckError(f"{what}: '^' is not allowed; write powers with **, e.g. z**2")
        if s in "[]{}":
            raise CheckError(f"{what}: brackets {s!r} are not allowed; use parentheses")
        raise CheckError(f"{what}: operator {s!r} is not allowed; use + - * / ** and parentheses")
    elif kind == tokenize.NAME:
        _check_name(s, what, symbols)
    elif kind == tokenize.STRING or tokenize.tok_name[kind].startswith("FSTRING"):
        raise CheckError(f"{what}: strings are not allowed")
    elif kind == tokenize.ERRORTOKEN and not s.strip():
        return  # whitespace
    else:
        raise CheckError(f"{what}: unexpected {s!r}; use numbers, + - * / **, parentheses and names")


def _check_name(name: str, what: str, symbols) -> None:
    if name in symbols or name in FUNCTIONS or name in CONSTANTS:
        return
    if keyword.iskeyword(name):
        raise CheckError(f"{what}: keyword {name!r} is not allowed")
    if name.startswith("__") or name.endswith("__"):
        raise CheckError(f"{what}: dunder name {name!r} is not allowed")
    if name in SYMBOLS:
        raise CheckError(f"{what}: symbol {name!r} is not allowed here; {what} may use only: "
                         f"{', '.join(symbols)}")
    raise CheckError(f"{what}: unknown name {name!r}; allowed: {_allowed_names(symbols)}")


def _tokens(text: str, what: str):
    try:
        return [tok for tok in tokenize.generate_tokens(io.StringIO(text).readline)
                if tok.type not in _SKIP_TOKENS]
    except (tokenize.TokenError, SyntaxError):
        # TokenError's only likely cause here is an unclosed parenthesis
        raise CheckError(f"{what}: cannot parse {text!r} (unbalanced parentheses?)") from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _constant(node, what: str = "expression"):
    """The value of a subtree without names, as a Python number, or None if it has names.

    Bounds what SymPy will be asked to compute: a numeric exponent must be at most
    MAX_EXPONENT in size and every constant must fit in a float."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        inner = _constant(node.operand, what)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp):
        left, right = _constant(node.left, what), _constant(node.right, what)
        if left is None or right is None:
            return None
        op = {ast.Add: lambda u, v: u + v, ast.Sub: lambda u, v: u - v,
              ast.Mult: lambda u, v: u * v, ast.Div: lambda u, v: u / v,
              ast.Pow: lambda u, v: u ** v}[type(node.op)]
        try:
            value = op(float(left) if isinstance(left, int) else left, right)
        except ZeroDivisionError:
            raise CheckError(f"{what}: division by zero in a constant") from None
        except OverflowError:
            raise CheckError(f"{what}: a constant is too large") from None
        if abs(value) == float("inf"):
            raise CheckError(f"{what}: a constant is too large")
        return value
    return None


def _check_ast(node, what: str, symbols) -> None:
    """Structure check: arithmetic, calls of allowed functions with plain arguments."""
    if not isinstance(node, _ALLOWED_NODES):
        raise CheckError(f"{what}: {type(node).__name__} is not allowed")
    if isinstance(node, ast.Constant) and (type(node.value) not in (int, float)):
        raise CheckError(f"{what}: constant {node.value!r} is not allowed")
    if isinstance(node, ast.Name) and node.id in FUNCTIONS:
        raise CheckError(f"{what}: {node.id} is a function; call it, e.g. {node.id}(z)")
    if isinstance(node, ast.Call):
        _check_call(node, what)
        for arg in node.args:  # not node.func: a called function name is fine
            _check_ast(arg, what, symbols)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        exponent = _constant(node.right, what)
        if exponent is not None and abs(exponent) > MAX_EXPONENT:
            raise CheckError(f"{what}: exponent {exponent:g} is too large (at most {MAX_EXPONENT})")
    _constant(node, what)  # raises on overflow or division by zero
    for child in ast.iter_child_nodes(node):
        _check_ast(child, what, symbols)


def _check_call(node: ast.Call, what: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise CheckError(f"{what}: only named functions may be called")
    name = node.func.id
    if name not in FUNCTIONS:
        raise CheckError(f"{what}: {name} is not a function; write {name}*(...) for a product")
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise CheckError(f"{what}: {name}() takes plain arguments only")
    low, high = _ARITY[name]
    if not low <= len(node.args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise CheckError(f"{what}: {name}() takes {wanted} argument(s), got {len(node.args)}")


def parse(text: str, symbols, what: str = "expression") -> sp.Expr:
    """Parse untrusted ``text`` into a SymPy expression over ``symbols`` (names from
    :data:`SYMBOLS`), or raise :class:`CheckError`.

    Three gates: the token stream, then the Python AST (no eval), and only then
    parse_expr with dictionaries that hold nothing but the allowed names (builtins
    removed). Decimals become exact rationals, so 0.01 means 1/100.
    """
    if not isinstance(text, str):
        raise CheckError(f"{what}: expected a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise CheckError(f"{what} is empty")
    if len(text) > MAX_CHARS:
        raise CheckError(f"{what} is too long ({len(text)} characters; at most {MAX_CHARS})")
    if "\n" in text or "\r" in text:
        raise CheckError(f"{what} must be a single line")
    for tok in _tokens(text, what):
        _check_token(tok, what, symbols)
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        msg = _first_line(exc)
        raise CheckError(f"{what}: cannot parse {text!r} ({msg}; write products with *, e.g. 2*z)") from None
    _check_ast(tree, what, symbols)
    return _evaluate_text(text, what, symbols)


def _evaluate_text(text: str, what: str, symbols) -> sp.Expr:
    local = {**FUNCTIONS, **CONSTANTS, **{name: SYMBOLS[name] for name in symbols}}
    env = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational}
    try:
        expr = parse_expr(text, local_dict=local, global_dict=env,
                          transformations=(auto_number, rationalize))
    except Exception as exc:  # anything SymPy raises on a well-formed but meaningless input
        raise CheckError(f"{what}: cannot evaluate {text!r} ({_first_line(exc)})") from None
    if not isinstance(expr, sp.Expr):
        raise CheckError(f"{what}: {text!r} is not an expression")
    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise CheckError(f"{what}: {text!r} is not real-valued or not finite (e.g. log(0), sqrt(-1))")
    return expr


# ---------------------------------------------------------------- one check, internally


@dataclass
class _Problem:
    """Everything the judge needs. ``to_base`` rewrites an expression in the native
    symbols (y, a, ...) into the sampled ones (z, t, N, K, S), e.g. y -> g(z)."""

    subject: str
    student_text: str
    student: sp.Expr
    expected: sp.Expr
    base: tuple
    to_base: Callable = lambda e: e
    substitution: str | None = None
    shown: dict = field(default_factory=dict)  # extra values to print at a point, e.g. y = g(z)
    kinks: tuple = ()
    kink_note: str = ""
    wrong_forms: tuple = ()  # (expression in native symbols, hint): known slips, computed
    loss: losses.Loss | None = None
    y_range: tuple = (-3.0, 3.0)
    notes: tuple = ()
    expected_text: str = ""


def _sample(p: _Problem) -> dict:
    """Seeded points: z in [-3, 3] (two decimals, at least 0.01 from every kink), y in
    p.y_range, t half in {0, 1} and half fractional, N and K small integers, S in [-1, 1]."""
    rng = np.random.default_rng(SEED)
    n = N_POINTS

    def grid(low, high):
        return np.round(rng.uniform(low, high, n), 2)

    zs = grid(-3, 3)
    for b in p.kinks:
        zs = np.where(np.abs(zs - float(b)) < 0.01, zs + 0.37, zs)
    ts = np.where(np.arange(n) % 2 == 0, rng.integers(0, 2, n).astype(float), grid(0.01, 0.99))
    columns = {z: zs, t: ts, y: grid(*p.y_range),
               N: rng.choice([2.0, 3.0, 4.0, 5.0, 8.0], n), K: rng.choice([2.0, 3.0, 4.0, 6.0], n),
               S: grid(-1, 1)}
    return {sym: columns[sym] for sym in p.base}


def _numeric_form(expr):
    """An equivalent for NumPy: Max/Min as Piecewise (lambdify's amax breaks on a scalar
    argument) and DiracDelta as 0 (we never evaluate at a kink through it)."""
    expr = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), lambda e: e.rewrite(sp.Piecewise))
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def _values(expr, points: dict) -> np.ndarray:
    """expr at every point as floats; nan wherever it is undefined or not real."""
    syms = list(points)
    n = len(next(iter(points.values())))
    expr = _numeric_form(expr)
    with np.errstate(all="ignore"):
        try:
            out = sp.lambdify(syms, expr, modules="numpy")(*points.values())
            out = np.broadcast_to(np.asarray(out), (n,))
        except Exception:  # fall back to exact evaluation point by point
            out = np.array([_value_at(expr, {s: points[s][i] for s in syms}) for i in range(n)])
        if np.iscomplexobj(out):
            out = np.where(np.abs(out.imag) < 1e-12, out.real, np.nan)
        out = np.asarray(out, dtype=float)
    return np.where(np.isfinite(out), out, np.nan)


def _value_at(expr, point) -> float:
    try:
        value = complex(expr.subs(point).evalf())
    except (TypeError, ValueError, ZeroDivisionError):
        return float("nan")
    return value.real if abs(value.imag) < 1e-12 else float("nan")


def _agree(s, e) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.isclose(s, e, rtol=RTOL, atol=ATOL)


def _mismatch(s, e):
    """Index of the worst disagreement (largest relative difference where both are finite),
    else of the first point where only the spec is defined; None when they agree."""
    both = np.isfinite(s) & np.isfinite(e)
    differ = both & ~_agree(s, e)
    if differ.any():
        with np.errstate(all="ignore"):
            rel = np.abs(s - e) / np.maximum(np.abs(e), 1e-300)
        return int(np.argmax(np.where(differ, rel, -1.0)))
    undefined = np.isfinite(e) & ~np.isfinite(s)
    return int(np.argmax(undefined)) if undefined.any() else None


def _readable(value):
    """Six significant digits; whole numbers without a decimal point."""
    if value is None or not np.isfinite(value):
        return None
    value = float(f"{float(value):.6g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _counterexample(p: _Problem, points: dict, i: int, s, e) -> dict:
    """The point (only the symbols either side uses, plus z) and both values there."""
    used = p.to_base(p.student).free_symbols | p.to_base(p.expected).free_symbols | {z}
    point = {}
    for sym, values in points.items():
        if sym not in used:
            continue
        point[str(sym)] = _readable(values[i])
        if sym == z:
            for name, expr in p.shown.items():
                point[name] = _readable(_values(expr, {z: values[i:i + 1]})[0])
    return {"point": point, "student": _readable(s[i]), "expected": _readable(e[i])}


def _domain(p: _Problem) -> str:
    parts = {z: "z in [-3, 3] away from kinks", y: f"y in [{p.y_range[0]:g}, {p.y_range[1]:g}]",
             t: "t in {0, 1} and (0, 1)", N: "N in {2, 3, 4, 5, 8}", K: "K in {2, 3, 4, 6}",
             S: "S in [-1, 1]"}
    return ", ".join(parts[sym] for sym in p.base)


def _judge(p: _Problem) -> Verdict:
    """Numeric test away from kinks, then the kinks, then the symbolic proof."""
    points = _sample(p)
    s_base, e_base = p.to_base(p.student), p.to_base(p.expected)
    s, e = _values(s_base, points), _values(e_base, points)
    if not np.isfinite(e).any():
        raise CheckError(f"{p.subject}: the spec's expression is undefined at every sample point")
    worst = _mismatch(s, e)
    if worst is not None:
        return _verdict(p, "incorrect", "none: (yours) - (spec) is not 0, see the counterexample",
                        _counterexample(p, points, worst, s, e), _diagnose(p, points, s, e))
    kink = _kink_mismatch(p, points, s_base, e_base)
    if kink is not None:
        proved = _prove(p, s_base, e_base, away_only=True)
        proof = proved or (f"agrees numerically at {int(np.isfinite(s).sum())} points away from "
                           "the kink, SymPy could not prove it; differs at the kink itself")
        return _verdict(p, "kink", proof, kink[0], kink[1])
    proved = _prove(p, s_base, e_base, away_only=False)
    if proved:
        return _verdict(p, "proved", proved, None, None)
    count = int((np.isfinite(s) & np.isfinite(e)).sum())
    return _verdict(p, "numeric", f"agrees numerically at {count} points ({_domain(p)}); "
                    "SymPy could not prove it, so this is evidence, not a proof", None, None)


def _verdict(p: _Problem, status, proof, counterexample, hint) -> Verdict:
    return Verdict(correct=status in ("proved", "numeric"), proof=proof,
                   counterexample=counterexample, expected=p.expected_text or sp.sstr(p.expected, order="old"),
                   hint=hint, status=status, subject=p.subject, student=p.student_text,
                   notes=p.notes)


# ---------------------------------------------------------------- kinks and proofs


def _kinks_of(*exprs) -> set:
    """Real points where an expression in z may switch branch: zeros of the arguments of
    Heaviside, Abs, sign, Max/Min and Piecewise conditions, when those are polynomials of
    degree at most 2 in z (enough for hand derivations; anything else is left unsplit)."""
    args = []
    for expr in exprs:
        for f in expr.atoms(sp.Heaviside, sp.Abs, sp.sign, sp.DiracDelta):
            args.append(f.args[0])
        for f in expr.atoms(sp.Max, sp.Min):
            args += [u - v for u in f.args for v in f.args if u != v]
        for pw in expr.atoms(sp.Piecewise):
            for _, cond in pw.args:
                args += [rel.lhs - rel.rhs for rel in cond.atoms(sp.core.relational.Relational)]
    points = set()
    for arg in args:
        if arg.free_symbols == {z} and arg.is_polynomial(z) and sp.degree(arg, z) <= 2:
            points |= {r for r in sp.solve(arg, z) if r.is_real}
    return points


def _kink_mismatch(p: _Problem, points: dict, s_base, e_base):
    """(counterexample, hint) for the first kink where the two differ, else None."""
    if z not in points:
        return None
    for b in p.kinks:
        at = {**points, z: np.full_like(points[z], float(b))}
        s, e = _values(s_base, at), _values(e_base, at)
        i = _mismatch(s, e)
        if i is not None:
            ce = _counterexample(p, at, i, s, e)
            yours = "is undefined" if ce["student"] is None else f"gives {ce['student']}"
            hint = f"correct except at the kink z = {_readable(float(b))}: {p.kink_note}; your expression {yours} there"
            fix = _heaviside_fix(p, points, at)
            return ce, hint + (f". {fix}" if fix else "")
    return None


def _heaviside_fix(p: _Problem, *point_sets) -> str | None:
    """If giving every Heaviside a different value at 0 makes the answer right, say so:
    SymPy's Heaviside(0) is 1/2, the spec's relu'(0) is 0."""
    steps = p.student.atoms(sp.Heaviside)
    if not steps:
        return None
    expected = p.to_base(p.expected)
    for h0 in (0, 1):
        fixed = p.student.xreplace({h: sp.Heaviside(h.args[0], h0) for h in steps})
        if all(_mismatch(_values(p.to_base(fixed), pts), _values(expected, pts)) is None
               for pts in point_sets):
            return slips.hint("heaviside_half", value=h0)
    return None


def _prove(p: _Problem, s_base, e_base, away_only: bool) -> str | None:
    """A sentence stating what SymPy proved, or None when it could not prove it."""
    if not p.kinks and p.substitution and _proves(p.student, p.expected):
        return "SymPy simplifies (yours) - (spec) to 0 (no substitution needed)"
    if not p.kinks:
        ok = _proves(s_base, e_base)
    elif away_only:
        q = sp.Symbol("p", positive=True)
        ok = all(_proves(s_base.subs(z, b + sign * q), e_base.subs(z, b + sign * q))
                 for b in p.kinks for sign in (1, -1))
    else:
        ok = _proves(s_base, e_base, p.kinks)
    if not ok:
        return None
    text = "SymPy simplifies (yours) - (spec) to 0"
    if p.substitution:
        text += f" after substituting {p.substitution} on both sides"
        text += "," if p.kinks else ""
    if p.kinks:
        where = " and ".join(f"z = {b}" for b in p.kinks)
        text += f" on each side of the kink {where} (z = kink ± p with p > 0)"
        text += ", but not at the kink itself" if away_only else " and at the kink itself"
    return text


def _proves(lhs, rhs, kinks=()) -> bool:
    try:
        return derive.prove_equal(lhs, rhs, z, kinks)
    except Exception:  # SymPy gives up in odd ways on odd input: that is "not proved"
        return False


# ---------------------------------------------------------------- hints


def _rescalings(with_nk: bool) -> list[tuple[slips.Slip, ...]]:
    """The rescaling slips (``spec.slips.RESCALINGS``) a hand derivation can make at
    once: at most a sign, a factor 2 or 1/2 and a reduction constant; the fewest first."""
    numbers = [s for s in slips.RESCALINGS if s.factor[1:] == (0, 0)]
    signs = [()] + [(s,) for s in numbers if s.factor[0] < 0]
    sizes = [()] + [(s,) for s in numbers if s.factor[0] > 0]
    reductions = [()] + ([(s,) for s in slips.RESCALINGS if s.factor[1:] != (0, 0)] if with_nk else [])
    combos = [one + two + three for one in signs for two in sizes for three in reductions if one + two + three]
    return sorted(combos, key=len)


def _rescale(combo) -> sp.Expr:
    """The product of the combination's factors c N^p K^q."""
    return sp.Mul(*[sp.Rational(c.numerator, c.denominator) * N**p * K**q for c, p, q in
                    (s.factor for s in combo)])


def _rescaling_phrase(combo, loss: losses.Loss | None) -> str:
    """Name each slip in  yours = (factors) * (spec):  sign, 2 or 1/2, a reduction constant."""
    squared = loss is not None and loss.term == (y - t) ** 2
    parts = []
    for slip in combo:
        c, p, q = slip.factor
        if (p, q) != (0, 0):
            why = f" ({loss.name}'s reduction constant is {loss.scale}: {loss.reduction})" if loss else ""
            parts.append(slips.hint(slip.code) + why)
        elif c < 0:
            parts.append(slips.hint(slip.code, "loss" if loss else ""))
        else:
            parts.append(slips.hint(slip.code, "squared" if squared else ""))
    return "; ".join(parts)


def _diagnose(p: _Problem, points: dict, s, e) -> str | None:
    """Name the slip: a known wrong form (p.wrong_forms) and/or rescalings from :func:`_rescalings`."""
    forms = [(e, None)]
    for expr, description in p.wrong_forms:
        values = _values(p.to_base(expr), points)
        if _mismatch(values, e) is not None:  # a slip that coincides with the answer is no slip
            forms.append((values, description))
    candidates = [(form, desc, ()) for form, desc in forms[1:]]
    with_nk = N in points
    for combo in _rescalings(with_nk):
        for form, desc in forms:
            candidates.append((form, desc, combo))
    candidates.sort(key=lambda cand: (cand[1] is not None) + len(cand[2]))
    for form, desc, combo in candidates:
        factor = _rescale(combo)
        scale = _values(factor, points) if with_nk else np.full_like(e, float(factor))
        if _matches(s, form * scale):
            phrase = _rescaling_phrase(combo, p.loss)
            return "; also ".join(x for x in (desc, phrase) if x)
    return _constant_ratio(s, e) or _heaviside_fix(p, points)


def _matches(s, candidate) -> bool:
    both = np.isfinite(s) & np.isfinite(candidate)
    return both.sum() >= 10 and bool(_agree(s[both], candidate[both]).all())


def _constant_ratio(s, e) -> str | None:
    """'a constant factor c' when yours / spec is the same number at every point."""
    usable = np.isfinite(s) & np.isfinite(e) & (np.abs(e) > 1e-9)
    if usable.sum() < 10:
        return None
    ratio = s[usable] / e[usable]
    if np.isclose(ratio[0], 0) or np.isclose(ratio[0], 1) or not _matches(s, ratio[0] * e):
        return None
    c = sp.nsimplify(ratio[0], tolerance=1e-8, rational=True)
    shown = c if sp.denom(c) <= 1000 else _readable(ratio[0])
    return slips.hint("constant_factor", ratio=shown)


# ---------------------------------------------------------------- the three checks


def _activation(text: str, what: str = "--activation", allow_softmax: bool = False):
    """(catalog name or None, g(z) or None for softmax) from a name or an expression in z."""
    if not isinstance(text, str) or not text.strip():
        raise CheckError(f"{what} is empty")
    text = text.strip()
    if text in activations.CATALOG:
        return text, activations.CATALOG[text].expr
    if text == activations.SOFTMAX.name:
        if allow_softmax:
            return text, None
        raise CheckError("softmax is vector-valued, so it has a Jacobian, not an elementwise "
                         "derivative; check its output delta instead (--loss ... --delta ...)")
    if text.isidentifier() and text != "z" and text not in FUNCTIONS and text not in CONSTANTS:
        raise CheckError(f"unknown activation {text!r}; known: {', '.join(activations.NAMES)}, "
                         "or an expression in z such as \"exp(-z**2)\"")
    return None, parse(text, ("z",), f"{what} expression")


def _loss(name: str) -> losses.Loss:
    try:
        return losses.get(name)
    except (ValueError, TypeError) as exc:
        raise CheckError(str(exc)) from None


def _kink_note(name) -> str:
    if name:
        return f"the spec's convention is {activations.CATALOG[name].kink_convention}"
    return "the expected value there is SymPy's derivative of your activation"


def _label(name, activation: str) -> str:
    """How to name g(z) to the student: sigmoid(z), or their own expression as typed."""
    return f"{name}(z)" if name else " ".join(activation.split())


def check_derivative(activation: str, derivative: str, of: str = "z") -> Verdict:
    """Is ``derivative`` g'(z) for g = ``activation`` (a catalog name or an expression in z)?

    of="z": ``derivative`` is in z and must equal dg/dz for every real z.
    of="a": ``derivative`` is in the output a and must satisfy derivative(a = g(z)) == g'(z)
    for every z; only catalog activations that have such a form (not rbf: a = e^{-z^2}
    comes from z and -z, whose slopes differ, so g' is no function of a).
    """
    if of not in ("z", "a"):
        raise CheckError(f"--of must be z or a, not {of!r}")
    name, g = _activation(activation)
    kinks = tuple(activations.CATALOG[name].kinks) if name else ()
    note = _kink_note(name)
    if of == "a":
        return _judge(_derivative_in_a(name, g, derivative, kinks, note))
    expected = derive.activation_prime(name) if name else derive.tidy(sp.diff(g, z))
    student = parse(derivative, ("z",), "--derivative")
    wrong, notes = (), ()
    prime_a = derive.activation_prime_a(name) if name else None
    if prime_a is not None and prime_a.free_symbols:
        notes = (f"= {prime_a} in terms of the output a = {name}(z)",)
        wrong = ((prime_a.subs(a, z),
                  slips.hint("prime_of_output", name=name, prime_a=prime_a,
                             written=prime_a.subs(a, sp.Symbol(f"{name}(z)")))),)
    return _judge(_Problem(
        subject=f"d/dz {_label(name, activation)}", student_text=derivative.strip(), student=student,
        expected=expected, base=(z,), kinks=tuple(sorted(set(kinks) | _kinks_of(student, expected, g))),
        kink_note=note, wrong_forms=wrong, notes=notes))


def _derivative_in_a(name, g, derivative: str, kinks, note) -> _Problem:
    """The problem for g'(z) written in terms of a = g(z)."""
    if name is None:
        raise CheckError("--of a needs a catalog activation; for a custom expression give the derivative in z")
    expected = derive.activation_prime_a(name)
    if expected is None:
        reason = derive.prime_a_reason(name).removeprefix("none: ")
        raise CheckError(f"{name} has no derivative in terms of its output a: {reason} (use --of z)")
    student = parse(derivative, ("a",), "--derivative (with --of a)")
    prime_z = derive.activation_prime(name)
    wrong = ()
    if prime_z.free_symbols:
        wrong = ((prime_z.subs(z, a), slips.hint("prime_of_input", prime_z=prime_z, name=name, expected=expected)),)
    return _Problem(
        subject=f"{name}'(z) in terms of the output a = {name}(z)", student_text=derivative.strip(),
        student=student, expected=expected, base=(z,), to_base=lambda e: e.subs(a, g),
        substitution=f"a = {name}(z)", shown={"a": g}, kinks=kinks, kink_note=note, wrong_forms=wrong)


def check_delta(loss: str, activation: str, delta: str) -> Verdict:
    """Is ``delta`` the output delta  delta_L = dE/dz = dE/dy * g'(z)  for (loss, activation)?

    Symbols: y (output), t (target), z (pre-activation), N (samples), K (outputs per
    sample). y = g(z) is substituted on both sides before comparing, so sigmoid(z) and y
    are interchangeable.

    softmax (output layer only) couples the K outputs: delta_i = y_i (G_i - S) with
    G = dE/dy and S = sum_k y_k G_k over the sample, so ``delta`` is in y, t, N, K and S
    (no z). For cross_entropy∘softmax it closes to (y_i sum_k t_k - t_i) / N; this check
    assumes each target row sums to 1 (one-hot or probability targets), so (y - t)/N is
    the correct answer.
    """
    loss_ = _loss(loss)
    name, g = _activation(activation, allow_softmax=True)
    if name == activations.SOFTMAX.name:
        return _judge(_softmax_delta(loss_, delta))
    gprime = sp.diff(g, z)
    expected = derive.output_delta(loss_.name, name) if name else derive.tidy(
        derive.loss_prime(loss_.name) * gprime.subs(g, y))
    student = parse(delta, ("y", "t", "z", "N", "K"), "--delta")
    sub = lambda e: e.subs(y, g)  # noqa: E731  y is the output g(z)
    kinks = tuple(activations.CATALOG[name].kinks) if name else ()
    kinks = tuple(sorted(set(kinks) | _kinks_of(sub(student), sub(expected), g)))
    return _judge(_Problem(
        subject=f"output delta dE/dz for loss {loss_.name} with output activation {_label(name, activation)}",
        student_text=delta.strip(), student=student, expected=expected, base=(z, t, N, K),
        to_base=sub, substitution=f"y = {_label(name, activation)}", shown={"y": g}, kinks=kinks,
        kink_note=_kink_note(name),
        wrong_forms=_delta_slips(loss_, name, g), loss=loss_,
        notes=(f"(y stands for {_label(name, activation)}: write either)",)))


def _delta_slips(loss: losses.Loss, name, g) -> tuple:
    """Wrong forms students write for dE/dy * g'(z)."""
    dedy = derive.loss_prime(loss.name)
    gprime = derive.activation_prime(name) if name else sp.diff(g, z)
    wrong = [(dedy, slips.hint("missing_gprime", dedy=dedy, gprime=gprime))]
    prime_a = derive.activation_prime_a(name) if name else None
    if prime_a is not None and prime_a.free_symbols:
        wrong.append((dedy * prime_a.subs(a, z), slips.hint("gprime_a_of_z", prime_a=prime_a, in_y=prime_a.subs(a, y))))
    if gprime.free_symbols:
        in_y = None if prime_a is None else prime_a.subs(a, y)
        wrong.append((dedy * gprime.subs(z, y),
                      slips.hint("gprime_of_output", "" if in_y is None else "in_y", gprime=gprime, in_y=in_y)))
    return tuple(wrong)


def _softmax_delta(loss: losses.Loss, delta: str) -> _Problem:
    """softmax: compare in y, t, N, K (and S) directly; no substitution, no kinks."""
    closed = derive.softmax_delta(loss.name)
    ce = S_t in closed.free_symbols  # cross_entropy: the delta closes over the targets' sum alone
    expected = closed.subs(S_t, 1)
    symbols = ("y", "t", "N", "K") if ce else ("y", "t", "N", "K", "S")
    student = parse(delta, symbols, "--delta")
    dedy = derive.loss_prime(loss.name)
    wrong = ((dedy, slips.hint("missing_gprime", "softmax", dedy=dedy)),
             (dedy * y * (1 - y), slips.hint("softmax_diagonal")))
    notes = (("assumes each target row sums to 1 (one-hot or probabilities); in general "
              "δ = (y·Σ_k t_k - t)/N",) if ce else
             ("S = Σ_k y_k dE/dy_k summed over the sample's row (softmax couples the outputs)",))
    return _Problem(
        subject=f"output delta dE/dz for loss {loss.name} with output activation softmax",
        student_text=delta.strip(), student=student, expected=expected,
        base=(y, t, N, K) if ce else (y, t, N, K, S), wrong_forms=wrong, loss=loss,
        y_range=(0.01, 0.99), notes=notes)


def check_loss_derivative(loss: str, derivative: str) -> Verdict:
    """Is ``derivative`` dE/dy for one element of the loss, reduction constant included?
    Symbols y, t, N, K; e.g. mse: 2 (y - t) / (N K)."""
    loss_ = _loss(loss)
    student = parse(derivative, ("y", "t", "N", "K"), "--loss-derivative")
    logs = loss_.term.has(sp.log)  # a log needs y in (0, 1)
    return _judge(_Problem(
        subject=f"dE/dy (one element) for loss {loss_.name}", student_text=derivative.strip(),
        student=student, expected=derive.loss_prime(loss_.name), base=(y, t, N, K), loss=loss_,
        y_range=(0.01, 0.99) if logs else (-3.0, 3.0)))


# ---------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2 (via CheckError), never usage + traceback
        raise CheckError(message)


class _Once(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest) is not None:
            raise CheckError(f"{option_string} given more than once")
        setattr(namespace, self.dest, values)


_VALUE_OPTIONS = ("--activation", "--derivative", "--of", "--loss", "--delta", "--loss-derivative")


def _parser() -> _Parser:
    p = _Parser(prog="python -m deltaspec.spec check", allow_abbrev=False,
                description="Check a hand-derived formula against the spec. Exit 0 correct, "
                            "1 incorrect (or wrong only at a kink), 2 bad input.")
    p.add_argument("--activation", action=_Once, help="catalog name or an expression in z")
    p.add_argument("--derivative", action=_Once, help="g'(z) in z (or in a with --of a)")
    p.add_argument("--of", action=_Once, help="z (default) or a: the variable of --derivative")
    p.add_argument("--loss", action=_Once, help=f"one of {', '.join(losses.NAMES)}")
    p.add_argument("--delta", action=_Once, help="output delta dE/dz in y, t, z, N, K")
    p.add_argument("--loss-derivative", action=_Once, help="dE/dy per element in y, t, N, K")
    return p


def _join_values(argv):
    """--opt value -> --opt=value, so a value like "-2*z*exp(-z**2)" is not taken for an option."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in _VALUE_OPTIONS and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def _run(args) -> Verdict:
    """Dispatch on the one formula given; reject missing and conflicting options."""
    given = [opt for opt, v in (("--derivative", args.derivative), ("--delta", args.delta),
                                ("--loss-derivative", args.loss_derivative)) if v is not None]
    if len(given) != 1:
        which = "none" if not given else " and ".join(given)
        raise CheckError(f"give exactly one of --derivative, --delta, --loss-derivative (got {which})")
    if args.of is not None and given != ["--derivative"]:
        raise CheckError("--of only goes with --derivative")
    if args.derivative is not None:
        _require(args, "--derivative", need=("activation",), forbid=("loss",))
        return check_derivative(args.activation, args.derivative, of=args.of or "z")
    if args.delta is not None:
        _require(args, "--delta", need=("loss", "activation"), forbid=())
        return check_delta(args.loss, args.activation, args.delta)
    _require(args, "--loss-derivative", need=("loss",), forbid=("activation",))
    return check_loss_derivative(args.loss, args.loss_derivative)


def _require(args, mode: str, need, forbid) -> None:
    for name in need:
        if getattr(args, name) is None:
            raise CheckError(f"{mode} needs --{name}")
    for name in forbid:
        if getattr(args, name) is not None:
            raise CheckError(f"--{name} does not go with {mode}")


def main(argv=None) -> int:
    """``python -m deltaspec.spec check ...``: print the verdict's report. Exit 0 correct, 1 incorrect
    (including "correct except at the kink"), 2 bad input (one line on stderr)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        verdict = _run(_parser().parse_args(_join_values(argv)))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except CheckError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for a student; say what failed, in one line
        print(f"error: could not check this input ({type(exc).__name__}: {_first_line(exc)})",
              file=sys.stderr)
        return 2
    print(verdict.report())
    return 0 if verdict.correct else 1


if __name__ == "__main__":
    sys.exit(main())
