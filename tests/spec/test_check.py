"""Tests for spec.check: hand-derived formulas judged against the spec."""
from __future__ import annotations

import math

import pytest
import sympy as sp

from deltaspec.spec.checking import notation as check
from deltaspec.spec.checking.command import main
from deltaspec.spec.checking.errors import CheckError
from deltaspec.spec.checking.scalar import check_delta, check_derivative, check_loss_derivative

# ------------------------------------------------------------------ helpers


def _assert_counterexample_is_real(verdict, student_fn, expected_fn):
    """The reported values are what the two sides really give at the reported point."""
    ce = verdict.counterexample
    assert ce is not None and ce["expected"] is not None
    point = ce["point"]
    assert math.isclose(expected_fn(**point), ce["expected"], rel_tol=1e-5, abs_tol=1e-9)
    if ce["student"] is not None:
        assert math.isclose(student_fn(**point), ce["student"], rel_tol=1e-5, abs_tol=1e-9)
        assert not math.isclose(ce["student"], ce["expected"], rel_tol=1e-6)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _sigmoid_prime(z, **_):
    return _sigmoid(z) * (1 - _sigmoid(z))


# ------------------------------------------------------------------ derivatives: correct


@pytest.mark.parametrize("activation, derivative", [
    ("sigmoid", "sigmoid(z)*(1-sigmoid(z))"),
    ("sigmoid", "exp(-z)/(1+exp(-z))**2"),
    ("tanh", "1 - tanh(z)**2"),
    ("softplus", "sigmoid(z)"),
    ("identity", "1"),
    ("rbf", "-2*z*rbf(z)"),
    ("exp(-z**2)", "-2*z*exp(-z**2)"),
    ("z**3/3 + log(1 + exp(z))", "z**2 + sigmoid(z)"),
])
def test_correct_derivative_is_proved(activation, derivative):
    v = check_derivative(activation, derivative)
    assert v.correct and v.status == "proved"
    assert "simplifies (yours) - (spec) to 0" in v.proof
    assert v.counterexample is None and v.hint is None
    assert v.report().startswith("CORRECT (proved)")


@pytest.mark.parametrize("activation, derivative", [
    ("sigmoid", "a*(1-a)"),
    ("sigmoid", "a - a**2"),
    ("tanh", "1 - a**2"),
    ("softplus", "1 - exp(-a)"),
    ("relu", "Heaviside(a, 0)"),
])
def test_correct_derivative_in_terms_of_output(activation, derivative):
    v = check_derivative(activation, derivative, of="a")
    assert v.correct and v.status == "proved"


def test_decimals_are_exact():
    # 0.01 must mean 1/100 exactly, or leaky_relu's slope could never be proved
    v = check_derivative("leaky_relu", "0.01 + 0.99*Heaviside(z, 0)")
    assert v.correct and v.status == "proved"


# ------------------------------------------------------------------ derivatives: slips


def test_factor_of_two():
    v = check_derivative("sigmoid", "2*sigmoid(z)*(1-sigmoid(z))")
    assert not v.correct and v.status == "incorrect"
    assert "factor-of-2" in v.hint
    _assert_counterexample_is_real(v, lambda z: 2 * _sigmoid_prime(z), _sigmoid_prime)


def test_factor_of_one_half():
    v = check_derivative("exp(-z**2)", "-z*exp(-z**2)")
    assert "factor-of-1/2" in v.hint


def test_sign_custom_expression():
    v = check_derivative("exp(-z**2)", "2*z*exp(-z**2)")
    assert not v.correct
    assert "sign is flipped" in v.hint
    _assert_counterexample_is_real(v, lambda z: 2 * z * math.exp(-z * z),
                                   lambda z: -2 * z * math.exp(-z * z))


def test_derivative_at_output_instead_of_input_trask_slip():
    v = check_derivative("sigmoid", "z*(1-z)")
    assert not v.correct
    assert "Trask" in v.hint and "g'(a)" in v.hint
    assert "a*(1 - a)" in v.report()  # the output form is shown next to the z form
    _assert_counterexample_is_real(v, lambda z: z * (1 - z), _sigmoid_prime)


def test_tanh_output_form_with_z_plugged_in():
    v = check_derivative("tanh", "1 - z**2")
    assert "Trask" in v.hint


def test_reverse_slip_in_output_mode():
    v = check_derivative("sigmoid", "sigmoid(a)*(1-sigmoid(a))", of="a")
    assert not v.correct
    assert "with a plugged in for z" in v.hint
    assert set(v.counterexample["point"]) == {"z", "a"}


def test_generic_constant_factor():
    v = check_derivative("sigmoid", "3*sigmoid(z)*(1-sigmoid(z))")
    assert "3 ×" in v.hint and "constant-factor" in v.hint


