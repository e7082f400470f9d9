"""One full backpropagation step on a tiny network, in numbers, for docs/SPEC.md.

The network is 2-2-1: a sigmoid hidden layer, a sigmoid output, the half sum of
squared errors E = 1/2 sum (y - t)^2, N = 2 samples, full batch, learning rate eta.
Every number is computed here with the functions the reference network calls
(``spec.numeric`` for g, g', E and delta_L; ``spec.backprop`` for the matrix rules),
so ``tests/reference/test_worked_example.py`` can run ``deltaspec.reference`` on the
same step and find the page's numbers.

The page must be byte-identical on every CPU, while the last bits of a dot product or
an exp may differ between machines. So computed numbers are shown to 4 significant
digits, and :func:`shown` refuses a number within a relative 1e-9 of a rounding
boundary: one so far from every boundary cannot print differently on any machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import floor, log10

import numpy as np

from deltaspec.spec import backprop, numeric

ACTIVATIONS = ("sigmoid", "sigmoid")
LOSS = "half_sse"
# the inputs, chosen so that no shown number lies near a rounding boundary (see shown())
X = ((0.5, 1.0), (1.0, -0.5))
T = ((1.0,), (0.0,))
W1 = ((0.3, -0.2), (0.4, 0.6))
B1 = (0.1, -0.1)
W2 = ((0.7,), (-0.5,))
B2 = (0.2,)
ETA = 0.5
DIGITS = 4  # significant digits shown
MARGIN = 1e-9  # relative distance a shown number keeps from every rounding boundary
TINY = 1e-6  # a computed number below this is likely the rounding noise of a cancellation


@dataclass(frozen=True)
class Quantity:
    """One line of the worked step: ``lhs = formula = value``, of shape ``shape``.

    ``network`` is False for an intermediate the reference network does not return
    (e.g. delta_2 W_2^T); the reference test checks every other one."""

    key: str
    lhs: str  # LaTeX
    formula: str  # LaTeX, "" for a given input
    shape: str  # LaTeX, e.g. "(N, n_1) = (2, 2)"
    value: np.ndarray
    network: bool = True


def given() -> dict[str, np.ndarray]:
    """The stated input, target, weights and biases as float64 arrays (b_l of shape (n_l,))."""
    return {key: np.array(val, dtype=np.float64)
            for key, val in (("X", X), ("T", T), ("W1", W1), ("b1", B1), ("W2", W2), ("b2", B2))}


def forward(p: dict) -> dict[str, np.ndarray]:
    """Z_1 = X W_1 + b_1, A_1 = g_1(Z_1), Z_2 = A_1 W_2 + b_2, Y = A_2 = g_2(Z_2), E = E(Y, T)."""
    g1, g2 = (numeric.activation(name) for name in ACTIVATIONS)
    out = {"Z1": backprop.pre_activation(p["X"], p["W1"], p["b1"])}
    out["A1"] = g1(out["Z1"])
    out["Z2"] = backprop.pre_activation(out["A1"], p["W2"], p["b2"])
    out["Y"] = g2(out["Z2"])
    out["E"] = np.array(numeric.loss(LOSS)(out["Y"], p["T"]))
    return out


def backward(p: dict, f: dict) -> dict[str, np.ndarray]:
    """dE/dY, g_2'(Z_2), delta_2 = dE/dY * g_2'(Z_2); delta_2 W_2^T, g_1'(Z_1),
    delta_1 = g_1'(Z_1) * (delta_2 W_2^T); dE/dW_l = A_(l-1)^T delta_l, dE/db_l = sum_n delta_l."""
    out = {"dEdY": numeric.loss_prime(LOSS)(f["Y"], p["T"]),
           "g2p": numeric.activation_prime(ACTIVATIONS[1])(f["Z2"]),
           # the closed form the reference uses: y (1 - y) (y - t), derived by SymPy
           "delta2": numeric.output_delta(LOSS, ACTIVATIONS[1])(f["Y"], p["T"], f["Z2"])}
    out["back2"] = np.dot(out["delta2"], p["W2"].T)
    out["g1p"] = numeric.activation_prime(ACTIVATIONS[0])(f["Z1"])
    out["delta1"] = backprop.hidden_delta(out["delta2"], p["W2"], out["g1p"])
    for l, a_prev in ((2, f["A1"]), (1, p["X"])):
        out[f"dW{l}"] = backprop.weight_gradient(a_prev, out[f"delta{l}"])
        out[f"db{l}"] = backprop.bias_gradient(out[f"delta{l}"])
    return out


