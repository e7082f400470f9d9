"""How the five seed tutorials write backpropagation, translated into the spec's notation.

The spec's own notation (row layout, one sample per row):

* ``X`` (N, n_in) is the input, ``A_0 = X``;
* layer l: ``Z_l = A_{l-1} W_l + b_l`` and ``A_l = g_l(Z_l)``, with ``W_l`` of shape
  (n_{l-1}, n_l) and ``b_l`` of shape (n_l,), added to every row;
* ``Y = A_L`` is the network output, ``T`` the targets, ``E`` the loss that is
  differentiated, ``N`` the number of samples and ``K`` the number of outputs;
* ``delta_l = dE/dZ_l``; the gradients are ``dE/dW_l = A_{l-1}^T delta_l`` and
  ``dE/db_l`` = the column sums of ``delta_l``; ``eta`` is the learning rate and the step is
  ``W_l -= eta dE/dW_l``; ``g_l'`` is the activation's derivative, evaluated at ``Z_l``.

The tutorials, seeds 000 .. 004 (each named in ``SEEDS`` by title and author), use
other names, other signs and other scalings. Where a tutorial's copy lacks a fact about
its program (seed 001's JavaScript code, seed 004's data generation), the fact itself
is stated here. This module records, as plain data:

* ``SEEDS``: what each seed tutorial is;
* ``CONVENTIONS``: six choices (sign, loss factor, argument of g', bias, layout, update)
  with the spec's choice and how every seed makes it;
* ``NOTATION``: every network quantity of every seed program, as a LaTeX symbol in the
  spec's notation. A leading minus or a factor in the symbol means the seed variable is
  the negative or a multiple of the spec quantity (e.g. ``-\\delta_2``);
* ``QUIRKS``: what a faithful re-implementation must reproduce and a reader may trip on.

Standard library only; nothing here imports numpy, sympy or the rest of ``spec``.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Seed",
    "Convention",
    "Notation",
    "Quirk",
    "SEEDS",
    "CONVENTIONS",
    "NOTATION",
    "QUIRKS",
    "seed",
]


@dataclass(frozen=True)
class Seed:
    """One seed tutorial file."""

    key: str  # "000" .. "004"
    file: str  # the name of its copy in the seed collection (not part of this repository)
    title: str  # tutorial title
    author: str  # author / source as given in the text (or "unknown")
    programs: tuple[str, ...]  # the programs in it
    network: str  # architecture, e.g. "3-4-1 sigmoid, no bias"


@dataclass(frozen=True)
class Convention:
    """One convention choice, the spec's answer, and every seed's answer."""

    name: str
    question: str
    spec_choice: str
    per_seed: tuple[tuple[str, str], ...]  # (seed key, how that seed writes it)


@dataclass(frozen=True)
class Notation:
    """One seed variable and the spec quantity it holds (LaTeX, spec notation)."""

    seed: str
    variable: str
    symbol: str
    meaning: str


@dataclass(frozen=True)
class Quirk:
    """Something a faithful re-implementation of a seed must know."""

    seed: str
    title: str
    detail: str


# --------------------------------------------------------------------------- seeds

SEEDS: tuple[Seed, ...] = (
    Seed(
        key="000",
        file="000_1e5fc7210bedbda3.txt",
        # The copy has no title line: this is its opening question. It names no author.
        title="How do neural networks learn?",
        author="unknown",
        programs=("backprop update snippet", "full XOR training program"),
        network="2-2-1 sigmoid (n_hidden = 2), separate biases b_h and b_o; per-sample updates",
    ),
    Seed(
        key="001",
        file="001_e067b7677071b154.txt",
        title="Neural Networks from Scratch, Part 2",
        author="Tom Martin",  # signed "Tom" in the copy; the full name is the article's byline
        programs=("ReLU XOR net (JavaScript/numjs original; the copy has none of its code)",),
        network="2-3-1, ReLU hidden layer, linear output, no biases; per-sample updates",
    ),
    Seed(
        key="002",
        file="002_c21fee2eba83ae45.txt",
        title="Backpropagation Unveiled: Understanding the Mathematics and Code Behind Neural "
        "Network Learning (Lesson 3)",
        author="CodeSignal",  # the publisher of the lesson; the copy names no author
        programs=("NeuralNetwork class trained on XOR",),
        network="3-4-1 sigmoid, no bias vectors; constant third input column acts as the hidden "
        "layer's bias; full batch",
    ),
    Seed(
        key="003",
        file="003_4a6e4d800b2265d2.txt",
        title="A Neural Network in 11 lines of Python (Part 1), followed by its Part 2 "
        "(gradient descent, alpha, hidden size)",
        author="Andrew Trask (@iamtrask)",
        programs=(
            "Part 1 11-line net ('Just Give Me The Code')",
            "Part 1 2-layer net",
            "Part 1 3-layer net",
            "Part 2 short net ('Just Give Me The Code', alpha 0.5, hidden_dim 4)",
            "Part 2 2-layer net (2 inputs, no constant column)",
            "Part 2 alpha sweep (hidden size 4)",
            "Part 2 'closer look' variant (counts update sign flips)",
            "Part 2 hidden-size variant (hiddenSize = 32)",
        ),
        network="3-4-1 sigmoid, no bias vectors (constant third input column; output layer has no "
        "bias); also 3-1 (Part 1 2-layer), 2-1 (Part 2 2-layer) and 3-32-1 (hidden-size variant); "
        "full batch",
    ),
    Seed(
        key="004",
        file="004_a5c328d7aff4debb.txt",
        title="How to implement a neural network (3/5) - backpropagation",
        author="Roelants",  # Peter Roelants, the series' author; the copy names no author
        programs=("RBF hidden unit with logistic output, trained by backprop_update",),
        network="1-1-1: one RBF hidden unit (weight wh, no hidden bias), logistic output with bias bo "
        "and no output weight; cross-entropy; full batch",
    ),
)

_SEED_BY_KEY = {s.key: s for s in SEEDS}


def seed(key: str) -> Seed:
    """The seed with this key ("000" .. "004"); ValueError (one line) if unknown."""
    if isinstance(key, int) and not isinstance(key, bool):
        key = f"{key:03d}"
    try:
        return _SEED_BY_KEY[key]
    except (KeyError, TypeError):
        known = ", ".join(_SEED_BY_KEY)
        raise ValueError(f"unknown seed {key!r}; known: {known}") from None


# --------------------------------------------------------------------- conventions

CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        name="sign",
        question="Is the backpropagated error delta = +dE/dz (and the step W -= eta*grad), or the "
        "tutorial form error = target - output applied with +=?",
        spec_choice="delta_l = dE/dZ_l (so delta_L = Y - T for half SSE with a linear output); "
        "steps are W_l -= eta * dE/dW_l.",
        per_seed=(
            ("000", "delta_o = (y - prediction) * d_activation(net_o), then W_ho += learning_rate * "
             "delta_o * out_h.T and b_o += learning_rate * delta_o: delta_o is -dE/dz_o (-delta_2), "
             "delta_h is -delta_1. The prose does the same: delta_k = (y - y_hat) g'(net_k), "
             "de/dw = -delta_k o_j, Delta w = -eta de/dw."),
            ("001", "delta_o = o - t, W_ho -= alpha * h^T delta_o, W_ih -= alpha * x^T delta_h "
             "in the original program; the text writes weight -= alpha * activation * (output - target). Same "
             "sign as the spec: delta_o = +delta_2."),
            ("002", "2*(self.y - self.output) * sigmoid_derivative(self.output), then "
             "self.weights2 += self.learning_rate * d_weights2: target - output with +=, so "
             "d_weights1 and d_weights2 are -dE/dW (and the unnamed factor is -delta_2)."),
            ("003", "Part 1: l2_error = y - l2, l2_delta = l2_error*nonlin(l2,deriv=True), "
             "syn1 += l1.T.dot(l2_delta): l2_delta is -delta_2. Part 2 short net, 2-layer net, "
             "alpha sweep and hidden-size variant: layer_2_error = layer_2 - y (layer_1 - y) with "
             "synapse_1 -= alpha * ...: layer_2_delta is +delta_2. The 'closer look' listing shows "
             "layer_2_error = - layer_2 (y lost in extraction) and updates with +=, i.e. the "
             "Part 1 sign."),
            ("004", "grad_output = y - t (y is the output, t the target) and "
             "wh = float(np.mean(wh - d_wh)), bo = float(np.mean(bo - d_bo)): same sign as the "
             "spec; the prose defines delta_o = dxi_i/dz_o = y_i - t_i and delta_h = dxi_i/dz_h."),
        ),
    ),
    Convention(
        name="loss_factor",
        question="Which loss E is differentiated (factor 1/2 or not; sum or mean over samples), "
        "and is the printed metric that loss?",
        spec_choice="E is stated explicitly as one catalog loss (half_sse, sse, mse, bce, "
        "cross_entropy in spec.losses: a factor c times a sum over all N*K elements); delta and "
        "the gradients are exact derivatives of that E, and any printed metric is recorded "
        "separately from E.",
        per_seed=(
            ("000", "error = 0.5 * np.square(y - prediction) per sample and delta_o = "
             "(y - prediction) * d_activation(net_o) with no factor 2: each update differentiates "
             "the per-sample half squared error. Printed 'Error after epoch %d' is new_mse = "
             "np.mean(errors), the mean of those per-sample half squared errors over the epoch "
             "(each taken before that sample's update)."),
            ("001", "The text's error is (output - target) ** 2, and the printed 'Error: E' is the "
             "epoch's sum of (o - t)^2 accumulated before each update; but delta_o = o - t has no "
             "factor 2, so the differentiated loss is the per-sample half squared error. The "
             "printed metric is twice the sum of the differentiated per-sample losses."),
            ("002", "d_weights use 2*(self.y - self.output): the gradient of the summed squared "
             "error sum (y - output)^2 with its factor 2 and no 1/2, summed (not averaged) over the "
             "4 samples. Nothing is printed during training; only the final predictions."),
            ("003", "Differentiated loss: full-batch summed half SSE, 1/2 sum (l2 - y)^2 (no factor "
             "2, no 1/N). Printed metric: np.mean(np.abs(l2_error)), the mean absolute error "
             "('Error:' in Part 1 and the 'closer look', 'Error after j iterations:' in the alpha "
             "sweep and hidden-size variant). The 2-layer nets print only the trained outputs."),
            ("004", "loss(y, t) = -np.mean(t*np.log(y) + (1-t)*np.log(1-y)): mean binary "
             "cross-entropy (bce). grad_output = y - t is the per-sample derivative "
             "dxi_i/dz_o; the 1/N enters because the per-sample steps are averaged in the update. "
             "Printed: 'final loss is {:.2f} ...', the same mean cross-entropy."),
        ),
    ),
    Convention(
        name="prime_of",
        question="Does the activation derivative take the pre-activation z or the activation "
        "a = g(z)?",
        spec_choice="g_l'(Z_l): the derivative is a function of the pre-activation Z_l.",
        per_seed=(
            ("000", "d_activation(net_o) and d_activation(net_h) take the pre-activation; "
             "d_activation(x) = activation(x) * (1 - activation(x)) recomputes the sigmoid. "
             "Matches the spec."),
            ("001", "The original program: delta_h = (delta_o W_ho^T) * relu'(h), i.e. applied to the "
             "activation h; the text's reluDeriv returns 1 iff A * w_ih (the pre-activation) is "
             "greater than zero. Both agree when relu'(0) = 0, since h > 0 exactly when z > 0. The "
             "output is linear, so no derivative is taken there."),
            ("002", "sigmoid_derivative(x) = x * (1.0 - x) is called on self.output and "
             "self.layer1: it takes the sigmoid's output a and returns a(1 - a) = g'(z)."),
            ("003", "nonlin(l2, deriv=True) / nonlin(l1, True) and "
             "sigmoid_output_to_derivative(layer_2) return x*(1-x) of the sigmoid output, so they "
             "take a = g(z); nonlin(x) without deriv takes z. Same function name, different "
             "argument meaning."),
            ("004", "The RBF derivative is written -2 * zh * h: it uses both the pre-activation zh "
             "and the activation h = rbf(zh) (phi'(z) = -2 z phi(z)). The logistic's derivative is "
             "never formed on its own: grad_output = y - t is the combined logistic + "
             "cross-entropy derivative with respect to z_o."),
        ),
    ),
    Convention(
        name="bias",
        question="Is the bias a separate vector, a constant input column folded into W, or absent?",
        spec_choice="A separate vector b_l of shape (n_l,), added to every row of A_(l-1) W_l in "
        "Z_l = A_(l-1) W_l + b_l, with dE/db_l the column sums of delta_l.",
        per_seed=(
            ("000", "Separate vectors: b_h = np.random.randn(1, n_hidden) and "
             "b_o = np.random.rand(1, 1), added in net_h = x.dot(W_ih) + b_h and "
             "net_o = out_h.dot(W_ho) + b_o, updated with b_o += learning_rate * delta_o and "
             "b_h += learning_rate * delta_h."),
            ("001", "None: the original program has no biases in either layer."),
            ("002", "Constant input column: X = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]], so row 3 of "
             "weights1 acts as the hidden layer's bias; the output layer has no bias."),
            ("003", "Constant input column: X = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]] in the Part 1 "
             "nets and the Part 2 short net, sweep, closer look and hidden-size variant, so row 3 of "
             "syn0/synapse_0 is the hidden bias (the output bias in the Part 1 2-layer net); the "
             "3-layer nets' output layer has no bias. The Part 2 2-layer net's X "
             "([[0,1],[0,1],[1,0],[1,0]]) has no constant column, so no bias. 'Bias Units' is "
             "listed under Future Work."),
            ("004", "Output bias only: y = logistic(h + bo) with scalar bo and no output weight; "
             "the hidden unit has no bias (zh = x * wh)."),
        ),
    ),
    Convention(
        name="layout",
        question="Are samples rows and weights (n_in, n_out), used as x @ W?",
        spec_choice="Row layout: X (N, n_0), W_l (n_(l-1), n_l), Z_l = A_(l-1) W_l + b_l.",
        per_seed=(
            ("000", "Row layout, one sample at a time: x = np.reshape(x, (1, 2)), "
             "net_h = x.dot(W_ih) + b_h with W_ih (2, n_hidden) and W_ho (n_hidden, 1); "
             "W_ho += learning_rate * delta_o * out_h.T is the (n_hidden, 1) outer product."),
            ("001", "Row layout: h = relu(x W_ih), o = h W_ho with W_ih 2x3 (two rows of three) and "
             "W_ho 3x1 in the original program; the text's scalar formulas use single weights w_ih, w_ho."),
            ("002", "Row layout: np.dot(self.input, self.weights1) with weights1 "
             "np.random.rand(3, 4) and weights2 np.random.rand(4, 1); X is (4, 3), Y is (4, 1)."),
            ("003", "Row layout: np.dot(l0, syn0), syn0 (3, 4), syn1 (4, 1); X is (4, 3) and y is "
             "(4, 1) (built as a row and transposed with .T in the 2-layer net); the prose works "
             "the shapes: (4 x 3) dot (3 x 1) = (4 x 1)."),
            ("004", "Scalars: x and t are (N, 1) columns (N = 40: 20 + 10 + 10 samples), wh and bo are "
             "Python floats, zh = x * wh is elementwise (a 1x1 weight)."),
        ),
    ),
    Convention(
        name="update",
        question="Full batch or per sample; in what order are the gradients computed and applied; "
        "what learning rate?",
        spec_choice="Full batch: forward pass, all deltas and gradients from the current weights, "
        "then W_l -= eta * dE/dW_l and b_l -= eta * dE/db_l for every layer.",
        per_seed=(
            ("000", "Per sample, in data order, every epoch (no shuffling): W_ho and b_o are updated, "
             "then delta_h is computed with the already-updated W_ho, then W_ih and b_h. "
             "learning_rate = 0.1, halved when the epoch's MSE rises after epoch 20, floored at "
             "1e-6."),
            ("001", "Per sample, in data order, alpha = 0.2, 60 epochs: delta_h is computed with "
             "W_ho before its update, then W_ho -= ..., then W_ih -= ... (the original program)."),
            ("002", "Full batch: feedforward(), then d_weights2 and d_weights1 are both computed "
             "before self.weights1 += ... and self.weights2 += ...; learning_rate = 0.1; "
             "nn.train(10000) (the prose says 1500 epochs)."),
            ("003", "Full batch: l2_delta and l1_delta (which uses syn1 before its update) are "
             "computed, then syn1 += ..., then syn0 += ...; Part 1 has no learning rate (eta = 1). "
             "Part 2: synapse_1 -= alpha * ..., then synapse_0 -= alpha * ... with alpha in "
             "[0.001, 0.01, 0.1, 1, 10, 100, 1000] (sweep, closer look, hidden-size variant), "
             "alpha = 0.5 in the short net, no alpha (eta = 1) in the 2-layer net. 60000 iterations "
             "for the 3-layer nets, 10000 for the 2-layer nets."),
            ("004", "Full batch: one forward pass, per-sample d_bo and d_wh (already multiplied by "
             "learning_rate), then wh = float(np.mean(wh - d_wh)) and "
             "bo = float(np.mean(bo - d_bo)); learning_rate = 2.0; 20 iterations in the code "
             "(the prose says 50)."),
        ),
    ),
)


# ------------------------------------------------------------------------ notation

def _n(seed_key: str, variable: str, symbol: str, meaning: str) -> Notation:
    return Notation(seed=seed_key, variable=variable, symbol=symbol, meaning=meaning)


NOTATION: tuple[Notation, ...] = (
    # ---- 000: per-sample XOR net with biases
    _n("000", "inputs", "X",
       "All 200 inputs, (200, 2): corners of [0,1]^2 from randint plus randn/10 noise."),
    _n("000", "targets", "T",
       "All targets, a 1-D int array of length 200 from get_target on the noisy inputs."),
    _n("000", "x", "A_0",
       "One sample's input reshaped to (1, 2): one row of X."),
    _n("000", "y", "T",
       "The current sample's target (a scalar), not the network output."),
    _n("000", "W_ih", "W_1", "Input-to-hidden weights, (2, n_hidden), from randn."),
    _n("000", "W_ho", "W_2", "Hidden-to-output weights, (n_hidden, 1), from rand (uniform)."),
    _n("000", "b_h", "b_1", "Hidden bias, (1, n_hidden), from randn."),
    _n("000", "b_o", "b_2", "Output bias, (1, 1), from rand (uniform)."),
    _n("000", "net_h", "Z_1", "Hidden pre-activation of the current sample, (1, n_hidden)."),
    _n("000", "out_h", "A_1", "Hidden activation activation(net_h), (1, n_hidden)."),
    _n("000", "net_o", "Z_2", "Output pre-activation of the current sample, (1, 1)."),
    _n("000", "prediction", "Y", "Network output activation(net_o) = A_2 for the current sample."),
    _n("000", "error", "E",
       "Per-sample loss 0.5*(y - prediction)^2, the loss each per-sample update differentiates."),
    _n("000", "errors", "(E_i)_{i=1}^{N}",
       "List of the epoch's per-sample losses, each taken before that sample's update."),
    _n("000", "mse", "\\frac{1}{N}\\sum_i E_i",
       "Previous epoch's mean of per-sample half squared errors (inf before epoch 1); used by the "
       "halving and stopping rules."),
    _n("000", "new_mse", "\\frac{1}{N}\\sum_i E_i",
       "This epoch's np.mean(errors); weights change during the epoch, so it is not the loss of one "
       "weight setting. Printed when epoch % 10 == 1."),
    _n("000", "delta_o", "-\\delta_2",
       "(y - prediction) * d_activation(net_o) = -dE/dZ_2 for the per-sample half squared error."),
    _n("000", "delta_h", "-\\delta_1",
       "d_activation(net_h) * W_ho.T * delta_o: -dE/dZ_1 except that W_ho was already updated for "
       "this sample, so it is not the exact gradient."),
    _n("000", "learning_rate", "\\eta", "Starts at 0.1; halved by the halving rule, floor 1e-6."),
    _n("000", "activation", "g_l", "Sigmoid 1/(1+exp(-x)), used in both layers."),
    _n("000", "d_activation", "g'(Z_l)",
       "activation(x)*(1-activation(x)), called with the pre-activation (net_o, net_h)."),
    _n("000", "n_hidden", "n_1", "Number of hidden units (columns of W_1), 2."),
    # ---- 001: Tom Martin, ReLU XOR (names of the JavaScript program and of the text)
    _n("001", "x", "A_0", "One sample's input row, from [[0,0],[0,1],[1,0],[1,1]]."),
    _n("001", "t", "T", "The current sample's target (targets [0,1,1,0])."),
    _n("001", "W_ih", "W_1",
       "Input-to-hidden weights, 2x3, fixed initial values [[0.96003, 0.77081, 0.81631], [0.14657, 0.66646, -0.03392]]."),
    _n("001", "W_ho", "W_2",
       "Hidden-to-output weights, 3x1, fixed initial values [[0.70935], [-0.94073], [0.44186]]."),
    _n("001", "h", "A_1", "Hidden activation relu(x W_ih)."),
    _n("001", "o", "Y", "Output h W_ho; the output is linear, so also Z_2 = A_2."),
    _n("001", "relu", "g_1", "Hidden activation max(0, z); the output layer has none."),
    _n("001", "relu′", "g_1'(Z_1)",
       "ReLU derivative as the program applies it, to h (the activation); equals g_1'(Z_1) "
       "when relu'(0) = 0."),
    _n("001", "δ_o", "\\delta_2",
       "o - t (no factor 2): dE/dZ_2 for the per-sample half squared error."),
    _n("001", "δ_h", "\\delta_1",
       "(δ_o W_ho^T) * relu'(h), with W_ho before its update: dE/dZ_1 for the per-sample loss."),
    _n("001", "α", "\\eta", "Learning rate 0.2."),
    _n("001", "alpha", "\\eta", "The text's name for the learning rate ('usually referred to as alpha')."),
    _n("001", "A", "X_{i1}", "The text's first input value of a sample."),
    _n("001", "B", "X_{i2}", "The text's second input value of a sample."),
    _n("001", "H", "(A_1)_{ij}", "The text's activation of one hidden node, relu([A, B] . [w_ih_A, w_ih_B])."),
    _n("001", "O", "Y", "The text's output node value H * w_ho."),
    _n("001", "w_ih", "(W_1)_{jk}", "The text's single input-to-hidden weight."),
    _n("001", "w_ho", "(W_2)_{k1}", "The text's single hidden-to-output weight."),
    _n("001", "reluDeriv", "g_1'(Z_1)",
       "The text's ReLU derivative: 1 iff A * w_ih (the pre-activation) > 0, else 0."),
    _n("001", "error", "2E",
       "The text's (output - target) ** 2 per sample: twice the per-sample half squared error E "
       "that the updates differentiate. The printed 'Error: E' is its sum over an epoch."),
    _n("001", "derivative", "\\frac{\\partial E}{\\partial W_2}",
       "The text's 'derivative ~ H * (O - target)' for w_ho; written with '~', i.e. up to a "
       "constant factor (exact for the half squared error, half of the derivative of (O - target)^2)."),
    # ---- 002: CodeSignal NeuralNetwork class
    _n("002", "X", "X",
       "Input (4, 3): XOR inputs plus a constant third column 1 that acts as the bias."),
    _n("002", "Y", "T",
       "Targets [[0],[1],[1],[0]]. Note: 002's Y is the target, not the spec's output Y."),
    _n("002", "input", "A_0", "self.input = x, the (4, 3) input."),
    _n("002", "y", "T", "self.y, the targets."),
    _n("002", "weights1", "W_1",
       "np.random.rand(3, 4), uniform [0,1); its third row acts as b_1."),
    _n("002", "weights2", "W_2", "np.random.rand(4, 1), uniform [0,1)."),
    _n("002", "layer1", "A_1", "self.layer1 = sigmoid(np.dot(self.input, self.weights1))."),
    _n("002", "output", "Y",
       "self.output = sigmoid(np.dot(self.layer1, self.weights2)) = A_2 (zeros until the first "
       "feedforward)."),
    _n("002", "d_weights2", "-\\frac{\\partial E}{\\partial W_2}",
       "np.dot(self.layer1.T, 2*(self.y - self.output) * sigmoid_derivative(self.output)) for "
       "E = summed squared error (factor 2 kept, no 1/2, no learning rate)."),
    _n("002", "d_weights1", "-\\frac{\\partial E}{\\partial W_1}",
       "np.dot(self.input.T, np.dot(2*(y - output)*sigmoid_derivative(output), weights2.T) * "
       "sigmoid_derivative(layer1)), same E, computed with weights2 before its update."),
    _n("002", "learning_rate", "\\eta", "0.1 (constructor default)."),
    _n("002", "sigmoid", "g_l", "1.0/(1+np.exp(-x)), both layers."),
    _n("002", "sigmoid_derivative", "g'(Z_l)",
       "x * (1.0 - x): takes the sigmoid's output A_l and returns g'(Z_l)."),
    # ---- 003: Trask, Part 1
    _n("003", "X", "X",
       "Input (4, 3) with constant third column in Part 1 and most Part 2 listings; (4, 2) "
       "[[0,1],[0,1],[1,0],[1,0]] in the Part 2 2-layer net. The Part 2 copies lost the name."),
    _n("003", "y", "T",
       "Targets (4, 1): [0,0,1,1] in the 2-layer nets, [0,1,1,0] in the 3-layer nets."),
    _n("003", "l0", "A_0", "l0 = X."),
    _n("003", "l1", "A_1",
       "nonlin(np.dot(l0, syn0)): the hidden layer in the 3-layer net, the output Y in the 2-layer net."),
    _n("003", "l2", "A_2", "nonlin(np.dot(l1, syn1)), the output Y of the 3-layer net."),
    _n("003", "syn0", "W_1", "2*np.random.random((3,4)) - 1 ((3,1) in the 2-layer net)."),
    _n("003", "syn1", "W_2", "2*np.random.random((4,1)) - 1."),
    _n("003", "l2_error", "-\\frac{\\partial E}{\\partial A_2}",
       "y - l2 = T - Y, which is -dE/dA_2 for E = half SSE; its mean absolute value is printed."),
    _n("003", "l1_error", "-\\frac{\\partial E}{\\partial A_1}",
       "3-layer net: l2_delta.dot(syn1.T); 2-layer net: y - l1 (l1 is the output there). Both are "
       "-dE/dA_1 for E = half SSE."),
    _n("003", "l2_delta", "-\\delta_2",
       "l2_error*nonlin(l2,deriv=True) = (y - l2)*l2*(1-l2) = -dE/dZ_2 for E = half SSE."),
    _n("003", "l1_delta", "-\\delta_1",
       "l1_error * nonlin(l1,deriv=True): -dE/dZ_1 (in the 2-layer net, the output's -delta)."),
    _n("003", "nonlin", "g_l",
       "Sigmoid of x; with deriv=True returns x*(1-x), i.e. g'(Z) when given the output A = g(Z)."),
    # ---- 003: Trask, Part 2
    _n("003", "alpha", "\\eta",
       "Learning rate: one of alphas in the sweep, closer look and hidden-size variant; 0.5 in the "
       "short net."),
    _n("003", "alphas", "\\eta \\in \\{0.001, 0.01, 0.1, 1, 10, 100, 1000\\}",
       "The swept learning rates; np.random.seed(1) is called again for each."),
    _n("003", "hidden_dim", "n_1", "Hidden width 4 in the Part 2 short net."),
    _n("003", "hiddenSize", "n_1", "Hidden width 32 in the hidden-size variant."),
    _n("003", "sigmoid", "g_l", "1/(1+np.exp(-x)), both layers."),
    _n("003", "sigmoid_output_to_derivative", "g'(Z_l)",
       "output*(1-output): takes the sigmoid output A_l and returns g'(Z_l)."),
    _n("003", "synapse_0", "W_1",
       "2*np.random.random((3,4)) - 1 ((3,hiddenSize), (3,hidden_dim); (2,1) in the 2-layer net)."),
    _n("003", "synapse_1", "W_2", "2*np.random.random((4,1)) - 1 ((hiddenSize,1), (hidden_dim,1))."),
    _n("003", "layer_0", "A_0", "layer_0 = X."),
    _n("003", "layer_1", "A_1",
       "sigmoid(np.dot(layer_0, synapse_0)): hidden layer; the output Y in the Part 2 2-layer net."),
    _n("003", "layer_2", "A_2", "sigmoid(np.dot(layer_1, synapse_1)), the output Y."),
    _n("003", "layer_2_error", "\\frac{\\partial E}{\\partial A_2}",
       "layer_2 - y = Y - T = dE/dA_2 for E = half SSE (sweep, hidden-size variant). In the "
       "'closer look' listing (shown as '- layer_2', updates with +=) it is the negative."),
    _n("003", "layer_1_error", "\\frac{\\partial E}{\\partial A_1}",
       "layer_2_delta.dot(synapse_1.T) (sweep, hidden-size variant) or layer_1 - y (2-layer net, "
       "where layer_1 is the output): dE/dA_1. Negative of that in the 'closer look' listing."),
    _n("003", "layer_2_delta", "\\delta_2",
       "layer_2_error*sigmoid_output_to_derivative(layer_2) (short net: (layer_2 - y)*"
       "(layer_2*(1-layer_2))): dE/dZ_2 for E = half SSE. In the 'closer look' listing it is "
       "-delta_2."),
    _n("003", "layer_1_delta", "\\delta_1",
       "layer_1_error * sigmoid_output_to_derivative(layer_1): dE/dZ_1 (in the 2-layer net the "
       "output's delta). In the 'closer look' listing it is -delta_1."),
    _n("003", "synapse_0_derivative", "\\frac{\\partial E}{\\partial W_1}",
       "np.dot(layer_0.T, layer_1_delta) in the Part 2 2-layer net; applied as "
       "synapse_0 -= synapse_0_derivative (eta = 1)."),
    _n("003", "synapse_0_weight_update", "-\\frac{\\partial E}{\\partial W_1}",
       "'Closer look': layer_0.T.dot(layer_1_delta) with the flipped sign, applied as "
       "synapse_0 += alpha * synapse_0_weight_update (alpha not included)."),
    _n("003", "synapse_1_weight_update", "-\\frac{\\partial E}{\\partial W_2}",
       "'Closer look': layer_1.T.dot(layer_2_delta), applied as synapse_1 += alpha * ..."),
    _n("003", "prev_synapse_0_weight_update",
       "-\\frac{\\partial E}{\\partial W_1}\\Big|_{\\text{previous iteration}}",
       "'Closer look': the previous iteration's synapse_0_weight_update (zeros at the start)."),
    _n("003", "prev_synapse_1_weight_update",
       "-\\frac{\\partial E}{\\partial W_2}\\Big|_{\\text{previous iteration}}",
       "'Closer look': the previous iteration's synapse_1_weight_update (zeros at the start)."),
    _n("003", "synapse_0_direction_count",
       "\\#\\,\\text{sign flips of } \\frac{\\partial E}{\\partial W_1}",
       "'Closer look': per weight, how often (update > 0) changed between consecutive iterations "
       "(counted for j > 0)."),
    _n("003", "synapse_1_direction_count",
       "\\#\\,\\text{sign flips of } \\frac{\\partial E}{\\partial W_2}",
       "'Closer look': the same count for synapse_1."),
    # ---- 004: Roelants RBF network
    _n("004", "x", "X",
       "Inputs, an (N, 1) column (N = 40): 20 blue, 10 red left, 10 red right; also A_0."),
    _n("004", "t", "T", "Targets: 1 for blue, 0 for red."),
    _n("004", "wh", "W_1", "Hidden weight, a Python float (1x1); starts at 2.3."),
    _n("004", "bo", "b_2", "Output bias, a Python float; starts at 1.4. There is no b_1 and no W_2."),
    _n("004", "zh", "Z_1", "zh = x * wh."),
    _n("004", "h", "A_1", "h = rbf(zh)."),
    _n("004", "zo", "Z_2", "Argument of logistic: zo = h + bo (no output weight)."),
    _n("004", "y", "Y",
       "Network output logistic(h + bo) = A_2. Note: 004's y is the output; its target is t."),
    _n("004", "rbf", "g_1", "exp(-zh**2); derivative -2 z exp(-z^2), written -2 * zh * h."),
    _n("004", "logistic", "g_2", "1. / (1. + np.exp(-zo))."),
    _n("004", "grad_output", "N\\,\\delta_2",
       "y - t: per-sample dxi_i/dz_o. For E = mean cross-entropy, delta_2 = (Y - T)/N."),
    _n("004", "grad_hidden", "N\\,\\delta_2",
       "Parameter of gradient_weight_hidden, which returns x * -2 * zh * h * grad_hidden; the "
       "program computes d_wh = lr*x*(-2)*zh*h*grad_output, so it receives grad_output, not the "
       "hidden delta."),
    _n("004", "d_bo", "\\eta N \\delta_2",
       "learning_rate * grad_output, per sample; its mean is eta * dE/db_2."),
    _n("004", "d_wh", "\\eta N (A_0 \\odot \\delta_1)",
       "learning_rate * x * -2 * zh * h * grad_output, per sample (includes the learning rate); "
       "its mean is eta * dE/dW_1, taken later in the update."),
    _n("004", "learning_rate", "\\eta", "2.0; called mu in the prose."),
    _n("004", "loss", "E", "-np.mean(t*log(y) + (1-t)*log(1-y)): mean binary cross-entropy."),
    _n("004", "final_loss", "E", "loss_for_param(x, wh, bo, t) after training; printed with 2 decimals."),
)


# -------------------------------------------------------------------------- quirks

QUIRKS: tuple[Quirk, ...] = (
    # ---- 000
    Quirk("000", "No random seed",
          "The original calls no np.random.seed, so a reproduction must choose one. The prose's "
          "figures (about 500 epochs, an MSE of 0.007 after 80 epochs) cannot be matched exactly."),
    Quirk("000", "Order of random draws",
          "randint(0, 2, (200, 2)), then randn(200, 2)/10 noise, then W_ih = randn(2, n_hidden), "
          "W_ho = rand(n_hidden, 1), b_h = randn(1, n_hidden), b_o = rand(1, 1). W_ho and b_o are "
          "uniform, W_ih and b_h normal."),
    Quirk("000", "Targets come from the noisy inputs",
          "get_target is applied after the noise is added, with thresholds at 0.5, so a point the "
          "noise pushes across 0.5 gets the label of where it landed."),
    Quirk("000", "delta_h uses the already-updated W_ho",
          "W_ho and b_o are updated before delta_h = d_activation(net_h) * W_ho.T * delta_o is "
          "computed, so the hidden update is not the true gradient of the per-sample loss."),
    Quirk("000", "Per-sample updates in fixed order",
          "Each epoch loops over zip(inputs, targets) in the same order (no shuffling) and updates "
          "after every sample."),
    Quirk("000", "Halving rule",
          "If new_mse > mse and epoch > 20, learning_rate is halved and then floored at 1e-6; "
          "mse is the previous epoch's value. The check runs before the stopping check."),
    Quirk("000", "Stopping rules",
          "The loop runs while mse > 1e-6 and epoch < 2000, and breaks when 0 < mse - new_mse < 1e-6 "
          "(mse and epoch are then not updated). 'Finished training after %d epochs' prints epoch, "
          "which is 2000 after 1999 epochs if the loop runs out."),
    Quirk("000", "Printed MSE mixes weight settings",
          "new_mse = np.mean(errors) averages per-sample half squared errors, each computed before "
          "that sample's update, so it is not the loss of any one set of weights. It is printed "
          "when epoch % 10 == 1."),
    Quirk("000", "Misclassifications use pre-update outputs",
          "label = 1 if prediction > 0.5 else 0 is compared with y before the sample's update, and "
          "the final message reports the last epoch's count as a percentage."),
    Quirk("000", "Prose delta is the negative of the spec's",
          "The prose writes delta_k = (y - y_hat) g'(net_k) and de/dw = -delta_k o_j, and says the "
          "code cancels the minus signs. It also names both hidden neurons j."),
    Quirk("000", "Copy lost indentation; Python 2",
          "The copy's code has no indentation, so block structure must be read from context; it "
          "uses Python 2 print statements."),
    # ---- 001
    Quirk("001", "Original is JavaScript",
          "The original program is JavaScript using numjs and the copy contains none of its code; "
          "its code-level facts (fixed weights, update order, 60 epochs, alpha 0.2) are stated in "
          "these conventions, notation and quirks."),
    Quirk("001", "Printed error is not the differentiated loss",
          "The printed 'Error: E' sums (o - t)^2 over the epoch, accumulated before each update, "
          "while delta_o = o - t has no factor 2 and so differentiates the half squared error."),
    Quirk("001", "delta_h uses W_ho before its update",
          "Unlike 000, delta_h is computed with W_ho before W_ho -= alpha h^T delta_o; then W_ho is "
          "updated, then W_ih."),
    Quirk("001", "ReLU derivative of h",
          "The program applies relu' to h (the activation), the text's reluDeriv tests the "
          "pre-activation A * w_ih > 0; they agree only if relu'(0) is taken as 0."),
    Quirk("001", "Fixed initial weights, no RNG",
          "W_ih = [[0.96003, 0.77081, 0.81631], [0.14657, 0.66646, -0.03392]] and W_ho = [[0.70935], [-0.94073], [0.44186]]; there is no random draw."),
    Quirk("001", "Linear output and no biases",
          "o = h W_ho has no output activation, and neither layer has a bias."),
    Quirk("001", "Text derivatives drop constants",
          "The text writes 'derivative ~ H * (O - target)' with '~', omitting the factor 2 of "
          "its own error (output - target) ** 2."),
    Quirk("001", "Print schedule",
          "It prints 'Error: E' after epochs 10, 20, ..., 60, E being that epoch's summed squared "
          "error."),
    # ---- 002
    Quirk("002", "Prose says 1500 epochs, code 10000",
          "The prose says the network is trained over 1500 epochs; the code calls nn.train(10000)."),
    Quirk("002", "No random seed",
          "weights1 = np.random.rand(3, 4) and weights2 = np.random.rand(4, 1) are drawn with no "
          "seed, so a reproduction must choose one."),
    Quirk("002", "sigmoid_derivative expects the output",
          "sigmoid_derivative(x) returns x * (1.0 - x) and is called on self.output and "
          "self.layer1; passing a pre-activation gives the wrong value."),
    Quirk("002", "Factor 2 kept",
          "The gradient 2*(self.y - self.output) is that of the summed squared error, so a "
          "learning_rate of 0.1 is a step of 0.2 on the half SSE."),
    Quirk("002", "Y means the target",
          "002's Y and self.y are targets and self.output is the network output, whereas the "
          "spec's Y is the output."),
    Quirk("002", "Bias only in the hidden layer",
          "The constant third column of X gives the hidden layer a bias through weights1; the "
          "output layer has none."),
    Quirk("002", "Both gradients before either update",
          "d_weights2 and d_weights1 are both computed from the current weights, then weights1 "
          "and weights2 are updated (in that order, which does not matter)."),
    Quirk("002", "Prose formula does not fix the sign",
          "The prose gives Delta w_ij = eta * e_j * x_i with e_j described as the difference "
          "between predicted and actual output, without saying which is subtracted."),
    Quirk("002", "Garbled math in the copy",
          "Rendered formulas were extracted twice, e.g. 'sigmoid(x)=11+ex'; the code lines are "
          "the reliable source."),
    # ---- 003
    Quirk("003", "Closer-look listing shows '- layer_2'",
          "In the 'closer look' copy the line reads layer_2_error = - layer_2 (the y was dropped "
          "in extraction) and the updates use +=, i.e. the Part 1 sign y - layer_2. The sweep and "
          "hidden-size listings show layer_2_error = layer_2 - y with -=."),
    Quirk("003", "Other names lost in Part 2 listings",
          "The Part 2 copies show '= np.array(...)' with X and y missing, 'for in xrange(60000)' "
          "with j missing, and 'if (j% 10000== 0:' with a parenthesis missing."),
    Quirk("003", "Printed metric is mean absolute error",
          "The 'Error:' / 'Error after j iterations:' lines print np.mean(np.abs(l2_error)), not "
          "the half SSE that the updates differentiate."),
    Quirk("003", "Large alphas are chaotic",
          "For alpha >= 100 the trajectory is chaotic and its last digits depend on the order in "
          "which the linear-algebra library sums the products."),
    Quirk("003", "nonlin(x, deriv=True) expects the sigmoid output",
          "nonlin(x, deriv=True) returns x*(1-x) and is called on l1, l2 (sigmoid outputs); "
          "without deriv the same function takes the pre-activation."),
    Quirk("003", "Seed reset per alpha",
          "The sweep, closer look and hidden-size variant call np.random.seed(1) inside the alpha "
          "loop, so each alpha starts from the same weights (synapse_0 drawn before synapse_1)."),
    Quirk("003", "No seed in the short listings",
          "Neither 'Just Give Me The Code' listing calls np.random.seed; the Part 2 one uses "
          "alpha, hidden_dim = (0.5, 4)."),
    Quirk("003", "Sign convention changes between Part 1 and Part 2",
          "Part 1 uses y - l2 with +=, Part 2 (except the closer look) layer_2 - y with -=; the "
          "prose says alpha = 1 'had the exact convergence as if we had no alpha at all'."),
    Quirk("003", "Same name, different layer",
          "In the 2-layer nets l1 / layer_1 is the output and l1_error / layer_1_error the output "
          "error; in the 3-layer nets they are the hidden layer and the backpropagated error."),
    Quirk("003", "Part 2 2-layer net uses different data",
          "X = [[0,1],[0,1],[1,0],[1,0]] (no constant column), y = [0,0,1,1], synapse_0 is (2, 1), "
          "and it steps synapse_0 -= synapse_0_derivative without alpha for 10000 iterations."),
    Quirk("003", "Table order differs from code order",
          "Part 1's input/output table lists the rows in a different order than the 2-layer net's "
          "X and y; the code order is the one the program uses."),
    Quirk("003", "Prose and code disagree on the error's direction",
          "The Line 32 explanation says it subtracts the true answer (y) from the guess (l1), but "
          "the code computes l1_error = y - l1."),
    Quirk("003", "Sums, not means",
          "The full-batch gradients sum over the 4 samples (no 1/N), so the alpha values are "
          "relative to summed gradients."),
    Quirk("003", "Closer look counts update sign flips",
          "For j > 0 it adds |(update > 0) - (previous update > 0)| per weight, using the update "
          "before the alpha scaling, and prints the synapse matrices and the counts; the copy "
          "garbles the parentheses of these lines."),
    Quirk("003", "Python 2",
          "All listings use xrange and print statements."),
    # ---- 004
    Quirk("004", "Code runs 20 iterations, prose says 50",
          "The prose shows 'backpropagation for 50 iterations', while the code runs 20 "
          "(nb_of_iterations = 20); the copy does not show that value."),
    Quirk("004", "Mean of differences is not difference of means",
          "The update is wh = float(np.mean(wh - d_wh)) and bo = float(np.mean(bo - d_bo)), "
          "which is not bitwise equal to wh - mean(d_wh)."),
    Quirk("004", "No output weight",
          "y = logistic(rbf(x * wh) + bo): the hidden activation enters the output unchanged, and "
          "the hidden unit has no bias."),
    Quirk("004", "y is the output, t the target",
          "Unlike 000, 002 and 003, where y is the target, 004's y is the network output."),
    Quirk("004", "grad_hidden receives the output gradient",
          "gradient_weight_hidden returns x * -2 * zh * h * grad_hidden, which already contains "
          "the RBF derivative; the program's d_wh = lr*x*(-2)*zh*h*grad_output shows it is fed "
          "grad_output."),
    Quirk("004", "Data generation missing from the copy",
          "The program calls np.random.seed(4), then three randn(., 1) * 0.5 + mean draws: 20 blue (mean 0), "
          "10 red (mean -2), 10 red (mean +2), stacked in that order; t is 1 for blue."),
    Quirk("004", "Gradient code missing from the copy",
          "The bodies of gradient_bias_out and gradient_hidden and the lines computing "
          "grad_output, d_bo and d_wh in backprop_update were dropped (their comments remain); "
          "the program computes grad_output = y - t, d_bo = learning_rate * grad_output and "
          "d_wh = learning_rate * x * -2 * zh * h * grad_output."),
    Quirk("004", "Per-sample terms include the learning rate",
          "d_bo and d_wh are per-sample arrays already multiplied by learning_rate; the mean over "
          "samples is taken only in the update."),
    Quirk("004", "Learning rate called mu",
          "The prose writes the step as mu * dxi/dw_h; the code's learning_rate is 2.0."),
    Quirk("004", "Fixed start despite the comment",
          "wh = 2.3 and bo = 1.4 are marked '# Randomly decided' but are constants."),
    Quirk("004", "Shown output",
          "The copy shows 'final loss is 0.52 for weights wh=1.12 and bo=-0.44'."),
)
