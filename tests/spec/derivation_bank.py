"""A bank of realistic student derivations for the student's checker (``spec.check``).

What this is: pure data. Each :class:`Derivation` is one answer a student of a backprop
course could type into ``check(rule, answer, **params)``, together with the verdict a
teacher would give it: ``slip=None`` when the answer is right, otherwise the one slip code
that names what is wrong with it.

Who wrote it, how: written independently of the checker's code (which was being
rewritten at the time), from the checker's contract only, not from its parser or its
slip detection. The
answers are typed the way students type them (notebook numpy for matrices, Greek letters,
implicit multiplication, ``ln``, ``e**z``, ``sech``, unsimplified quotient-rule results,
deltas written with g(z) instead of y) rather than in the checker's own canonical style.
Each wrong answer carries exactly ONE slip, chosen from the slips students really make
(Ng's deep learning course, CS231n, Nielsen's book, exam scripts). Every entry was checked
by hand and numerically (SymPy/NumPy at random points, at the kinks, and for matrices in a
row and a column layout with distinct and with equal dimensions) before it went in: a
correct entry equals the spec everywhere, kinks included; a wrong one differs from the
spec, and differs the way its slip says.

How it is used: a test module parametrizes over ``BANK`` and asserts, for each entry, that
``check(d.rule, d.answer, **d.params)`` says ``"proved"``/``"numeric"``/``"kink"`` with no
slip when ``d.slip is None``, and ``"incorrect"`` naming ``d.slip`` otherwise.

Conventions the entries rely on (from the contract):
relu'(0) = 0, leaky_relu'(0) = 0.01, a custom activation's derivative at a kink is the
derivative of its z <= kink branch, ``Heaviside(x)`` is 0 at x = 0; bce is
E = -sum[t ln y + (1 - t) ln(1 - y)] / (N K) (the mean over all N K elements, as
the spec defines it), cross_entropy is E = -sum t ln y / N, mse is
E = sum (y - t)**2 / (N K). In the matrix rules, ``mean=True`` means ``delta``/``dZ`` is
per-sample and dW, db carry the 1/N.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Derivation:
    rule: str
    answer: str
    params: dict = field(default_factory=dict)   # activation=, loss=, of=, layout=, mean=
    slip: str | None = None                      # None: correct; else the one slip code
    why: str = ""                                # one short line: the form or the slip, as a teacher would say it


# parameter shorthands (plain dicts; each Derivation gets its own copy)
def _act(name: str, **kw) -> dict:
    return {"activation": name, **kw}


def _loss(name: str) -> dict:
    return {"loss": name}


def _delta(loss: str, activation: str) -> dict:
    return {"loss": loss, "activation": activation}


def _m(layout: str, mean: bool | None = None, activation: str | None = None) -> dict:
    p: dict = {"layout": layout}
    if activation is not None:
        p["activation"] = activation
    if mean is not None:
        p["mean"] = mean
    return p


_DERIVATIVES_CORRECT = (
    Derivation("derivative", "σ(z)(1 - σ(z))", _act("sigmoid"),
               why="product form with σ and implicit multiplication"),
    Derivation("derivative", "exp(-z)/(1 + exp(-z))**2", _act("sigmoid"),
               why="straight out of the quotient rule, not simplified"),
    Derivation("derivative", "1/(2 + e**z + e**-z)", _act("sigmoid"),
               why="denominator expanded and divided through by e**-z"),
    Derivation("derivative", "e**z/(1 + e**z)**2", _act("sigmoid"),
               why="differentiated the e**z/(1 + e**z) form of σ"),
    Derivation("derivative", "1/(4*cosh(z/2)**2)", _act("sigmoid"),
               why="σ(z) = (1 + tanh(z/2))/2, so σ' = sech²(z/2)/4"),
    Derivation("derivative", "sigmoid(z)*sigmoid(-z)", _act("sigmoid"),
               why="1 - σ(z) written as σ(-z)"),
    Derivation("derivative", "sech(z)**2", _act("tanh"),
               why="textbook sech² form"),
    Derivation("derivative", "4/(e**z + e**-z)**2", _act("tanh"),
               why="sech written out with exponentials"),
    Derivation("derivative", "(1 - tanh(z))(1 + tanh(z))", _act("tanh"),
               why="difference of squares, implicit multiplication between brackets"),
    Derivation("derivative", "1 - tanh(z)^2", _act("tanh"),
               why="caret for a power, as typed in a forum or a calculator"),
    Derivation("derivative", "1/cosh(z)**2", _act("tanh"),
               why="1/cosh² instead of sech²"),
    Derivation("derivative", "4σ(2z)(1 - σ(2z))", _act("tanh"),
               why="tanh(z) = 2σ(2z) - 1 differentiated with the chain rule"),
    Derivation("derivative", "Heaviside(z)", _act("relu"),
               why="step function, 0 at the kink"),
    Derivation("derivative", "Piecewise((0, z <= 0), (1, True))", _act("relu"),
               why="piecewise with the kink put in the zero branch"),
    Derivation("derivative", "Heaviside(z, 0)", _act("relu"),
               why="step function with the value at 0 stated explicitly"),
    Derivation("derivative", "0.01 + 0.99*Heaviside(z)", _act("leaky_relu"),
               why="slope 0.01 everywhere plus a step of 0.99"),
    Derivation("derivative", "Piecewise((1, z > 0), (0.01, True))", _act("leaky_relu"),
               why="piecewise, strict inequality on the positive side"),
    Derivation("derivative", "1/(1 + e**-z)", _act("softplus"),
               why="softplus' is the logistic function, written out"),
    Derivation("derivative", "e**z/(e**z + 1)", _act("softplus"),
               why="chain rule on ln(1 + e^z), left unsimplified"),
    Derivation("derivative", "σ(z)", _act("softplus"),
               why="softplus' named as σ"),
    Derivation("derivative", "-2z*exp(-z**2)", _act("rbf"),
               why="chain rule, implicit 2z"),
    Derivation("derivative", "-2*z*rbf(z)", _act("rbf"),
               why="written with the activation itself, like σ(1 - σ)"),
    Derivation("derivative", "1", _act("identity"),
               why="identity: constant 1"),
    Derivation("derivative", "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))", _act("x*sigmoid(x)"),
               why="swish: product rule, in the student's variable x"),
    Derivation("derivative", "σ(x)(1 + x*(1 - σ(x)))", _act("x*sigmoid(x)"),
               why="swish: product rule with σ(x) factored out"),
    Derivation("derivative", "1/(1 + exp(-z))", _act("ln(1 + e**z)"),
               why="softplus written by hand with ln; answer is the logistic"),
    Derivation("derivative", "1/(1 + Abs(z))**2", _act("z/(1+Abs(z))"),
               why="softsign, simplified on both sides of 0"),
    Derivation("derivative", "(1 + Abs(z) - z*sign(z))/(1 + Abs(z))**2", _act("z/(1+Abs(z))"),
               why="softsign, quotient rule left unsimplified (d|z|/dz = sign z)"),
    Derivation("derivative", "cos(z)", _act("sin(z)"),
               why="sine activation"),
    Derivation("derivative", "-2*z*e**(-z**2)", _act("exp(-z**2)"),
               why="Gaussian written by hand, answer with e**"),
    Derivation("derivative", "Piecewise((0.1, z <= 0), (1, True))", _act("Max(0.1*z, z)"),
               why="custom leaky ReLU with slope 0.1; z <= 0 branch at the kink"),
    Derivation("derivative", "Piecewise((-1, z <= 0), (1, True))", _act("Abs(z)"),
               why="|z|: the z <= 0 branch gives -1 at the kink"),
    Derivation("derivative", "Heaviside(z)", _act("Max(0, z)"),
               why="relu typed by hand as Max(0, z); step is 0 at the kink"),
    # written in the output a = g(z)
    Derivation("derivative", "a*(1 - a)", _act("sigmoid", of="a"),
               why="σ' in terms of the output"),
    Derivation("derivative", "a - a**2", _act("sigmoid", of="a"),
               why="σ' in the output, multiplied out"),
    Derivation("derivative", "(1 - a)(1 + a)", _act("tanh", of="a"),
               why="tanh' in the output, factored, implicit multiplication"),
    Derivation("derivative", "1 - e**(-a)", _act("softplus", of="a"),
               why="σ(z) = 1 - e^{-softplus(z)}"),
    Derivation("derivative", "Heaviside(a)", _act("relu", of="a"),
               why="relu output is positive exactly where z is"),
    Derivation("derivative", "Piecewise((1, a > 0), (0.01, True))", _act("leaky_relu", of="a"),
               why="leaky output has the sign of z; 0.01 at a = 0"),
)

_DERIVATIVES_WRONG = (
    Derivation("derivative", "-exp(-z)/(1 + exp(-z))**2", _act("sigmoid"), "sign",
               why="lost the minus of d/dz e^{-z}: whole answer negated"),
    Derivation("derivative", "exp(z)/(1 + exp(-z))**2", _act("sigmoid"), "sign_inside",
               why="e^{z} in the numerator where e^{-z} belongs"),
    Derivation("derivative", "1 - tanh(z/2)**2", _act("tanh(z/2)"), "factor_2",
               why="forgot the 1/2 from the inner z/2"),
    Derivation("derivative", "2*σ(2*z)*(1 - σ(2*z))", _act("tanh"), "factor_half",
               why="tanh = 2σ(2z) - 1 but the inner 2 of σ(2z) was dropped"),
    Derivation("derivative", "1.7159*(1 - tanh(2*z/3)**2)", _act("1.7159*tanh(2*z/3)"), "constant_factor",
               why="LeCun's scaled tanh without the inner 2/3: off by 3/2"),
    Derivation("derivative", "σ(3z)/3", _act("log(1 + exp(3*z))/3"), "constant_factor",
               why="kept the outer 1/3 but not the inner 3: off by 1/3"),
    Derivation("derivative", "1 + tanh(z)**2", _act("tanh"), "sign_inside",
               why="1 + tanh² instead of 1 - tanh²"),
    Derivation("derivative", "1 - tanh(z)", _act("tanh"), "forgotten_square",
               why="1 - tanh(z): the square is missing"),
    Derivation("derivative", "exp(-z)/(1 + exp(-z))", _act("sigmoid"), "forgotten_square",
               why="the denominator of the quotient rule is not squared"),
    Derivation("derivative", "1 - z**2", _act("tanh"), "prime_of_output",
               why="1 - a² with z put in place of a"),
    Derivation("derivative", "z*(1 - z)", _act("sigmoid"), "prime_of_output",
               why="a(1 - a) with z put in place of a"),
    Derivation("derivative", "Max(0, z)", _act("relu"), "function_not_derivative",
               why="wrote relu itself, not its derivative"),
    Derivation("derivative", "ln(1 + e**z)", _act("softplus"), "function_not_derivative",
               why="wrote softplus itself, not its derivative"),
    Derivation("derivative", "Heaviside(z, 1)", _act("relu"), "kink_value",
               why="step with value 1 at 0; the convention is relu'(0) = 0"),
    Derivation("derivative", "Piecewise((0, z < 0), (1, True))", _act("relu"), "kink_value",
               why="z >= 0 counted as the active side: 1 at the kink"),
    Derivation("derivative", "Piecewise((1, z >= 0), (0.01, True))", _act("leaky_relu"), "kink_value",
               why="1 at z = 0; the convention is leaky_relu'(0) = 0.01"),
    Derivation("derivative", "sign(z)", _act("Abs(z)"), "kink_value",
               why="sign(0) = 0, but the z <= 0 branch gives -1 at the kink"),
    Derivation("derivative", "Piecewise((1, z > 0), (0.1, True))", _act("leaky_relu"), "wrong_constant",
               why="negative slope 0.1; the catalog's leaky ReLU uses 0.01"),
    Derivation("derivative", "Piecewise((1, z > 0), (0.01, True))", _act("Max(0.1*z, z)"), "wrong_constant",
               why="used the default leaky slope 0.01; this activation's is 0.1"),
    Derivation("derivative", "e**(-z**2)", _act("exp(-z**2)"), "function_not_derivative",
               why="the chain-rule factor -2z dropped, which leaves g itself"),
    Derivation("derivative", "1/(1 + e**z)", _act("ln(1 + e**z)"), "missing_factor",
               why="d ln(u) = 1/u without the inner derivative e^z"),
    Derivation("derivative", "sigmoid(x) + sigmoid(x)*(1 - sigmoid(x))", _act("x*sigmoid(x)"), "missing_factor",
               why="product rule: the factor x of the second term dropped"),
    Derivation("derivative", "sigmoid(x) - x*sigmoid(x)*(1 - sigmoid(x))", _act("x*sigmoid(x)"), "sign_inside",
               why="product rule with a minus between the two terms"),
    Derivation("derivative", "-cos(z)", _act("sin(z)"), "sign",
               why="d sin = -cos: the sign of the cosine's derivative"),
    Derivation("derivative", "2*z*exp(-z**2)", _act("rbf"), "sign",
               why="the minus of the exponent -z² lost"),
    Derivation("derivative", "-z*exp(-z**2)", _act("rbf"), "factor_half",
               why="d/dz z² taken as z"),
    Derivation("derivative", "σ(a)(1 - σ(a))", _act("sigmoid", of="a"), "prime_of_input",
               why="σ'(z)'s formula with a plugged in: should be a(1 - a)"),
    Derivation("derivative", "sech(a)**2", _act("tanh", of="a"), "prime_of_input",
               why="sech²(z) with a plugged in: should be 1 - a²"),
    Derivation("derivative", "a**2 - 1", _act("tanh", of="a"), "sign",
               why="a² - 1 for 1 - a²"),
    Derivation("derivative", "1 - a", _act("tanh", of="a"), "forgotten_square",
               why="1 - a for 1 - a²"),
    Derivation("derivative", "a*(1 + a)", _act("sigmoid", of="a"), "sign_inside",
               why="a(1 + a) for a(1 - a)"),
)

_LOSS_CORRECT = (
    Derivation("loss_derivative", "y - t", _loss("half_sse"),
               why="the ½ cancels the 2"),
    Derivation("loss_derivative", "-(t - y)", _loss("half_sse"),
               why="written as minus the error t - y"),
    Derivation("loss_derivative", "2(y - t)", _loss("sse"),
               why="implicit multiplication"),
    Derivation("loss_derivative", "2*y - 2*t", _loss("sse"),
               why="multiplied out"),
    Derivation("loss_derivative", "2/(N*K) * (y - t)", _loss("mse"),
               why="constant first, as in the notes"),
    Derivation("loss_derivative", "(2*y - 2*t)/(N*K)", _loss("mse"),
               why="multiplied out over the N*K elements"),
    Derivation("loss_derivative", "(y - t)*2/(K*N)", _loss("mse"),
               why="constant last, K before N"),
    Derivation("loss_derivative", "(1/(N*K))*(-t/y + (1 - t)/(1 - y))", _loss("bce"),
               why="the two log terms differentiated separately"),
    Derivation("loss_derivative", "-(t/y - (1 - t)/(1 - y))/(N*K)", _loss("bce"),
               why="minus sign kept outside the bracket"),
    Derivation("loss_derivative", "(y - t)/(N K y (1 - y))", _loss("bce"),
               why="one fraction, implicit multiplication with spaces"),
    Derivation("loss_derivative", "(t - y)/(N*K*y*(y - 1))", _loss("bce"),
               why="both numerator and a denominator factor flipped"),
    Derivation("loss_derivative", "(1 - t)/(N*K*(1 - y)) - t/(N*K*y)", _loss("bce"),
               why="positive term first, each with its own 1/N"),
    Derivation("loss_derivative", "-t/(N*y)", _loss("cross_entropy"),
               why="d(-t ln y)/dy with the 1/N"),
    Derivation("loss_derivative", "-(1/N) * t/y", _loss("cross_entropy"),
               why="1/N pulled out front"),
)

_LOSS_WRONG = (
    Derivation("loss_derivative", "t - y", _loss("half_sse"), "sign",
               why="t - y is minus the gradient"),
    Derivation("loss_derivative", "2*(y - t)", _loss("half_sse"), "factor_2",
               why="the ½ was forgotten"),
    Derivation("loss_derivative", "(y - t)/2", _loss("half_sse"), "factor_half",
               why="kept the ½ instead of letting it cancel the 2"),
    Derivation("loss_derivative", "y - t", _loss("sse"), "factor_half",
               why="without the ½ the 2 of the square stays"),
    Derivation("loss_derivative", "2*(y - t)/N", _loss("sse"), "factor_1_over_n",
               why="a sum, not a mean: no 1/N"),
    Derivation("loss_derivative", "(y - t)/N", _loss("half_sse"), "factor_1_over_n",
               why="averaged a loss that is a plain half sum"),
    Derivation("loss_derivative", "2*(y - t)", _loss("mse"), "factor_nk",
               why="the mean's 1/(N K) dropped"),
    Derivation("loss_derivative", "2*(y - t)/N", _loss("mse"), "factor_k",
               why="averaged over samples only, not over the K outputs"),
    Derivation("loss_derivative", "2*(y - t)/K", _loss("mse"), "factor_n",
               why="averaged over the K outputs only, not over the N samples"),
    Derivation("loss_derivative", "(y - t)/(N*K)", _loss("mse"), "factor_half",
               why="the 2 from the square dropped"),
    Derivation("loss_derivative", "(y - t)/(y*(1 - y))", _loss("bce"), "factor_nk",
               why="the mean's 1/N dropped"),
    Derivation("loss_derivative", "(t - y)/(N*K*y*(1 - y))", _loss("bce"), "sign",
               why="forgot the leading minus of the cross-entropy"),
    Derivation("loss_derivative", "-t/(N*K*y) - (1 - t)/(N*K*(1 - y))", _loss("bce"), "sign_inside",
               why="d ln(1 - y)/dy taken as +1/(1 - y)"),
    Derivation("loss_derivative", "(y - t)/(N*K)", _loss("bce"), "delta_not_dedy",
               why="that is δ = dE/dz after the sigmoid, not dE/dy"),
    Derivation("loss_derivative", "t/(N*y)", _loss("cross_entropy"), "sign",
               why="forgot the minus of -t ln y"),
    Derivation("loss_derivative", "-t/y", _loss("cross_entropy"), "factor_n",
               why="the 1/N dropped"),
    Derivation("loss_derivative", "(y - t)/N", _loss("cross_entropy"), "delta_not_dedy",
               why="softmax + cross-entropy's δ, not dE/dy"),
)

_DELTA_CORRECT = (
    Derivation("delta", "(y - t)*y*(1 - y)", _delta("half_sse", "sigmoid"),
               why="error times σ' in the output"),
    Derivation("delta", "(σ(z) - t)σ(z)(1 - σ(z))", _delta("half_sse", "sigmoid"),
               why="everything written with σ(z), implicit multiplication"),
    Derivation("delta", "(y - t)(1 - y**2)", _delta("half_sse", "tanh"),
               why="tanh' in the output, implicit multiplication"),
    Derivation("delta", "(tanh(z) - t)*sech(z)**2", _delta("half_sse", "tanh"),
               why="y written as tanh(z), sech² for tanh'"),
    Derivation("delta", "2(z - t)", _delta("sse", "identity"),
               why="linear output: y is z"),
    Derivation("delta", "2*(y - t)/(N*K)", _delta("mse", "identity"),
               why="linear output: δ is dE/dy"),
    Derivation("delta", "2/(N*K) * (y - t) * y*(1 - y)", _delta("mse", "sigmoid"),
               why="mse constant, error, σ' in the output"),
    Derivation("delta", "2*(y - t)*(1 - tanh(z)**2)/(N*K)", _delta("mse", "tanh"),
               why="mixes y and tanh(z)"),
    Derivation("delta", "(σ(z) - t)/(N*K)", _delta("bce", "sigmoid"),
               why="σ' cancels; y written as σ(z)"),
    Derivation("delta", "(1/(1 + e**-z) - t)/(N*K)", _delta("bce", "sigmoid"),
               why="σ written out with e**-z"),
    Derivation("delta", "(y*(1 - t) - t*(1 - y))/(N*K)", _delta("bce", "sigmoid"),
               why="(dE/dy)·y(1 - y) multiplied out but not collected"),
    Derivation("delta", "(1/N)*(y - t)", _delta("cross_entropy", "softmax"),
               why="softmax + cross-entropy, 1/N in front"),
    Derivation("delta", "-(t - y)/N", _delta("cross_entropy", "softmax"),
               why="minus the error t - y"),
    Derivation("delta", "(y - t)*Heaviside(z)", _delta("half_sse", "relu"),
               why="relu' as a step, 0 at the kink"),
    Derivation("delta", "(y - t)*Heaviside(y)", _delta("half_sse", "relu"),
               why="relu' read off the output: y > 0 exactly when z > 0"),
    Derivation("delta", "(sin(z) - t)*cos(z)", _delta("half_sse", "sin(z)"),
               why="custom sine output, written in z"),
    Derivation("delta", "(y - t)/(1 + e**-z)", _delta("half_sse", "softplus"),
               why="softplus' written out as the logistic"),
    Derivation("delta", "(ln(1 + e**z) - t)*σ(z)", _delta("half_sse", "ln(1 + e**z)"),
               why="hand-written softplus with ln; y as ln(1 + e^z)"),
    Derivation("delta", "2*(y - t)*Piecewise((1, z > 0), (0.01, True))", _delta("sse", "leaky_relu"),
               why="leaky relu' as a piecewise"),
)

_DELTA_WRONG = (
    Derivation("delta", "y - t", _delta("half_sse", "sigmoid"), "missing_gprime",
               why="dE/dy only; σ' not applied"),
    Derivation("delta", "(y - t)*sigmoid_prime(y)", _delta("half_sse", "sigmoid"), "gprime_of_output",
               why="σ' evaluated at y instead of z"),
    Derivation("delta", "(y - t)*(1 - tanh(y)**2)", _delta("half_sse", "tanh"), "gprime_of_output",
               why="tanh' evaluated at y instead of z"),
    Derivation("delta", "(y - t)*y*(1 - y)/(N*K)", _delta("bce", "sigmoid"), "extra_factor",
               why="σ' applied again after it already cancelled"),
    Derivation("delta", "y - t", _delta("bce", "sigmoid"), "factor_nk",
               why="the mean's 1/N dropped"),
    Derivation("delta", "-t/(N*y) * y*(1 - y)", _delta("cross_entropy", "softmax"), "softmax_diagonal",
               why="softmax's Jacobian taken as its diagonal y(1 - y)"),
    Derivation("delta", "-t*(1 - y)/N", _delta("cross_entropy", "softmax"), "softmax_diagonal",
               why="simplified, but still only the diagonal of softmax's Jacobian"),
    Derivation("delta", "2*(y - t)/(N*K)", _delta("mse", "sigmoid"), "missing_gprime",
               why="mse's dE/dy given as δ; the sigmoid output needs σ'"),
    Derivation("delta", "(t - y)/N", _delta("cross_entropy", "softmax"), "sign",
               why="t - y for y - t"),
    Derivation("delta", "y - t", _delta("cross_entropy", "softmax"), "factor_n",
               why="the mean over samples' 1/N dropped"),
    Derivation("delta", "2*(y - t)/N", _delta("mse", "identity"), "factor_k",
               why="averaged over the samples only, not the K outputs"),
    Derivation("delta", "2*(y - t)*y*(1 - y)", _delta("mse", "sigmoid"), "factor_nk",
               why="the mean's 1/(N K) dropped"),
    Derivation("delta", "(y - t)*(1 + y**2)", _delta("half_sse", "tanh"), "sign_inside",
               why="1 + y² for 1 - y²"),
    Derivation("delta", "(y - t)*(1 - y)", _delta("half_sse", "tanh"), "forgotten_square",
               why="1 - y for 1 - y²"),
    Derivation("delta", "(y - t)*Heaviside(z, 1)", _delta("half_sse", "relu"), "kink_value",
               why="relu'(0) taken as 1"),
    Derivation("delta", "(y - t)*z*(1 - z)", _delta("half_sse", "sigmoid"), "prime_of_output",
               why="a(1 - a) with z in place of a"),
    Derivation("delta", "(y - t)*(1 - y**2)", _delta("sse", "tanh"), "factor_half",
               why="sse has no ½: the 2 is missing"),
    Derivation("delta", "2*(y - t)*y*(1 - y)", _delta("half_sse", "sigmoid"), "factor_2",
               why="the ½ of the loss forgotten"),
    Derivation("delta", "(y - t)*(1 - y**2)/N", _delta("half_sse", "tanh"), "factor_1_over_n",
               why="averaged a half-sum loss"),
    Derivation("delta", "(t - y)/(N*K)", _delta("bce", "sigmoid"), "sign",
               why="t - y for y - t"),
    Derivation("delta", "(y - t)*σ(z)", _delta("half_sse", "sigmoid"), "function_not_derivative",
               why="multiplied by σ instead of σ'"),
    Derivation("delta", "(y - t)*Piecewise((1, z > 0), (0.1, True))", _delta("half_sse", "leaky_relu"), "wrong_constant",
               why="leaky slope 0.1 instead of 0.01"),
)

_HIDDEN_CORRECT = (
    Derivation("hidden_delta", "(delta @ W.T) * sigmoid_prime(Z)", _m("row", activation="sigmoid"),
               why="the textbook row form"),
    Derivation("hidden_delta", "np.dot(delta, W.T) * A * (1 - A)", _m("row", activation="sigmoid"),
               why="σ' from the cached output A"),
    Derivation("hidden_delta", "np.multiply(delta.dot(W.T), relu_prime(Z))", _m("row", activation="relu"),
               why="notebook style: .dot and np.multiply"),
    Derivation("hidden_delta", "(delta @ W.T) * relu_prime(A)", _m("row", activation="relu"),
               why="relu'(A) equals relu'(Z): A > 0 exactly where Z > 0, and 0 at Z = 0"),
    Derivation("hidden_delta", "(delta @ np.transpose(W)) ⊙ (1 - A**2)", _m("row", activation="tanh"),
               why="⊙ for the Hadamard product, tanh' from A"),
    Derivation("hidden_delta", "g_prime(Z) * (delta @ W.T)", _m("row", activation="tanh"),
               why="factors commuted"),
    Derivation("hidden_delta", "(W @ delta.T).T * g'(Z)", _m("row", activation="sigmoid"),
               why="computed in column form, then transposed back"),
    Derivation("hidden_delta", "np.dot(W.T, delta) * σ(Z) * (1 - σ(Z))", _m("column", activation="sigmoid"),
               why="column layout, σ applied elementwise"),
    Derivation("hidden_delta", "(W.T @ delta) * g'(Z)", _m("column", activation="relu"),
               why="column layout, g' notation"),
    Derivation("hidden_delta", "W.T.dot(delta) * (1 - tanh(Z)**2)", _m("column", activation="tanh"),
               why="column layout, tanh' written out"),
    Derivation("hidden_delta", "np.multiply(np.dot(W.T, delta), leaky_relu_prime(Z))", _m("column", activation="leaky_relu"),
               why="column layout, Ng's notebook style"),
)

_HIDDEN_WRONG = (
    Derivation("hidden_delta", "(delta @ W) * sigmoid_prime(Z)", _m("row", activation="sigmoid"), "transpose",
               why="W not transposed"),
    Derivation("hidden_delta", "(W.T @ delta) * relu_prime(Z)", _m("row", activation="relu"), "operand_order",
               why="column-layout order used with samples in rows"),
    Derivation("hidden_delta", "(delta * W.T) * sigmoid_prime(Z)", _m("row", activation="sigmoid"), "elementwise_for_matmul",
               why="* between delta and W.T"),
    Derivation("hidden_delta", "(delta @ W.T) @ sigmoid_prime(Z)", _m("row", activation="sigmoid"), "matmul_for_elementwise",
               why="@ with g'(Z), which is elementwise"),
    Derivation("hidden_delta", "(delta @ W.T) * g'(Z_next)", _m("row", activation="tanh"), "wrong_layer_gprime",
               why="g' of the next layer's Z"),
    Derivation("hidden_delta", "np.dot(delta, W.T) * sigmoid_prime(A)", _m("row", activation="sigmoid"), "gprime_of_output",
               why="σ' evaluated at A instead of Z"),
    Derivation("hidden_delta", "(W.T @ delta) * sigmoid_prime(A)", _m("column", activation="sigmoid"), "gprime_of_output",
               why="σ' evaluated at A instead of Z"),
    Derivation("hidden_delta", "W.T @ delta", _m("column", activation="sigmoid"), "missing_gprime",
               why="backpropagated through W but not through σ"),
    Derivation("hidden_delta", "np.dot(delta, W.T)", _m("row", activation="tanh"), "missing_gprime",
               why="no tanh' factor"),
    Derivation("hidden_delta", "(W @ delta) * g'(Z)", _m("column", activation="relu"), "transpose",
               why="W not transposed"),
    Derivation("hidden_delta", "np.dot(delta, W.T) * relu_prime(Z)", _m("column", activation="relu"), "operand_order",
               why="row-layout order used with samples in columns"),
    Derivation("hidden_delta", "(W.T @ delta) * sigmoid_prime(Z_next)", _m("column", activation="sigmoid"), "wrong_layer_gprime",
               why="σ' of the next layer's pre-activation"),
)

_WEIGHT_CORRECT = (
    Derivation("weight_gradient", "A_prev.T @ delta", _m("row", mean=False),
               why="textbook row form"),
    Derivation("weight_gradient", "np.dot(A_prev.T, delta)", _m("row", mean=False),
               why="np.dot"),
    Derivation("weight_gradient", "np.transpose(A_prev).dot(delta)", _m("row", mean=False),
               why="np.transpose and .dot"),
    Derivation("weight_gradient", "(delta.T @ A_prev).T", _m("row", mean=False),
               why="computed transposed, then transposed back"),
    Derivation("weight_gradient", "A_prev.T @ delta / N", _m("row", mean=True),
               why="mean over samples"),
    Derivation("weight_gradient", "(1/N) * np.dot(A_prev.T, delta)", _m("row", mean=True),
               why="1/N in front, np.dot"),
    Derivation("weight_gradient", "delta @ A_prev.T", _m("column", mean=False),
               why="column layout"),
    Derivation("weight_gradient", "np.dot(delta, np.transpose(A_prev))", _m("column", mean=False),
               why="column layout, np.transpose"),
    Derivation("weight_gradient", "1/N * np.dot(delta, A_prev.T)", _m("column", mean=True),
               why="Ng's dW = 1/m np.dot(dZ, A_prev.T)"),
    Derivation("weight_gradient", "delta.dot(A_prev.T) / N", _m("column", mean=True),
               why="column layout, .dot, mean"),
)

_WEIGHT_WRONG = (
    Derivation("weight_gradient", "A_prev @ delta", _m("row", mean=False), "transpose",
               why="A_prev not transposed"),
    Derivation("weight_gradient", "A_prev.T * delta", _m("row", mean=False), "elementwise_for_matmul",
               why="* where the matrix product belongs"),
    Derivation("weight_gradient", "A.T @ delta", _m("row", mean=False), "wrong_layer_activation",
               why="this layer's output A instead of its input A_prev"),
    Derivation("weight_gradient", "A_prev.T @ delta", _m("row", mean=True), "factor_n",
               why="the loss is a mean: 1/N missing"),
    Derivation("weight_gradient", "np.dot(A_prev.T, delta) / N", _m("row", mean=False), "factor_1_over_n",
               why="delta already is dE/dZ of the total loss: no 1/N"),
    Derivation("weight_gradient", "A_prev.T @ delta", _m("column", mean=False), "operand_order",
               why="row-layout order with samples in columns"),
    Derivation("weight_gradient", "delta @ A_prev", _m("column", mean=False), "transpose",
               why="A_prev not transposed"),
    Derivation("weight_gradient", "1/N * np.dot(delta, A.T)", _m("column", mean=True), "wrong_layer_activation",
               why="A instead of A_prev"),
    Derivation("weight_gradient", "np.dot(delta, A_prev.T)", _m("column", mean=True), "factor_n",
               why="Ng's 1/m forgotten"),
    Derivation("weight_gradient", "delta * A_prev.T", _m("column", mean=False), "elementwise_for_matmul",
               why="* where np.dot belongs"),
)

_BIAS_CORRECT = (
    Derivation("bias_gradient", "delta.sum(axis=0)", _m("row", mean=False),
               why="sum over the sample rows"),
    Derivation("bias_gradient", "np.sum(delta, axis=0, keepdims=True)", _m("row", mean=False),
               why="keepdims keeps the (1, n) shape of b"),
    Derivation("bias_gradient", "np.mean(delta, axis=0)", _m("row", mean=True),
               why="mean over samples is the sum / N"),
    Derivation("bias_gradient", "delta.sum(axis=0, keepdims=True) / N", _m("row", mean=True),
               why="keepdims, then / N"),
    Derivation("bias_gradient", "np.sum(delta, axis=1, keepdims=True)", _m("column", mean=False),
               why="column layout: samples along axis 1"),
    Derivation("bias_gradient", "delta.sum(axis=1)", _m("column", mean=False),
               why="column layout without keepdims"),
    Derivation("bias_gradient", "1/N * np.sum(delta, axis=1, keepdims=True)", _m("column", mean=True),
               why="Ng's db = 1/m np.sum(dZ, axis=1, keepdims=True)"),
    Derivation("bias_gradient", "np.mean(delta, axis=1, keepdims=True)", _m("column", mean=True),
               why="np.mean over the sample axis"),
)

_BIAS_WRONG = (
    Derivation("bias_gradient", "delta.sum(axis=1)", _m("row", mean=False), "sum_axis",
               why="summed over the units, not the samples"),
    Derivation("bias_gradient", "delta", _m("row", mean=False), "not_summed",
               why="per-sample gradients never summed"),
    Derivation("bias_gradient", "delta.sum(axis=0)", _m("row", mean=True), "factor_n",
               why="the mean's 1/N missing"),
    Derivation("bias_gradient", "np.mean(delta, axis=0)", _m("row", mean=False), "factor_1_over_n",
               why="averaged though delta already is the total loss's gradient"),
    Derivation("bias_gradient", "np.sum(delta, axis=0, keepdims=True)", _m("column", mean=False), "sum_axis",
               why="row-layout axis used with samples in columns"),
    Derivation("bias_gradient", "delta / N", _m("column", mean=True), "not_summed",
               why="divided by N but never summed over samples"),
    Derivation("bias_gradient", "np.sum(delta, axis=1, keepdims=True)", _m("column", mean=True), "factor_n",
               why="Ng's 1/m forgotten"),
)

_LAYER_CORRECT = (
    Derivation("layer_backward",
               "dZ = dA * sigmoid_prime(Z); dW = A_prev.T @ dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
               _m("row", mean=False, activation="sigmoid"),
               why="textbook row form"),
    Derivation("layer_backward",
               "dZ = dA * relu_prime(Z); dW = 1/N * np.dot(dZ, A_prev.T); "
               "db = 1/N * np.sum(dZ, axis=1, keepdims=True); dA_prev = np.dot(W.T, dZ)",
               _m("column", mean=True, activation="relu"),
               why="Ng's linear_activation_backward, m written N"),
    Derivation("layer_backward",
               "dZ = dA * A * (1 - A); dW = np.dot(dZ, A_prev.T) / N; "
               "db = np.mean(dZ, axis=1, keepdims=True); dA_prev = W.T @ dZ",
               _m("column", mean=True, activation="sigmoid"),
               why="σ' from the cached A, np.mean for db"),
    Derivation("layer_backward",
               "dZ = dA ⊙ (1 - A**2); dW = A_prev.T.dot(dZ) / N; "
               "db = np.mean(dZ, axis=0, keepdims=True); dA_prev = dZ.dot(W.T)",
               _m("row", mean=True, activation="tanh"),
               why="⊙ and .dot, tanh' from A, mean over the rows"),
    Derivation("layer_backward",
               "dZ = np.multiply(dA, g'(Z)); dW = dZ @ A_prev.T; db = dZ.sum(axis=1, keepdims=True); "
               "dA_prev = np.transpose(W) @ dZ",
               _m("column", mean=False, activation="tanh"),
               why="column layout, np.multiply and np.transpose"),
    Derivation("layer_backward",
               "dZ = dA * g_prime(Z); dW = np.dot(A_prev.T, dZ); db = np.sum(dZ, axis=0, keepdims=True); "
               "dA_prev = np.dot(dZ, W.T)",
               _m("row", mean=False, activation="leaky_relu"),
               why="row layout, all np.dot"),
)

_LAYER_WRONG = (
    Derivation("layer_backward",
               "dZ = dA * sigmoid_prime(Z); dW = A_prev.T @ dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W",
               _m("row", mean=False, activation="sigmoid"), "transpose",
               why="dA_prev: W not transposed"),
    Derivation("layer_backward",
               "dZ = dA * relu_prime(Z); dW = A_prev.T @ dZ / N; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
               _m("row", mean=True, activation="relu"), "factor_n",
               why="db: the 1/N is on dW but not on db"),
    Derivation("layer_backward",
               "dZ = dA * relu_prime(Z); dW = 1/N * np.dot(dZ, A.T); "
               "db = 1/N * np.sum(dZ, axis=1, keepdims=True); dA_prev = np.dot(W.T, dZ)",
               _m("column", mean=True, activation="relu"), "wrong_layer_activation",
               why="dW: this layer's A instead of A_prev"),
    Derivation("layer_backward",
               "dZ = dA @ sigmoid_prime(Z); dW = dZ @ A_prev.T; db = np.sum(dZ, axis=1, keepdims=True); "
               "dA_prev = W.T @ dZ",
               _m("column", mean=False, activation="sigmoid"), "matmul_for_elementwise",
               why="dZ: @ where the elementwise product belongs"),
    Derivation("layer_backward",
               "dZ = dA * g'(A); dW = A_prev.T @ dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
               _m("row", mean=False, activation="tanh"), "gprime_of_output",
               why="dZ: g' evaluated at A instead of Z"),
    Derivation("layer_backward",
               "dZ = dA * relu_prime(Z); dW = dZ @ A_prev.T; db = np.sum(dZ, axis=0, keepdims=True); "
               "dA_prev = W.T @ dZ",
               _m("column", mean=False, activation="relu"), "sum_axis",
               why="db: summed over units, not samples"),
    Derivation("layer_backward",
               "dZ = dA * sigmoid_prime(Z); dW = A_prev.T @ dZ / N; db = dZ.sum(axis=0) / N; "
               "dA_prev = W.T @ dZ",
               _m("row", mean=True, activation="sigmoid"), "operand_order",
               why="dA_prev: column-layout order in the row layout"),
    Derivation("layer_backward",
               "dZ = dA; dW = dZ @ A_prev.T; db = np.sum(dZ, axis=1, keepdims=True); dA_prev = W.T @ dZ",
               _m("column", mean=False, activation="sigmoid"), "missing_gprime",
               why="dZ: σ' left out"),
    Derivation("layer_backward",
               "dZ = dA * tanh_prime(Z); dW = A_prev.T @ dZ / N; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
               _m("row", mean=False, activation="tanh"), "factor_1_over_n",
               why="dW divided by N though the loss is a sum"),
    Derivation("layer_backward",
               "dZ = dA * relu_prime(Z); dW = dZ @ A_prev.T; db = dZ; dA_prev = W.T @ dZ",
               _m("column", mean=False, activation="relu"), "not_summed",
               why="db: dZ never summed over the samples"),
    Derivation("layer_backward",
               "dZ = dA * sigmoid_prime(Z); dW = A_prev.T * dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W.T",
               _m("row", mean=False, activation="sigmoid"), "elementwise_for_matmul",
               why="dW: * where @ belongs"),
    Derivation("layer_backward",
               "dZ = dA * g'(Z); dW = dZ @ A_prev; db = np.sum(dZ, axis=1, keepdims=True); dA_prev = W.T @ dZ",
               _m("column", mean=False, activation="tanh"), "transpose",
               why="dW: A_prev not transposed"),
)

BANK: tuple[Derivation, ...] = (
    _DERIVATIVES_CORRECT + _DERIVATIVES_WRONG
    + _LOSS_CORRECT + _LOSS_WRONG
    + _DELTA_CORRECT + _DELTA_WRONG
    + _HIDDEN_CORRECT + _HIDDEN_WRONG
    + _WEIGHT_CORRECT + _WEIGHT_WRONG
    + _BIAS_CORRECT + _BIAS_WRONG
    + _LAYER_CORRECT + _LAYER_WRONG
)
