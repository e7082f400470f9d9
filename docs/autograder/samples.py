"""Sample submissions for trying an autograder setup end to end.

    python docs/autograder/samples.py DIR      # writes DIR/<one submission per entry>

The sample assignment (``docs/autograder/weights.toml``) asks for a sigmoid output layer
trained on the mean squared error: ``sigmoid``, ``sigmoid_prime``, ``mse``, ``mse_prime``,
``output_delta``, ``hidden_delta`` and ``forward``. The submissions:

| entry | what it is | expected |
|---|---|---|
| ``correct.py`` | a correct solution | full marks |
| ``partial.py`` | ``mse_prime`` forgets the factor 2 | partial: mse_prime fails |
| ``syntax_error.py`` | does not parse | 0, "SyntaxError ... line 3" |
| ``import_error.py`` | imports a module that is not installed | 0, "no module named ..." |
| ``exits_on_import.py`` | calls ``sys.exit`` when imported | 0, "called sys.exit(...)" |
| ``folder/`` | a folder with one ``.py`` file (the correct solution) | full marks |
| ``ambiguous/`` | two ``.py`` files, neither ``submission.py`` nor ``main.py`` | 0, "missing file" |
| ``empty/`` | no ``.py`` file | 0, "missing file" |
| ``hangs.py`` (``hang=True`` only) | loops forever on import | 0, timed out |

tests/test_autograder.py, tests/test_batch.py and benchmarks/bench_grading.py build
their sample directories with :func:`build`.
"""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

CORRECT = textwrap.dedent('''\
    """Sigmoid output layer with the mean squared error (the sample assignment)."""
    import numpy as np


    def sigmoid(z):
        e = np.exp(-np.abs(z))               # exp of a non-positive number: no overflow
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


    def sigmoid_prime(z):
        s = sigmoid(z)
        return s * (1 - s)


    def mse(y, t):
        return np.mean((y - t) ** 2)


    def mse_prime(y, t):
        return 2 * (y - t) / np.size(y)


    def output_delta(y, t, z, activation, loss):
        assert activation == "sigmoid" and loss == "mse"
        return mse_prime(y, t) * sigmoid_prime(z)


    def hidden_delta(delta_next, W_next, z, a, activation):
        assert activation == "sigmoid"
        return (delta_next @ W_next.T) * sigmoid_prime(z)


    def forward(params, X, activations):
        a = X
        for (W, b), act in zip(params, activations):
            assert act == "sigmoid"
            a = sigmoid(a @ W + (0 if b is None else b))
        return a
    ''')

PARTIAL = CORRECT.replace("return 2 * (y - t) / np.size(y)",
                          "return (y - t) / np.size(y)      # the slip: the factor 2 is missing") \
                 .replace("return mse_prime(y, t) * sigmoid_prime(z)",
                          "return 2 * (y - t) / np.size(y) * sigmoid_prime(z)")

SYNTAX_ERROR = "import numpy as np\n\ndef sigmoid(z)\n    return 1 / (1 + np.exp(-z))\n"
IMPORT_ERROR = "import numpy as np\nimport torchh  # a typo\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
EXITS_ON_IMPORT = "import sys\n\nprint('testing my code')\nsys.exit(1)\n"
HANGS = "while True:\n    pass\n"

EXPECTED = {  # entry -> (status, fraction of the points, words in the reason)
    "correct": ("graded", 1.0, ""),
    "partial": ("graded", None, ""),
    "syntax_error": ("load_error", 0.0, "SyntaxError"),
    "import_error": ("load_error", 0.0, "torchh"),
    "exits_on_import": ("load_error", 0.0, "sys.exit(1)"),
    "folder": ("graded", 1.0, ""),
    "ambiguous": ("missing", 0.0, "none named submission.py or main.py"),
    "empty": ("missing", 0.0, "no .py file"),
    "hangs": ("timeout", 0.0, "timed out"),
}


def build(directory, names=None, hang: bool = False) -> Path:
    """Write the sample submissions (all, or those in ``names``) into ``directory``."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    files = {"correct.py": CORRECT, "partial.py": PARTIAL, "syntax_error.py": SYNTAX_ERROR,
             "import_error.py": IMPORT_ERROR, "exits_on_import.py": EXITS_ON_IMPORT,
             "folder/network.py": CORRECT, "ambiguous/a.py": CORRECT, "ambiguous/b.py": PARTIAL,
             "empty/README.txt": "I could not finish the assignment.\n"}
    if hang:
        files["hangs.py"] = HANGS
    for rel, text in files.items():
        entry = rel.split("/")[0].removesuffix(".py")
        if names is not None and entry not in names:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/autograder/samples.py DIR")
    print(build(sys.argv[1]))
