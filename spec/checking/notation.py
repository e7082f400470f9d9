"""What a student may type, and how it is read: untrusted text to a SymPy expression.

The text is first *normalized* (the notation students use, rewritten to one spelling),
then passes three gates: the token stream (numbers, + - * / **, parentheses, commas and
the allowed names only), the Python AST (no eval; arithmetic and calls of allowed
functions), and only then SymPy's ``parse_expr``, with dictionaries holding nothing but
the allowed names.

Normalization, each rule unambiguous in a formula:

* ``σ`` and ``sigma`` are sigmoid; ``ln`` is log; ``e`` is Euler's number (``e**z``,
  ``e^z``); ``^`` is a power; ``abs``/``max``/``min`` are Abs/Max/Min; a ``np.``,
  ``numpy.`` or ``math.`` prefix is dropped; ``⊙ · × ∙`` multiply, ``−`` subtracts,
  ``²`` ``³`` are powers.
* ``f'(u)`` is ``f_prime(u)``: the catalog's derivative, e.g. ``sigmoid'(z)``.
* Implicit multiplication where nothing else is meant: ``2z``, ``2(y - t)``,
  ``y(1 - y)`` (y is no function), ``sigmoid(z)(1 - sigmoid(z))``, ``z sigmoid(z)``.
* ``x`` may stand for ``z`` where an activation is written (``x*sigmoid(x)``).
* ``Heaviside(u)`` is 0 at u = 0, the catalog's convention at a kink (relu'(0) = 0);
  ``Heaviside(u, h)`` gives the value h there.
* ``Piecewise((value, condition), ..., (value, True))`` with one comparison per condition.
"""
from __future__ import annotations

import ast
import functools
import io
import keyword
import math
import re
import tokenize

import sympy as sp
from sympy.parsing.sympy_parser import auto_number, parse_expr, rationalize

from deltaspec.spec import activations, derive
from deltaspec.spec.activations import a, z
from deltaspec.spec.checking.errors import CheckError
from deltaspec.spec.losses import K, N, t, y

S = derive.S  # softmax: S = sum_k y_k dE/dy_k over the sample's row

MAX_CHARS = 500  # long enough for any hand derivation, short enough to bound SymPy's work
MAX_EXPONENT = 100  # 9**9**9 would make SymPy compute a 370-million-digit integer
MAX_ARGS = 4  # Max/Min: SymPy's cost grows steeply with the number of arguments

_UNICODE = {"σ": "sigmoid", "⊙": "*", "·": "*", "×": "*", "∙": "*", "−": "-", "²": "**2",
            "³": "**3", "′": "'", "’": "'", "π": "pi", "^": "**", "δ": "delta", "ᵀ": ".T"}
ALIASES = {"ln": "log", "sigma": "sigmoid", "e": "E", "abs": "Abs", "max": "Max", "min": "Min",
           "arctan": "atan", "heaviside": "Heaviside", "H": "Heaviside"}
_MODULES = {"np", "numpy", "math"}
_PRIME = re.compile(r"([A-Za-z_]\w*)\s*'\s*(?=\()")


def _catalog_function(expr):
    """An expression in z as a function of one argument: f(arg) = expr[z := arg]."""
    return lambda arg: expr.xreplace({z: sp.sympify(arg)})


@functools.lru_cache(maxsize=1)
def functions() -> dict:
    """Every function a formula may call, by the name it is called with."""
    table = {}
    for name, act in activations.CATALOG.items():
        table[name] = _catalog_function(act.expr)
        table[f"{name}_prime"] = _catalog_function(derive.activation_prime(name))
    table.update({
        "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "Abs": sp.Abs, "sign": sp.sign,
        "Heaviside": lambda u, h=0: sp.Heaviside(u, h), "Max": sp.Max, "Min": sp.Min,
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh,
        "sech": sp.sech, "atan": sp.atan, "Piecewise": sp.Piecewise})
    return table


def _arity(name: str) -> tuple[int, int]:
    return {"log": (1, 2), "Heaviside": (1, 2), "Max": (1, MAX_ARGS), "Min": (1, MAX_ARGS)}.get(name, (1, 1))