def update(p: dict, g: dict) -> dict[str, np.ndarray]:
    """theta <- theta - eta dE/dtheta for W_2, b_2, W_1, b_1, and E at the new weights."""
    new = {f"new_{k}": p[k] - ETA * g[f"d{k}"] for k in ("W2", "b2", "W1", "b1")}
    stepped = dict(p, **{k: new[f"new_{k}"] for k in ("W2", "b2", "W1", "b1")})
    new["E_after"] = forward(stepped)["E"]
    return new


def quantities() -> list[Quantity]:
    """Every line of the worked step, in the order the page shows them."""
    p = given()
    f = forward(p)
    g = backward(p, f)
    u = update(p, g)
    v = {**p, **f, **g, **u}
    q = Quantity
    return [
        q("Z1", "Z_1", "X W_1 + b_1", "(N, n_1) = (2, 2)", v["Z1"]),
        q("A1", "A_1", r"\sigma(Z_1)", "(2, 2)", v["A1"]),
        q("Z2", "Z_2", "A_1 W_2 + b_2", "(N, n_2) = (2, 1)", v["Z2"]),
        q("Y", "Y = A_2", r"\sigma(Z_2)", "(2, 1)", v["Y"]),
        q("E", "E", r"\tfrac{1}{2} \sum_{n,k} (y_{nk} - t_{nk})^2", r"\text{a number}", v["E"]),
        q("dEdY", r"\frac{\partial E}{\partial Y}", "Y - T", "(2, 1)", v["dEdY"], network=False),
        q("g2p", "g_2'(Z_2)", r"Y \odot (1 - Y)", "(2, 1)", v["g2p"], network=False),
        q("delta2", r"\delta_2", r"\frac{\partial E}{\partial Y} \odot g_2'(Z_2)", "(2, 1)", v["delta2"]),
        q("back2", r"\delta_2 W_2^\top", "", "(N, n_1) = (2, 2)", v["back2"], network=False),
        q("g1p", "g_1'(Z_1)", r"A_1 \odot (1 - A_1)", "(2, 2)", v["g1p"], network=False),
        q("delta1", r"\delta_1", r"g_1'(Z_1) \odot (\delta_2 W_2^\top)", "(2, 2)", v["delta1"]),
        q("dW2", r"\frac{\partial E}{\partial W_2}", r"A_1^\top \delta_2", "(n_1, n_2) = (2, 1)", v["dW2"]),
        q("db2", r"\frac{\partial E}{\partial b_2}", r"\textstyle\sum_n \delta_2[n, :]", "(n_2,) = (1,)", v["db2"]),
        q("dW1", r"\frac{\partial E}{\partial W_1}", r"X^\top \delta_1", "(n_0, n_1) = (2, 2)", v["dW1"]),
        q("db1", r"\frac{\partial E}{\partial b_1}", r"\textstyle\sum_n \delta_1[n, :]", "(n_1,) = (2,)", v["db1"]),
        q("new_W2", r"W_2^{\text{new}}", r"W_2 - \eta \frac{\partial E}{\partial W_2}", "(2, 1)", v["new_W2"]),
        q("new_b2", r"b_2^{\text{new}}", r"b_2 - \eta \frac{\partial E}{\partial b_2}", "(1,)", v["new_b2"]),
        q("new_W1", r"W_1^{\text{new}}", r"W_1 - \eta \frac{\partial E}{\partial W_1}", "(2, 2)", v["new_W1"]),
        q("new_b1", r"b_1^{\text{new}}", r"b_1 - \eta \frac{\partial E}{\partial b_1}", "(2,)", v["new_b1"]),
        q("E_after", r"E^{\text{new}}", r"E \text{ at the new weights}", r"\text{a number}", v["E_after"]),
    ]


# ---------------------------------------------------------------- numbers as text


def number(x: float) -> str:
    """x to DIGITS significant digits in fixed notation (0.01234, 1.234, -0.5000)."""
    if x == 0:
        return "0"
    decimals = max(DIGITS - 1 - floor(log10(abs(x))), 0)
    return f"{x:.{decimals}f}"


def factor(text: str) -> str:
    """A number as a factor of a product: a negative one in parentheses."""
    return f"({text})" if text.startswith("-") else text


def is_stable(x: float) -> bool:
    """Whether x prints the same after any change smaller than MARGIN (relative): then
    the last-bit differences between CPUs cannot change the page. A number near 0 is
    refused too: a sum that cancels to 1e-17 on one CPU may be 0 or -1e-17 on another."""
    if abs(x) < TINY:
        return False
    return number(x * (1 - MARGIN)) == number(x) == number(x * (1 + MARGIN))


