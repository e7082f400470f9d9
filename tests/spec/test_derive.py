"""The SymPy derivations are proved, and the proofs can fail."""
import pytest
import sympy as sp

from deltaspec.spec import activations, derive, losses
from deltaspec.spec.activations import a, z
from deltaspec.spec.losses import K, N, t, y


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
def test_stable_form_equals_definition(name):
    assert derive.stable_form_holds(name)


@pytest.mark.parametrize("name", losses.NAMES)
def test_stable_loss_term_equals_definition(name):
    assert derive.loss_stable_holds(name)


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
def test_prime_matches_sympy_diff(name):
    act = activations.get(name)
    assert derive.prove_equal(derive.activation_prime(name), sp.diff(act.expr, z), z, act.kinks)


def test_prime_in_terms_of_output_known_forms():
    assert sp.simplify(derive.activation_prime_a("sigmoid") - a * (1 - a)) == 0
    assert sp.simplify(derive.activation_prime_a("tanh") - (1 - a**2)) == 0
    assert derive.activation_prime_a("identity") == 1
    assert derive.activation_prime_a("rbf") is None
    assert "rbf" in derive.prime_a_reason("rbf") and "z" in derive.prime_a_reason("rbf")


def test_kink_conventions():
    relu, leaky = derive.activation_prime("relu"), derive.activation_prime("leaky_relu")
    assert relu.subs(z, 0) == 0
    assert leaky.subs(z, 0) == sp.Rational(1, 100)
    assert relu.subs(z, sp.Rational(1, 10**9)) == 1


def test_loss_primes():
    assert sp.simplify(derive.loss_prime("half_sse") - (y - t)) == 0
    assert sp.simplify(derive.loss_prime("sse") - 2 * (y - t)) == 0
    assert sp.simplify(derive.loss_prime("mse") - 2 * (y - t) / (N * K)) == 0


@pytest.mark.parametrize("loss_name, act_name, expected", [
    ("bce", "sigmoid", (y - t) / (N * K)),
    ("half_sse", "sigmoid", (y - t) * y * (1 - y)),
    ("half_sse", "identity", y - t),
    ("mse", "identity", 2 * (y - t) / (N * K)),
    ("cross_entropy", "softmax", (y * sp.Symbol("S_t", real=True) - t) / N),
])
def test_known_output_deltas(loss_name, act_name, expected):
    """The issue's examples; (y - t)/N for softmax once each target row sums to S_t = 1."""
    assert sp.simplify(derive.output_delta(loss_name, act_name) - expected) == 0


@pytest.mark.parametrize("loss_name", losses.NAMES)
@pytest.mark.parametrize("act_name", activations.ELEMENTWISE)
def test_every_output_delta_is_proved(loss_name, act_name):
    assert derive.output_delta_holds(loss_name, act_name)


@pytest.mark.parametrize("loss_name", losses.NAMES)
def test_softmax_deltas_are_proved(loss_name):
    assert derive.softmax_delta_holds(loss_name)


def test_softmax_identities():
    assert derive.softmax_jacobian_holds(3)
    assert derive.softmax_shift_invariance(3)


@pytest.mark.parametrize("layout", ["row", "column"])
def test_matrix_rules_proved(layout):
    assert derive.matrix_rules_proof(layout) == {
        "output_delta": True, "hidden_delta": True, "weight_gradient": True, "bias_gradient": True}


def test_matrix_proof_rejects_a_wrong_rule(monkeypatch):
    """Drop the transpose in the hidden rule: the proof must notice."""
    real = derive._SymbolicNet.deltas

    def wrong(self, Zs, first):
        out = real(self, Zs, first)
        last = len(self.Ws) - 1
        if first < last:
            W = self.Ws[first + 1]
            swapped = out[first + 1] * sp.Matrix(W.rows, W.cols, lambda i, j: W[W.rows - 1 - i, j]).T
            g = sp.Function(f"{self.gs[first]}'")
            out[first] = Zs[0].applyfunc(g).multiply_elementwise(swapped)
        return out

    monkeypatch.setattr(derive._SymbolicNet, "deltas", wrong)
    proof = derive.matrix_rules_proof("row")
    assert proof["hidden_delta"] is False and proof["weight_gradient"] is False


def test_prove_equal_refuses_false_identities():
    assert not derive.prove_equal(a * (1 - a), a * (1 + a), a)
    assert not derive.prove_equal(derive.activation_prime("relu"), sp.Heaviside(z, 1), z, (0,))
    assert derive.prove_equal(derive.activation_prime("relu"), sp.Heaviside(z, 0), z, (0,))


def test_unknown_names_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get("swish")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        losses.get("hinge")
    with pytest.raises(ValueError, match="unknown layout"):
        derive.matrix_rules_proof("diagonal")