CONSTANTS = {"pi": sp.pi, "E": sp.E}
SYMBOLS = {"z": z, "a": a, "y": y, "t": t, "N": N, "K": K, "S": S}
_OPERATORS = {"+", "-", "*", "/", "**", "(", ")", ",", "<", ">", "<=", ">="}
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SKIP_TOKENS = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER}
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
                  ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.UAdd, ast.USub)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ---------------------------------------------------------------- normalization


def _plain_text(text, what: str) -> str:
    """The one-line, size-capped text, with Unicode notation and primes rewritten."""
    if not isinstance(text, str):
        raise CheckError(f"{what}: expected a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise CheckError(f"{what} is empty")
    if len(text) > MAX_CHARS:
        raise CheckError(f"{what} is too long ({len(text)} characters; at most {MAX_CHARS})")
    if "\n" in text or "\r" in text:
        raise CheckError(f"{what} must be a single line")
    for symbol, plain in _UNICODE.items():
        text = text.replace(symbol, plain)
    text = _PRIME.sub(r"\1_prime", text)
    if "'" in text:
        raise CheckError(f"{what}: a prime ' may only follow a function name, as in sigmoid'(z)")
    return text


def tokens(text: str, what: str) -> list:
    """Python's tokens of ``text``, without the line-end markers."""
    try:
        return [tok for tok in tokenize.generate_tokens(io.StringIO(text).readline)
                if tok.type not in _SKIP_TOKENS]
    except (tokenize.TokenError, SyntaxError):
        # TokenError's only likely cause here is an unclosed parenthesis
        raise CheckError(f"{what}: cannot parse {text!r} (unbalanced parentheses?)") from None


def _renamed(toks: list, renames: dict) -> list[tuple[int, str]]:
    """(type, string) pairs with aliases applied and module prefixes (np.exp) dropped."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if (tok.type == tokenize.NAME and tok.string in _MODULES and i + 2 < len(toks)
                and toks[i + 1].string == "." and toks[i + 2].type == tokenize.NAME):
            i += 2
            continue
        text = renames.get(tok.string, tok.string) if tok.type == tokenize.NAME else tok.string
        out.append((tok.type, text))
        i += 1
    return out


def _implicit_product(prev: tuple[int, str], cur: tuple[int, str]) -> bool:
    """True where juxtaposition can only mean a product: 2z, 2(...), )(, )z, y(...), z y."""
    (pkind, ptext), (ckind, ctext) = prev, cur
    starts_factor = ckind in (tokenize.NAME, tokenize.NUMBER) or ctext == "("
    if ckind == tokenize.NAME and keyword.iskeyword(ctext):
        return False
    if pkind == tokenize.NUMBER or ptext == ")":
        return starts_factor
    if pkind == tokenize.NAME and not keyword.iskeyword(ptext) and ptext not in functions():
        return starts_factor
    return False


def normalize(text, what: str, renames: dict | None = None) -> str:
    """The formula in one spelling: aliases, primes, powers and implicit products made
    explicit, tokens joined by single spaces."""
    text = _plain_text(text, what)
    pairs = _renamed(tokens(text, what), {**ALIASES, **(renames or {})})
    out: list[tuple[int, str]] = []
    for pair in pairs:
        if out and _implicit_product(out[-1], pair):
            out.append((tokenize.OP, "*"))
        out.append(pair)
    return " ".join(s for _, s in out)


# ---------------------------------------------------------------- the gates


def _allowed_names(symbols) -> str:
    return ", ".join([*symbols, *sorted(functions()), *CONSTANTS])


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
            raise CheckError(f"{what}: '.' (attribute access) is not allowed in a scalar formula")
        if s in "[]{}":
            raise CheckError(f"{what}: brackets {s!r} are not allowed; use parentheses")
        if s == "@":
            raise CheckError(f"{what}: @ (matrix product) has no place in a scalar formula; use *")
        raise CheckError(f"{what}: operator {s!r} is not allowed; use + - * / ** and parentheses")
    elif kind == tokenize.NAME:
        if s != "True":  # only a Piecewise condition may be True; the AST gate sees to that
            _check_name(s, what, symbols)
    elif kind == tokenize.STRING or tokenize.tok_name[kind].startswith("FSTRING"):
        raise CheckError(f"{what}: strings are not allowed")
    elif kind == tokenize.ERRORTOKEN and not s.strip():
        return  # whitespace
    else:
        raise CheckError(f"{what}: unexpected {s!r}; use numbers, + - * / **, parentheses and names")


def _check_name(name: str, what: str, symbols) -> None:
    if name in symbols or name in functions() or name in CONSTANTS:
        return
    if keyword.iskeyword(name):
        raise CheckError(f"{what}: keyword {name!r} is not allowed")
    if name.startswith("__") or name.endswith("__"):
        raise CheckError(f"{what}: dunder name {name!r} is not allowed")
    if name in SYMBOLS or name == "x":
        raise CheckError(f"{what}: symbol {name!r} is not allowed here; this formula may use only: "
                         f"{', '.join(symbols)}")
    raise CheckError(f"{what}: unknown name {name!r}; allowed: {_allowed_names(symbols)}")


def constant_value(node, what: str = "expression"):
    """The value of a subtree without names, as a Python number, or None if it has names.

    Bounds what SymPy will be asked to compute: a numeric exponent must be at most
    MAX_EXPONENT in size and every constant must fit in a float."""
    if isinstance(node, ast.Constant):
        if type(node.value) is float and not math.isfinite(node.value):
            raise CheckError(f"{what}: the number {node.value!r} is too large")
        return node.value if type(node.value) in (int, float) else None
    if isinstance(node, ast.UnaryOp):
        inner = constant_value(node.operand, what)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.MatMult):
        left, right = constant_value(node.left, what), constant_value(node.right, what)
        if left is None or right is None:
            return None
        return _fold(type(node.op), left, right, what)
    return None


def _fold(op, left, right, what: str) -> float:
    ops = {ast.Add: lambda u, v: u + v, ast.Sub: lambda u, v: u - v, ast.Mult: lambda u, v: u * v,
           ast.Div: lambda u, v: u / v, ast.Pow: lambda u, v: u ** v}
    if op is ast.Pow and abs(right) > MAX_EXPONENT:
        raise CheckError(f"{what}: exponent {right:g} is too large (at most {MAX_EXPONENT})")
    try:
        value = ops[op](float(left), right)
    except ZeroDivisionError:
        raise CheckError(f"{what}: division by zero in a constant") from None
    except OverflowError:
        raise CheckError(f"{what}: a constant is too large") from None
    if isinstance(value, complex) or abs(value) == float("inf"):
        raise CheckError(f"{what}: a constant is too large or not real")
    return value


def check_power(node: ast.BinOp, what: str) -> None:
    """A numeric exponent must be at most MAX_EXPONENT in size."""
    exponent = constant_value(node.right, what)
    if exponent is not None and abs(exponent) > MAX_EXPONENT:
        raise CheckError(f"{what}: exponent {exponent:g} is too large (at most {MAX_EXPONENT})")


def _check_ast(node, what: str, symbols) -> None:
    """Structure check: arithmetic, calls of allowed functions with plain arguments."""
    if not isinstance(node, _ALLOWED_NODES):
        raise CheckError(f"{what}: {type(node).__name__} is not allowed")
    if isinstance(node, ast.Constant) and (type(node.value) not in (int, float)):
        raise CheckError(f"{what}: constant {node.value!r} is not allowed")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Piecewise":
        _check_piecewise(node, what, symbols)
        return
    if isinstance(node, ast.Name) and node.id in functions():
        raise CheckError(f"{what}: {node.id} is a function; call it, e.g. {node.id}(z)")
    if isinstance(node, ast.Call):
        _check_call(node, what)
        for arg in node.args:  # not node.func: a called function name is fine
            _check_ast(arg, what, symbols)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        check_power(node, what)
    constant_value(node, what)  # raises on overflow or division by zero
    for child in ast.iter_child_nodes(node):
        _check_ast(child, what, symbols)


def _check_piecewise(node: ast.Call, what: str, symbols) -> None:
    """Piecewise((value, condition), ..., (value, True)): conditions compare expressions."""
    if node.keywords or not node.args:
        raise CheckError(f"{what}: write Piecewise((value, condition), ..., (value, True))")
    for piece in node.args:
        if not (isinstance(piece, ast.Tuple) and len(piece.elts) == 2):
            raise CheckError(f"{what}: each piece of Piecewise is a pair (value, condition)")
        value, condition = piece.elts
        _check_ast(value, what, symbols)
        if isinstance(condition, ast.Constant) and condition.value is True:
            continue
        if not (isinstance(condition, ast.Compare) and len(condition.ops) == 1
                and isinstance(condition.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE))):
            raise CheckError(f"{what}: a Piecewise condition is one comparison such as z > 0, or True")
        _check_ast(condition.left, what, symbols)
        _check_ast(condition.comparators[0], what, symbols)


def _check_call(node: ast.Call, what: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise CheckError(f"{what}: only named functions may be called")
    name = node.func.id
    if name not in functions():
        raise CheckError(f"{what}: {name} is not a function; write {name}*(...) for a product")
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise CheckError(f"{what}: {name}() takes plain arguments only")
    low, high = _arity(name)
    if not low <= len(node.args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise CheckError(f"{what}: {name}() takes {wanted} argument(s), got {len(node.args)}")


def parse(text, symbols, what: str = "expression", renames: dict | None = None) -> sp.Expr:
    """Parse untrusted ``text`` into a SymPy expression over ``symbols`` (names from
    :data:`SYMBOLS`), or raise :class:`CheckError`. ``renames`` maps extra aliases, e.g.
    {"x": "z"}. Decimals become exact rationals, so 0.01 means 1/100."""
    text = normalize(text, what, renames)
    for tok in tokens(text, what):
        _check_token(tok, what, symbols)
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise CheckError(f"{what}: cannot parse {text!r} ({first_line(exc)})") from None
    _check_ast(tree, what, symbols)
    return _evaluate_text(text, what, symbols)


def _evaluate_text(text: str, what: str, symbols) -> sp.Expr:
    local = {**functions(), **CONSTANTS, **{name: SYMBOLS[name] for name in symbols}}
    env = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational}
    try:
        expr = parse_expr(text, local_dict=local, global_dict=env,
                          transformations=(auto_number, rationalize))
    except Exception as exc:  # anything SymPy raises on a well-formed but meaningless input
        raise CheckError(f"{what}: cannot evaluate {text!r} ({first_line(exc)})") from None
    if not isinstance(expr, sp.Expr):
        raise CheckError(f"{what}: {text!r} is not an expression")
    if any(power.base == 0 for power in expr.atoms(sp.Pow)):
        # 0**u is 1 only where u = 0: an indicator of single points, which no sample finds
        # and which SymPy's rewriting can "prove" away; no derivation needs it
        raise CheckError(f"{what}: 0 raised to a power is not allowed")
    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise CheckError(f"{what}: {text!r} is not real-valued or not finite (e.g. log(0), sqrt(-1))")
    return expr


def normalize_matrix(text, what: str, renames: dict) -> str:
    """A matrix formula in one spelling: Unicode notation and primes rewritten, the rule's
    aliases applied (``m`` for N, ``dZ`` for delta, ...); no implicit products, since
    between matrices juxtaposition could mean * or @."""
    text = _plain_text(text, what)
    pairs = _renamed_names(tokens(text, what), {"sigma": "sigmoid", **renames})
    return " ".join(pairs)


def _renamed_names(toks: list, renames: dict) -> list[str]:
    """Token strings with names renamed, except after a '.' (an attribute keeps its name)."""
    out: list[str] = []
    for tok in toks:
        after_dot = bool(out) and out[-1] == "."
        out.append(renames.get(tok.string, tok.string) if tok.type == tokenize.NAME and not after_dot
                   else tok.string)
    return out
