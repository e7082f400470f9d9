"""The derivations: SymPy computes every delta formula; nobody types them in.

Notation (row layout, the spec's default): X = A_0 has shape (N, n_in); for layer l,
Z_l = A_{l-1} W_l + b_l with W_l of shape (n_{l-1}, n_l); A_l = g_l(Z_l); Y = A_L;
E = c * sum l(Y, T); delta_l = dE/dZ_l.

Every result here is derived and then *proved*: :func:`prove_equal` checks an identity
symbolically, splitting the real line at the activation's kinks, so a Piecewise
activation is proved branch by branch.
"""
from __future__ import annotations

import functools
import itertools

import sympy as sp

from deltaspec.spec import activations, losses
from deltaspec.spec.activations import a, z
from deltaspec.spec.losses import N, t, y

# ---------------------------------------------------------------- simplification


def _functions(expr):
    return {type(f) for f in expr.atoms(sp.Function)}


def tidy(expr):
    """A short, readable equivalent of ``expr``: the candidate with the fewest
    operations among (expr, factor, cancel, simplify) that introduces no new function
    (simplify likes to turn the sigmoid's derivative into 1/(4 cosh^2(z/2))), then
    written with the signs a reader expects: (y - t), a(1 - a)."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(tidy(e), c) for e, c in expr.args])
    base = _functions(expr)

    def cost(e):
        # every function call is a place to overflow or lose precision: count it thrice
        return sp.count_ops(e) + 3 * len(e.atoms(sp.Function))

    best = sp.factor(expr)
    for candidate in (expr, sp.cancel(expr), sp.simplify(expr)):
        # factored forms read best, so another form must be clearly cheaper to win
        if _functions(candidate) <= base and cost(candidate) + 1 < cost(best):
            best = candidate
    return _orient_signs(best)


_LEADING = (y, a, z)


def _preferred(add) -> bool:
    """(1 - y) over (y - 1), (y - t) over (t - y): constants and outputs lead positive."""
    const, _ = add.as_independent(*add.free_symbols)
    if const != 0:
        return const > 0
    for sym in _LEADING:
        coeff = add.coeff(sym)
        if coeff != 0 and coeff.is_number:
            return coeff > 0
    return True


def _orient_signs(expr):
    """Flip the sign of each Add factor of a product to its preferred orientation,
    collecting the flips in front."""
    if not isinstance(expr, sp.Mul):
        return expr
    sign, factors = 1, []
    for f in expr.args:
        base, exp = f.as_base_exp()
        if isinstance(base, sp.Add) and exp.is_integer and not _preferred(base):
            f = sp.Pow(-base, exp, evaluate=False) if exp != 1 else sp.Mul(-1, base)
            sign *= sp.Integer(-1) ** exp
        factors.append(f)
    coeff, rest = sp.Mul(sign, *[f for f in factors if f.is_number]), [f for f in factors if not f.is_number]
    if coeff == 1:
        return sp.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0]
    return sp.Mul(coeff, *rest, evaluate=False)


def _is_zero(expr) -> bool:
    """True only when SymPy can prove expr == 0 (never a numeric guess)."""
    if expr == 0:
        return True
    for attempt in (sp.simplify, lambda e: sp.simplify(e.rewrite(sp.exp))):
        if attempt(expr) == 0:
            return True
    return False


def prove_equal(lhs, rhs, var=z, breakpoints=()) -> bool:
    """Prove lhs == rhs for every real ``var``.

    With breakpoints b (kinks or Piecewise switches) the real line is split into
    var = b + p, var = b - p (p > 0) and var = b, so each Piecewise collapses to one
    branch and the identity is proved there. A piece where the reference ``rhs`` is
    undefined (ln 0 when a relu output feeds bce) is outside the domain and skipped.
    Returns False when SymPy cannot prove it.
    """
    if not breakpoints:
        return _is_zero(sp.piecewise_fold(lhs - rhs))
    p = sp.Symbol("p", positive=True)
    for b in breakpoints:
        for point in (b + p, b - p, sp.sympify(b)):
            reference = sp.piecewise_fold(rhs.subs(var, point))
            if reference.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                continue
            if not _is_zero(sp.piecewise_fold(lhs.subs(var, point)) - reference):
                return False
    return True


def _breakpoints(act: activations.Activation):
    """Where the activation (or its stable form) switches branch."""
    points = set(act.kinks)
    for form in (act.expr, act.stable):
        if isinstance(form, sp.Piecewise):
            points.add(0)
    return tuple(sorted(points))


# ---------------------------------------------------------------- activations


@functools.lru_cache(maxsize=None)
def activation_prime(name: str):
    """g'(z), differentiated by SymPy (Piecewise for relu / leaky_relu)."""
    act = activations.get(name)
    return tidy(sp.diff(act.expr, z))


