"""The checker's API, notation, matrix rules, time limit, notebook display and --batch."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from deltaspec.spec import check
from deltaspec.spec.checking import CheckError, TooComplex
from deltaspec.spec.checking.command import main

# ------------------------------------------------------------------ notation


@pytest.mark.parametrize("activation, answer", [
    ("sigmoid", "σ(z)(1 - σ(z))"),
    ("sigmoid", "sigma(z) * (1 − sigma(z))"),
    ("sigmoid", "sigmoid'(z)"),
    ("sigmoid", "e^(-z)/(1 + e^(-z))^2"),
    ("tanh", "sech(z)²"),
    ("tanh", "1/cosh(z)**2"),
    ("softplus", "1/(1 + e**-z)"),
    ("log(1 + e**x)", "1/(1 + e^-x)"),  # x for z
    ("sin(z)", "cos(z)"),
    ("z*log(z**2 + 1)", "ln(z**2 + 1) + 2z**2/(z**2 + 1)"),
    ("relu", "Piecewise((1, z > 0), (0, True))"),
])
def test_notation_students_write_is_read(activation, answer):
    v = check("derivative", answer, activation=activation)
    assert v.status == "proved", v.report()


@pytest.mark.parametrize("answer, says", [
    ("sigmoid'z", "prime"),
    ("z ! 2", "unexpected '!'"),
    ("cot(z)", "unknown name 'cot'"),
    ("z.real", "attribute"),
    ("Max(z, 1, 2, 3, 4, 5, 6, 7, 8, 9)", "takes 1 to 4 argument"),
    ("Piecewise((1, z > 0 > 1), (0, True))", "one comparison"),
    ("z + True", "True"),
    ('__import__("os")', "dunder name"),
])
def test_refused_notation_names_the_rule(answer, says):
    with pytest.raises(CheckError, match=None) as info:
        check("derivative", answer, activation="sigmoid")
    message = str(info.value)
    assert says in message and "\n" not in message and message.startswith("answer")


# ------------------------------------------------------------------ the API


def test_api_errors_name_parameters_not_flags():
    for call, says in [(lambda: check("derivative", "z"), "needs activation"),
                       (lambda: check("delta", "y - t", activation="sigmoid"), "needs loss"),
                       (lambda: check("derivative", "z", activation="sigmoid", loss="mse"), "loss does not go"),
                       (lambda: check("hidden_delta", "delta", layout="diagonal"), "layout must be"),
                       (lambda: check("bogus", "z"), "rule must be one of"),
                       (lambda: check("derivative", "z", activation="sigmoid", time_limit=-1), "time_limit")]:
        with pytest.raises(CheckError) as info:
            call()
        assert says in str(info.value) and "--" not in str(info.value)


def test_verdict_displays_itself_in_a_notebook():
    v = check("derivative", "σ(z)(1 - σ(z))", activation="sigmoid")
    md = v._repr_markdown_()
    assert md.startswith("**CORRECT (proved)**") and "$" in md and "proof:" in md
    assert v._repr_latex_().startswith("$$") and "=" in v._repr_latex_()
    wrong = check("derivative", "z*(1 - z)", activation="sigmoid")
    assert r"\neq" in wrong._repr_latex_() and "hint:" in wrong._repr_markdown_()
    assert "\\*" in check("derivative", "2*z", activation="sigmoid")._repr_markdown_()  # * escaped in prose


# ------------------------------------------------------------------ honesty


def test_a_term_outside_the_narrow_grid_is_caught():
    v = check("derivative", "sigmoid(z)*(1 - sigmoid(z)) + Heaviside(z - 4, 0)", activation="sigmoid")
    assert v.status == "incorrect" and v.counterexample["point"]["z"] > 4


def test_a_term_that_vanishes_unless_n_is_1_is_caught():
    v = check("loss_derivative", "2*(y - t)/(N*K) + (y - t)*(2 - N)*(3 - N)*(4 - N)*(5 - N)*(8 - N)", loss="mse")
    assert v.status == "incorrect" and v.counterexample["point"]["N"] == 1


def test_large_z_does_not_fool_the_judge_with_cancellation():
    # 1 - sigmoid(30) loses every digit in float64; the wide points are evaluated in mpmath
    assert check("derivative", "sigmoid(z) - sigmoid(z)**2", activation="sigmoid").status == "proved"


def test_sympy_is_bounded_by_the_time_limit():
    hard = "Max(" + ", ".join(f"z**{k} - {k}*z" for k in range(2, 6)) + ")"
    start = time.monotonic()
    with pytest.raises(TooComplex) as info:
        check("derivative", hard, activation=hard, time_limit=0.05)
    assert time.monotonic() - start < 5
    assert "too complex to decide in 0.05 s" in str(info.value)


def test_too_complex_exits_2_on_the_command_line(capfd):
    hard = "Max(" + ", ".join(f"z**{k} - {k}*z" for k in range(2, 6)) + ")"
    assert main(["--activation", hard, "--derivative", hard, "--time-limit", "0.05"]) == 2
    err = capfd.readouterr().err
    assert err.startswith("error: too complex to decide in 0.05 s") and err.count("\n") == 1


# ------------------------------------------------------------------ matrix rules


@pytest.mark.parametrize("rule, answer, params", [
    ("hidden_delta", "(delta @ W.T) * sigmoid_prime(Z)", {"activation": "sigmoid"}),
    ("hidden_delta", "np.dot(delta, W.T) ⊙ A*(1 - A)", {"activation": "sigmoid"}),
    ("hidden_delta", "W.T @ delta * g'(Z)", {"layout": "column"}),
    ("hidden_delta", "(W.T @ δ) * (Z > 0)", {"activation": "relu", "layout": "column"}),
    ("weight_gradient", "A_prev.T @ delta", {}),
    ("weight_gradient", "(1/m) * np.dot(dZ, A_prev.T)", {"layout": "column", "mean": True}),
    ("bias_gradient", "delta.sum(axis=0)", {}),
    ("bias_gradient", "np.sum(delta, axis=0, keepdims=True)", {}),
    ("bias_gradient", "np.sum(dZ, axis=1, keepdims=True) / m", {"layout": "column", "mean": True}),
    ("layer_backward", "dZ = dA * tanh_prime(Z); dW = A_prev.T @ dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
     {"activation": "tanh"}),
])
def test_matrix_rules_as_students_type_them_are_proved(rule, answer, params):
    v = check(rule, answer, **params)
    assert v.status == "proved", v.report()
    assert "symbolic matrices" in v.proof


@pytest.mark.parametrize("rule, answer, params, slip, shapes", [
    ("hidden_delta", "(delta @ W) * g'(Z)", {}, "transpose", "(2, 5) @ (4, 5)"),
    ("hidden_delta", "(W.T @ delta) * g'(Z)", {}, "operand_order", None),
    ("hidden_delta", "(delta * W.T) * g'(Z)", {}, "elementwise_for_matmul", None),
    ("hidden_delta", "(delta @ W.T) * g'(A)", {}, "gprime_of_output", None),
    ("hidden_delta", "(delta @ W.T) * g'(Z_next)", {}, "wrong_layer_gprime", None),
    ("hidden_delta", "delta @ W.T", {}, "missing_gprime", None),
    ("weight_gradient", "A.T @ delta", {}, "wrong_layer_activation", None),
    ("weight_gradient", "A_prev.T @ delta", {"mean": True}, "factor_n", None),
    ("bias_gradient", "delta.sum(axis=1)", {}, "sum_axis", None),
    ("bias_gradient", "delta", {}, "not_summed", None),
])
def test_matrix_slips_are_named(rule, answer, params, slip, shapes):
    v = check(rule, answer, **params)
    assert v.status == "incorrect" and v.slip == slip, v.report()
    if shapes:
        assert shapes in v.counterexample  # a shape mismatch names the shapes


def test_matrix_names_are_checked():
    with pytest.raises(CheckError, match="unknown name 'V'"):
        check("hidden_delta", "delta @ V.T")
    with pytest.raises(CheckError, match="write \\* \\(elementwise\\) or @"):
        check("hidden_delta", "(delta @ W.T) g'(Z)")


# ------------------------------------------------------------------ --batch


def test_batch_checks_a_problem_set_in_one_process(tmp_path, capfd):
    sheet = tmp_path / "sheet.txt"
    sheet.write_text("# problem set 3\n"
                     "--activation sigmoid --derivative \"σ(z)(1 - σ(z))\"\n"
                     "\n"
                     "--hidden-delta \"(delta @ W) * g'(Z)\"\n"
                     "--activation sigmoid --derivative \"cot(z)\"\n", encoding="utf-8")
    assert main(["--batch", str(sheet)]) == 2
    out = capfd.readouterr().out
    assert "line 2: CORRECT (proved)" in out and "line 4: INCORRECT" in out and "line 5: error:" in out
    assert out.rstrip().endswith("3 checks: 1 proved, 1 incorrect, 0 not proved, 1 errors")


@pytest.mark.parametrize("content, says", [(b"\xff\xfe", "not UTF-8"), (b"# nothing\n", "holds no checks")])
def test_bad_batch_files_are_one_line(tmp_path, capfd, content, says):
    sheet = tmp_path / "sheet.txt"
    sheet.write_bytes(content)
    assert main(["--batch", str(sheet)]) == 2
    err = capfd.readouterr().err
    assert says in err and err.count("\n") == 1


def test_one_command_line_call_end_to_end():
    proc = subprocess.run([sys.executable, "-m", "deltaspec.spec", "check", "--weight-gradient", "A_prev.T @ delta"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("CORRECT (proved)")


@pytest.mark.parametrize("answer", ["delta.sum(axis=-Z)", "delta.sum(axis=7)", "delta.sum(keepdims=1)",
                                    "delta.sum(dtype=float)"])
def test_matrix_keywords_are_checked_before_evaluation(answer):
    with pytest.raises(CheckError, match="takes only axis="):
        check("bias_gradient", answer)


def test_a_division_by_zero_is_a_value_not_a_warning(recwarn):
    v = check("bias_gradient", "delta.sum(axis=0)/0")
    assert v.status == "incorrect" and "inf" in v.counterexample and not recwarn.list


@pytest.mark.parametrize("activation, answer", [("z**3", "3*(z**3)**2"), ("sin(z)", "cos(sin(z))")])
def test_gprime_at_the_output_is_named_for_custom_activations(activation, answer):
    v = check("derivative", answer, activation=activation)
    assert v.slip == "gprime_of_output" and "output a = g(z)" in v.hint


# ------------------------------------------------------------------ attacks on the checker itself


@pytest.mark.parametrize("rule, answer, params", [
    ("derivative", "sigmoid'(z) + 100*0**(sin(z)**2)", {"activation": "sigmoid"}),
    ("loss_derivative", "(2*(y-t)/(N*K))*(1 + 0**(sin(pi*N/6)**2))", {"loss": "mse"}),
])
def test_a_power_of_zero_cannot_smuggle_a_single_point_past_the_proof(rule, answer, params):
    with pytest.raises(CheckError, match="0 raised to a power"):
        check(rule, answer, **params)


def test_a_factor_vanishing_at_the_instances_n_is_no_proof():
    v = check("weight_gradient", "A_prev.T @ delta * (1 + (N-1)*(N-2)*(N-5))")
    assert v.status != "proved"


def test_a_count_of_entries_is_refused():
    ones = "np.ones_like(W).sum()"
    with pytest.raises(CheckError, match="counts its entries"):
        check("hidden_delta", f"(delta @ W.T) * g'(Z) * (1 + ({ones}-20)*({ones}-6)*({ones}-12))")


def test_targets_are_drawn_beyond_0_1_where_the_loss_allows_it():
    assert check("loss_derivative", "2*(y - Abs(t))/(N*K)", loss="mse").status == "incorrect"
    assert check("delta", "(σ(z) - t)/(N*K)", loss="bce", activation="sigmoid").status == "proved"


@pytest.mark.parametrize("answer, params", [
    ("delta.sum(0)", {}), ("np.sum(delta, 0)", {}), ("np.mean(delta, axis=0)", {"mean": True}),
])
def test_more_numpy_spellings_of_the_bias_gradient(answer, params):
    assert check("bias_gradient", answer, **params).status == "proved"


@pytest.mark.parametrize("answer, activation", [
    ("(delta @ W.T) * np.heaviside(Z, 0)", "relu"), ("(delta @ W.T) * (Z > 0).astype(float)", "relu"),
    ("(delta @ W.T) * (1 - np.square(A))", "tanh"), ("(delta @ W.T) * (1 - np.power(A, 2))", "tanh"),
])
def test_more_numpy_spellings_of_the_hidden_delta(answer, activation):
    assert check("hidden_delta", answer, activation=activation).status == "proved"


@pytest.mark.parametrize("limit", [1e-7, 1e-300])
def test_a_tiny_time_limit_is_too_complex_not_a_crash(limit):
    with pytest.raises(TooComplex):
        check("derivative", "σ'(z)", activation="sigmoid", time_limit=limit)


@pytest.mark.parametrize("kwargs, says", [
    ({"time_limit": 1e300}, "time_limit"), ({"activation": ["relu"]}, "activation must be a string"),
    ({"of": 3}, "of must be a string"),
])
def test_odd_parameter_types_are_one_line_check_errors(kwargs, says):
    params = {"activation": "sigmoid", **kwargs}
    with pytest.raises(CheckError, match=says):
        check("derivative", "z", **params)


def test_numbers_too_large_for_sympy_are_check_errors():
    with pytest.raises(CheckError):
        check("derivative", "0.1e400", activation="sigmoid")


@pytest.mark.parametrize("answer", ["z**z**z**z", "exp(exp(exp(z)))"])
def test_values_too_large_for_a_float_are_no_obstacle_to_a_verdict(answer):
    # past float64, a wide point is left out rather than computed to 10^17 digits by mpmath
    assert check("derivative", answer, activation="sigmoid", time_limit=30).status == "incorrect"


def test_no_warning_reaches_the_student(recwarn):
    check("derivative", "sinh(z)**100", activation="sigmoid")
    assert not [w for w in recwarn.list if issubclass(w.category, RuntimeWarning)]


def test_a_batch_goes_on_past_any_bad_line_and_help_is_no_escape(tmp_path, capfd):
    sheet = tmp_path / "sheet.txt"
    sheet.write_text("--activation sigmoid --derivative \"z*(1 - z)\"\n"
                     "--hidden-delta \"(delta @ W.T) * Piecewise(Z)\"\n"
                     "--help\n"
                     "--activation sigmoid --derivative \"0.1e400\"\n"
                     "--activation sigmoid --derivative \"σ(z)(1 - σ(z))\"\n", encoding="utf-8")
    assert main(["--batch", str(sheet)]) == 2
    out = capfd.readouterr().out
    assert "line 5: CORRECT (proved)" in out and "line 3: error:" in out and "usage:" not in out
    assert out.rstrip().endswith("5 checks: 1 proved, 1 incorrect, 0 not proved, 3 errors")


def test_hints_name_the_real_slip():
    assert check("derivative", "exp(-z**2)*(-2)", activation="rbf").slip == "missing_factor"
    v = check("derivative", "sigmoid'(z)*sign(z)**2", activation="sigmoid")
    assert v.status == "kink" and "sigmoid has no kink" in v.hint


def test_a_matrix_rule_wrong_only_at_the_kink_says_so():
    v = check("hidden_delta", "(delta @ W.T) * (Z >= 0)", activation="relu")
    assert v.status == "kink" and v.slip == "kink_value" and v.exit_status == 1
    assert "relu'(0) = 0" in v.hint and "Z[0, 0] = 0" in v.counterexample
    assert check("hidden_delta", "(delta @ W.T) * (Z > 0)", activation="relu").status == "proved"
    layer = check("layer_backward", "dZ = dA * (Z >= 0); dW = A_prev.T @ dZ", activation="relu")
    assert layer.status == "kink" and layer.hint.startswith("dZ: right except")


def test_a_product_rule_term_without_its_z_is_named():
    v = check("derivative", "sigmoid(x) + sigmoid(x)*(1 - sigmoid(x))", activation="x*sigmoid(x)")
    assert v.slip == "missing_factor" and "lacks a factor z" in v.hint


@pytest.mark.parametrize("answer, says", [
    ("(delta @ W.T) * np.where(A, 1, 0)", "condition must be a comparison"),
    ("(delta @ W.T) * np.where(Z > 0)", "takes 3 arguments"),
    ("(delta @ W.T) * Heaviside(Z, 1)", "np.heaviside(Z, 0)"),
    ("A_prev.T @ delta * np.power(Z, 1000)", "exponent 1000 is too large"),
    ("A_prev.T @ delta * (1 + ((delta*0+N).sum(axis=0)/N - 1)*((delta*0+N).sum(axis=0)/N - 2)"
     "*((delta*0+N).sum(axis=0)/N - 5))", "counts its entries"),
    ("A_prev.T @ delta * (1 + (np.ones_like(A_prev).T @ np.ones_like(delta) - 1)"
     "*(np.ones_like(A_prev).T @ np.ones_like(delta) - 2)*(np.ones_like(A_prev).T @ np.ones_like(delta) - 5))",
     "counts its entries"),
])
def test_malformed_or_counting_matrix_formulas_are_refused_in_one_line(answer, says):
    rule = "weight_gradient" if answer.startswith("A_prev") else "hidden_delta"
    with pytest.raises(CheckError, match=None) as info:
        check(rule, answer)
    assert says in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("answer", ["np.multiply(np.dot(delta, W.T), np.int64(A > 0))",
                                    "(delta @ W.T) * np.greater(Z, 0)", "(delta @ W.T) * np.where(Z > 0, 1, 0)"])
def test_notebook_spellings_of_relu_prime(answer):
    assert check("hidden_delta", answer, activation="relu").status == "proved"


def test_a_hole_at_the_kink_is_not_proved():
    assert check("hidden_delta", "(delta @ W.T) * (Z > 0) * Z / Z", activation="relu").status == "kink"


def test_layer_parts_use_only_earlier_parts_and_no_in_place_updates():
    with pytest.raises(CheckError, match="unknown name 'db'"):
        check("layer_backward", "dZ = dA * (Z > 0) + 0 * db", activation="relu")
    with pytest.raises(CheckError, match="changes an array in place"):
        check("layer_backward", "dZ = np.array(dA, copy=True); dZ[Z <= 0] = 0", activation="relu")


@pytest.mark.parametrize("answer, params, slip", [
    ("delta @ W.T * A", {"activation": "sigmoid"}, "function_not_derivative"),
    ("delta @ W.T * Z*(1-Z)", {"activation": "sigmoid"}, "prime_of_output"),
    ("delta @ W.T * A*(1-A)", {"activation": "tanh"}, "other_derivative"),
    ("delta @ W.T * sign(Z)", {"activation": "relu"}, "wrong_gprime"),
    ("delta @ W.T * (Z < 0)", {"activation": "relu"}, "wrong_gprime"),
])
def test_the_g_prime_factor_of_a_hidden_delta_is_named(answer, params, slip):
    v = check("hidden_delta", answer, **params)
    assert v.status == "incorrect" and v.slip == slip, v.report()


@pytest.mark.parametrize("answer, slip", [
    ("delta.T @ A_prev", "transpose"), ("np.dot(A_prev.T, delta * g'(Z))", "extra_factor"),
    ("np.dot(A_prev.T, delta) / 2", "constant_factor"),
])
def test_more_weight_gradient_slips_are_named(answer, slip):
    assert check("weight_gradient", answer).slip == slip


@pytest.mark.parametrize("layout", ["row", "column"])
@pytest.mark.parametrize("mean", [False, True])
def test_the_checkers_rules_are_the_specs_matrix_rules(layout, mean):
    """The checker writes each rule in a student's notation; its values are spec.backprop's."""
    import numpy as np

    from deltaspec.spec import backprop, numeric
    from deltaspec.spec.checking import arrays, matrix

    for rule in ("hidden_delta", "weight_gradient", "bias_gradient"):
        s = matrix.Setting(rule, "tanh", layout, mean)
        for env in matrix.instances(s):
            ours = arrays.evaluate(arrays.parse(s.expected_text(rule), "rule", matrix.NAMES[rule], {}), env,
                                   matrix.float_backend(s))
            gprime = numeric.activation_prime("tanh")(env["Z"])
            scale = 1 / env["N"] if mean else 1
            spec = {"hidden_delta": lambda: backprop.hidden_delta(env["delta"], env["W"], gprime, layout),
                    "weight_gradient": lambda: scale * backprop.weight_gradient(env["A_prev"], env["delta"], layout),
                    "bias_gradient": lambda: scale * backprop.bias_gradient(env["delta"], layout)}[rule]()
            assert np.allclose(ours, spec, rtol=1e-12, atol=0), (rule, layout, mean)
