"""SymPy -> NumPy: print the spec's expressions as the source of one Python module.

This is the slow, SymPy side of ``spec.numeric``. :func:`generate` derives every
expression of the catalog (``spec.activations``, ``spec.losses``, ``spec.derive``) and
prints the module that ``spec.numeric`` serves its functions from: committed as
``spec/_generated.py`` (``python -m deltaspec.spec source --write``), or, while the
catalog is being edited, derived again and kept in the user's cache.

Two forms of each function:

* stable: a Piecewise is evaluated branch by branch, each branch only on the elements
  where its condition holds first (``_piecewise``), so sigmoid(-800) never computes
  exp(800) and bce never computes 0 * ln 0;
* naive (``__naive``): the textbook expression printed as is, every branch evaluated
  everywhere (``numpy.where``), the tutorials' arithmetic op for op.

Besides the functions the module states the catalog's names (activations, losses, the
output activation each loss is meant for, ...), so ``spec.numeric`` knows them without
importing SymPy.
"""
from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE

from deltaspec.spec import activations, derive, losses

# the helpers every generated function calls; :func:`function` prepends them too
RUNTIME = '''def _floats(*args):
    """Broadcast the arguments to one float array shape (ints become float64)."""
    arrs = [numpy.asarray(x) for x in args]
    dtype = numpy.result_type(*[x.dtype if x.dtype.kind == "f" else numpy.float64 for x in arrs])
    return numpy.broadcast_arrays(*[x.astype(dtype, copy=False) for x in arrs]), dtype


def _piecewise(args, cases):
    """Evaluate (condition, branch) cases in order, each only where it holds first."""
    arrs, dtype = _floats(*args)
    if len(cases) == 1:  # one unconditional branch: no masks to pay for
        out = numpy.asarray(cases[0][1](*arrs), dtype=dtype)
        return out if out.shape == arrs[0].shape else numpy.broadcast_to(out, arrs[0].shape).copy()
    out = numpy.empty(arrs[0].shape, dtype)
    left = numpy.ones(arrs[0].shape, bool)
    for cond, branch in cases:
        mask = left if cond is None else left & cond(*arrs)
        if mask.any():
            out[mask] = branch(*[x[mask] for x in arrs])
        left &= ~mask
    return out
'''

DOCSTRING = '''"""Generated from the SymPy catalog by ``python -m deltaspec.spec source --write``; do not edit.

KEY is the hash of the spec source it was derived from (``spec.numeric.key``): while
the two agree, ``spec.numeric`` serves every function from this module without SymPy.
"""'''


class _Printer(NumPyPrinter):
    """NumPy's SymPy printer, but 1/x prints as ``1/x`` (the tutorials' arithmetic),
    not as ``x**(-1.0)``."""

    def _print_Pow(self, expr, rational=False):
        if expr.exp == -1:
            return "1/" + self.parenthesize(expr.base, PRECEDENCE["Pow"])
        return super()._print_Pow(expr, rational=rational)


def _printer() -> _Printer:
    return _Printer({"fully_qualified_modules": True, "allow_unknown_functions": False})


def _optimize(expr):
    """Rewrite log(1 + x) as log1p(x) and +-(exp(x) - 1) as +-expm1(x): the same value
    without cancellation near 0. A plain pattern rewrite: SymPy's own optimizer also
    simplifies, which would undo the stable branches."""
    def is_log1p(e):
        return isinstance(e, sp.log) and e.args[0].is_Add and sp.S.One in e.args[0].args

    def is_expm1(e):
        if not e.is_Add or len(e.args) != 2:
            return False
        const, rest = e.as_independent(*e.free_symbols)
        return (const == -1 and isinstance(rest, sp.exp)) or (const == 1 and isinstance(-rest, sp.exp))

    def to_expm1(e):
        const, rest = e.as_independent(*e.free_symbols)
        if const == -1:
            return expm1(rest.args[0])           # exp(x) - 1
        return -expm1((-rest).args[0])           # 1 - exp(x)

    expr = expr.replace(is_log1p, lambda e: log1p(e.args[0] - 1))
    return expr.replace(is_expm1, to_expm1)


def _lambda_src(params, expr, printer, optimized=True) -> str:
    body = printer.doprint(_optimize(expr) if optimized else expr)
    return f"lambda {', '.join(params)}: {body}"


def stable_src(name, params, expr) -> str:
    """A function evaluating expr branch by branch (a single branch if not Piecewise)."""
    printer = _printer()
    expr = sp.piecewise_fold(expr)
    pieces = expr.args if isinstance(expr, sp.Piecewise) else ((expr, sp.true),)
    cases = []
    for branch, cond in pieces:
        cond_src = "None" if cond == sp.true else _lambda_src(params, cond, printer, False)
        cases.append(f"({cond_src}, {_lambda_src(params, branch, printer)})")
    args = ", ".join(params)
    return f"def {name}({args}):\n    return _piecewise(({args},), ({', '.join(cases)},))\n"