@functools.lru_cache(maxsize=None)
def activation_prime_stable(name: str):
    """g'(z) differentiated from the stable form, branch by branch.

    Not tidied: simplification would cancel the z >= 0 branch's exp(-z) into exp(z)
    and undo the stability (and Piecewise then merges the equal branches)."""
    act = activations.get(name)
    return sp.diff(act.stable, z)


def _prime_in_a_candidates(name: str):
    """Ways of writing g'(z) in terms of a = g(z): replace g(z) by a; else invert g."""
    act = activations.get(name)
    gprime = sp.diff(act.expr, z)
    if isinstance(act.expr, sp.Piecewise):
        # relu-like: g keeps the sign of z, so each branch condition on z is the same
        # condition on a; prove_equal below checks that claim.
        yield gprime.subs(z, a)
        return
    replaced = gprime.subs(act.expr, a)
    if z not in replaced.free_symbols:
        yield replaced
        return
    inverses = sp.solve(sp.Eq(a, act.expr), z)
    forms = {tidy(gprime.subs(z, inv)) for inv in inverses}
    if len(forms) == 1:
        yield forms.pop()


@functools.lru_cache(maxsize=None)
def activation_prime_a(name: str):
    """g'(z) written in terms of the output a = g(z), or None where none exists.

    For rbf, a = e^{-z^2} is reached from z and -z, whose slopes differ in sign, so g'
    is not a function of a. Every returned form is proved: g'_a(g(z)) == g'(z).
    """
    act = activations.get(name)
    for candidate in _prime_in_a_candidates(name):
        candidate = tidy(candidate)
        if z in candidate.free_symbols:
            continue
        if prove_equal(candidate.subs(a, act.expr), sp.diff(act.expr, z), z, _breakpoints(act)):
            return candidate
    return None


def prime_a_reason(name: str) -> str:
    """Why an activation has or lacks a g'(a) form, for the rendered spec."""
    prime_a = activation_prime_a(name)
    if prime_a is not None:
        return f"g'(z) = {prime_a.subs(a, sp.Function('g')(z))}"
    return (
        "none: a = g(z) does not determine z's slope (for rbf, z and -z give the same a "
        "and opposite slopes), so the derivative must take z"
    )


def stable_form_holds(name: str) -> bool:
    """Prove the activation's stable rewrite equals its definition on the whole real line."""
    act = activations.get(name)
    return prove_equal(act.stable, act.expr, z, _breakpoints(act))


# ---------------------------------------------------------------- losses


@functools.lru_cache(maxsize=None)
def loss_prime(name: str):
    """dE/dy for one element: c * dl/dy (c the loss's reduction constant)."""
    loss = losses.get(name)
    return tidy(loss.scale * sp.diff(loss.term, y))


@functools.lru_cache(maxsize=None)
def loss_prime_stable(name: str):
    """dE/dy from the stable (branch-per-target) form of the loss term."""
    loss = losses.get(name)
    return loss.scale * sp.diff(loss.stable, y)


