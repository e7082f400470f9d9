"""Numpy-style matrix formulas, read safely and evaluated on two kinds of matrices.

A student types a matrix rule the way a notebook does: ``(delta @ W.T) * sigmoid_prime(Z)``,
``np.dot(A_prev.T, delta)``, ``delta.sum(axis=0, keepdims=True)``, ``W.T @ delta ⊙ g'(Z)``.
The text is normalized like a scalar formula (``⊙``, ``δ``, ``ᵀ``, ``g'(Z)``), parsed
by Python's ``ast`` and *interpreted* here, node by node, never eval'd. What may appear:

* names of the rule's matrices and N (the number of samples; ``m`` is an alias);
* ``+ - * / ** @``, unary minus, numbers, ``X.T``, comparisons ``Z > 0`` (1 where true);
* functions, bare or with a ``np.``/``numpy.`` prefix: g, g_prime, every catalog
  activation and its ``_prime``, exp, log, tanh, sqrt, abs, maximum, where, heaviside,
  power, square, sum, mean, dot, matmul, multiply, transpose, ones_like; methods ``.sum
  .mean .dot .transpose .astype(float)``; a sum's axis by position or ``axis=``, and
  ``keepdims=``.

The same tree is evaluated on float64 matrices (random instances) and on object matrices
of SymPy symbols (the proof), through a :class:`Backend`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from deltaspec.spec.checking import notation
from deltaspec.spec.checking.errors import CheckError

_METHODS = {"sum", "mean", "dot", "transpose", "astype"}
_REDUCTIONS = {"sum", "mean"}
_CASTS = {"int64", "int32", "float64", "float32"}  # np.int64(Z > 0): the 0/1 values as they are
_MODULES = {"np", "numpy"}


class ShapeError(Exception):
    """Two operands whose shapes do not fit; the message names both shapes."""


@dataclass(frozen=True)
class Backend:
    """How numbers and elementwise functions are made: floats or SymPy expressions."""

    number: Callable
    elementwise: Callable  # (name, array) -> array, for g, g_prime, exp, ...
    step: Callable  # (array, value at 0) -> 1 where > 0, the value where 0, else 0
    count: Callable = float  # an axis's length as a divisor (the samples axis: N)
    reduced: Callable = lambda result, source: None  # a check on what a sum or mean gives


def parse(text, what: str, names, renames: dict) -> ast.Expression:
    """The checked AST of one matrix formula, or a one-line CheckError."""
    text = notation.normalize_matrix(text, what, renames)
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise CheckError(f"{what}: cannot parse {text!r} ({notation.first_line(exc)}); "
                         "between matrices write * (elementwise) or @ (matrix product)") from None
    _check(tree.body, what, set(names))
    return tree


def _check(node, what: str, names: set) -> None:
    """Only the node types the interpreter knows, with names it knows."""
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise CheckError(f"{what}: unknown name {node.id!r}; this rule's names: {', '.join(sorted(names))}")
    elif isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise CheckError(f"{what}: constant {node.value!r} is not allowed")
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult)):
            raise CheckError(f"{what}: operator {type(node.op).__name__} is not allowed")
        if isinstance(node.op, ast.Pow):
            notation.check_power(node, what)
        _check(node.left, what, names)
        _check(node.right, what, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, what, names)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        _check(node.value, what, names)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and \
            isinstance(node.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE)):
        _check(node.left, what, names)
        _check(node.comparators[0], what, names)
    elif isinstance(node, ast.Call):
        _check_call(node, what, names)
    else:
        raise CheckError(f"{what}: {ast.unparse(node)!r} is not allowed; use names, numbers, + - * / ** @, "
                         ".T, and functions such as g'(Z) or np.sum(X, axis=0)")


def _check_call(node: ast.Call, what: str, names: set) -> None:
    func = node.func
    method = False
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MODULES:
        name = func.attr
    elif isinstance(func, ast.Attribute) and func.attr in _METHODS:
        name, method = func.attr, True
        _check(func.value, what, names)
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        raise CheckError(f"{what}: {ast.unparse(func)!r} cannot be called")
    if name == "astype":
        if not (method and len(node.args) == 1 and isinstance(node.args[0], ast.Name)
                and node.args[0].id in ("float", "int") and not node.keywords):
            raise CheckError(f"{what}: write .astype(float) or .astype(int)")
        return
    if name not in FUNCTIONS and name not in _elementwise_names() and name not in _REDUCTIONS \
            and name not in ("heaviside", "greater", "greater_equal") and name not in _CASTS:
        raise CheckError(f"{what}: unknown function {name!r}")
    for kw in node.keywords:
        if not _keyword_ok(kw):
            raise CheckError(f"{what}: {name}() takes only axis= (an axis number or None) and "
                             "keepdims= (True or False)")
    args = list(node.args)
    if name in _REDUCTIONS and len(args) == (1 if method else 2):  # sum(X, 0), X.sum(0)
        if not _keyword_ok(ast.keyword(arg="axis", value=args.pop())):
            raise CheckError(f"{what}: {name}()'s axis is an axis number or None")
    wanted = _ARITY.get(name, 1) - (1 if method else 0)
    if len(args) != wanted:
        hint = _SCALAR_SPELLING.get(name, "")
        raise CheckError(f"{what}: {name}() takes {wanted} argument{'s' if wanted != 1 else ''} here, "
                         f"got {len(args)}{hint}")
    if name == "where" and not isinstance(args[0], ast.Compare):
        raise CheckError(f"{what}: np.where's condition must be a comparison, such as np.where(Z > 0, 1, 0)")
    if name == "power":
        notation.check_power(ast.BinOp(left=args[0], op=ast.Pow(), right=args[1]), what)
    for arg in args:
        _check(arg, what, names)


_ARITY = {"dot": 2, "matmul": 2, "multiply": 2, "maximum": 2, "power": 2, "where": 3, "heaviside": 2,
          "greater": 2, "greater_equal": 2,
          "sum": 1, "mean": 1, "transpose": 1, "ones_like": 1, "square": 1}
_SCALAR_SPELLING = {"Heaviside": "; for a matrix write np.heaviside(Z, 0) or (Z > 0)",
                    "Max": "; for a matrix write np.maximum(Z, 0)", "Min": "; for a matrix write np.minimum"}


def _keyword_ok(kw: ast.keyword) -> bool:
    try:
        value = ast.literal_eval(kw.value)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    if kw.arg == "axis":
        return value is None or (type(value) is int and -2 <= value <= 1)
    return kw.arg == "keepdims" and type(value) is bool


def _elementwise_names() -> set:
    return {*notation.functions(), "g", "g_prime", "exp", "log", "tanh", "sqrt", "abs"}


# ---------------------------------------------------------------- evaluation


def evaluate(tree: ast.Expression, env: dict, backend: Backend):
    """The value of the formula with the names bound in ``env`` (a division by zero or an
    overflow gives inf or nan, judged like any other value, not a warning)."""
    with np.errstate(all="ignore"):
        return _Interpreter(env, backend).visit(tree.body)


def _shape(x) -> tuple:
    return tuple(np.shape(x))


def _axis_sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def _matmul(u, v, text=""):
    if np.ndim(u) == 0 or np.ndim(v) == 0:
        raise ShapeError(f"{text}: @ needs two matrices, not a number")
    su, sv = _shape(u), _shape(v)
    if su[-1] != sv[0]:
        raise ShapeError(f"{text}: shapes {su} @ {sv} do not align ({su[-1]} columns against {sv[0]} rows)")
    return np.matmul(u, v)


def _broadcast(op, u, v, text=""):
    try:
        np.broadcast_shapes(_shape(u), _shape(v))
    except ValueError:
        raise ShapeError(f"{text}: shapes {_shape(u)} and {_shape(v)} do not match elementwise") from None
    return op(u, v)


FUNCTIONS = {
    "dot": _matmul, "matmul": _matmul,
    "power": lambda u, v: _broadcast(np.power, u, v, "power"), "square": lambda u: u * u,
    "multiply": lambda u, v: _broadcast(np.multiply, u, v, "multiply"),
    "transpose": lambda u: np.transpose(u), "ones_like": lambda u: np.ones_like(u),
    "maximum": lambda u, v: _maximum(u, v), "where": lambda c, u, v: _where(c, u, v),
}


def _where(c, u, v):
    """np.where(condition, u, v); the condition is a comparison (1 where true, else 0)."""
    if np.asarray(c).dtype == object:
        return c * u + (1 - c) * v
    return np.where(np.asarray(c) != 0, u, v)


def _maximum(u, v):
    if np.asarray(u).dtype == object or np.asarray(v).dtype == object:
        f = np.vectorize(lambda p, q: sp.Max(p, q), otypes=[object])
        return f(u, v)
    return np.maximum(u, v)


class _Interpreter:
    """Walks the checked tree; every shape error becomes a ShapeError naming the shapes."""

    def __init__(self, env: dict, backend: Backend):
        self.env, self.backend = env, backend

    def visit(self, node):
        return getattr(self, f"visit_{type(node).__name__}")(node)

    def visit_Name(self, node):
        return self.env[node.id]

    def visit_Constant(self, node):
        return self.backend.number(node.value)

    def visit_UnaryOp(self, node):
        value = self.visit(node.operand)
        return -value if isinstance(node.op, ast.USub) else value

    def visit_Attribute(self, node):  # only .T gets past the check
        return np.transpose(self.visit(node.value))

    def visit_Compare(self, node):
        left, right = self.visit(node.left), self.visit(node.comparators[0])
        op = node.ops[0]
        text = ast.unparse(node)
        diff = _broadcast(np.subtract, left, right, text) if isinstance(op, (ast.Gt, ast.GtE)) \
            else _broadcast(np.subtract, right, left, text)
        return self.backend.step(diff, 0 if isinstance(op, (ast.Gt, ast.Lt)) else 1)

    def _mean(self, x, axis=None, keepdims=False):
        """The sum over ``axis`` divided by its length (the samples axis: by N)."""
        lengths = np.shape(x) if axis is None else (np.shape(x)[axis],)
        divisor = 1
        for length in lengths:
            divisor = divisor * self.backend.count(length)
        return np.sum(x, axis=axis, keepdims=keepdims) / divisor

    def visit_BinOp(self, node):
        u, v = self.visit(node.left), self.visit(node.right)
        text = ast.unparse(node)
        if isinstance(node.op, ast.MatMult):
            result = _matmul(u, v, text)
            self.backend.reduced(result, u)  # a product sums too: of constants, it counts entries
            return result
        ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
               ast.Pow: np.power}
        return _broadcast(ops[type(node.op)], u, v, text)

    def visit_Call(self, node):
        func = node.func
        method = isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name)
                                                          and func.value.id in _MODULES)
        name = func.attr if isinstance(func, ast.Attribute) else func.id
        if name == "astype":
            return self.visit(func.value)
        if name in _CASTS:
            return self.visit(node.args[0])
        if name in ("greater", "greater_equal"):
            u, v = self.visit(node.args[0]), self.visit(node.args[1])
            return self.backend.step(_broadcast(np.subtract, u, v, ast.unparse(node)), 0 if name == "greater" else 1)
        positional = list(node.args)
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
        if name in _REDUCTIONS and len(positional) == (1 if method else 2):
            kwargs["axis"] = ast.literal_eval(positional.pop())
        args = [self.visit(arg) for arg in positional]
        if method:
            args = [self.visit(func.value), *args]  # a method: the object is the first argument
        if name in _REDUCTIONS:
            return self._reduce(node, name, args, kwargs)
        if name == "heaviside" and len(args) == 2:
            return self.backend.step(args[0], args[1])
        if name in ("dot", "matmul"):
            result = _matmul(*args, ast.unparse(node))
            self.backend.reduced(result, args[0])
            return result
        if name in FUNCTIONS:
            try:
                return FUNCTIONS[name](*args, **kwargs)
            except (ValueError, TypeError, IndexError, np.exceptions.AxisError) as exc:
                raise ShapeError(f"{ast.unparse(node)}: {notation.first_line(exc)}") from None
        if len(args) != 1 or kwargs:
            raise ShapeError(f"{ast.unparse(node)}: {name}() is elementwise and takes one matrix")
        return self.backend.elementwise(name, args[0])

    def _reduce(self, node, name, args, kwargs):
        if len(args) != 1:
            raise ShapeError(f"{ast.unparse(node)}: {name} takes one matrix")
        try:
            result = (self._mean if name == "mean" else _axis_sum)(args[0], **kwargs)
        except (ValueError, TypeError, IndexError, np.exceptions.AxisError) as exc:
            raise ShapeError(f"{ast.unparse(node)}: {notation.first_line(exc)}") from None
        self.backend.reduced(result, args[0])
        return result


# ---------------------------------------------------------------- display

_TEX_NAMES = {"delta": r"\delta", "A_prev": r"A_{\mathrm{prev}}", "Z_next": r"Z_{\mathrm{next}}",
              "dA_prev": r"dA_{\mathrm{prev}}"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.MatMult: 2, ast.Div: 2, ast.Pow: 4}


def latex(tree: ast.Expression) -> str:
    """The formula in LaTeX: @ as a product, * as ⊙, .T as a superscript ⊤, f_prime as f'."""
    return _tex(tree.body)


