"""The faithful trainers: one entry per seed program, with what ``list`` shows.

Each :class:`Trainer` names its seed document (a key of ``spec.conventions.SEEDS``),
its network, the loss it differentiates, its conventions, the command-line options
it accepts (with their defaults), the function that runs it and the function that
configures the generic network the same way (:mod:`reference.equivalents`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from deltaspec.reference.trainers import class_xor, equivalents, per_sample, relu_xor, roelants, trask
from deltaspec.reference.trainers.trajectory import Run

OPTIONS = ("seed", "epochs", "alpha", "hidden", "faithful")


@dataclass(frozen=True)
class Trainer:
    """One faithful trainer.

    ``run(**options, record=k)`` returns a :class:`~reference.trajectory.Run`;
    ``generic(**options)`` an :class:`~reference.equivalents.Equivalent`. ``defaults``
    maps each accepted option to its default (None: absent unless given).
    """

    name: str
    seed: str
    program: str
    network: str
    loss: str
    conventions: str
    defaults: dict = field(default_factory=dict)
    run: Callable[..., Run] = None
    generic: Callable[..., equivalents.Equivalent] = None

    @property
    def options(self) -> tuple[str, ...]:
        """The command-line options this trainer takes."""
        return tuple(self.defaults)


def _three_layer(seed=1, epochs=60000, alpha=None, hidden=None, record=0) -> Run:
    """Part 1's net; with ``alpha`` Part 2's net for that alpha (``hidden`` units,
    default 4); with only ``hidden`` Part 2's whole alpha sweep at that size."""
    if alpha is None and hidden is None:
        return trask.three_layer(seed, epochs, record)
    if alpha is None:
        return trask.alpha_sweep(trask.ALPHAS, hidden, seed, epochs, record)
    return trask.alpha_run(alpha, 4 if hidden is None else hidden, seed, epochs, record)


def _three_layer_generic(seed=1, epochs=None, alpha=None, hidden=None) -> equivalents.Equivalent:
    if alpha is None and hidden is not None:
        raise ValueError("the alpha sweep runs several networks; give --alpha to pick one")
    return equivalents.three_layer(seed, alpha, 4 if hidden is None else hidden)


def _drop_epochs(factory):
    """A generic factory that ignores ``epochs`` (the equivalence is per step)."""

    def generic(epochs=None, **options):
        return factory(**options)

    generic.__doc__ = factory.__doc__
    return generic


TRAINERS: tuple[Trainer, ...] = (
    Trainer(
        name="eleven-line",
        seed="003",
        program="Part 1, 'Just Give Me The Code' (11 lines; no seed, prints nothing)",
        network="3-4-1 sigmoid, no biases (X's constant third column acts as the hidden bias)",
        loss="half_sse summed over the batch; XOR targets",
        conventions="error y - l2 with +=; g'(a) = a(1 - a) of the output; full batch; learning rate 1; "
        "60000 iterations; legacy np.random.seed(seed), syn0 then syn1",
        defaults={"seed": 1, "epochs": 60000},
        run=trask.eleven_line,
        generic=_drop_epochs(equivalents.eleven_line),
    ),
    Trainer(
        name="two-layer",
        seed="003",
        program="Part 1, 2-layer neural network",
        network="3-1 sigmoid, no bias vector (X's constant column acts as the bias)",
        loss="half_sse summed over the batch; targets [0,0,1,1]",
        conventions="error y - l1 with +=; g'(a) = a(1 - a); full batch; learning rate 1; 10000 iterations; "
        "np.random.seed(1); prints the trained outputs",
        defaults={"seed": 1, "epochs": 10000},
        run=trask.two_layer,
        generic=_drop_epochs(equivalents.two_layer),
    ),
    Trainer(
        name="three-layer",
        seed="003",
        program="Part 1, 3-layer neural network; with --alpha/--hidden Part 2's alpha sweep "
        "(--hidden alone: the whole sweep)",
        network="3-4-1 sigmoid, no biases (3-H-1 with --hidden H)",
        loss="half_sse summed over the batch; XOR targets; prints the mean absolute error",
        conventions="Part 1: error y - l2 with +=, learning rate 1; Part 2: error layer_2 - y with "
        "-= alpha; g'(a) = a(1 - a); full batch; 60000 iterations, printing every 10000; "
        "np.random.seed(1) before each run",
        defaults={"seed": 1, "epochs": 60000, "alpha": None, "hidden": None},
        run=_three_layer,
        generic=_three_layer_generic,
    ),
    Trainer(
        name="rbf",
        seed="004",
        program="RBF hidden unit with logistic output, backprop_update",
        network="1-1-1: rbf hidden unit (weight wh, no bias); logistic output with bias bo, no weight",
        loss="bce (mean cross-entropy)",
        conventions="grad_output = y - t with -=; per-sample steps averaged (wh = mean(wh - d_wh)); "
        "learning rate 2.0; start wh = 2.3, bo = 1.4; 20 iterations (the prose says 50); data "
        "from np.random.seed(4)",
        defaults={"seed": roelants.DATA_SEED, "epochs": 20},
        run=roelants.train,
        generic=_drop_epochs(equivalents.rbf_net),
    ),
    Trainer(
        name="per-sample-bias",
        seed="000",
        program="full XOR training program (200 noisy points)",
        network="2-2-1 sigmoid with bias vectors b_h, b_o",
        loss="half_sse per sample; prints the epoch's mean of it",
        conventions="error y - prediction with +=; g' of the pre-activation; per-sample updates, "
        "learning rate 0.1 halved when the MSE rises after epoch 20 (floor 1e-6); stops when the "
        "MSE improves by less than 1e-6 or at epoch 2000; default: delta_h with W_ho from before "
        "its update (corrected); --faithful: the original's already-updated W_ho",
        defaults={"seed": 1, "epochs": per_sample.MAX_EPOCHS, "faithful": False},
        run=per_sample.train,
        generic=_drop_epochs(equivalents.per_sample_net),
    ),
    Trainer(
        name="relu-xor",
        seed="001",
        program="ReLU XOR net (JavaScript original, written in NumPy)",
        network="2-3-1, relu hidden layer, linear output, no biases, fixed initial weights",
        loss="half_sse per sample (delta_o = o - t); prints the epoch's summed (o - t)^2",
        conventions="delta = +dE/dz with -=; relu' of the output h; per-sample updates, alpha 0.2; "
        "delta_h with W_ho before its update; 60 epochs, printing every 10th",
        defaults={"epochs": 60},
        run=relu_xor.train,
        generic=_drop_epochs(equivalents.relu_net),
    ),
    Trainer(
        name="class-xor",
        seed="002",
        program="NeuralNetwork class trained on XOR",
        network="3-4-1 sigmoid, no bias vectors (X's constant third column acts as the hidden bias)",
        loss="sse (the gradient keeps its factor 2), summed over the batch",
        conventions="error 2(y - output) with +=; sigmoid_derivative of the output; full batch; both "
        "gradients before either update; learning rate 0.1; 10000 epochs (--epochs 1500: the "
        "prose's figure); np.random.seed(seed) before rand(3, 4), rand(4, 1)",
        defaults={"seed": 1, "epochs": 10000},
        run=class_xor.train,
        generic=_drop_epochs(equivalents.class_xor_net),
    ),
)

_BY_NAME = {t.name: t for t in TRAINERS}


def names() -> tuple[str, ...]:
    """The trainers' names, in listing order."""
    return tuple(_BY_NAME)


def get(name: str) -> Trainer:
    """The trainer called ``name``; a one-line ValueError if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown trainer {name!r}; known: {', '.join(_BY_NAME)}") from None