def test_unrelated_answer_has_counterexample_and_no_false_hint():
    v = check_derivative("sigmoid", "exp(z)")
    assert not v.correct and v.hint is None
    _assert_counterexample_is_real(v, lambda z: math.exp(z), _sigmoid_prime)
    assert v.expected == sp.sstr(sp.exp(check.z) / (sp.exp(check.z) + 1) ** 2, order="old")


def test_counterexample_point_is_readable_and_deterministic():
    v1 = check_derivative("sigmoid", "z*(1-z)")
    v2 = check_derivative("sigmoid", "z*(1-z)")
    assert v1.counterexample == v2.counterexample
    z = v1.counterexample["point"]["z"]
    assert -3 <= z <= 3 and round(z, 2) == z


# ------------------------------------------------------------------ kinks


def test_relu_heaviside_half_is_wrong_only_at_the_kink():
    v = check_derivative("relu", "Heaviside(z, 1/2)")
    assert not v.correct and v.status == "kink" and v.slip == "kink_value"
    assert v.counterexample == {"point": {"z": 0}, "student": 0.5, "expected": 0}
    assert "relu'(0) = 0" in v.hint and "Heaviside(u, 0)" in v.hint
    assert "on each side of the kink" in v.proof and "not at the kink" in v.proof
    assert v.report().startswith("INCORRECT AT THE KINK") and v.exit_status == 1


@pytest.mark.parametrize("derivative", ["Heaviside(z)", "Heaviside(z, 0)", "H(z)"])
def test_relu_heaviside_follows_the_catalog_convention_and_is_proved(derivative):
    v = check_derivative("relu", derivative)
    assert v.correct and v.status == "proved" and "at the kink itself" in v.proof


def test_leaky_relu_kink_convention():
    v = check_derivative("leaky_relu", "Heaviside(z) + Heaviside(-z)/100")
    assert v.status == "kink" and "0.01" in v.hint
    assert check_derivative("leaky_relu", "Heaviside(z, 0) + Heaviside(-z, 1)/100").correct


@pytest.mark.parametrize("activation, derivative", [
    ("Max(0, z)", "Heaviside(z)"),  # the left branch's slope at the kink, as relu'(0) = 0
    ("Max(0.1*z, z)", "Heaviside(z) + 0.1*Heaviside(-z, 1)"),
])
def test_custom_kinks_follow_the_catalog_convention(activation, derivative):
    assert check_derivative(activation, derivative).status == "proved"


def test_relu_wrong_away_from_kink_is_plain_incorrect():
    v = check_derivative("relu", "Heaviside(-z)")
    assert v.status == "incorrect" and v.counterexample["point"]["z"] != 0


def test_relu_output_form_heaviside_half_is_wrong_for_all_negative_z():
    # a = relu(z) = 0 for every z < 0, where Heaviside(0) = 1/2 is not relu'(z) = 0
    v = check_derivative("relu", "Heaviside(a, 1/2)", of="a")
    assert v.status == "incorrect" and v.counterexample["point"]["a"] == 0
    assert "Heaviside(u, 0)" in v.hint


def test_custom_kink_found_and_undefined_value_reported():
    v = check_derivative("Abs(z)", "Abs(z)/z")
    assert v.status == "kink"
    assert v.counterexample["point"] == {"z": 0} and v.counterexample["student"] is None


def test_relu_delta_kink():
    v = check_delta("mse", "relu", "2*(y-t)*Heaviside(z, 1)/(N*K)")
    assert v.status == "kink" and v.counterexample["point"]["z"] == 0
    assert check_delta("mse", "relu", "2*(y-t)*Heaviside(z, 0)/(N*K)").status == "proved"


# ------------------------------------------------------------------ numeric-only agreement


def test_numeric_agreement_is_not_called_a_proof():
    # equal to 1 = identity'(z) (sqrt((|z| + 1)^2) = |z| + 1), which SymPy does not see
    v = check_derivative("identity", "sqrt(z**2 + 2*Abs(z) + 1) - Abs(z)")
    assert not v.correct and v.status == "numeric" and v.exit_status == 3
    assert v.report().startswith("NOT PROVED")
    assert "agrees numerically at 240 points" in v.proof and "could not prove" in v.proof
    assert "simplifies" not in v.proof


def test_unprovable_but_equal_falls_back_to_numeric(monkeypatch):
    monkeypatch.setattr(check.derive, "prove_equal", lambda *args, **kw: False)
    v = check_derivative("sigmoid", "sigmoid(z)*(1-sigmoid(z))")
    assert not v.correct and v.status == "numeric" and "not a proof" in v.proof


# ------------------------------------------------------------------ output deltas


