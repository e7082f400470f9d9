"""The known slips: the classic mistakes of backpropagation, in one table.

Two judges name them. ``spec.check`` gives a *hint* when a hand derivation shows one;
``deltaspec.conformance.judging.diagnose`` gives a *diagnosis* (the code and its
sentence) when an implementation's result reproduces one. Each judge computes the
mistaken value its own way (SymPy for a formula, NumPy for an array); what a slip is
called, what is said about it and, for a pure rescaling, the factor it multiplies the
right answer by are written here once.

A sentence may depend on what is judged (a *context*: "loss", "gradient", "hidden",
"step", ...): a slip's texts map space-separated context names to a ``str.format``
template, the key ``""`` being the default. Standard library only: the conformance
suite imports this table on every run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Mapping

__all__ = ["Slip", "SLIPS", "RESCALINGS", "get", "hint", "diagnosis"]


@dataclass(frozen=True)
class Slip:
    """One known slip.

    ``diagnosis`` and ``hint``: context -> sentence (empty where that judge cannot see
    the slip). ``factor``: (c, p, q) when the slip turns the right answer x into
    c N^p K^q x (N samples, K outputs per sample), else None.
    """

    code: str
    diagnosis: Mapping[str, str] = field(default_factory=dict)
    hint: Mapping[str, str] = field(default_factory=dict)
    factor: tuple[Fraction, int, int] | None = None

    def scale(self, n, k):
        """c N^p K^q for these N and K (exact when they are integers or Fractions)."""
        c, p, q = self.factor
        return c * Fraction(n) ** p * Fraction(k) ** q


def _text(slip: Slip, texts: Mapping[str, str], judge: str, context: str, fields) -> str:
    """The template for ``context`` (else the default), filled in with ``fields``."""
    for contexts, template in texts.items():
        if context in contexts.split():
            return template.format(**fields)
    if "" not in texts:
        raise KeyError(f"slip {slip.code!r} has no {judge} text")
    return texts[""].format(**fields)


def _one(text) -> dict:
    return text if isinstance(text, dict) else {"": text}


def _rows(*rows) -> Mapping[str, Slip]:
    """The table, keyed by code (a read-only mapping, in the order given)."""
    table = {}
    for code, diagnosis_text, hint_text, factor in rows:
        factor = None if factor is None else (Fraction(factor[0]), factor[1], factor[2])
        table[code] = Slip(code, _one(diagnosis_text or {}), _one(hint_text or {}), factor)
    return MappingProxyType(table)


_SQUARED_2 = "d/dy (y - t)**2 = 2 (y - t)"

# code, diagnosis (conformance), hint (spec.check), factor (c, p, q)
SLIPS: Mapping[str, Slip] = _rows(
    # ---- rescalings of the right answer, in the order the conformance judge tries them
    ("sign",
     {"": "the sign is flipped",
      "loss": "the sign is flipped: a loss is never negative",
      "gradient": "the sign is flipped: it is -dE/d(.), the tutorial convention error = target - output; "
                  "if that is your convention, declare SIGN = -1"},
     {"": "the sign is flipped",
      "loss_derivative": "the sign is flipped: the loss grows as y moves away from t, so dE/dy has the sign of "
                         "y - t (the tutorials' error t - y is -dE/dy)",
      "delta": "the sign is flipped: δ = ∂E/∂z = dE/dy · g'(z), and dE/dy has the sign of y - t "
               "(the tutorials' error t - y is -dE/dy)"},
     (-1, 0, 0)),
    ("factor_2",
     {"": "off by a factor 2",
      "loss gradient": "off by a factor 2: the squared error's 2 is there twice, or the 1/2 of half_sse was dropped",
      "step": "the step is twice too long (a factor 2 in the gradient)"},
     {"": "it is 2× the correct value, a factor-of-2 slip",
      "squared": f"it is 2× the correct value, a factor-of-2 slip ({_SQUARED_2}; only half_sse's 1/2 cancels that 2)"},
     (2, 0, 0)),
    ("factor_half",
     {"": "off by a factor 1/2",
      "loss gradient": "off by a factor 1/2: the 2 from d/dy (y - t)^2 is missing (squared error treated as half_sse)",
      "step": "the step is half as long (a factor 1/2 in the gradient)"},
     {"": "it is half the correct value, a factor-of-1/2 slip",
      "squared": "it is half the correct value, a factor-of-1/2 slip (sse and mse have no 1/2 to cancel the 2 "
                 "of d/dy (y - t)**2)"},
     (Fraction(1, 2), 0, 0)),
    ("factor_n", "off by a factor N = {n}: summed over the batch where the loss takes the mean",
     "it is missing the factor 1/N", (1, 1, 0)),
    ("factor_1_over_n", "off by a factor 1/N = 1/{n}: averaged over the batch where the loss sums",
     "it has an extra factor 1/N", (1, -1, 0)),
    ("factor_nk", "off by a factor N*K = {nk}: summed over all elements where the loss takes the mean over them "
                  "(a missing 1/(N K))",
     "it is missing the factor 1/(K*N)", (1, 1, 1)),
    ("factor_1_over_nk", "off by a factor 1/(N*K) = 1/{nk}: averaged over all elements where the loss sums",
     "it has an extra factor 1/(K*N)", (1, -1, -1)),
    ("factor_k", "off by a factor K = {k}: the mean over all N*K elements was taken over the N samples only",
     "it is missing the factor 1/K", (1, 0, 1)),
    ("factor_1_over_k", "off by a factor 1/K = 1/{k}: averaged over outputs as well",
     "it has an extra factor 1/K", (1, 0, -1)),
    ("constant_factor", "off by a constant factor {ratio:.6g}",
     "your answer is {ratio} × the correct one: a constant-factor slip", None),
    # ---- where g' is evaluated, and whether it is there at all
    ("prime_of_output",
     "it computes g'(a) from the output a = g(z) (as nonlin(x, deriv=True) does) but was given z; "
     "if your {name}_prime takes the output, declare PRIME_OF = 'a'",
     "this is {name}'s derivative in terms of its output, g'(a) = {prime_a}, with z plugged in for a: that form "
     "needs the output a = {name}(z), not the input z (the Trask nonlin(x, deriv=True) slip, which expects x to "
     "be the output already); write {written}",
     None),
    ("prime_of_input",
     "it computes g'(z) from the pre-activation but was given the output a (PRIME_OF = 'a' was declared); "
     "if your {name}_prime takes z, declare PRIME_OF = 'z'",
     "this is g'(z) = {prime_z} with a plugged in for z: the input-side formula applied to the output; "
     "in terms of a, {name}'(z) = {expected}",
     None),
    ("prime_of_g", "it evaluates g' at g(z): the activation was applied twice", None, None),
    ("gprime_a_of_z",
     {"": "g'(a)'s formula was applied to z instead of the output",
      "hidden": "g'(a)'s formula was applied to z"},
     "g' was written as g'(a) = {prime_a} with z plugged in for a (the Trask nonlin(x, deriv=True) slip): "
     "in terms of the output it is {in_y}",
     None),
    ("gprime_of_output",
     {"": "g' was evaluated at the output y instead of z",
      "hidden": "g' was evaluated at the output a instead of z",
      "network": "g' was evaluated at the layer's output a instead of z"},
     {"": "g' was evaluated at the output y instead of at the input z: use g'(z) = {gprime}",
      "derivative": "g' was evaluated at the output a = g(z) instead of at the input z: use g'(z) = {gprime}",
      "in_y": "g' was evaluated at the output y instead of at the input z: use g'(z) = {gprime}, "
              "i.e. {in_y} in terms of y",
      "matrix": "g' is taken of the layer's output A instead of its pre-activation Z: write {fixed}"},
     None),
    ("missing_gprime",
     {"": "the g'(z) factor is missing: this is dE/dy, not dE/dz",
      "hidden": "the g'(z) factor is missing: delta_{{l+1}} W^T alone"},
     {"": "this is dE/dy only ({dedy}); δ = dE/dy · g'(z) also needs the activation's derivative "
          "g'(z) = {gprime} (chain rule)",
      "softmax": "this is dE/dy only ({dedy}); δ = ∂E/∂z needs the softmax Jacobian too",
      "matrix": "the factor g'(Z) is missing (chain rule through the activation): write {fixed}"},
     None),
    ("no_hidden_gprime", "the hidden deltas lack the g'(z) factor", None, None),
    ("softmax_diagonal", None,
     "this keeps only the diagonal y(1 - y) of the softmax Jacobian; softmax couples the outputs: "
     "δ_i = y_i (G_i - Σ_k y_k G_k), G = dE/dy",
     None),
    ("kink_value", None, "write Heaviside(u, {value}) for the value {value} at u = 0 (at a kink the convention "
                         "is the derivative of the branch on its left)",
     None),
    # ---- generic slips in a hand derivation, named by editing the student's own formula
    ("sign_inside", None, "the sign of {part} is flipped (negate that part and it is right)", None),
    ("forgotten_square", None, "a square is forgotten: with ({part})**2 in its place it is right", None),
    ("wrong_constant", None,
     {"": "the constant {wrote} should be {right}",
      "added": "it is off by the added constant {offset}"}, None),
    ("missing_factor", None,
     {"": "a factor is missing: times {factor} it is right (a chain-rule factor dropped?)",
      "term": "the term {term} lacks a factor z (the product rule gives z times it): with it, it is right"},
     None),
    ("extra_factor", None,
     {"": "there is an extra factor {factor}: divided by it, it is right",
      "gprime": "there is an extra factor {factor}, which is g'(z) once more (for bce with a sigmoid output, "
                "σ' = y(1 - y) cancels the denominator y(1 - y) of dE/dy: δ = (y - t)/(N K))"}, None),
    ("function_not_derivative", None, "this is the activation {name} itself, not its derivative", None),
    ("other_derivative", None, "this is the derivative of {other}, not of {name}", None),
    ("delta_not_dedy", None, "this is the output delta δ = dE/dz for a {name} output (dE/dy · {name}'(z)); "
                             "dE/dy alone is asked for: {dedy}", None),
    # ---- matrix rules, typed in numpy notation
    ("transpose", None, "{what}: {detail}", None),
    ("operand_order", None, "the operands of {product} are the wrong way round: write {fixed}", None),
    ("elementwise_for_matmul", None, "{product} is an elementwise product (*, ⊙) where the matrix product @ "
                                     "belongs: write {fixed}", None),
    ("matmul_for_elementwise", None, "{product} is a matrix product (@) where the elementwise product (*, ⊙) "
                                     "belongs: write {fixed}", None),
    ("wrong_layer_gprime", None, "g' is taken of {wrote}, another layer's pre-activation: this layer's is {right}",
     None),
    ("wrong_layer_activation", None, "{wrote} is used where {right} belongs ({why})", None),
    ("wrong_gprime", None,
     {"": "the factor {part} is not {name}'(Z): with {name}'(Z) in its place it is right",
      "named": "the factor {part} is {what}, not {name}'(Z): with {name}'(Z) in its place it is right",
      "unplaced": "your elementwise factor is {what}, not {name}'(Z): with {name}'(Z) in its place it is right"},
     None),
    ("sum_axis", None, "the sum runs over the wrong axis: {wrote} sums over {over}; sum over the samples, {fixed}",
     None),
    ("not_summed", None, "it is not summed over the samples: {fixed}", None),
    # ---- the functions themselves
    ("leaky_slope", "the negative slope is {slope}: the spec's leaky_relu is {spec} z for z <= 0 "
                    "(slope {spec}, derivative {spec} there)", None, None),
    ("softmax_axis", "softmax normalizes over the wrong axis: down the columns (axis 0, the samples) instead of "
                     "over each sample's row of outputs; if your arrays are (outputs, samples), declare "
                     "LAYOUT = 'column'", None, None),
    ("no_output_activation", "the output activation {act} is not applied", None, None),
    # ---- the network: forward, backward, bias gradient, layout
    ("no_bias",
     {"": "the forward pass ignores the biases (Z = A W, no + b), so the gradient is taken at the wrong point",
      "forward": "the biases are ignored"},
     None, None),
    ("transposed",
     {"": "a weight matrix is not transposed in the hidden delta",
      "hidden": "the weight matrix is not transposed: delta_{{l+1}} W instead of delta_{{l+1}} W^T"},
     None, None),
    ("bias_mean", "the bias gradient was averaged over the batch instead of summed", None, None),
    ("bias_not_summed", "the bias gradient of layer {layer} is delta_{layer} itself, one row per sample: "
                        "sum it over the batch (dE/db = sum_n delta[n, :])", None, None),
    ("layout", "the arrays are the other way round: called with {shapes}, it gives the spec's answer; "
               "declare LAYOUT = {other!r}", None, None),
    # ---- the descent step
    ("updated_weights", "the hidden delta was computed with the already-updated weights of the next layer "
                        "(update W_{{l+1}} only after using it)", None, None),
    ("ascent", "the step goes uphill: theta + lr * dE/dtheta (the sign of the update)", None, None),
    ("returned_update", "it returned the update lr * dE/dtheta instead of the new parameters", None, None),
    ("returned_gradient", "it returned the gradient instead of the new parameters", None, None),
    ("ignores_lr", "the learning rate is ignored: theta - dE/dtheta", None, None),
)

RESCALINGS: tuple[Slip, ...] = tuple(s for s in SLIPS.values() if s.factor is not None)


def get(code: str) -> Slip:
    """The slip with this code, or a one-line KeyError naming the known codes."""
    try:
        return SLIPS[code]
    except KeyError:
        raise KeyError(f"unknown slip {code!r}; known: {', '.join(SLIPS)}") from None


def diagnosis(code: str, context: str = "", **fields) -> str:
    """What the conformance judge says of a result that shows this slip."""
    slip = get(code)
    return _text(slip, slip.diagnosis, "diagnosis", context, fields)


def hint(code: str, context: str = "", **fields) -> str:
    """What ``spec.check`` says of a hand derivation that shows this slip."""
    slip = get(code)
    return _text(slip, slip.hint, "hint", context, fields)