def loss_stable_holds(name: str) -> bool:
    """Prove each branch of the stable loss term equals the term where its condition holds."""
    loss = losses.get(name)
    if not isinstance(loss.stable, sp.Piecewise):
        return _is_zero(loss.stable - loss.term)
    for expr, cond in loss.stable.args:
        point = {t: cond.rhs} if isinstance(cond, sp.Eq) else {}
        if not _is_zero((expr - loss.term).subs(point)):
            return False
    return True


# ---------------------------------------------------------------- output deltas


def _gprime_in_y(act_name: str):
    """g'(z) with g(z) written as y wherever possible (a y-only form when one exists)."""
    prime_a = activation_prime_a(act_name)
    if prime_a is not None:
        return prime_a.subs(a, y)
    act = activations.get(act_name)
    return activation_prime(act_name).subs(act.expr, y)


@functools.lru_cache(maxsize=None)
def output_delta(loss_name: str, act_name: str):
    """delta_L = dE/dz_L = (dE/dy) * g'(z) for an elementwise output activation,
    simplified in terms of y = g(z), t, N, K (and z only where g' needs it: rbf).

    softmax couples the outputs; see :func:`softmax_delta`.
    """
    if act_name == activations.SOFTMAX.name:
        return softmax_delta(loss_name)
    return tidy(loss_prime(loss_name) * _gprime_in_y(act_name))


def output_delta_holds(loss_name: str, act_name: str) -> bool:
    """Prove delta_L(y = g(z)) == d/dz [c * l(g(z), t)] straight from the chain rule."""
    act, loss = activations.get(act_name), losses.get(loss_name)
    chain = loss.scale * sp.diff(loss.term.subs(y, act.expr), z)
    closed = output_delta(loss_name, act_name).subs(y, act.expr)
    return prove_equal(closed, chain, z, _breakpoints(act))


# ---------------------------------------------------------------- softmax


def softmax_jacobian_holds(k: int = 3) -> bool:
    """Prove d a_i / d z_j = a_i (1[i=j] - a_j) on k symbolic logits."""
    zs = activations.SOFTMAX.symbols(k)
    out = activations.SOFTMAX.expr(zs)
    return all(
        _is_zero(sp.diff(out[i], zs[j]) - out[i] * (int(i == j) - out[j]))
        for i, j in itertools.product(range(k), repeat=2)
    )


def softmax_shift_invariance(k: int = 3) -> bool:
    """Prove softmax(z - m) == softmax(z) for any real m (why subtracting max(z) is safe)."""
    zs = activations.SOFTMAX.symbols(k)
    m = sp.Symbol("m", real=True)
    shifted = activations.SOFTMAX.expr(zs, shift=m)
    return all(_is_zero(s - o) for s, o in zip(shifted, activations.SOFTMAX.expr(zs)))


G = sp.Symbol("G", real=True)
S = sp.Symbol("S", real=True)


def softmax_delta(loss_name: str):
    """delta_i = y_i (G_i - sum_k y_k G_k) with G = dE/dy, written with
    S = sum_k y_k G_k per sample. For cross_entropy it closes to
    (y_i sum_k t_k - t_i) / N, which is (y - t)/N when each target row sums to 1."""
    if loss_name == "cross_entropy":
        tsum = sp.Symbol("S_t", real=True)
        return (y * tsum - t) / N
    return y * (loss_prime(loss_name) - S)


def softmax_delta_holds(loss_name: str, k: int = 3) -> bool:
    """Prove the softmax delta on k logits against d/dz_i of c * sum_k l(softmax(z)_k, t_k)."""
    loss = losses.get(loss_name)
    zs = activations.SOFTMAX.symbols(k)
    ts = sp.symbols(f"t_1:{k + 1}", real=True)
    ys = activations.SOFTMAX.expr(zs)
    energy = sum(loss.scale * loss.term.subs({y: yi, t: ti}) for yi, ti in zip(ys, ts))
    grads = [loss_prime(loss_name).subs({y: yi, t: ti}) for yi, ti in zip(ys, ts)]
    weighted = sum(yi * gi for yi, gi in zip(ys, grads))
    for i in range(k):
        closed = softmax_delta(loss_name).subs({y: ys[i], t: ts[i], S: weighted,
                                                sp.Symbol("S_t", real=True): sum(ts)})
        if not _is_zero(sp.diff(energy, zs[i]) - closed):
            return False
    return True