@pytest.mark.parametrize("loss, activation, delta", [
    ("bce", "sigmoid", "(y - t)/(N*K)"),
    ("bce", "sigmoid", "(sigmoid(z) - t)/(N*K)"),
    ("mse", "sigmoid", "2*(y-t)*sigmoid(z)*(1-sigmoid(z))/(N*K)"),
    ("half_sse", "identity", "y - t"),
    ("half_sse", "rbf", "-2*z*y*(y - t)"),
    ("half_sse", "exp(-z**2)", "-2*z*exp(-z**2)*(exp(-z**2) - t)"),
    ("cross_entropy", "softmax", "(y - t)/N"),
    ("mse", "softmax", "y*(2*(y - t)/(N*K) - S)"),
])
def test_correct_delta(loss, activation, delta):
    v = check_delta(loss, activation, delta)
    assert v.correct and v.status == "proved", v.report()


def test_delta_substitution_is_stated():
    v = check_delta("bce", "sigmoid", "(sigmoid(z) - t)/(N*K)")
    assert "after substituting y = sigmoid(z) on both sides" in v.proof


def test_softmax_assumption_documented():
    v = check_delta("cross_entropy", "softmax", "(y - t)/N")
    assert any("sums to 1" in note for note in v.notes)
    assert "sums to 1" in v.report()


def test_missing_one_over_n_k():
    v = check_delta("bce", "sigmoid", "y - t")
    assert not v.correct and "missing the factor 1/(K*N)" in v.hint
    point = v.counterexample["point"]
    assert set(point) == {"z", "y", "t", "N", "K"}
    assert math.isclose(point["y"], _sigmoid(point["z"]), rel_tol=1e-5)
    _assert_counterexample_is_real(
        v, lambda z, y, t, N, K: y - t, lambda z, y, t, N, K: (y - t) / (N * K))


def test_missing_one_over_n_softmax():
    v = check_delta("cross_entropy", "softmax", "y - t")
    assert "missing the factor 1/N" in v.hint


def test_missing_one_over_k():
    v = check_delta("mse", "sigmoid", "2*(y-t)*y*(1-y)/N")
    assert "missing the factor 1/K" in v.hint


def test_missing_gprime():
    v = check_delta("mse", "sigmoid", "2*(y - t)/(N*K)")
    assert not v.correct and "dE/dy only" in v.hint and "g'(z)" in v.hint


def test_missing_gprime_and_factor():
    v = check_delta("mse", "tanh", "(y - t)/(N*K)")
    assert "dE/dy only" in v.hint and "half the correct value" in v.hint


def test_delta_sign():
    v = check_delta("mse", "sigmoid", "2*(t - y)*y*(1 - y)/(N*K)")
    assert "sign is flipped" in v.hint and "y - t" in v.hint and v.slip == "sign"


def test_delta_factor_two():
    # the sse formula given for half_sse
    v = check_delta("half_sse", "tanh", "2*(y - t)*(1 - y**2)")
    assert "factor-of-2" in v.hint


def test_delta_trask_slip():
    v = check_delta("mse", "sigmoid", "2*(y - t)*z*(1 - z)/(N*K)")
    assert "Trask" in v.hint


def test_delta_gprime_at_output():
    v = check_delta("mse", "sigmoid", "2*(y-t)*sigmoid(y)*(1-sigmoid(y))/(N*K)")
    assert "at the output y instead of at the input z" in v.hint


def test_softmax_diagonal_only():
    v = check_delta("cross_entropy", "softmax", "-t*(1 - y)/N")
    assert "diagonal" in v.hint


# ------------------------------------------------------------------ loss derivatives


def test_loss_derivative():
    assert check_loss_derivative("mse", "2*(y-t)/(N*K)").status == "proved"
    assert check_loss_derivative("bce", "(y - t)/(N*K*y*(1 - y))").correct
    assert "factor-of-1/2" in check_loss_derivative("sse", "y - t").hint
    assert "missing the factor 1/N" in check_loss_derivative("cross_entropy", "-t/y").hint


# ------------------------------------------------------------------ safe parsing


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "z.__class__",
    "lambda: 0",
    "[z for z in ()]",
    "exec('1')",
    "getattr(z, 'x')",
    "9**9**9",
    "z if z else z",
    "'z'",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_rejected(text, capfd):
    with pytest.raises(CheckError):
        check.parse(text, ("z",), "--derivative")
    assert main(["--activation", "sigmoid", "--derivative", text]) == 2
    out, err = capfd.readouterr()
    assert "pwned" not in out and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err


def test_parse_has_no_builtins():
    # even past the token gate, the evaluation namespace holds only the allowed names
    with pytest.raises(CheckError):
        check._evaluate_text("open", "--derivative", ("z",))