def shown(x: float) -> str:
    """:func:`number`, refusing a number that a last-bit difference could print otherwise."""
    if not is_stable(x):
        raise ValueError(f"{x!r} lies within {MARGIN} of a rounding boundary: choose other example inputs")
    return number(x)


def exact(x: float) -> str:
    """A given input as typed (its shortest round-trip form: 0.3, -1.0 -> -1)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def matrix(value, fmt=shown) -> str:
    """LaTeX for a number, a vector (as one row) or a matrix, each entry through ``fmt``."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return fmt(float(arr))
    rows = arr.reshape(1, -1) if arr.ndim == 1 else arr
    body = r" \\ ".join(" & ".join(fmt(float(x)) for x in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


# ---------------------------------------------------------------- the page's section

INTRO = r"""## 6. A worked step

One full step of the rules above, on a 2-2-1 network: two inputs, a hidden layer of two
sigmoid units $\sigma(z) = 1/(1 + e^{-z})$, one sigmoid output, the loss `half_sse`
$E = \frac{1}{2} \sum_{n,k} (y_{nk} - t_{nk})^2$, and a batch of $N = 2$ samples. The numbers
are computed by `spec/worked_example.py` with the functions the reference network calls,
and `tests/reference/test_worked_example.py` checks that `deltaspec.reference` finds the
same ones. Computed numbers are rounded to 4 significant digits.

### Given"""


def _display(lhs: str, rhs: str, shape: str) -> str:
    return f"$${lhs} = {rhs} \\qquad {shape}$$"


def _line(q: Quantity) -> list[str]:
    rhs = f"{q.formula} = {matrix(q.value)}" if q.formula else matrix(q.value)
    return [_display(q.lhs, rhs, q.shape), ""]


def _given_lines() -> list[str]:
    p = given()
    shapes = {"X": "(N, n_0) = (2, 2)", "T": "(N, K) = (2, 1)", "W1": "(n_0, n_1) = (2, 2)",
              "b1": "(n_1,) = (2,)", "W2": "(n_1, n_2) = (2, 1)", "b2": "(n_2,) = (1,)"}
    names = {"X": "X", "T": "T", "W1": "W_1", "b1": "b_1", "W2": "W_2", "b2": "b_2"}
    lines = [_display(names[k], matrix(p[k], exact), shapes[k]) for k in shapes]
    return [x for line in lines for x in (line, "")] + [f"and the learning rate $\\eta = {exact(ETA)}$.", ""]


def _product(*factors: str) -> str:
    return r" \cdot ".join(factor(f) for f in factors)


def _z11(p: dict, v: dict) -> list[str]:
    """z_11 worked by hand: row 1 of X times column 1 of W_1, plus (b_1)_1."""
    terms = " + ".join(_product(exact(p["X"][0, i]), exact(p["W1"][i, 0])) for i in range(2))
    return [f"Row $n$ is sample $n$; for example $z_{{11}} = x_{{11}} (W_1)_{{11}} + x_{{12}} (W_1)_{{21}} "
            f"+ (b_1)_1 = {terms} + {factor(exact(p['b1'][0]))} = {shown(v['Z1'][0, 0])}$.", ""]


def _delta11(p: dict, v: dict) -> list[str]:
    """(delta_1)_11 worked by hand: with one output unit the sum over k has one term."""
    rhs = _product(shown(v["g1p"][0, 0]), shown(v["delta2"][0, 0]), exact(p["W2"][0, 0]))
    return ["For example, entry $(1, 1)$: with one output unit ($n_2 = 1$) the sum over $k$ has "
            "one term,", "",
            f"$$(\\delta_1)_{{11}} = g_1'(z_{{11}})\\, (\\delta_2)_{{11}}\\, (W_2)_{{11}} = {rhs} "
            f"\\approx {shown(v['delta1'][0, 0])},$$", "",
            "with $\\approx$ because the factors shown are rounded.", ""]


HEADINGS = {"Z1": "### Forward pass", "E": "### Loss", "dEdY": "### Output delta",
            "back2": "### Hidden delta", "dW2": "### Gradients", "new_W2": "### The step"}


def section() -> list[str]:
    """The worked step as Markdown: given values, then every quantity with its shape."""
    qs = quantities()
    v = {q.key: q.value for q in qs}
    lines = INTRO.splitlines() + [""] + _given_lines()
    for q in qs:
        if q.key in HEADINGS:
            lines += [HEADINGS[q.key], ""]
        lines += _line(q)
        if q.key == "Z1":
            lines += _z11(given(), v)
        if q.key == "delta1":
            lines += _delta11(given(), v)
    lines += [f"The loss falls from ${shown(float(v['E']))}$ to ${shown(float(v['E_after']))}$.", ""]
    return lines