def _tex(node, parent: int = 0) -> str:
    if isinstance(node, ast.Name):
        return _TEX_NAMES.get(node.id, node.id)
    if isinstance(node, ast.Constant):
        return f"{node.value:g}" if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.UnaryOp):
        return ("-" if isinstance(node.op, ast.USub) else "") + _tex(node.operand, 3)
    if isinstance(node, ast.Attribute):
        return f"{_tex(node.value, 5)}^{{\\top}}"
    if isinstance(node, ast.BinOp):
        return _tex_binop(node, parent)
    if isinstance(node, ast.Compare):
        return rf"[{_tex(node.left)} {_tex_compare(node.ops[0])} {_tex(node.comparators[0])}]"
    if isinstance(node, ast.Call):
        return _tex_call(node)
    return ast.unparse(node)


def _tex_compare(op) -> str:
    return {ast.Gt: ">", ast.GtE: r"\ge", ast.Lt: "<", ast.LtE: r"\le"}[type(op)]


def _tex_binop(node: ast.BinOp, parent: int) -> str:
    level = _PRECEDENCE[type(node.op)]
    if isinstance(node.op, ast.Div):
        return rf"\frac{{{_tex(node.left)}}}{{{_tex(node.right)}}}"
    if isinstance(node.op, ast.Pow):
        return f"{_tex(node.left, 5)}^{{{_tex(node.right)}}}"
    sign = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \odot ", ast.MatMult: " \\, "}[type(node.op)]
    text = _tex(node.left, level) + sign + _tex(node.right, level + 1)
    return rf"\left({text}\right)" if level < parent else text


def _tex_call(node: ast.Call) -> str:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    args = list(node.args)
    if isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id in _MODULES):
        args = [func.value, *args]  # a method: its object first
    inner = ", ".join(_tex(a) for a in args)
    if name in ("sum", "mean"):
        axis = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "axis"), None)
        where = r"\text{all}" if axis is None else rf"\text{{axis }}{axis}"
        op = r"\sum" if name == "sum" else r"\operatorname{mean}"
        return rf"{op}_{{{where}}} {_tex(args[0], 5)}"
    if name in ("dot", "matmul") and len(args) == 2:
        return rf"{_tex(args[0], 2)} \, {_tex(args[1], 3)}"
    if name == "transpose" and len(args) == 1:
        return f"{_tex(args[0], 5)}^{{\\top}}"
    if name.endswith("_prime"):
        base = name[:-6]
        head = "g" if base == "g" else r"\operatorname{" + base + "}"
        return head + rf"'\left({inner}\right)"
    return rf"\operatorname{{{name}}}\left({inner}\right)" if name != "g" else rf"g\left({inner}\right)"