def _where_src(expr, printer) -> str:
    """A Piecewise as nested numpy.where (every branch evaluated everywhere, as a
    textbook program does), the first case outermost."""
    if not isinstance(expr, sp.Piecewise):
        return printer.doprint(expr)
    (branch, cond), *rest = expr.args
    if cond == sp.true:
        return printer.doprint(branch)
    inner = _where_src(sp.Piecewise(*rest), printer) if rest else "numpy.nan"
    return f"numpy.where({printer.doprint(cond)}, {printer.doprint(branch)}, {inner})"


def naive_src(name, params, expr) -> str:
    """The expression printed as one line: the tutorials' arithmetic, op for op."""
    printer = _printer()
    args = ", ".join(params)
    if not expr.free_symbols:
        return f"def {name}({args}):\n    return numpy.full_like({params[0]}, {printer.doprint(expr)})\n"
    return f"def {name}({args}):\n    return {_where_src(expr, printer)}\n"


# ---------------------------------------------------------------- the module


def catalog_names() -> dict:
    """The catalog's facts that ``spec.numeric`` states without SymPy, as Python values.

    OUTPUT_FOR_LOSS maps a loss to the output activations it is meant for (a loss
    absent from it takes any); SOFTMAX_TARGET_SUM lists the losses whose softmax delta
    closes over S_t = sum_k t_k alone (the others take S = sum_k y_k dE/dy_k).
    """
    s_t = sp.Symbol("S_t", real=True)
    return {
        "ACTIVATIONS": activations.ELEMENTWISE,
        "SOFTMAX": activations.SOFTMAX.name,
        "LOSSES": losses.NAMES,
        "OUTPUT_FOR_LOSS": {name: loss.outputs for name, loss in losses.CATALOG.items() if loss.outputs},
        "KINKS": {name: tuple(float(k) for k in act.kinks) for name, act in activations.CATALOG.items()},
        "SOFTMAX_TARGET_SUM": tuple(name for name in losses.NAMES
                                    if s_t in derive.softmax_delta(name).free_symbols),
    }


def _activation_functions(name: str) -> list[str]:
    """g, g'(z), and g' in terms of a = g(z) (or of both z and a) where those exist."""
    z, a = activations.z, activations.a
    act = activations.get(name)
    parts = [stable_src(f"act_{name}", ["z"], act.stable),
             naive_src(f"act_{name}__naive", ["z"], act.expr),
             stable_src(f"prime_z_{name}", ["z"], derive.activation_prime_stable(name)),
             naive_src(f"prime_z_{name}__naive", ["z"], derive.activation_prime(name))]
    prime_za = derive.activation_prime(name).subs(act.expr, a)
    if a in prime_za.free_symbols and z in prime_za.free_symbols:
        # g' needs both z and a = g(z) (rbf: -2 z a): the form Roelants writes
        parts.append(naive_src(f"prime_za_{name}", ["z", "a"], prime_za))
    prime_a = derive.activation_prime_a(name)
    if prime_a is not None:
        parts += [stable_src(f"prime_a_{name}", ["a"], prime_a), naive_src(f"prime_a_{name}__naive", ["a"], prime_a)]
    return parts


def _loss_functions(name: str) -> list[str]:
    """The per-element term, dE/dy, every output delta and the reduction constant."""
    loss = losses.get(name)
    parts = [stable_src(f"term_{name}", ["y", "t"], loss.stable),
             stable_src(f"dterm_{name}", ["y", "t", "N", "K"], derive.loss_prime_stable(name))]
    for act_name in activations.ELEMENTWISE:
        parts.append(stable_src(f"delta_{name}__{act_name}", ["y", "t", "z", "N", "K"],
                                derive.output_delta(name, act_name)))
    # both softmax sums are passed as the parameter S (see catalog_names)
    soft = derive.softmax_delta(name).subs({sp.Symbol("S_t", real=True): derive.S})
    parts.append(stable_src(f"delta_{name}__softmax", ["y", "t", "S", "N", "K"], soft))
    parts.append(f"def scale_{name}(N, K):\n    return {_printer().doprint(loss.scale)}\n")
    return parts


def generate(key: str | None) -> str:
    """Derive every expression and print the whole module (the slow part), stamped with
    ``key``, the hash of the spec source it comes from."""
    facts = [f"KEY = {key!r}", ""] + [f"{name} = {value!r}" for name, value in catalog_names().items()]
    parts = [DOCSTRING + "\nimport numpy\n\n" + "\n".join(facts) + "\n", RUNTIME]
    for name in activations.ELEMENTWISE:
        parts += _activation_functions(name)
    for name in losses.NAMES:
        parts += _loss_functions(name)
    return "\n\n".join(parts)


def function(expr, params, naive: bool = False):
    """Compile one SymPy expression in the named parameters, the way the catalog is
    compiled (stable, branch-by-branch Piecewise evaluation unless ``naive``)."""
    params = [str(p) for p in params]
    text = (naive_src if naive else stable_src)("_f", params, expr)
    namespace: dict = {}
    exec(compile("import numpy\n\n\n" + RUNTIME + "\n\n" + text, "<spec.numeric.compile_expr>", "exec"), namespace)
    return namespace["_f"]