# ---------------------------------------------------------------- the matrix rules

RULES = {
    "row": {
        "forward": r"Z_l = A_{l-1} W_l + \mathbf{1} b_l^\top,\quad A_l = g_l(Z_l)",
        "output_delta": r"\delta_L = \frac{\partial E}{\partial Y} \odot g_L'(Z_L)",
        "hidden_delta": r"\delta_l = g_l'(Z_l) \odot \left(\delta_{l+1} W_{l+1}^\top\right)",
        "weight_gradient": r"\frac{\partial E}{\partial W_l} = A_{l-1}^\top \delta_l",
        "bias_gradient": r"\frac{\partial E}{\partial b_l} = \sum_n \delta_l[n, :]",
        "shapes": r"X: (N, n_0),\ W_l: (n_{l-1}, n_l),\ b_l: (n_l,),\ Z_l, A_l, \delta_l: (N, n_l)",
    },
    "column": {
        "forward": r"Z_l = W_l A_{l-1} + b_l \mathbf{1}^\top,\quad A_l = g_l(Z_l)",
        "output_delta": r"\delta_L = \frac{\partial E}{\partial Y} \odot g_L'(Z_L)",
        "hidden_delta": r"\delta_l = g_l'(Z_l) \odot \left(W_{l+1}^\top \delta_{l+1}\right)",
        "weight_gradient": r"\frac{\partial E}{\partial W_l} = \delta_l A_{l-1}^\top",
        "bias_gradient": r"\frac{\partial E}{\partial b_l} = \sum_n \delta_l[:, n]",
        "shapes": r"X: (n_0, N),\ W_l: (n_l, n_{l-1}),\ b_l: (n_l, 1),\ Z_l, A_l, \delta_l: (n_l, N)",
    },
}


def _canonical_derivatives(expr):
    """Name every derivative of an undefined function so both sides compare structurally:
    Subs(Derivative(g(u), u), u, p) -> g'(p) and Derivative(L(y, t), y) -> L'(y, t)."""
    def subs_to_prime(s):
        inner = s.expr
        func = inner.expr.func
        return sp.Function(f"{func}'")(*s.point)

    expr = expr.replace(lambda e: isinstance(e, sp.Subs), subs_to_prime)
    return expr.replace(
        lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, sp.core.function.AppliedUndef),
        lambda e: sp.Function(f"{e.expr.func}'")(*e.expr.args),
    )


def _symbol_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}", real=True))


def matrix_rules_proof(layout: str = "row", sizes=(2, 3, 2), n_samples: int = 2) -> dict:
    """Prove the matrix rules on a small symbolic network (default 2-3-2, N = 2).

    Every input, weight, bias and target is its own symbol; g_1, g_2 and the loss term
    l are undefined functions, so the proof holds for any activation and any elementwise
    loss. With E = sum_{n,k} l(Y[n,k], T[n,k]):

    * output and hidden deltas: Z_l is replaced by a matrix of fresh symbols, the rest
      of the network is run forward from it, and dE/dZ_l[i,j] is compared with the rule;
    * weight and bias gradients: E is differentiated with respect to every single
      weight and bias of the whole network and compared with the rule.

    Returns {rule name: proved?}.
    """
    if layout not in RULES:
        raise ValueError(f"unknown layout {layout!r}; known: row, column")
    col = layout == "column"
    net = _SymbolicNet(col, sizes, n_samples)
    results = {}
    layers = len(sizes) - 1
    for l in range(layers):
        Zl = _symbol_matrix(f"z{l + 1}", *net.shape(l))
        energy, _, Zs = net.run_from(l, Zl)
        rule = "output_delta" if l == layers - 1 else "hidden_delta"
        delta = net.deltas(Zs, l)[l]
        ok = all(_same(sp.diff(energy, Zl[i, j]), delta[i, j])
                 for i in range(Zl.rows) for j in range(Zl.cols))
        results[rule] = results.get(rule, True) and ok
    energy, As, Zs = net.run_from(-1, net.X)
    deltas = net.deltas(Zs, 0)
    results["weight_gradient"] = results["bias_gradient"] = True
    for l, (W, b) in enumerate(zip(net.Ws, net.bs)):
        dW = deltas[l] * As[l].T if col else As[l].T * deltas[l]
        db = deltas[l] * sp.ones(n_samples, 1) if col else sp.ones(1, n_samples) * deltas[l]
        for rule, param, formula in (("weight_gradient", W, dW), ("bias_gradient", b, db)):
            ok = all(_same(sp.diff(energy, param[i, j]), formula[i, j])
                     for i in range(param.rows) for j in range(param.cols))
            results[rule] = results[rule] and ok
    return results