# ------------------------------------------------------------------ command line


BAD = [
    # expression does not parse
    ["--activation", "sigmoid", "--derivative", "z*(1-"],
    ["--activation", "sigmoid", "--derivative", "2 z z("],
    ["--activation", "sigmoid", "--derivative", "z ! 2"],
    ["--activation", "sigmoid", "--derivative", ""],
    ["--activation", "sigmoid", "--derivative", "1/0"],
    ["--activation", "sigmoid", "--derivative", "log(0)"],
    ["--activation", "sigmoid", "--derivative", "sigmoid'z"],
    ["--activation", "sigmoid", "--derivative", "sigmoid"],
    ["--activation", "sigmoid", "--derivative", "sigmoid(z, 1)"],
    ["--activation", "sigmoid", "--derivative", "z" * 501],
    # unknown name / symbols outside the mode
    ["--activation", "sigmoid", "--derivative", "cot(z)"],
    ["--activation", "sigmoid", "--derivative", "y*(1-y)"],
    ["--activation", "sigmoid", "--of", "a", "--derivative", "z"],
    ["--activation", "exp(-y**2)", "--derivative", "z"],
    ["--loss", "cross_entropy", "--activation", "softmax", "--delta", "z - t"],
    ["--loss", "mse", "--activation", "sigmoid", "--delta", "a - t"],
    ["--loss", "mse", "--loss-derivative", "z"],
    # unknown catalog entries, impossible requests
    ["--activation", "sigmod", "--derivative", "z"],
    ["--loss", "mse2", "--activation", "sigmoid", "--delta", "y - t"],
    ["--activation", "softmax", "--derivative", "z"],
    ["--activation", "rbf", "--of", "a", "--derivative", "-2*a"],
    ["--activation", "exp(-z**2)", "--of", "a", "--derivative", "a"],
    ["--activation", "sigmoid", "--of", "b", "--derivative", "z"],
    # missing or conflicting options
    [],
    ["--activation", "sigmoid"],
    ["--derivative", "z"],
    ["--delta", "y - t", "--activation", "sigmoid"],
    ["--activation", "sigmoid", "--derivative", "z", "--delta", "y"],
    ["--loss", "mse", "--activation", "sigmoid", "--derivative", "z"],
    ["--loss", "mse", "--activation", "sigmoid", "--loss-derivative", "y"],
    ["--loss", "mse", "--activation", "sigmoid", "--delta", "y", "--of", "a"],
    ["--activation", "sigmoid", "--derivative", "z", "--derivative", "1"],
    ["--activation", "sigmoid", "--derivative", "z", "--bogus"],
    ["--activation"],
]


@pytest.mark.parametrize("argv", BAD)
def test_bad_input_exit_2_one_line(argv, capfd):
    assert main(argv) == 2
    out, err = capfd.readouterr()
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_rbf_output_form_explains_why(capfd):
    assert main(["--activation", "rbf", "--of", "a", "--derivative", "-2*a"]) == 2
    err = capfd.readouterr().err
    assert "z and -z give the same a" in err


def test_unknown_name_lists_allowed(capfd):
    main(["--activation", "sigmoid", "--derivative", "cot(z)"])
    err = capfd.readouterr().err
    assert "'cot'" in err and "sigmoid" in err and "Heaviside" in err and "cosh" in err


def test_cli_exit_codes_and_report(capfd):
    assert main(["--activation", "sigmoid", "--derivative", "sigmoid(z)*(1-sigmoid(z))"]) == 0
    assert capfd.readouterr().out.startswith("CORRECT (proved)")
    assert main(["--activation", "sigmoid", "--derivative", "z*(1-z)"]) == 1
    out = capfd.readouterr().out
    assert out.startswith("INCORRECT") and "counterexample: at z = " in out and "hint:" in out
    assert main(["--activation", "relu", "--derivative", "Heaviside(z, 1)"]) == 1
    assert main(["--activation", "identity", "--derivative", "sqrt(z**2 + 2*Abs(z) + 1) - Abs(z)"]) == 3
    assert capfd.readouterr().out.count("NOT PROVED") == 1


def test_cli_value_starting_with_minus(capfd):
    # "-2*z*..." must be read as the value of --derivative, not as an option
    assert main(["--activation", "exp(-z**2)", "--derivative", "-2*z*exp(-z**2)"]) == 0
    assert main(["--loss", "bce", "--activation", "sigmoid", "--delta", "(y - t)/(N*K)"]) == 0
    assert main(["--loss", "mse", "--loss-derivative", "2*(y-t)/(N*K)"]) == 0
    assert main(["--activation", "tanh", "--of", "a", "--derivative", "1 - a**2"]) == 0