def _same(direct, formula) -> bool:
    """direct (SymPy's derivative) == formula, once derivatives are named alike."""
    return sp.expand(_canonical_derivatives(direct) - formula) == 0


class _SymbolicNet:
    """A fully symbolic network, stored in the chosen layout."""

    def __init__(self, col: bool, sizes, n_samples: int):
        self.col, self.sizes, self.n = col, sizes, n_samples
        self.gs = [sp.Function(f"g_{i + 1}") for i in range(len(sizes) - 1)]
        self.X = self._orient(_symbol_matrix("x", n_samples, sizes[0]))
        self.T = self._orient(_symbol_matrix("t", n_samples, sizes[-1]))
        self.Ws, self.bs = [], []
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            self.Ws.append(_symbol_matrix(f"w{i + 1}", *((n_out, n_in) if col else (n_in, n_out))))
            self.bs.append(_symbol_matrix(f"b{i + 1}", *((n_out, 1) if col else (1, n_out))))

    def _orient(self, m):
        return m.T if self.col else m

    def shape(self, l):
        """Shape of Z_{l+1} (0-based layer index l)."""
        return (self.sizes[l + 1], self.n) if self.col else (self.n, self.sizes[l + 1])

    def run_from(self, l, start):
        """Forward from Z of layer l (0-based) = start, or from the input when l = -1.

        Returns (E, [A_0..A_L] or the tail, [Z_l..Z_L])."""
        As, Zs = [], []
        if l == -1:
            A = start
            As.append(A)
            first = 0
        else:
            Zs.append(start)
            A = start.applyfunc(self.gs[l])
            As.append(A)
            first = l + 1
        for i in range(first, len(self.Ws)):
            W, b = self.Ws[i], self.bs[i]
            Z = W * A + b * sp.ones(1, self.n) if self.col else A * W + sp.ones(self.n, 1) * b
            A = Z.applyfunc(self.gs[i])
            Zs.append(Z)
            As.append(A)
        loss = sp.Function("l")
        energy = sum(loss(A[i, j], self.T[i, j]) for i in range(A.rows) for j in range(A.cols))
        return energy, As, Zs

    def deltas(self, Zs, first):
        """The rules: delta_L = l'(Y, T) * g_L'(Z_L); delta_l = g_l'(Z_l) * (back-propagated)."""
        def prime(g, m):
            return m.applyfunc(lambda e: sp.Function(f"{g}'")(e))

        last = len(self.Ws) - 1
        Zmap = dict(zip(range(first, last + 1), Zs))
        Y = Zmap[last].applyfunc(self.gs[last])
        lprime = sp.Function("l'")
        G = sp.Matrix(Y.rows, Y.cols, lambda i, j: lprime(Y[i, j], self.T[i, j]))
        out = {last: G.multiply_elementwise(prime(self.gs[last], Zmap[last]))}
        for l in range(last - 1, first - 1, -1):
            back = self.Ws[l + 1].T * out[l + 1] if self.col else out[l + 1] * self.Ws[l + 1].T
            out[l] = prime(self.gs[l], Zmap[l]).multiply_elementwise(back)
        return out
